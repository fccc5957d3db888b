import { useStore } from 'zustand';
import type { LineDiscountDto, SaleDto, SaleLineDto, TotalsDto } from '../../contract/api';
import { useLocalized, useMoney, useT } from '../i18n/hooks';
import { openCard } from '../state/card';
import { catalogStore } from '../state/catalog';
import { openCups, openDiscount, ownDiscount, saleDiscountAmount } from '../state/discount';
import { openPrice, priceableLineId } from '../state/price';
import {
  changeQuantity,
  clearSale,
  openTender,
  removeLine,
  saleStore,
  selectLine,
} from '../state/sale';
import { TouchButton } from './TouchButton';

/** A comp or staff meal is marked as such; a typed percentage shows (a fixed one is in the name). */
function DiscountLabel({ d }: { d: LineDiscountDto }) {
  const t = useT();
  const text = useLocalized();
  const fixed = useStore(catalogStore, (s) => s.catalog?.reasons.find((r) => r.code === d.reasonCode)?.percentBp ?? null);
  const name = text(d.name);
  const kind = d.kind === 'discount' ? null : t(`cart.kind.${d.kind}`);
  return (
    <>
      {kind && <span className={`discount-kind kind-${d.kind}`}>{kind}</span>}
      {kind !== name && ` ${name}`}
      {d.percentBp !== null && fixed === null ? ` ${d.percentBp / 100} %` : ''}
    </>
  );
}

/** What hangs under an item: its options or combo parts, its deposits, its discount, a stop. */
function LineDetails({
  line,
  deposits,
  currency,
}: {
  line: SaleLineDto;
  deposits: SaleLineDto[];
  currency: string;
}) {
  const t = useT();
  const text = useLocalized();
  const money = useMoney();
  const own = ownDiscount(line);
  if (
    line.modifiers.length + line.components.length + deposits.length === 0 &&
    !line.lineDiscount &&
    !line.stoppedBy
  ) {
    return null;
  }
  return (
    <ul className="line-details">
      {line.components.map((c) => (
        <li
          key={c.slotId}
          className="line-component"
          data-testid="line-component"
          data-product-id={c.productId}
        >
          <span>{text(c.name)}</span>
        </li>
      ))}
      {line.modifiers.map((m) => (
        <li
          key={`${m.groupId}-${m.optionId}`}
          className="line-modifier"
          data-testid="line-modifier"
          data-option-id={m.optionId}
        >
          <span>{text(m.name)}</span>
          {m.priceDelta !== 0 && (
            <span className="detail-amount">
              {m.priceDelta > 0 ? '+' : '−'}
              {money(Math.abs(m.priceDelta), currency)}
            </span>
          )}
        </li>
      ))}
      {deposits.map((d) => (
        <li
          key={d.lineId}
          className="line-deposit"
          data-testid="cart-deposit"
          data-line-id={d.lineId}
          data-deposit-id={d.productId}
        >
          <span>
            {text(d.name)} × {d.quantity}
          </span>
          <span className="detail-amount">{money(d.amount, currency)}</span>
        </li>
      ))}
      {line.lineDiscount && (
        <li
          className={`line-discount kind-${line.lineDiscount.kind}`}
          data-testid="line-discount"
          data-reason={line.lineDiscount.reasonCode}
        >
          <span>
            <DiscountLabel d={line.lineDiscount} />
          </span>
          <span className="detail-amount" data-testid="line-discount-amount">
            − {money(own, currency)}
          </span>
        </li>
      )}
      {line.stoppedBy && (
        <li className="line-stopped" data-testid="line-stopped" role="alert">
          {t('cart.stopped', { tag: line.stoppedBy })}
        </li>
      )}
    </ul>
  );
}

