// A report (X, shift, Z) from the sums of its shifts (db/reports.ts shiftFigures): expected cash,
// counted and over/short, sales per quarter hour in venue time. Pure, so the till and
// `pos report` (reading a copied data dir) build the same report from the same figures.
import { expectedCash, type ReportDto } from '../../contract/shifts';
import type { VenueConfig } from '../../contract/venue';
import type { ShiftFigures } from '../../db/reports';
import type { ShiftRow } from '../../db/shifts';
import { wallClock } from '../../lib/clock';

export interface ReportInput {
  kind: ReportDto['kind'];
  shifts: readonly Pick<ShiftRow, 'shiftId' | 'businessDate' | 'openedAt' | 'closedAt' | 'cashierName' | 'openingFloat' | 'counted'>[];
  figures: ShiftFigures;
  venue: Pick<VenueConfig, 'currency' | 'timeZone'>;
  terminalId: string;
  /** ISO time of the report; `today` the business date when no shift gives one. */
  now: string;
  today: string;
  unsynced: number;
  unforwarded: number;
}

/** Sales per 15 minutes of venue time (`HH:MM` keys), in time order. */
export function quarterHours(saleTimes: readonly { at: string; amount: number }[], timeZone: string): ReportDto['byQuarterHour'] {
  const quarters = new Map<string, { count: number; amount: number }>();
  for (const t of saleTimes) {
    const w = wallClock(Date.parse(t.at), timeZone);
    const key = `${w.hour}:${String(Math.floor(Number(w.minute) / 15) * 15).padStart(2, '0')}`;
    const q = quarters.get(key) ?? { count: 0, amount: 0 };
    q.count++;
    q.amount += t.amount;
    quarters.set(key, q);
  }
  return [...quarters].sort(([a], [b]) => a.localeCompare(b)).map(([at, q]) => ({ at, ...q }));
}

export function buildReport(input: ReportInput): ReportDto {
  const { kind, shifts, figures: f } = input;
  const openingFloat = shifts.reduce((a, s) => a + s.openingFloat, 0);
  const expected = expectedCash({
    openingFloat,
    cashSales: f.cashSales,
    cashRefunds: f.cashRefunds,
    paidIn: f.paidIn.amount,
    paidOut: f.paidOut.amount,
    drops: f.drops.amount,
  });
  const counted =
    shifts.length > 0 && shifts.every((s) => s.counted !== null) ? shifts.reduce((a, s) => a + (s.counted ?? 0), 0) : null;
  return {
    kind,
    currency: input.venue.currency,
    terminalId: input.terminalId,
    shiftId: kind === 'z' ? null : (shifts[0]?.shiftId ?? null),
    zNumber: null,
    businessDate: shifts[0]?.businessDate ?? input.today,
    from: shifts[0]?.openedAt ?? null,
    to: kind === 'x' ? input.now : (shifts.at(-1)?.closedAt ?? input.now),
    generatedAt: input.now,
    cashier: kind === 'z' ? null : (shifts[0]?.cashierName ?? null),
    sales: f.sales,
    refunds: f.refunds,
    deposits: f.deposits,
    discounts: f.discounts,
    comps: f.comps,
    voids: f.voids,
    noSaleOpens: f.noSaleOpens,
    byTender: f.byTender,
    byCategory: f.byCategory,
    byTaxRate: f.byTaxRate,
    cashMovements: { drops: f.drops, paidIn: f.paidIn, paidOut: f.paidOut },
    openingFloat,
    cashRounding: f.cashRounding,
    expectedCash: expected,
    countedCash: kind === 'x' ? null : counted,
    overShort: kind === 'x' || counted === null ? null : counted - expected,
    offlineCards: { stored: f.offlineStored, forwarded: f.offlineForwarded, refused: f.offlineRefused },
    lateRefusals: [],
    firstReceiptNo: f.firstReceiptNo,
    lastReceiptNo: f.lastReceiptNo,
    grandTotal: null,
    byQuarterHour: quarterHours(f.saleTimes, input.venue.timeZone),
    topProducts: f.topProducts.map((p) => ({
      productId: p.productId,
      name: { en: p.nameEn, zh: p.nameZh },
      quantity: p.quantity,
      amount: p.amount,
    })),
    unsyncedEvents: input.unsynced,
    unforwardedCards: input.unforwarded,
  };
}
