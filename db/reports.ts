// The figures of X, shift and Z reports, summed in SQL over a set of shifts (docs/terminal-db.md).
// Every figure comes from the frozen business rows the journal also records, so a report can be
// recomputed at any time and checked against the journal.
import type { Db } from './open';
import { prep } from './statements';

export interface CountAmount {
  count: number;
  amount: number;
}

export interface ShiftFigures {
  sales: CountAmount;
  deposits: CountAmount;
  discounts: CountAmount;
  comps: CountAmount;
  refunds: CountAmount;
  voids: CountAmount;
  cashRefunds: number;
  cashSales: number;
  cashRounding: number;
  byTender: { tender: string; count: number; amount: number }[];
  byCategory: { categoryId: string; quantity: number; amount: number }[];
  byTaxRate: { taxRateId: string; rateBp: number; net: number; tax: number; gross: number }[];
  drops: CountAmount;
  paidIn: CountAmount;
  paidOut: CountAmount;
  noSaleOpens: number;
  offlineStored: CountAmount;
  offlineForwarded: CountAmount;
  offlineRefused: CountAmount;
  firstReceiptNo: number | null;
  lastReceiptNo: number | null;
  /** completed_at and revenue of each sale, for charts by time. */
  saleTimes: { at: string; amount: number }[];
  topProducts: { productId: string; nameEn: string; nameZh: string; quantity: number; amount: number }[];
}

const IN_SHIFTS = '(SELECT value FROM json_each(?))';

const ca = (r: { n: number | null; a: number | null } | undefined): CountAmount => ({ count: r?.n ?? 0, amount: r?.a ?? 0 });

