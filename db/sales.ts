// Sales storage: the open sale (cart) and completed sales with their lines, taxes and payments.
import type {
  CompletedSaleDto,
  LineComponentDto,
  LineDiscountDto,
  LineModifierDto,
  PaymentDto,
  SaleDto,
  SaleLineDto,
} from '../contract/api';
import type { Db } from './open';
import { prep } from './statements';

/**
 * A line as stored. `discount` is fixed when the sale completes (0 on the open cart, where pricing
 * computes it); `stoppedBy` is not stored (availability decides it).
 */
export interface StoredLine extends Omit<SaleLineDto, 'stoppedBy'> {
  position: number;
  taxRateBp: number;
  taxInclusive: boolean;
}

export interface OpenSaleRow {
  saleId: string;
  currency: string;
  startedAt: string;
  priceLevelId: string | null;
  saleDiscount: LineDiscountDto | null;
  ageCheck: SaleDto['ageCheck'];
  lines: StoredLine[];
}

interface LineRow {
  line_id: string;
  position: number;
  product_id: string;
  category_id: string;
  name_en: string;
  name_zh: string;
  unit_price: number;
  quantity: number;
  amount: number;
  tax_rate_id: string;
  tax_rate_bp: number;
  tax_inclusive: number;
  kind: SaleLineDto['kind'];
  variant_id: string | null;
  parent_line_id: string | null;
  details: string;
  line_discount: string | null;
  discount: number;
}

const LINE_COLUMNS =
  'line_id, position, product_id, category_id, name_en, name_zh, unit_price, quantity, amount, tax_rate_id, tax_rate_bp, tax_inclusive, kind, variant_id, parent_line_id, details, line_discount';

interface LineDetails {
  modifiers?: LineModifierDto[];
  components?: LineComponentDto[];
  priceOverride?: SaleLineDto['priceOverride'];
}

const toLine = (r: LineRow): StoredLine => ({
  lineId: r.line_id,
  position: r.position,
  productId: r.product_id,
  categoryId: r.category_id,
  name: { en: r.name_en, zh: r.name_zh },
  unitPrice: r.unit_price,
  quantity: r.quantity,
  amount: r.amount,
  taxRateId: r.tax_rate_id,
  taxRateBp: r.tax_rate_bp,
  taxInclusive: r.tax_inclusive === 1,
  kind: r.kind,
  variantId: r.variant_id,
  parentLineId: r.parent_line_id,
  ...details(r.details),
  lineDiscount: r.line_discount === null ? null : (JSON.parse(r.line_discount) as LineDiscountDto),
  discount: r.discount,
});

function details(text: string): Pick<SaleLineDto, 'modifiers' | 'components' | 'priceOverride'> {
  const d = JSON.parse(text) as LineDetails;
  return { modifiers: d.modifiers ?? [], components: d.components ?? [], priceOverride: d.priceOverride ?? null };
}

function detailsText(line: Pick<SaleLineDto, 'modifiers' | 'components' | 'priceOverride'>): string {
  return JSON.stringify({
    ...(line.modifiers.length > 0 ? { modifiers: line.modifiers } : {}),
    ...(line.components.length > 0 ? { components: line.components } : {}),
    ...(line.priceOverride ? { priceOverride: line.priceOverride } : {}),
  });
}

/** A supervisor's price for a line of the open sale (its amount follows). */
export function overrideLinePrice(db: Db, line: StoredLine, unitPrice: number, override: NonNullable<SaleLineDto['priceOverride']>): void {
  prep(db, 'UPDATE sale_lines SET unit_price = ?, amount = ?, details = ? WHERE line_id = ?').run(
    unitPrice,
    unitPrice * line.quantity,
    detailsText({ ...line, priceOverride: override }),
    line.lineId,
  );
}

export function saleLines(db: Db, saleId: string): StoredLine[] {
  return (
    prep(db, `SELECT ${LINE_COLUMNS}, discount FROM sale_lines WHERE sale_id = ? ORDER BY position`).all(
      saleId,
    ) as LineRow[]
  ).map(toLine);
}

