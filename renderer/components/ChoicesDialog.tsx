import { useEffect, useMemo, useRef } from 'react';
import { useStore } from 'zustand';
import type { ModifierGroupDto } from '../../contract/menu';
import { levelPrice } from '../../contract/menu';
import { useLocalized, useMoney, useT, type TextKey } from '../i18n/hooks';
import { catalogStore } from '../state/catalog';
import {
  cancelPick,
  choiceUnavailable,
  chooseComboChoice,
  chooseVariant,
  confirmPick,
  groupsOf,
  levelOf,
  menuStore,
  missingChoices,
  pickUnitPrice,
  productOf,
  toggleOption,
  type Missing,
} from '../state/menu';
import { saleStore } from '../state/sale';
import { TouchButton } from './TouchButton';

/** "choose 1", "up to 3", "choose 1–2" (with "optional" when the group may be skipped). */
function groupRule(g: ModifierGroupDto): { key: TextKey; values?: Record<string, number> } {
  if (g.min === 1 && g.max === 1) return { key: 'choices.chooseOne' };
  if (g.min === g.max) return { key: 'choices.chooseExactly', values: { count: g.min } };
  if (g.min === 0) return { key: 'choices.upTo', values: { count: g.max } };
  return { key: 'choices.chooseBetween', values: { min: g.min, max: g.max } };
}

function useMissingText(): (m: Missing) => string {
  const t = useT();
  const text = useLocalized();
  return (m) =>
    m.kind === 'size'
      ? t('choices.missingSize')
      : m.kind === 'group'
        ? t('choices.missingGroup', { name: text(m.group.name) })
        : t('choices.missingSlot', { name: text(m.name) });
}

