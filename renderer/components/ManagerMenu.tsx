import { useStore } from 'zustand';
import { useMoney, useT, type TextKey } from '../i18n/hooks';
import { sessionStore } from '../state/session';
import {
  approveClose,
  cashDrop,
  closeDay,
  closeManager,
  escapeManager,
  loadOverrides,
  noSale,
  paidInOut,
  setAmountText,
  setDropMode,
  setNote,
  setReason,
  shiftStore,
  showView,
  storedReport,
  submitCount,
  typedAmount,
  typedCounts,
  xReport,
  type ManagerView,
} from '../state/shift';
import { statusStore } from '../state/status';
import { toggleLanguage } from '../state/ui';
import { CountTable } from './CountTable';
import { ReportView } from './ReportView';
import { TouchButton } from './TouchButton';

const REASONS: Record<'paid_in' | 'paid_out' | 'no_sale', TextKey[]> = {
  paid_in: ['reason.changeFromSafe', 'reason.other'],
  paid_out: ['reason.supplier', 'reason.pettyCash', 'reason.other'],
  no_sale: ['reason.customerChange', 'reason.drawerCheck', 'reason.other'],
};

const TITLES: Record<ManagerView, TextKey> = {
  menu: 'manager.title',
  drop: 'manager.drop',
  paid_in: 'manager.paidIn',
  paid_out: 'manager.paidOut',
  no_sale: 'manager.noSale',
  close: 'manager.close',
  report: 'manager.report',
  overrides: 'manager.overrides',
};

function AmountField() {
  const t = useT();
  const amount = useStore(shiftStore, (s) => s.amount);
  return (
    <label className="manager-field">
      <span>{t('manager.amount')}</span>
      <input
        data-testid="manager-amount"
        inputMode="decimal"
        value={amount}
        autoFocus
        onChange={(e) => setAmountText(e.target.value)}
      />
    </label>
  );
}

function ReasonField({ kind }: { kind: 'paid_in' | 'paid_out' | 'no_sale' }) {
  const t = useT();
  const reason = useStore(shiftStore, (s) => s.reason);
  return (
    <div className="manager-reason">
      <div className="section-label">{t('manager.reason')}</div>
      <div className="reason-chips">
        {REASONS[kind].map((key) => (
          <TouchButton
            key={key}
            className={reason === t(key) ? 'choice selected' : 'choice'}
            data-testid={`reason-${key.split('.')[1] ?? key}`}
            onClick={() => setReason(key === 'reason.other' ? '' : t(key))}
          >
            {t(key)}
          </TouchButton>
        ))}
      </div>
      <input
        className="manager-reason-input"
        data-testid="manager-reason"
        value={reason}
        placeholder={t('manager.reasonPlaceholder')}
        onChange={(e) => setReason(e.target.value)}
      />
    </div>
  );
}

function Menu() {
  const t = useT();
  const shift = useStore(shiftStore, (s) => s.shift);
  const busy = useStore(shiftStore, (s) => s.busy);
  const role = useStore(sessionStore, (s) => s.session?.staff?.role ?? 'cashier');
  const open = shift?.status === 'open';
  const item = (id: string, label: TextKey, action: () => void, enabled = true) => (
    <TouchButton key={id} className="manager-item" data-testid={`manager-${id}`} disabled={busy || !enabled} onClick={action}>
      {t(label)}
    </TouchButton>
  );
  return (
    <div className="manager-items">
      {item('drop', 'manager.drop', () => showView('drop'), open)}
      {item('paid-in', 'manager.paidIn', () => showView('paid_in'), open)}
      {item('paid-out', 'manager.paidOut', () => showView('paid_out'), open)}
      {item('no-sale', 'manager.noSale', () => showView('no_sale'), open)}
      {item('x', 'manager.x', () => void xReport(), shift !== null)}
      {item('close-shift', 'manager.close', () => showView('close'), shift !== null)}
      {item('day', 'manager.day', () => void closeDay(), shift === null)}
      {item('last-shift', 'manager.lastShift', () => void storedReport('shift'))}
      {item('last-z', 'manager.lastZ', () => void storedReport('z'))}
      {role !== 'cashier' && item('overrides', 'manager.overrides', () => void loadOverrides())}
    </div>
  );
}

