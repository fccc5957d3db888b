import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import { statusStore } from '../state/status';

/**
 * What is wrong with the printer and what to do, while it lasts. Selling goes on: receipts wait
 * and print by themselves once the problem is fixed.
 */
export function PrinterBanner() {
  const t = useT();
  const problem = useStore(statusStore, (s) => s.status?.printer.problem ?? null);
  const nearEnd = useStore(statusStore, (s) => s.status?.printer.paperNearEnd ?? false);
  const queued = useStore(statusStore, (s) => s.status?.printer.queued ?? 0);
  const detail = useStore(statusStore, (s) => s.status?.printer.detail ?? null);
  if (!problem && !nearEnd) return null;
  const kind = problem ?? 'paper_near_end';
  return (
    <div
      className={`printer-banner printer-banner-${problem ? 'error' : 'warning'}`}
      data-testid="printer-banner"
      data-problem={kind}
      role="status"
      title={detail ?? undefined}
    >
      <strong className="printer-banner-what">{t(`printer.problem.${kind}`)}</strong>
      <span className="printer-banner-todo"> — {t(`printer.todo.${kind}`)}</span>
      {problem && queued > 0 && <span className="printer-banner-queued"> ({t('printer.queued', { count: queued })})</span>}
    </div>
  );
}
