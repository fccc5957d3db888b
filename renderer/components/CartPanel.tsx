import { useStore } from 'zustand';
import type { SaleLineDto, TotalsDto } from '../../contract/api';
import { useLocalized, useMoney, useT } from '../i18n/hooks';
import { openCard } from '../state/card';
import { changeQuantity, clearSale, openTender, removeLine, saleStore } from '../state/sale';
import { TouchButton } from './TouchButton';

function CartLine({ line, currency }: { line: SaleLineDto; currency: string }) {
  const t = useT();
  const money = useMoney();
  const name = useLocalized()(line.name);
  return (
    <li className="cart-line" data-testid="cart-line" data-line-id={line.lineId} data-product-id={line.productId}>
      <span className="line-name" title={name}>
        {name}
      </span>
      <span className="line-unit">{t('cart.each', { price: money(line.unitPrice, currency) })}</span>
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
      <span className="line-amount">{money(line.amount, currency)}</span>
      <TouchButton
        className="remove-btn"
        data-testid="line-remove"
        aria-label={t('cart.remove', { name })}
        onClick={() => void removeLine(line.lineId)}
      >
        ✕
      </TouchButton>
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

export function CartPanel() {
  const t = useT();
  const money = useMoney();
  const sale = useStore(saleStore, (s) => s.sale);
  const empty = !sale || sale.lines.length === 0;
  const count = sale?.lines.reduce((n, l) => n + l.quantity, 0) ?? 0;
  return (
    <aside className="cart" aria-label={t('cart.title')}>
      <div className="cart-head">
        <h2>{t('cart.title')}</h2>
        {!empty && <span className="muted">{t('cart.items', { count })}</span>}
      </div>
      {empty ? (
        <p className="cart-empty">{t('cart.empty')}</p>
      ) : (
        <ul className="cart-lines">
          {sale.lines.map((l) => (
            <CartLine key={l.lineId} line={l} currency={sale.currency} />
          ))}
        </ul>
      )}
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
      <div className="pay-buttons">
        <TouchButton className="pay-cash" data-testid="pay-cash" disabled={empty} onClick={openTender}>
          <span>{t('sale.payCash')}</span>
          <span className="pay-amount">{sale ? money(sale.cashDue, sale.currency) : ''}</span>
        </TouchButton>
        <TouchButton
          className="pay-card"
          data-testid="pay-card"
          disabled={empty || !sale || sale.remaining <= 0}
          onClick={() => void openCard()}
        >
          <span>{t('sale.payCard')}</span>
          <span className="pay-amount">{sale ? money(sale.remaining, sale.currency) : ''}</span>
        </TouchButton>
      </div>
      <TouchButton className="clear-sale" data-testid="clear-sale" disabled={empty} onClick={() => void clearSale()}>
        {t('sale.clear')}
      </TouchButton>
    </aside>
  );
}