export function getOpenSale(db: Db): OpenSaleRow | undefined {
  const row = prep(
    db,
    "SELECT sale_id, currency, started_at, price_level_id, sale_discount, age_check FROM sales WHERE status = 'open'",
  ).get() as
    | {
        sale_id: string;
        currency: string;
        started_at: string;
        price_level_id: string | null;
        sale_discount: string | null;
        age_check: string | null;
      }
    | undefined;
  if (!row) return undefined;
  return {
    saleId: row.sale_id,
    currency: row.currency,
    startedAt: row.started_at,
    priceLevelId: row.price_level_id,
    saleDiscount: row.sale_discount === null ? null : (JSON.parse(row.sale_discount) as LineDiscountDto),
    ageCheck: row.age_check === null ? null : (JSON.parse(row.age_check) as SaleDto['ageCheck']),
    lines: saleLines(db, row.sale_id),
  };
}

export function insertOpenSale(
  db: Db,
  sale: { saleId: string; currency: string; startedAt: string },
): void {
  prep(
    db,
    "INSERT INTO sales (sale_id, status, currency, started_at) VALUES (?, 'open', ?, ?)",
  ).run(sale.saleId, sale.currency, sale.startedAt);
}

/**
 * A new open sale restarts its clock when its first item is added after sitting empty, and takes
 * the price level in force then (it keeps it to the end); a discount or ID check of the empty
 * sale's previous customer is dropped.
 */
export function restartOpenSale(db: Db, saleId: string, startedAt: string, priceLevelId: string | null): void {
  prep(
    db,
    `UPDATE sales SET started_at = ?, price_level_id = ?, sale_discount = NULL, age_check = NULL
      WHERE sale_id = ? AND status = 'open'`,
  ).run(startedAt, priceLevelId, saleId);
}

export function setSaleDiscount(db: Db, saleId: string, discount: LineDiscountDto | null): void {
  prep(db, "UPDATE sales SET sale_discount = ? WHERE sale_id = ? AND status = 'open'").run(
    discount === null ? null : JSON.stringify(discount),
    saleId,
  );
}

export function setAgeCheck(db: Db, saleId: string, check: NonNullable<SaleDto['ageCheck']>): void {
  prep(db, "UPDATE sales SET age_check = ? WHERE sale_id = ? AND status = 'open'").run(JSON.stringify(check), saleId);
}

export function setLineDiscount(db: Db, lineId: string, discount: LineDiscountDto | null): void {
  prep(db, 'UPDATE sale_lines SET line_discount = ? WHERE line_id = ?').run(
    discount === null ? null : JSON.stringify(discount),
    lineId,
  );
}

