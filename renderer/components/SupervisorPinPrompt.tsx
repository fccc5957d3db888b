import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import {
  backspaceSupervisorPin,
  cancelSupervisor,
  clearSupervisorPin,
  submitSupervisorPin,
  supervisorStore,
  typeSupervisorDigit,
} from '../state/supervisor';
import { PinPad } from './PinPad';
import { TouchButton } from './TouchButton';

/**
 * One prompt for every supervisor approval: the terminal asked for a supervisor, a supervisor
 * types their PIN here, and the same command goes again with it.
 */
export function SupervisorPinPrompt() {
  const t = useT();
  const open = useStore(supervisorStore, (s) => s.open);
  const method = useStore(supervisorStore, (s) => s.method);
  const pin = useStore(supervisorStore, (s) => s.pin);
  const problem = useStore(supervisorStore, (s) => s.problem);
  const busy = useStore(supervisorStore, (s) => s.busy);
  if (!open || method === null) return null;
  return (
    <div
      className="dialog-screen supervisor-screen"
      data-testid="supervisor-prompt"
      data-method={method}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="supervisor-title"
    >
      <div className="dialog-panel supervisor-panel" aria-busy={busy}>
        <header className="dialog-header">
          <h2 id="supervisor-title">{t('supervisor.title')}</h2>
          <TouchButton className="dialog-cancel" data-testid="supervisor-cancel" disabled={busy} onClick={cancelSupervisor}>
            {t('supervisor.cancel')}
          </TouchButton>
        </header>
        <p className="supervisor-action" data-testid="supervisor-action">
          {t(`supervisor.action.${method}`)}
        </p>
        <p className="muted">{t('supervisor.explain')}</p>
        <PinPad
          id="supervisor"
          pin={pin}
          problem={problem}
          busy={busy}
          onDigit={typeSupervisorDigit}
          onBackspace={backspaceSupervisorPin}
          onClear={clearSupervisorPin}
          onEscape={cancelSupervisor}
          onOk={() => void submitSupervisorPin()}
        />
      </div>
    </div>
  );
}
