import { useStore } from 'zustand';
import { useMoney, useT } from '../i18n/hooks';
import { sessionStore } from '../state/session';
import { openManager, openShift, pickCashier, shiftStore, storedReport, typedCounts, countSum } from '../state/shift';
import { statusStore } from '../state/status';
import { CountTable } from './CountTable';
import { TouchButton } from './TouchButton';

/**
 * No shift to sell in: open one (pick the cashier, count the float by denomination; a supervisor
 * approves), or, between shifts, close the day and look at the reports. A counted shift waiting
 * for a supervisor's approval points to the close view.
 */
export function NoShiftScreen() {
  const t = useT();
  const money = useMoney();
  const shift = useStore(shiftStore, (s) => s.shift);
  const cashierId = useStore(shiftStore, (s) => s.cashierId);
  const counts = useStore(shiftStore, (s) => s.counts);
  const busy = useStore(shiftStore, (s) => s.busy);
  const managerOpen = useStore(shiftStore, (s) => s.managerOpen);
  const staff = useStore(sessionStore, (s) => s.staff);
  const me = useStore(sessionStore, (s) => s.session?.staff ?? null);
  const currency = useStore(statusStore, (s) => s.status?.currency ?? 'XXX');
  if (shift && shift.status === 'counted') {
    return (
      <div className="no-shift" data-testid="shift-counted-screen">
        <section className="no-shift-panel">
          <h2>{t('shift.countedTitle')}</h2>
          <p>{t('shift.countedExplain', { name: shift.cashier.name })}</p>
          <TouchButton className="primary-action" data-testid="shift-counted-close" onClick={() => openManager('close')}>
            {t('manager.close')}
          </TouchButton>
        </section>
      </div>
    );
  }
  const chosen = cashierId ?? (me?.role === 'cashier' ? me.id : null);
  const float = countSum(typedCounts(counts));
  return (
    <div className="no-shift" data-testid="open-shift-screen">
      <section className="no-shift-panel open-shift">
        <h2>{t('shift.openTitle')}</h2>
        <div className="section-label">{t('shift.cashier')}</div>
        <div className="staff-tiles small" role="radiogroup" aria-label={t('shift.cashier')}>
          {staff.map((m) => (
            <TouchButton
              key={m.id}
              className={m.id === chosen ? 'staff-tile selected' : 'staff-tile'}
              data-testid={`shift-cashier-${m.id}`}
              role="radio"
              aria-checked={m.id === chosen}
              onClick={() => pickCashier(m.id)}
            >
              <span className="staff-name">{m.name}</span>
              <span className="staff-role">{t(`role.${m.role}`)}</span>
            </TouchButton>
          ))}
        </div>
        <div className="section-label">{t('shift.float')}</div>
        <CountTable id="float" />
        <TouchButton
          className="primary-action"
          data-testid="shift-open-submit"
          disabled={busy || chosen === null || managerOpen}
          onClick={() => {
            if (cashierId === null && chosen !== null) pickCashier(chosen);
            void openShift();
          }}
        >
          {t('shift.openWith', { amount: money(float, currency) })}
        </TouchButton>
      </section>
      <section className="no-shift-side">
        <h3>{t('manager.title')}</h3>
        <TouchButton data-testid="no-shift-menu" onClick={() => openManager('menu')}>
          {t('manager.open')}
        </TouchButton>
        <TouchButton data-testid="no-shift-last-shift" onClick={() => {
          openManager('report');
          void storedReport('shift');
        }}>
          {t('manager.lastShift')}
        </TouchButton>
        <TouchButton data-testid="no-shift-last-z" onClick={() => {
          openManager('report');
          void storedReport('z');
        }}>
          {t('manager.lastZ')}
        </TouchButton>
      </section>
    </div>
  );
}
