// Realistic `sale.completed` events in bulk, for fault tests and benchmarks that need thousands of
// queued sales without selling them one by one through the services: a three-line cash sale as
// the sale service writes it (terminal id, receipt number and token, lines with zh/en names, VAT
// included, cash payment), appended to a terminal's outbox in one transaction.
import { randomBytes } from 'node:crypto';
import type { EventEnvelope, SaleCompletedInput } from '../../contract/gateway';
import { appendOutbox } from '../../db/outbox';
import type { Db } from '../../db/open';
import { newId } from '../../lib/ids';

/** 2026-11-21 19:30 in Shanghai: the concert's half-time rush. */
export const SALE_T0 = Date.UTC(2026, 10, 21, 11, 30, 0);
export const SALE_BUSINESS_DATE = '2026-11-21';

const LINES = [
  { productId: 'hot-dog', categoryId: 'hot-food', name: { en: 'Hot dog', zh: '热狗' }, unitPrice: 2500, quantity: 2 },
  { productId: 'cola-m', categoryId: 'drinks', name: { en: 'Cola, medium', zh: '可乐（中杯）' }, unitPrice: 1200, quantity: 1 },
  { productId: 'pretzel', categoryId: 'snacks', name: { en: 'Pretzel', zh: '椒盐卷饼' }, unitPrice: 1800, quantity: 1 },
] as const;

const base32 = (bytes: Buffer): string => {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let out = '';
  for (const b of bytes) out += alphabet[b & 31];
  return out;
};

/** A three-line cash sale (2 hot dogs, a cola, a pretzel: 80.00 CNY, 6 % VAT included, paid 100). */
export function saleCompletedData(terminalId: string, receiptNo: number, at: number = SALE_T0): SaleCompletedInput {
  const lines = LINES.map((l) => ({ lineId: newId(), ...l, name: { ...l.name }, amount: l.unitPrice * l.quantity, taxRateId: 'vat6' }));
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const tax = Math.round((total * 600) / 10_600);
  const completedAt = new Date(at).toISOString();
  return {
    terminalId,
    saleId: newId(),
    receiptNo,
    receiptRef: `${terminalId.slice(-6).toUpperCase()}-${receiptNo}`,
    receiptToken: base32(randomBytes(20)),
    currency: 'CNY',
    completedAt,
    businessDate: SALE_BUSINESS_DATE,
    lines,
    totals: {
      subtotal: total,
      exclusiveTax: 0,
      taxTotal: tax,
      total,
      taxes: [{ taxRateId: 'vat6', rateBp: 600, inclusive: true, net: total - tax, tax, gross: total }],
    },
    payments: [{ paymentId: newId(), kind: 'cash', amount: total, tendered: 10_000, change: 10_000 - total, rounding: 0 }],
    cashRounding: 0,
    change: 10_000 - total,
  };
}

/** Envelopes seq from…from+count-1 of one terminal, each a completed sale (receipt no = seq). */
export function saleEvents(terminalId: string, from: number, count: number): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  for (let seq = from; seq < from + count; seq++) {
    const at = SALE_T0 + seq * 1000;
    out.push({
      v: 1,
      eventId: newId(),
      terminalId,
      seq,
      type: 'sale.completed',
      at: new Date(at).toISOString(),
      businessDate: SALE_BUSINESS_DATE,
      data: saleCompletedData(terminalId, seq, at),
    });
  }
  return out;
}

/**
 * Appends `count` completed sales to a terminal's outbox in ONE transaction (the way a terminal
 * that sold offline for hours looks to the sync worker). Returns the sale ids written.
 */
export function seedOutboxSales(db: Db, terminalId: string, count: number): string[] {
  const saleIds: string[] = [];
  db.transaction(() => {
    const { n } = db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM outbox').get() as { n: number };
    for (let i = 1; i <= count; i++) {
      const at = SALE_T0 + (n + i) * 1000;
      const data = saleCompletedData(terminalId, n + i, at);
      saleIds.push(data.saleId);
      appendOutbox(db, {
        terminalId,
        type: 'sale.completed',
        at: new Date(at).toISOString(),
        businessDate: SALE_BUSINESS_DATE,
        data,
      });
    }
  })();
  return saleIds;
}