/** The one options step after picking an item: size, modifier groups, combo slots; Add / Cancel. */
export function ChoicesDialog() {
  const t = useT();
  const text = useLocalized();
  const money = useMoney();
  const missingText = useMissingText();
  const pick = useStore(menuStore, (s) => s.pick);
  const catalog = useStore(catalogStore, (s) => s.catalog);
  const sale = useStore(saleStore, (s) => s.sale);
  const level = useMemo(() => (catalog ? levelOf(catalog, sale) : null), [catalog, sale]);
  // The panel itself takes focus, not a choice: Enter then means Add (a choice focused by
  // default would be chosen again by Enter after a tap on another). Tab and arrows walk the choices.
  const panel = useRef<HTMLDivElement>(null);
  const open = pick?.productId;
  useEffect(() => {
    if (open) panel.current?.focus();
  }, [open]);
  const product = pick && catalog ? productOf(catalog, pick.productId) : undefined;
  if (!pick || !catalog || !product) return null;
  const { currency } = catalog;
  const missing = missingChoices(catalog, pick);
  const unit = pickUnitPrice(catalog, level, pick);
  const delta = (n: number) =>
    n === 0 ? '' : `${n > 0 ? '+' : '−'}${money(Math.abs(n), currency)}`;
  return (
    <div
      className="dialog-screen"
      data-testid="choices-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="choices-title"
    >
      <div className="dialog-panel choices-panel" tabIndex={-1} ref={panel}>
        <header className="dialog-header">
          <h2 id="choices-title">{text(product.name)}</h2>
          {pick.quantity > 1 && (
            <span className="choices-qty">{t('choices.quantity', { qty: pick.quantity })}</span>
          )}
        </header>
        <div className="choices-body">
          {product.variants.length > 0 && (
            <fieldset className="choice-group" data-testid="choice-group-size">
              <legend>
                {t('choices.size')}{' '}
                <span className="choice-rule required">{t('choices.chooseOne')}</span>
              </legend>
              <div className="choice-options">
                {product.variants.map((v) => (
                  <TouchButton
                    key={v.id}
                    className={pick.variantId === v.id ? 'choice selected' : 'choice'}
                    data-testid={`choice-size-${v.id}`}
                    aria-pressed={pick.variantId === v.id}
                    onClick={() => chooseVariant(v.id)}
                  >
                    <span className="choice-name">{text(v.name)}</span>
                    <span className="choice-price">
                      {money(levelPrice(level, product.id, v.id, v.price), currency)}
                    </span>
                  </TouchButton>
                ))}
              </div>
            </fieldset>
          )}
          {groupsOf(catalog, product).map((g) => {
            const chosen = pick.options[g.id] ?? [];
            const rule = groupRule(g);
            const full = chosen.length >= g.max && g.max > 1;
            return (
              <fieldset key={g.id} className="choice-group" data-testid={`choice-group-${g.id}`}>
                <legend>
                  {text(g.name)}{' '}
                  <span className={g.min > 0 ? 'choice-rule required' : 'choice-rule'}>
                    {t(rule.key, rule.values)} ·{' '}
                    {t(g.min > 0 ? 'choices.required' : 'choices.optional')}
                  </span>
                </legend>
                <div className="choice-options">
                  {g.options.map((o) => {
                    const on = chosen.includes(o.id);
                    return (
                      <TouchButton
                        key={o.id}
                        className={on ? 'choice selected' : 'choice'}
                        data-testid={`choice-option-${g.id}-${o.id}`}
                        aria-pressed={on}
                        disabled={!on && full}
                        onClick={() => toggleOption(g.id, o.id)}
                      >
                        <span className="choice-name">{text(o.name)}</span>
                        <span className="choice-price">{delta(o.priceDelta)}</span>
                      </TouchButton>
                    );
                  })}
                </div>
              </fieldset>
            );
          })}
          {product.combo?.slots.map((slot) => (
            <fieldset
              key={slot.id}
              className="choice-group"
              data-testid={`choice-group-slot-${slot.id}`}
            >
              <legend>
                {text(slot.name)}{' '}
                <span className="choice-rule required">{t('choices.chooseOne')}</span>
              </legend>
              <div className="choice-options">
                {slot.choices.map((c, i) => {
                  const part = productOf(catalog, c.productId);
                  const variant = part?.variants.find((v) => v.id === c.variantId);
                  const name = part
                    ? text(part.name) + (variant ? ` · ${text(variant.name)}` : '')
                    : c.productId;
                  const on = pick.combo[slot.id] === i;
                  const why = choiceUnavailable(catalog, c.productId);
                  return (
                    <TouchButton
                      key={`${c.productId}-${c.variantId ?? ''}`}
                      className={on ? 'choice selected' : 'choice'}
                      data-testid={`choice-slot-${slot.id}-${c.productId}`}
                      aria-pressed={on}
                      disabled={why !== null}
                      onClick={() => chooseComboChoice(slot.id, i)}
                    >
                      <span className="choice-name">{name}</span>
                      <span className="choice-price">
                        {why
                          ? why.kind === 'stopped'
                            ? t('menu.badgeStopped', { tag: why.tag })
                            : t('menu.badgeSoldOut')
                          : delta(c.priceDelta) || t('choices.included')}
                      </span>
                    </TouchButton>
                  );
                })}
              </div>
            </fieldset>
          ))}
        </div>
        <footer className="choices-footer">
          <div className="choices-price">
            <span className="muted">{t('choices.unitPrice')}</span>{' '}
            <strong data-testid="choices-price">{money(unit, currency)}</strong>
          </div>
          <div className="choices-missing" data-testid="choices-missing" role="status">
            {missing.map(missingText).join(' · ')}
          </div>
          <div className="dialog-actions">
            <TouchButton
              className="dialog-cancel"
              data-testid="choices-cancel"
              onClick={cancelPick}
            >
              {t('choices.cancel')}
            </TouchButton>
            <TouchButton
              className="dialog-confirm"
              data-testid="choices-add"
              disabled={missing.length > 0}
              title={missing.map(missingText).join(' · ') || undefined}
              onClick={() => void confirmPick()}
            >
              {t('choices.addPrice', { price: money(unit * pick.quantity, currency) })}
            </TouchButton>
          </div>
        </footer>
      </div>
    </div>
  );
}
