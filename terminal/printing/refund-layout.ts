// A refund slip → the receipt layout model: which sale, which lines, how much went back to which
// tender (card refunded, stored card payment cancelled, cash paid out), who approved it. Printed
// when a refund completes; the customer's proof, and the drawer's for cash.
import type { LocalizedText } from '../../contract/api';
import { formatMajor } from '../../contract/money';
import type { VenueConfig } from '../../contract/venue';
import type { ReceiptBlock, ReceiptDocument } from '../../drivers/escpos/receipt-model';
import { wallClock } from '../../lib/clock';
import { label, type ReceiptLanguage } from './receipt-layout';

/** What a refund slip shows (the print job's payload: `{ refund: RefundSlip }`). */
export interface RefundSlip {
  refundId: string;
  receiptRef: string;
  currency: string;
  completedAt: string;
  amount: number;
  /** 'void: …' for a voided sale. */
  reason: string | null;
  approvedBy: string | null;
  lines: { name: LocalizedText; quantity: number; amount: number }[];
  tenders: { kind: 'cash' | 'card' | 'wallet'; amount: number; status: string; last4: string | null }[];
}

const L = {
  refund: { en: 'REFUND', zh: '退款单' },
  void: { en: 'VOID', zh: '作废单' },
  copy: { en: 'COPY', zh: '副本' },
  of: { en: 'Of receipt', zh: '原收据' },
  at: { en: 'Time', zh: '时间' },
  approved: { en: 'Approved by', zh: '批准人' },
  reason: { en: 'Reason', zh: '原因' },
  total: { en: 'Refunded', zh: '退款合计' },
  cash: { en: 'Cash paid out', zh: '现金退还' },
  card: { en: 'Back to card', zh: '退回银行卡' },
  wallet: { en: 'Back to wallet', zh: '退回电子钱包' },
  cancelled: { en: 'Card payment cancelled (never charged)', zh: '银行卡付款已取消（未扣款）' },
  keep: { en: 'Keep this slip', zh: '请保留此单' },
} as const satisfies Record<string, LocalizedText>;

export function refundDocument(
  slip: RefundSlip,
  ctx: { venue: Pick<VenueConfig, 'name' | 'timeZone'>; language: ReceiptLanguage; copy: boolean },
): ReceiptDocument {
  const t = (x: LocalizedText): string => label(x, ctx.language);
  const money = (n: number): string => formatMajor(n, slip.currency);
  const blocks: ReceiptBlock[] = [];
  const push = (...b: ReceiptBlock[]): void => {
    blocks.push(...b);
  };
  const row = (left: string, right: string, bold = false): void =>
    push({ kind: 'columns', left, right, ...(bold ? { style: { bold: true } } : {}) });
  const isVoid = slip.reason?.startsWith('void') ?? false;
  const w = wallClock(Date.parse(slip.completedAt), ctx.venue.timeZone);

  if (ctx.copy) push({ kind: 'text', text: `*** ${t(L.copy)} ***`, align: 'center', style: { bold: true, doubleWidth: true } });
  if (ctx.language !== 'en') push({ kind: 'text', text: ctx.venue.name.zh, align: 'center', style: { bold: true } });
  if (ctx.language !== 'zh') push({ kind: 'text', text: ctx.venue.name.en, align: 'center', style: { bold: true } });
  push({ kind: 'text', text: t(isVoid ? L.void : L.refund), align: 'center', style: { bold: true, doubleHeight: true } });
  push({ kind: 'separator', char: '=' });
  row(t(L.of), slip.receiptRef);
  row(t(L.at), `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}`);
  if (slip.approvedBy) row(t(L.approved), slip.approvedBy);
  if (slip.reason) row(t(L.reason), slip.reason.replace(/^void: ?/, ''));
  push({ kind: 'separator' });
  for (const l of slip.lines) row(`${l.quantity} × ${t(l.name)}`, `-${money(l.amount)}`);
  push({ kind: 'separator' });
  for (const tender of slip.tenders) {
    const name =
      tender.kind === 'cash'
        ? t(L.cash)
        : tender.kind === 'wallet'
          ? `${t(L.wallet)}${tender.last4 ? ` ****${tender.last4}` : ''}`
          : tender.status === 'cancelled'
            ? t(L.cancelled)
            : `${t(L.card)}${tender.last4 ? ` ****${tender.last4}` : ''}`;
    row(name, money(tender.amount));
  }
  row(t(L.total), `${slip.currency} ${money(slip.amount)}`, true);
  push({ kind: 'separator' }, { kind: 'text', text: t(L.keep), align: 'center' }, { kind: 'feed', lines: 1 }, { kind: 'cut' });
  return { blocks };
}
