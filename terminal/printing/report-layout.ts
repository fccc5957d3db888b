// An X, shift or Z report → the receipt layout model (drivers/escpos/receipt-model.ts), as
// receipt-layout.ts does for a sale: bilingual labels, the figures in sections, amounts right-
// aligned in the venue's currency. The printer profile decides the width (42 or 48 columns).
import type { LocalizedText } from '../../contract/api';
import { formatMajor } from '../../contract/money';
import type { ReportDto } from '../../contract/shifts';
import type { VenueConfig } from '../../contract/venue';
import type { ReceiptBlock, ReceiptDocument } from '../../drivers/escpos/receipt-model';
import { wallClock } from '../../lib/clock';
import { label, type ReceiptLanguage } from './receipt-layout';

export interface ReportContext {
  venue: Pick<VenueConfig, 'name' | 'timeZone'>;
  terminalShortId: string;
  language: ReceiptLanguage;
  /** Reprints and jobs whose first attempt was cut off say COPY. */
  copy: boolean;
}

/** The title of each kind of report. */
export const REPORT_TITLES = {
  x: { en: 'X REPORT', zh: 'X 报表' },
  shift: { en: 'SHIFT REPORT', zh: '班次报表' },
  z: { en: 'Z REPORT', zh: 'Z 日结报表' },
} as const satisfies Record<ReportDto['kind'], LocalizedText>;

export const REPORT_LABELS = {
  xNote: { en: 'Interim: nothing was closed', zh: '中间报表：未结班' },
  copy: { en: 'COPY', zh: '副本' },
  terminal: { en: 'Terminal', zh: '终端' },
  zNumber: { en: 'Z number', zh: '日结号' },
  shift: { en: 'Shift', zh: '班次' },
  cashier: { en: 'Cashier', zh: '收银员' },
  date: { en: 'Business date', zh: '营业日' },
  from: { en: 'From', zh: '开始' },
  to: { en: 'To', zh: '结束' },
  printed: { en: 'Printed', zh: '打印时间' },
  sales: { en: 'Sales', zh: '销售' },
  revenue: { en: 'Revenue', zh: '营业额' },
  refunds: { en: 'Refunds', zh: '退款' },
  voids: { en: 'Voids', zh: '作废' },
  deposits: { en: 'Deposits', zh: '押金' },
  discounts: { en: 'Discounts', zh: '折扣' },
  comps: { en: 'Comps & staff meals', zh: '招待及员工餐' },
  noSale: { en: 'No-sale opens', zh: '无销售开钱箱' },
  receipts: { en: 'Receipts', zh: '收据号' },
  byTender: { en: 'By tender', zh: '按支付方式' },
  byCategory: { en: 'By category', zh: '按品类' },
  byTax: { en: 'By tax rate', zh: '按税率' },
  net: { en: 'net', zh: '净额' },
  tax: { en: 'tax', zh: '税' },
  gross: { en: 'gross', zh: '含税' },
  cash: { en: 'Cash drawer', zh: '钱箱' },
  float: { en: 'Opening float', zh: '备用金' },
  drops: { en: 'Drops to safe', zh: '存入保险箱' },
  paidIn: { en: 'Paid in', zh: '收入' },
  paidOut: { en: 'Paid out', zh: '支出' },
  rounding: { en: 'Cash rounding', zh: '现金舍入' },
  expected: { en: 'Expected cash', zh: '应有现金' },
  counted: { en: 'Counted cash', zh: '实点现金' },
  overShort: { en: 'Over/short', zh: '长短款' },
  notCounted: { en: 'not counted', zh: '未清点' },
  cards: { en: 'Offline card payments', zh: '离线银行卡' },
  stored: { en: 'Stored', zh: '已存储' },
  forwarded: { en: 'Forwarded', zh: '已转发' },
  refused: { en: 'Refused', zh: '被拒' },
  late: { en: 'Late refusals (venue loss)', zh: '事后拒付（场馆损失）' },
  grandTotal: { en: 'Grand total', zh: '累计总额' },
  unsynced: { en: 'Events not yet synced', zh: '未同步事件' },
  unforwarded: { en: 'Card payments not forwarded', zh: '未转发银行卡' },
  cashTender: { en: 'Cash', zh: '现金' },
  cardTender: { en: 'Card', zh: '银行卡' },
  walletTender: { en: 'Wallet', zh: '电子钱包' },
} as const satisfies Record<string, LocalizedText>;

const L = REPORT_LABELS;

function percent(rateBp: number): string {
  return `${(rateBp / 100).toFixed(2).replace(/\.?0+$/, '')}%`;
}

function tenderName(tender: string): LocalizedText {
  if (tender === 'cash') return L.cashTender;
  if (tender === 'card') return L.cardTender;
  if (tender === 'wallet') return L.walletTender;
  return { en: tender, zh: tender };
}

