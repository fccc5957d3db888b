import { useStore } from 'zustand';
import type { DeviceState } from '../../contract/api';
import { useLocalized, useT } from '../i18n/hooks';
import { statusStore } from '../state/status';
import { toggleLanguage } from '../state/ui';
import { TouchButton } from './TouchButton';

function Device({ label, state }: { label: string; state: DeviceState }) {
  const t = useT();
  const stateText = t(`status.device.${state}`);
  return (
    <span className={`device device-${state}`} title={`${label}: ${stateText}`} aria-label={`${label}: ${stateText}`}>
      <span className="dot" aria-hidden="true" />
      <span className="device-label">{label}</span>
    </span>
  );
}

export function StatusBar() {
  const t = useT();
  const text = useLocalized();
  const status = useStore(statusStore, (s) => s.status);
  return (
    <header className="status-bar">
      <span className="venue">{status ? text(status.venueName) : t('app.title')}</span>
      <span className="status-item" data-testid="status-terminal">
        <span className="muted">{t('status.terminal')}</span> <strong>{status?.shortId ?? '—'}</strong>
      </span>
      <span className="status-item" data-testid="status-cashier">
        {status?.cashier ? (
          <>
            <span className="muted">{t('status.cashier')}</span> <strong>{status.cashier.name}</strong>
          </>
        ) : (
          <span className="placeholder">{t('status.noCashier')}</span>
        )}
      </span>
      {status && (
        <span className="devices">
          <Device label={t('status.printer')} state={status.devices.printer} />
          <Device label={t('status.reader')} state={status.devices.reader} />
          <Device label={t('status.scanner')} state={status.devices.scanner} />
        </span>
      )}
      {status && (
        <span
          className={`status-item network network-${status.network.state}`}
          data-testid="status-network"
          data-state={status.network.state}
        >
          <span className="dot" aria-hidden="true" />
          {t(`status.network.${status.network.state}`)}
          {status.network.pendingEvents > 0 && (
            <span className="pending"> · {t('status.pending', { count: status.network.pendingEvents })}</span>
          )}
        </span>
      )}
      <span className="status-item spacer">
        {status && (
          <>
            <span className="muted date-label">{t('status.businessDate')}</span> <strong>{status.businessDate}</strong>
          </>
        )}
      </span>
      <TouchButton className="lang-toggle" data-testid="lang-toggle" aria-label={t('lang.switchLabel')} onClick={toggleLanguage}>
        {t('lang.switchTo')}
      </TouchButton>
    </header>
  );
}
