import { useStore } from 'zustand';
import { useMoney, useT } from '../i18n/hooks';
import { countSum, denominations, setCount, shiftStore, stepCount, typedCounts } from '../state/shift';
import { statusStore } from '../state/status';
import { TouchButton } from './TouchButton';

/**
 * Cash counted by denomination: one row per note and coin (− / count / +), the row's value and
 * the running total. Used for the float, drops and the blind count.
 */
export function CountTable({ id }: { id: string }) {
  const t = useT();
  const money = useMoney();
  const counts = useStore(shiftStore, (s) => s.counts);
  // Subscribed so the rows follow the venue's list once a ShiftDto brings it.
  useStore(shiftStore, (s) => s.denominations);
  const currency = useStore(statusStore, (s) => s.status?.currency ?? 'XXX');
  const total = countSum(typedCounts(counts));
  return (
    <div className="count-table" data-testid={`${id}-count`}>
      <div className="count-rows">
        {denominations().map((d) => {
          const n = Number(counts[d] ?? '') || 0;
          return (
            <div key={d} className="count-row" data-testid={`${id}-row-${d}`}>
              <span className="count-denomination">{money(d, currency)}</span>
              <TouchButton
                className="count-step"
                data-testid={`${id}-minus-${d}`}
                aria-label={t('count.less', { value: money(d, currency) })}
                disabled={n === 0}
                onClick={() => stepCount(d, -1)}
              >
                −
              </TouchButton>
              <input
                className="count-input"
                data-testid={`${id}-input-${d}`}
                inputMode="numeric"
                aria-label={t('count.of', { value: money(d, currency) })}
                value={counts[d] ?? ''}
                placeholder="0"
                onChange={(e) => setCount(d, e.target.value)}
                onFocus={(e) => e.target.select()}
              />
              <TouchButton
                className="count-step"
                data-testid={`${id}-plus-${d}`}
                aria-label={t('count.more', { value: money(d, currency) })}
                onClick={() => stepCount(d, 1)}
              >
                +
              </TouchButton>
              <span className="count-value">{n > 0 ? money(d * n, currency) : ''}</span>
            </div>
          );
        })}
      </div>
      <div className="count-total">
        <span>{t('count.total')}</span>
        <strong data-testid={`${id}-total`}>{money(total, currency)}</strong>
      </div>
    </div>
  );
}