export function insertLine(db: Db, saleId: string, line: StoredLine): void {
  prep(
    db,
    `INSERT INTO sale_lines (sale_id, ${LINE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    saleId,
    line.lineId,
    line.position,
    line.productId,
    line.categoryId,
    line.name.en,
    line.name.zh,
    line.unitPrice,
    line.quantity,
    line.amount,
    line.taxRateId,
    line.taxRateBp,
    line.taxInclusive ? 1 : 0,
    line.kind,
    line.variantId,
    line.parentLineId,
    detailsText(line),
    line.lineDiscount === null ? null : JSON.stringify(line.lineDiscount),
  );
}

export function updateLineQuantity(db: Db, lineId: string, quantity: number, amount: number): void {
  prep(db, 'UPDATE sale_lines SET quantity = ?, amount = ? WHERE line_id = ?').run(
    quantity,
    amount,
    lineId,
  );
}

/** Deletes a line and the deposit lines attached to it. */
export function deleteLine(db: Db, lineId: string): void {
  prep(db, 'DELETE FROM sale_lines WHERE parent_line_id = ?').run(lineId);
  prep(db, 'DELETE FROM sale_lines WHERE line_id = ?').run(lineId);
}

export function deleteAllLines(db: Db, saleId: string): void {
  prep(db, 'DELETE FROM sale_lines WHERE sale_id = ?').run(saleId);
  prep(db, "UPDATE sales SET sale_discount = NULL, age_check = NULL WHERE sale_id = ? AND status = 'open'").run(saleId);
}

export function lastReceiptNo(db: Db): number | null {
  const row = prep(db, 'SELECT MAX(receipt_no) AS n FROM sales').get() as { n: number | null };
  return row.n;
}

/** The shift and person a sale belongs to (null before shifts, or with no one signed in). */
export interface Attribution {
  shiftId: string | null;
  staffId: string | null;
}

/** Writes the completion of the open sale. Call inside the completing transaction. */
export function writeCompletedSale(db: Db, sale: CompletedSaleDto, by: Attribution = { shiftId: null, staffId: null }): void {
  // The lines' final discounts first: once the sale is completed its lines are frozen.
  // (Lines start at 0: only discounted ones are written.)
  const disc = prep(db, 'UPDATE sale_lines SET discount = ? WHERE line_id = ?');
  for (const l of sale.lines) if (l.discount !== 0) disc.run(l.discount, l.lineId);
  const changed = prep(
    db,
    `UPDATE sales SET status = 'completed', completed_at = ?, business_date = ?, receipt_no = ?,
         receipt_token = ?, subtotal = ?, tax_total = ?, total = ?, cash_rounding = ?, change_given = ?,
         discounts = ?, comps = ?, deposits = ?, sale_discount = ?, shift_id = ?, staff_id = ?
       WHERE sale_id = ? AND status = 'open'`,
  ).run(
    sale.completedAt,
    sale.businessDate,
    sale.receiptNo,
    sale.receiptToken,
    sale.totals.subtotal,
    sale.totals.taxTotal,
    sale.totals.total,
    sale.cashRounding,
    sale.change,
    sale.totals.discounts,
    sale.totals.comps,
    sale.totals.deposits,
    sale.saleDiscount === null ? null : JSON.stringify(sale.saleDiscount),
    by.shiftId,
    by.staffId,
    sale.saleId,
  ).changes;
  if (changed !== 1) throw new Error(`sale ${sale.saleId} is not open`);
  // Its card payments belong to the same shift: a later refusal is charged to it, never another.
  if (by.shiftId !== null && sale.payments.some((p) => p.kind === 'card')) {
    prep(db, 'UPDATE card_payments SET shift_id = ? WHERE sale_id = ?').run(by.shiftId, sale.saleId);
  }
  const tax = prep(
    db,
    'INSERT INTO sale_taxes (sale_id, tax_rate_id, rate_bp, inclusive, net, tax, gross) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const t of sale.totals.taxes) {
    tax.run(sale.saleId, t.taxRateId, t.rateBp, t.inclusive ? 1 : 0, t.net, t.tax, t.gross);
  }
  const pay = prep(
    db,
    `INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const p of sale.payments) {
    // Cash is taken; a card is authorized online, or stored offline until forwarded.
    const status = p.kind === 'cash' ? 'captured' : p.kind === 'card' && p.stored ? 'stored' : 'authorized';
    pay.run(
      p.paymentId,
      sale.saleId,
      p.kind,
      status,
      p.amount,
      p.tendered,
      p.change,
      p.rounding,
      sale.completedAt,
    );
  }
}

export function completedSaleCount(db: Db): number {
  return (
    prep(db, "SELECT COUNT(*) AS n FROM sales WHERE status = 'completed'").get() as { n: number }
  ).n;
}

export function paymentsOf(db: Db, saleId: string): PaymentDto[] {
  return (
    prep(
      db,
      'SELECT payment_id, kind, amount, tendered, change_given, rounding FROM payments WHERE sale_id = ?',
    ).all(saleId) as {
      payment_id: string;
      kind: 'cash';
      amount: number;
      tendered: number;
      change_given: number;
      rounding: number;
    }[]
  ).map((r) => ({
    paymentId: r.payment_id,
    kind: r.kind,
    amount: r.amount,
    tendered: r.tendered,
    change: r.change_given,
    rounding: r.rounding,
  }));
}