function Submit({ id, label, enabled, action }: { id: string; label: string; enabled: boolean; action: () => void }) {
  const busy = useStore(shiftStore, (s) => s.busy);
  return (
    <TouchButton className="primary-action" data-testid={id} disabled={busy || !enabled} onClick={action}>
      {label}
    </TouchButton>
  );
}

function DropView() {
  const t = useT();
  const money = useMoney();
  const mode = useStore(shiftStore, (s) => s.dropMode);
  useStore(shiftStore, (s) => s.counts);
  useStore(shiftStore, (s) => s.amount);
  const currency = useStore(statusStore, (s) => s.status?.currency ?? 'XXX');
  const counted = typedCounts();
  const amount = mode === 'count' ? counted.reduce((a, c) => a + c.denomination * c.count, 0) : (typedAmount() ?? 0);
  return (
    <>
      <div className="discount-units" role="radiogroup">
        <TouchButton className={mode === 'count' ? 'choice selected' : 'choice'} data-testid="drop-mode-count" aria-pressed={mode === 'count'} onClick={() => setDropMode('count')}>
          {t('manager.byDenomination')}
        </TouchButton>
        <TouchButton className={mode === 'amount' ? 'choice selected' : 'choice'} data-testid="drop-mode-amount" aria-pressed={mode === 'amount'} onClick={() => setDropMode('amount')}>
          {t('manager.asAmount')}
        </TouchButton>
      </div>
      {mode === 'count' ? <CountTable id="drop" /> : <AmountField />}
      <Submit id="drop-submit" label={t('manager.dropSubmit', { amount: money(amount, currency) })} enabled={amount > 0} action={() => void cashDrop()} />
    </>
  );
}

function PaidView({ kind }: { kind: 'paid_in' | 'paid_out' }) {
  const t = useT();
  const reason = useStore(shiftStore, (s) => s.reason);
  useStore(shiftStore, (s) => s.amount);
  return (
    <>
      <AmountField />
      <ReasonField kind={kind} />
      <Submit
        id={`${kind.replace('_', '-')}-submit`}
        label={t(kind === 'paid_in' ? 'manager.paidIn' : 'manager.paidOut')}
        enabled={typedAmount() !== null && reason.trim() !== ''}
        action={() => void paidInOut(kind)}
      />
    </>
  );
}

function NoSaleView() {
  const t = useT();
  const reason = useStore(shiftStore, (s) => s.reason);
  return (
    <>
      <p className="muted">{t('manager.noSaleExplain')}</p>
      <ReasonField kind="no_sale" />
      <Submit id="no-sale-submit" label={t('manager.noSaleSubmit')} enabled={reason.trim() !== ''} action={() => void noSale()} />
    </>
  );
}

/** Blind count first; expected cash and over/short only once the count is in. */
function CloseView() {
  const t = useT();
  const money = useMoney();
  const shift = useStore(shiftStore, (s) => s.shift);
  const result = useStore(shiftStore, (s) => s.countResult);
  const report = useStore(shiftStore, (s) => s.report);
  const note = useStore(shiftStore, (s) => s.note);
  const currency = useStore(statusStore, (s) => s.status?.currency ?? 'XXX');
  const counted = result ?? (shift?.status === 'counted' ? shift : null);
  if (!counted) {
    return (
      <>
        <p className="muted" data-testid="blind-count-hint">{t('manager.blindHint')}</p>
        <CountTable id="close" />
        <Submit id="count-submit" label={t('manager.countSubmit')} enabled={shift?.status === 'open'} action={() => void submitCount()} />
      </>
    );
  }
  const overShort = counted.overShort ?? 0;
  const signed = overShort > 0 ? `+${money(overShort, currency)}` : overShort < 0 ? `−${money(-overShort, currency)}` : money(0, currency);
  return (
    <>
      <dl className="report-facts count-result" data-testid="count-result" data-status={counted.status}>
        <div>
          <dt>{t('report.counted')}</dt>
          <dd data-testid="count-counted">{money(counted.counted ?? 0, currency)}</dd>
        </div>
        <div>
          <dt>{t('report.expected')}</dt>
          <dd data-testid="count-expected">{money(counted.expected ?? 0, currency)}</dd>
        </div>
        <div>
          <dt>{t('report.overShort')}</dt>
          <dd data-testid="count-over-short" className={overShort < 0 ? 'short' : undefined}>
            {signed}
          </dd>
        </div>
      </dl>
      {counted.status === 'counted' ? (
        <div className="approve-close">
          <p role="status">{t('manager.needsApproval')}</p>
          <label className="manager-field">
            <span>{t('manager.note')}</span>
            <input data-testid="close-note" value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <Submit id="close-approve" label={t('manager.approveClose')} enabled={note.trim() !== ''} action={() => void approveClose()} />
        </div>
      ) : (
        <p className="done-line" role="status" data-testid="shift-closed">
          {t('manager.shiftClosed')}
        </p>
      )}
      {report && <ReportView report={report} />}
    </>
  );
}

