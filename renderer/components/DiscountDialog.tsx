import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { currencyExponent } from '../../contract/money';
import { useLocalized, useMoney, useT } from '../i18n/hooks';
import { catalogStore } from '../state/catalog';
import {
  applyDiscount,
  backspaceDiscount,
  chooseReason,
  closeDiscount,
  currentDiscount,
  discountStore,
  removeDiscount,
  setDiscountTarget,
  setDiscountUnit,
  typeDiscountKey,
  typedValue,
} from '../state/discount';
import { saleStore } from '../state/sale';
import { TouchButton } from './TouchButton';

const KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '.', '0'];

/**
 * Discount, comp or staff meal on the selected line or the whole sale: a reason from the catalog;
 * a fixed reason applies at once, others take a percentage or an amount on the keypad.
 */
export function DiscountDialog() {
  const t = useT();
  const text = useLocalized();
  const money = useMoney();
  const state = useStore(discountStore);
  const sale = useStore(saleStore, (s) => s.sale);
  const selectedLineId = useStore(saleStore, (s) => s.selectedLineId);
  const reasons = useStore(catalogStore, (s) => s.catalog?.reasons);
  // Once a reason wants a value, focus leaves the reason buttons: typed digits and Enter then
  // go to the value (Enter on a still-focused reason button would only choose it again).
  const typed = useRef<HTMLOutputElement>(null);
  useEffect(() => {
    if (state.reason !== null) typed.current?.focus();
  }, [state.reason]);
  if (!state.open || !sale || !reasons) return null;
  const { currency } = sale;
  const line = sale.lines.find((l) => l.lineId === (state.lineId ?? selectedLineId));
  const current = currentDiscount(sale, state.lineId);
  const chosen = reasons.find((r) => r.code === state.reason);
  const value = typedValue();
  const valueText =
    value === null
      ? ''
      : 'percentBp' in value
        ? `${value.percentBp / 100} %`
        : money(value.amount, currency);
  return (
    <div
      className="dialog-screen"
      data-testid="discount-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="discount-title"
    >
      <div className="dialog-panel discount-panel" aria-busy={state.busy}>
        <header className="dialog-header">
          <h2 id="discount-title">{t('discount.title')}</h2>
          <TouchButton
            className="dialog-cancel"
            data-testid="discount-close"
            onClick={closeDiscount}
          >
            {t('discount.close')}
          </TouchButton>
        </header>
        <div className="discount-targets" role="radiogroup">
          {line && (
            <TouchButton
              className={state.lineId === line.lineId ? 'choice selected' : 'choice'}
              data-testid="discount-target-line"
              aria-pressed={state.lineId === line.lineId}
              onClick={() => setDiscountTarget(line.lineId)}
            >
              {t('discount.targetLine', { name: text(line.name) })}
            </TouchButton>
          )}
          <TouchButton
            className={state.lineId === null ? 'choice selected' : 'choice'}
            data-testid="discount-target-sale"
            aria-pressed={state.lineId === null}
            onClick={() => setDiscountTarget(null)}
          >
            {t('discount.targetSale')}
          </TouchButton>
        </div>
        {current && (
          <div className="discount-current" data-testid="discount-current">
            <span>{t('discount.current', { name: text(current.name) })}</span>
            <TouchButton
              className="remove-discount"
              data-testid="discount-remove"
              disabled={state.busy}
              onClick={() => void removeDiscount()}
            >
              {t('discount.remove')}
            </TouchButton>
          </div>
        )}
        <div className="section-label">{t('discount.reason')}</div>
        <div className="choice-options discount-reasons">
          {reasons.map((r, i) => (
            <TouchButton
              key={r.code}
              className={[
                'choice',
                `reason-${r.kind}`,
                state.reason === r.code ? 'selected' : '',
              ].join(' ')}
              data-testid={`discount-reason-${r.code}`}
              aria-pressed={state.reason === r.code}
              disabled={state.busy}
              autoFocus={i === 0}
              onClick={() => void chooseReason(r.code)}
            >
              <span className="choice-name">{text(r.name)}</span>
              <span className="choice-price">
                {r.percentBp !== null
                  ? t('discount.fixed', { percent: r.percentBp / 100 })
                  : r.kind !== 'discount'
                    ? ''
                    : '…'}
              </span>
            </TouchButton>
          ))}
        </div>
        {chosen && (
          <div className="discount-value">
            <div className="discount-units" role="radiogroup">
              <TouchButton
                className={state.unit === 'percent' ? 'choice selected' : 'choice'}
                data-testid="discount-unit-percent"
                aria-pressed={state.unit === 'percent'}
                onClick={() => setDiscountUnit('percent')}
              >
                {t('discount.percent')}
              </TouchButton>
              <TouchButton
                className={state.unit === 'amount' ? 'choice selected' : 'choice'}
                data-testid="discount-unit-amount"
                aria-pressed={state.unit === 'amount'}
                onClick={() => setDiscountUnit('amount')}
              >
                {t('discount.amount')}
              </TouchButton>
              <output className="typed" data-testid="discount-typed" aria-live="polite" tabIndex={-1} ref={typed}>
                {state.entry === ''
                  ? '—'
                  : state.unit === 'percent'
                    ? `${state.entry} %`
                    : state.entry}
              </output>
            </div>
            <div className="keypad discount-keypad">
              {KEYS.map((k) => (
                <TouchButton
                  key={k}
                  className="key"
                  data-testid={`discount-key-${k === '.' ? 'dot' : k}`}
                  disabled={
                    k === '.' && state.unit === 'amount' && currencyExponent(currency) === 0
                  }
                  onClick={() => typeDiscountKey(k)}
                >
                  {k}
                </TouchButton>
              ))}
              <TouchButton
                className="key key-fn"
                data-testid="discount-key-backspace"
                aria-label={t('discount.backspace')}
                onClick={backspaceDiscount}
              >
                ⌫
              </TouchButton>
            </div>
            <TouchButton
              className="dialog-confirm"
              data-testid="discount-apply"
              disabled={value === null || state.busy}
              onClick={() => void applyDiscount()}
            >
              {value === null
                ? t('discount.apply')
                : t('discount.applyValue', { value: valueText })}
            </TouchButton>
          </div>
        )}
        {state.refused && (
          <div
            className="discount-refused"
            data-testid="discount-problem"
            data-code={state.refused.code}
            role="alert"
            title={state.refused.detail}
          >
            {t(
              state.refused.code === 'discount.needs_supervisor'
                ? 'discount.needsSupervisor'
                : 'discount.invalid',
            )}
          </div>
        )}
      </div>
    </div>
  );
}