function CartLine({
  line,
  deposits,
  currency,
  selected,
}: {
  line: SaleLineDto;
  deposits: SaleLineDto[];
  currency: string;
  selected: boolean;
}) {
  const t = useT();
  const money = useMoney();
  const name = useLocalized()(line.name);
  const isItem = line.kind === 'item' || line.kind === 'combo';
  const comp = line.lineDiscount && line.lineDiscount.kind !== 'discount';
  return (
    <li
      className={[
        'cart-line',
        `kind-${line.kind}`,
        selected ? 'selected' : '',
        line.stoppedBy ? 'stopped' : '',
        comp ? 'comped' : '',
      ]
        .join(' ')
        .trim()}
      data-testid="cart-line"
      data-line-id={line.lineId}
      data-product-id={line.productId}
      data-kind={line.kind}
      data-selected={selected ? 'true' : undefined}
      data-stopped={line.stoppedBy ?? undefined}
    >
      {isItem ? (
        <TouchButton
          className="line-name line-select"
          data-testid="line-select"
          title={name}
          aria-pressed={selected}
          aria-label={t('cart.select', { name })}
          onClick={() => selectLine(line.lineId)}
        >
          {name}
        </TouchButton>
      ) : (
        <span className="line-name" title={name}>
          {name}
        </span>
      )}
      <span className="line-unit">
        {t('cart.each', { price: money(line.unitPrice, currency) })}
      </span>
      <div className="line-qty-controls">
        <TouchButton
          className="qty-btn"
          data-testid="line-dec"
          aria-label={t('cart.decrease', { name })}
          disabled={line.quantity <= 1}
          onClick={() => void changeQuantity(line.lineId, -1)}
        >
          −
        </TouchButton>
        <span className="line-qty" data-testid="line-qty" aria-label={t('cart.quantity')}>
          {line.quantity}
        </span>
        <TouchButton
          className="qty-btn"
          data-testid="line-inc"
          aria-label={t('cart.increase', { name })}
          onClick={() => void changeQuantity(line.lineId, 1)}
        >
          +
        </TouchButton>
      </div>
      <span className="line-amount" data-testid="line-amount">
        {money(line.amount, currency)}
      </span>
      <TouchButton
        className="remove-btn"
        data-testid="line-remove"
        aria-label={t('cart.remove', { name })}
        onClick={() => void removeLine(line.lineId)}
      >
        ✕
      </TouchButton>
      <LineDetails line={line} deposits={deposits} currency={currency} />
    </li>
  );
}

function Totals({ totals, currency }: { totals: TotalsDto; currency: string }) {
  const t = useT();
  const money = useMoney();
  const included = totals.taxTotal - totals.exclusiveTax;
  return (
    <dl className="totals">
      <div className="row">
        <dt>{t('totals.subtotal')}</dt>
        <dd data-testid="subtotal">{money(totals.subtotal, currency)}</dd>
      </div>
      {totals.discounts !== 0 && (
        <div className="row">
          <dt>{t('totals.discounts')}</dt>
          <dd data-testid="totals-discounts">− {money(totals.discounts, currency)}</dd>
        </div>
      )}
      {totals.comps !== 0 && (
        <div className="row">
          <dt>{t('totals.comps')}</dt>
          <dd data-testid="totals-comps">− {money(totals.comps, currency)}</dd>
        </div>
      )}
      {totals.deposits !== 0 && (
        <div className="row">
          <dt>{t('totals.deposits')}</dt>
          <dd data-testid="totals-deposits">
            {totals.deposits > 0 ? '+ ' : '− '}
            {money(Math.abs(totals.deposits), currency)}
          </dd>
        </div>
      )}
      {totals.exclusiveTax !== 0 && (
        <div className="row">
          <dt>{t('totals.taxAdded')}</dt>
          <dd data-testid="tax-added">+ {money(totals.exclusiveTax, currency)}</dd>
        </div>
      )}
      {(included !== 0 || totals.taxTotal === 0) && (
        <div className="row muted">
          <dt>{totals.taxTotal === 0 ? t('totals.tax') : t('totals.taxIncluded')}</dt>
          <dd data-testid="tax-included">{money(included, currency)}</dd>
        </div>
      )}
      <div className="row total">
        <dt>{t('totals.total')}</dt>
        <dd data-testid="total-due">{money(totals.total, currency)}</dd>
      </div>
    </dl>
  );
}

function SaleDiscountRow({ sale }: { sale: SaleDto }) {
  const t = useT();
  const money = useMoney();
  if (!sale.saleDiscount) return null;
  return (
    <div
      className={`sale-discount kind-${sale.saleDiscount.kind}`}
      data-testid="sale-discount"
      data-reason={sale.saleDiscount.reasonCode}
    >
      <span>
        {t('cart.saleDiscount')}: <DiscountLabel d={sale.saleDiscount} />
      </span>
      <span className="detail-amount" data-testid="sale-discount-amount">
        − {money(saleDiscountAmount(sale), sale.currency)}
      </span>
    </div>
  );
}