/** Journaled override actions with a text of their own (others show as journaled). */
const OVERRIDE_ACTIONS: ReadonlySet<string> = new Set([
  'shift.open',
  'cash.drop',
  'cash.paid_out',
  'cash.paid_in',
  'drawer.no_sale',
  'shift.close',
  'day.close',
  'refund',
  'sale.void',
  'line.void',
  'discount',
]);

function OverridesView() {
  const t = useT();
  const overrides = useStore(shiftStore, (s) => s.overrides);
  if (!overrides) return null;
  if (overrides.length === 0) return <p className="muted">{t('manager.noOverrides')}</p>;
  return (
    <table className="overrides" data-testid="overrides">
      <thead>
        <tr>
          <th>{t('overrides.at')}</th>
          <th>{t('overrides.action')}</th>
          <th>{t('overrides.by')}</th>
          <th>{t('overrides.approvedBy')}</th>
          <th>{t('overrides.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {overrides.map((o) => (
          <tr key={o.seq} data-testid="override-row" data-action={o.action}>
            <td>{new Date(o.at).toLocaleTimeString()}</td>
            <td title={o.action}>{OVERRIDE_ACTIONS.has(o.action) ? t(`overrides.action.${o.action}` as TextKey) : o.action}</td>
            <td>{o.by.name}</td>
            <td>{o.approvedBy.name}</td>
            <td>{o.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const DONE: Record<string, TextKey> = {
  drop: 'manager.done.drop',
  paid_in: 'manager.done.paid_in',
  paid_out: 'manager.done.paid_out',
  no_sale: 'manager.done.no_sale',
};

/** The Shift / Manager menu: the money side of the drawer and the day, and the reports. */
export function ManagerMenu() {
  const t = useT();
  const open = useStore(shiftStore, (s) => s.managerOpen);
  const view = useStore(shiftStore, (s) => s.view);
  const report = useStore(shiftStore, (s) => s.report);
  const noReport = useStore(shiftStore, (s) => s.noReport);
  const done = useStore(shiftStore, (s) => s.done);
  if (!open) return null;
  return (
    <div
      className="devices-screen manager-screen"
      data-testid="manager-screen"
      data-view={view}
      role="dialog"
      aria-modal="true"
      aria-labelledby="manager-title"
      // Typed amounts and notes must not reach the sell screen's keys.
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') escapeManager();
      }}
    >
      <div className="devices-panel manager-panel">
        <header className="devices-header">
          <h2 id="manager-title">{t(TITLES[view])}</h2>
          <span className="manager-nav">
            {view !== 'menu' && (
              <TouchButton data-testid="manager-back" onClick={() => showView('menu')}>
                {t('manager.back')}
              </TouchButton>
            )}
            <TouchButton className="lang-toggle" data-testid="manager-lang" aria-label={t('lang.switchLabel')} onClick={toggleLanguage}>
              {t('lang.switchTo')}
            </TouchButton>
            <TouchButton className="devices-close" data-testid="manager-close" onClick={closeManager}>
              {t('devices.close')}
            </TouchButton>
          </span>
        </header>
        <div className="manager-body">
          {done && (
            <p className="done-line" role="status" data-testid="manager-done" data-done={done}>
              {t(DONE[done] ?? 'manager.done.drop')}
            </p>
          )}
          {view === 'menu' && <Menu />}
          {view === 'drop' && <DropView />}
          {(view === 'paid_in' || view === 'paid_out') && <PaidView kind={view} />}
          {view === 'no_sale' && <NoSaleView />}
          {view === 'close' && <CloseView />}
          {view === 'overrides' && <OverridesView />}
          {view === 'report' && noReport && <p className="muted" data-testid="no-report">{t('manager.noReport')}</p>}
          {view === 'report' && report && <ReportView report={report} />}
        </div>
      </div>
    </div>
  );
}