export function reportDocument(report: ReportDto, ctx: ReportContext): ReceiptDocument {
  const lang = ctx.language;
  const t = (x: LocalizedText): string => label(x, lang);
  const money = (n: number): string => formatMajor(n, report.currency);
  const signed = (n: number): string => `${n > 0 ? '+' : ''}${money(n)}`;
  const time = (iso: string | null): string => {
    const ms = iso === null ? NaN : Date.parse(iso);
    if (Number.isNaN(ms)) return '—';
    const w = wallClock(ms, ctx.venue.timeZone);
    return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}`;
  };
  const blocks: ReceiptBlock[] = [];
  const push = (...b: ReceiptBlock[]): void => {
    blocks.push(...b);
  };
  const row = (left: string, right: string, bold = false): void =>
    push({ kind: 'columns', left, right, ...(bold ? { style: { bold: true } } : {}) });
  const countAmount = (name: LocalizedText, c: { count: number; amount: number }): void =>
    row(`${t(name)} (${c.count})`, money(c.amount));
  const heading = (name: LocalizedText): void => {
    push({ kind: 'separator' }, { kind: 'text', text: t(name), style: { bold: true } });
  };
  const copyMark = `*** ${label(L.copy, lang === 'en' ? 'en' : 'both')} ***`;

  if (ctx.copy) push({ kind: 'text', text: copyMark, align: 'center', style: { bold: true, doubleWidth: true } });
  if (lang !== 'en') push({ kind: 'text', text: ctx.venue.name.zh, align: 'center', style: { bold: true } });
  if (lang !== 'zh') push({ kind: 'text', text: ctx.venue.name.en, align: 'center', style: { bold: true } });
  push({ kind: 'text', text: t(REPORT_TITLES[report.kind]), align: 'center', style: { bold: true, doubleHeight: true } });
  if (report.kind === 'x') push({ kind: 'text', text: t(L.xNote), align: 'center' });
  push({ kind: 'separator', char: '=' });

  row(t(L.terminal), ctx.terminalShortId);
  if (report.kind === 'z' && report.zNumber !== null) row(t(L.zNumber), String(report.zNumber), true);
  if (report.kind !== 'z' && report.shiftId) row(t(L.shift), report.shiftId.slice(-8));
  if (report.cashier) row(t(L.cashier), report.cashier);
  row(t(L.date), report.businessDate);
  row(t(L.from), time(report.from));
  row(t(L.to), time(report.to));
  row(t(L.printed), time(report.generatedAt));

  heading(L.sales);
  countAmount(L.revenue, report.sales);
  countAmount(L.refunds, report.refunds);
  countAmount(L.voids, report.voids);
  countAmount(L.deposits, report.deposits);
  countAmount(L.discounts, report.discounts);
  countAmount(L.comps, report.comps);
  row(t(L.noSale), String(report.noSaleOpens));
  if (report.firstReceiptNo !== null && report.lastReceiptNo !== null) {
    row(t(L.receipts), `${report.firstReceiptNo}–${report.lastReceiptNo}`);
  }

  if (report.byTender.length > 0) {
    heading(L.byTender);
    for (const x of report.byTender) row(`${t(tenderName(x.tender))} (${x.count})`, money(x.amount));
  }
  if (report.byCategory.length > 0) {
    heading(L.byCategory);
    for (const c of report.byCategory) row(`${c.categoryId} ×${c.quantity}`, money(c.amount));
  }
  if (report.byTaxRate.length > 0) {
    heading(L.byTax);
    for (const r of report.byTaxRate) {
      row(`${r.taxRateId} ${percent(r.rateBp)}`, money(r.gross));
      row(`  ${t(L.net)}`, money(r.net));
      row(`  ${t(L.tax)}`, money(r.tax));
    }
  }

  heading(L.cash);
  row(t(L.float), money(report.openingFloat));
  countAmount(L.drops, report.cashMovements.drops);
  countAmount(L.paidIn, report.cashMovements.paidIn);
  countAmount(L.paidOut, report.cashMovements.paidOut);
  if (report.cashRounding !== 0) row(t(L.rounding), money(report.cashRounding));
  row(t(L.expected), money(report.expectedCash), true);
  row(t(L.counted), report.countedCash === null ? t(L.notCounted) : money(report.countedCash), true);
  if (report.overShort !== null) row(t(L.overShort), signed(report.overShort), true);

  const cards = report.offlineCards;
  if (cards.stored.count + cards.forwarded.count + cards.refused.count > 0 || report.lateRefusals.length > 0) {
    heading(L.cards);
    countAmount(L.stored, cards.stored);
    countAmount(L.forwarded, cards.forwarded);
    countAmount(L.refused, cards.refused);
    if (report.lateRefusals.length > 0) {
      const late = report.lateRefusals.reduce((n, r) => n + r.amount, 0);
      row(`${t(L.late)} (${report.lateRefusals.length})`, money(-late), true);
      for (const r of report.lateRefusals) {
        row(`  ${t(L.shift)} ${r.shiftId ? r.shiftId.slice(-8) : '—'}`, money(-r.amount));
      }
    }
  }

  if (report.kind === 'z' && report.grandTotal !== null) {
    push({ kind: 'separator', char: '=' });
    row(t(L.grandTotal), `${report.currency} ${money(report.grandTotal)}`, true);
  }
  if (report.unsyncedEvents > 0 || report.unforwardedCards > 0) {
    push({ kind: 'separator' });
    row(t(L.unsynced), String(report.unsyncedEvents));
    row(t(L.unforwarded), String(report.unforwardedCards));
  }
  push({ kind: 'separator', char: '=' });
  if (ctx.copy) push({ kind: 'text', text: copyMark, align: 'center', style: { bold: true } });
  push({ kind: 'cut', partial: true });
  return { blocks };
}