export function CartPanel() {
  const t = useT();
  const money = useMoney();
  const sale = useStore(saleStore, (s) => s.sale);
  const selectedLineId = useStore(saleStore, (s) => s.selectedLineId);
  const hasDeposits = useStore(catalogStore, (s) => (s.catalog?.deposits.length ?? 0) > 0);
  const empty = !sale || sale.lines.length === 0;
  const ids = new Set(sale?.lines.map((l) => l.lineId));
  const top = sale?.lines.filter((l) => l.parentLineId === null || !ids.has(l.parentLineId)) ?? [];
  const count = top
    .filter((l) => l.kind === 'item' || l.kind === 'combo')
    .reduce((n, l) => n + l.quantity, 0);
  const discountable = sale?.lines.some((l) => l.kind === 'item' || l.kind === 'combo') ?? false;
  // (recomputed when the sale or the selection changes: both are subscribed above)
  const priceable = sale && selectedLineId ? priceableLineId() : null;
  const stopped = sale?.lines.some((l) => l.stoppedBy !== null) ?? false;
  const payout = !!sale && sale.cashDue < 0;
  return (
    <aside className="cart" aria-label={t('cart.title')}>
      <div className="cart-head">
        <h2>{t('cart.title')}</h2>
        {sale?.ageCheck && (
          <span className="age-checked" data-testid="age-checked">
            {t('age.checked', { age: sale.ageCheck.minAge })}
          </span>
        )}
        {!empty && <span className="muted">{t('cart.items', { count })}</span>}
      </div>
      {empty ? (
        <p className="cart-empty">{t('cart.empty')}</p>
      ) : (
        <ul className="cart-lines">
          {top.map((l) => (
            <CartLine
              key={l.lineId}
              line={l}
              deposits={sale.lines.filter((d) => d.parentLineId === l.lineId)}
              currency={sale.currency}
              selected={l.lineId === selectedLineId}
            />
          ))}
        </ul>
      )}
      {sale && <SaleDiscountRow sale={sale} />}
      {sale && <Totals totals={sale.totals} currency={sale.currency} />}
      {sale && sale.cardPaid > 0 && (
        <dl className="totals card-paid">
          <div className="row">
            <dt>{t('card.paidByCard')}</dt>
            <dd data-testid="cart-card-paid">− {money(sale.cardPaid, sale.currency)}</dd>
          </div>
          <div className="row total">
            <dt>{t('card.remaining')}</dt>
            <dd data-testid="cart-remaining">{money(sale.remaining, sale.currency)}</dd>
          </div>
        </dl>
      )}
      <div className="pay-buttons" data-blocked={stopped ? 'stopped' : undefined}>
        <TouchButton
          className="pay-cash"
          data-testid="pay-cash"
          disabled={empty}
          onClick={openTender}
        >
          <span>{payout ? t('tender.payoutTitle') : t('sale.payCash')}</span>
          <span className="pay-amount">
            {sale ? money(Math.abs(sale.cashDue), sale.currency) : ''}
          </span>
        </TouchButton>
        <TouchButton
          className="pay-card"
          data-testid="pay-card"
          disabled={empty || !sale || sale.remaining <= 0}
          onClick={() => void openCard()}
        >
          <span>{t('sale.payCard')}</span>
          <span className="pay-amount">
            {sale ? money(Math.max(0, sale.remaining), sale.currency) : ''}
          </span>
        </TouchButton>
      </div>
      <div className="sale-actions">
        <TouchButton
          className="sale-action"
          data-testid="discount-open"
          disabled={!discountable}
          onClick={openDiscount}
        >
          {t('sale.discount')}
        </TouchButton>
        <TouchButton
          className="sale-action"
          data-testid="price-open"
          disabled={priceable === null}
          onClick={openPrice}
        >
          {t('sale.price')}
        </TouchButton>
        {hasDeposits && (
          <TouchButton className="sale-action" data-testid="cup-return-open" onClick={openCups}>
            {t('sale.returnCup')}
          </TouchButton>
        )}
        <TouchButton
          className="clear-sale"
          data-testid="clear-sale"
          disabled={empty}
          onClick={() => void clearSale()}
        >
          {t('sale.clear')}
        </TouchButton>
      </div>
    </aside>
  );
}