/** Sums over the completed sales, refunds, cash movements and card payments of these shifts. */
export function shiftFigures(db: Db, shiftIds: readonly string[]): ShiftFigures {
  const ids = JSON.stringify(shiftIds);
  const one = <T>(sql: string): T => prep(db, sql).get(ids) as T;
  const all = <T>(sql: string): T[] => prep(db, sql).all(ids) as T[];
  const sales = `FROM sales WHERE status = 'completed' AND shift_id IN ${IN_SHIFTS}`;
  const s = one<{
    n: number;
    a: number | null;
    dn: number;
    d: number | null;
    xn: number;
    x: number | null;
    cn: number;
    c: number | null;
    r: number | null;
    lo: number | null;
    hi: number | null;
  }>(
    `SELECT COUNT(*) AS n, SUM(total - deposits) AS a,
            COUNT(NULLIF(deposits, 0)) AS dn, SUM(deposits) AS d,
            COUNT(NULLIF(discounts, 0)) AS xn, SUM(discounts) AS x,
            COUNT(NULLIF(comps, 0)) AS cn, SUM(comps) AS c,
            SUM(cash_rounding) AS r, MIN(receipt_no) AS lo, MAX(receipt_no) AS hi ${sales}`,
  );
  const byTender = all<{ tender: string; count: number; amount: number }>(
    `SELECT p.kind AS tender, COUNT(*) AS count, SUM(p.amount) AS amount
       FROM payments p JOIN sales s ON s.sale_id = p.sale_id
      WHERE s.status = 'completed' AND s.shift_id IN ${IN_SHIFTS} GROUP BY p.kind ORDER BY p.kind`,
  );
  const byCategory = all<{ categoryId: string; quantity: number; amount: number }>(
    `SELECT l.category_id AS categoryId, SUM(l.quantity) AS quantity, SUM(l.amount - l.discount) AS amount
       FROM sale_lines l JOIN sales s ON s.sale_id = l.sale_id
      WHERE s.status = 'completed' AND s.shift_id IN ${IN_SHIFTS} AND l.kind IN ('item', 'combo')
      GROUP BY l.category_id ORDER BY l.category_id`,
  );
  const byTaxRate = all<{ taxRateId: string; rateBp: number; net: number; tax: number; gross: number }>(
    `SELECT t.tax_rate_id AS taxRateId, t.rate_bp AS rateBp, SUM(t.net) AS net, SUM(t.tax) AS tax, SUM(t.gross) AS gross
       FROM sale_taxes t JOIN sales s ON s.sale_id = t.sale_id
      WHERE s.status = 'completed' AND s.shift_id IN ${IN_SHIFTS}
      GROUP BY t.tax_rate_id, t.rate_bp ORDER BY t.tax_rate_id`,
  );
  const refunds = one<{ n: number; a: number | null; vn: number; v: number | null }>(
    `SELECT COUNT(*) AS n, SUM(amount) AS a, COUNT(CASE WHEN reason LIKE 'void%' THEN 1 END) AS vn,
            SUM(CASE WHEN reason LIKE 'void%' THEN amount END) AS v
       FROM refunds WHERE status = 'completed' AND shift_id IN ${IN_SHIFTS}`,
  );
  const cashRefunds = one<{ a: number | null }>(
    `SELECT SUM(t.amount) AS a FROM refund_tenders t JOIN refunds r ON r.refund_id = t.refund_id
      WHERE t.kind = 'cash' AND t.status = 'paid' AND r.shift_id IN ${IN_SHIFTS}`,
  );
  const moves = all<{ kind: string; n: number; a: number }>(
    `SELECT kind, COUNT(*) AS n, SUM(amount) AS a FROM cash_movements WHERE shift_id IN ${IN_SHIFTS} GROUP BY kind`,
  );
  const move = (kind: string): CountAmount => ca(moves.find((m) => m.kind === kind));
  const cards = one<{ sn: number; s: number | null; fn: number; f: number | null; rn: number; r: number | null }>(
    `SELECT COUNT(CASE WHEN offline = 1 THEN 1 END) AS sn, SUM(CASE WHEN offline = 1 THEN amount END) AS s,
            COUNT(CASE WHEN offline = 1 AND state = 'approved' THEN 1 END) AS fn,
            SUM(CASE WHEN offline = 1 AND state = 'approved' THEN amount END) AS f,
            COUNT(CASE WHEN state = 'refused' THEN 1 END) AS rn, SUM(CASE WHEN state = 'refused' THEN amount END) AS r
       FROM card_payments WHERE shift_id IN ${IN_SHIFTS}`,
  );
  const cashSales = byTender.find((t) => t.tender === 'cash')?.amount ?? 0;
  return {
    sales: ca({ n: s.n, a: s.a }),
    deposits: ca({ n: s.dn, a: s.d }),
    discounts: ca({ n: s.xn, a: s.x }),
    comps: ca({ n: s.cn, a: s.c }),
    refunds: ca({ n: refunds.n, a: refunds.a }),
    voids: ca({ n: refunds.vn, a: refunds.v }),
    cashRefunds: cashRefunds.a ?? 0,
    cashSales,
    cashRounding: s.r ?? 0,
    byTender,
    byCategory,
    byTaxRate,
    drops: move('drop'),
    paidIn: move('paid_in'),
    paidOut: move('paid_out'),
    noSaleOpens: move('no_sale').count,
    offlineStored: ca({ n: cards.sn, a: cards.s }),
    offlineForwarded: ca({ n: cards.fn, a: cards.f }),
    offlineRefused: ca({ n: cards.rn, a: cards.r }),
    firstReceiptNo: s.lo,
    lastReceiptNo: s.hi,
    saleTimes: all<{ at: string; amount: number }>(`SELECT completed_at AS at, total - deposits AS amount ${sales}`),
    topProducts: all<{ productId: string; nameEn: string; nameZh: string; quantity: number; amount: number }>(
      `SELECT l.product_id AS productId, MAX(l.name_en) AS nameEn, MAX(l.name_zh) AS nameZh,
              SUM(l.quantity) AS quantity, SUM(l.amount - l.discount) AS amount
         FROM sale_lines l JOIN sales s ON s.sale_id = l.sale_id
        WHERE s.status = 'completed' AND s.shift_id IN ${IN_SHIFTS} AND l.kind IN ('item', 'combo')
        GROUP BY l.product_id ORDER BY amount DESC, l.product_id LIMIT 10`,
    ),
  };
}
