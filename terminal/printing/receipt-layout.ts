// A completed sale → the receipt layout model (drivers/escpos/receipt-model.ts). No bytes here:
// drivers/escpos renders the model for a printer profile, which also aligns columns counting
// Chinese characters as two cells. What a receipt must say is decided here, in one place.
import type { CompletedSaleDto, LineDiscountDto, LocalizedText, SaleLineDto } from '../../contract/api';
import { formatMajor } from '../../contract/money';
import { discountOf } from '../../contract/pricing';
import { WALLET_NAMES } from '../../contract/wallet';
import type { VenueConfig } from '../../contract/venue';
import type { ReceiptBlock, ReceiptDocument } from '../../drivers/escpos/receipt-model';
import { wallClock } from '../../lib/clock';

/** 'both' prints Chinese and English; 'zh' or 'en' one language. */
export type ReceiptLanguage = 'both' | 'zh' | 'en';

export interface ReceiptContext {
  venue: Pick<VenueConfig, 'name' | 'timeZone'>;
  terminalShortId: string;
  /** The gateway's base URL when enrolled; the QR then links to the receipt page. */
  gatewayUrl: string | null;
  language: ReceiptLanguage;
  /** Reprints and jobs whose first attempt was cut off say COPY. */
  copy: boolean;
  /** Who sold (staff arrive with a later issue). */
  cashier?: string | null;
  footer?: LocalizedText;
  /** Open the drawer at the end of the receipt (not used by jobs: the drawer is its own job). */
  drawer?: boolean;
}

const L = {
  copy: { en: 'COPY', zh: '副本' },
  receipt: { en: 'Receipt', zh: '收据' },
  terminal: { en: 'Terminal', zh: '终端' },
  cashier: { en: 'Cashier', zh: '收银员' },
  date: { en: 'Business date', zh: '营业日' },
  time: { en: 'Time', zh: '时间' },
  subtotal: { en: 'Subtotal', zh: '小计' },
  deposits: { en: 'Deposits', zh: '押金' },
  returned: { en: 'Returned', zh: '退还' },
  discount: { en: 'Discount', zh: '折扣' },
  saleDiscount: { en: 'Sale discount', zh: '整单折扣' },
  discounts: { en: 'Discounts', zh: '折扣合计' },
  comps: { en: 'Comps & staff meals', zh: '招待及员工餐' },
  comp: { en: 'COMP', zh: '招待' },
  staffMeal: { en: 'STAFF MEAL', zh: '员工餐' },
  tax: { en: 'Tax', zh: '税' },
  incl: { en: 'incl.', zh: '含' },
  total: { en: 'TOTAL', zh: '合计' },
  cash: { en: 'Cash', zh: '现金' },
  card: { en: 'Card', zh: '银行卡' },
  approved: { en: 'APPROVED', zh: '已批准' },
  stored: { en: 'STORED', zh: '已存储' },
  contactless: { en: 'Contactless', zh: '非接触' },
  walletRef: { en: 'Ref', zh: '交易号' },
  authCode: { en: 'Auth code', zh: '授权码' },
  merchant: { en: 'Merchant', zh: '商户号' },
  acquirerTerminal: { en: 'Terminal ID', zh: '终端编号' },
  rounding: { en: 'Cash rounding', zh: '现金舍入' },
  change: { en: 'Change', zh: '找零' },
  scan: { en: 'Scan for your e-receipt', zh: '扫码查看电子收据' },
  thanks: { en: 'Thank you!', zh: '谢谢惠顾！' },
} as const satisfies Record<string, LocalizedText>;

/** One label in the configured language(s): "合计 TOTAL" when bilingual. */
export function label(text: LocalizedText, language: ReceiptLanguage): string {
  if (language === 'en') return text.en;
  if (language === 'zh') return text.zh;
  return text.zh === text.en ? text.en : `${text.zh} ${text.en}`;
}

/** The receipt QR's content (ARCHITECTURE §4): the receipt page, or the token alone offline. */
export function receiptQrContent(token: string, gatewayUrl: string | null): string {
  return gatewayUrl ? `${gatewayUrl.replace(/\/+$/, '')}/r/${token}` : token;
}

function percent(rateBp: number): string {
  const whole = Math.floor(rateBp / 100);
  const frac = rateBp % 100;
  return frac === 0 ? `${whole}%` : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}%`;
}

/**
 * What a discount is called on the receipt: comps and staff meals are marked (COMP, STAFF MEAL) so
 * nobody takes them for a price error; the reason's own name follows unless it says the same.
 */
export function discountLabel(d: Pick<LineDiscountDto, 'kind' | 'name' | 'percentBp'>, sale = false): LocalizedText {
  const marker = d.kind === 'comp' ? L.comp : d.kind === 'staff_meal' ? L.staffMeal : sale ? L.saleDiscount : L.discount;
  const pct = d.kind === 'discount' && d.percentBp !== null ? percent(d.percentBp) : '';
  const one = (lang: 'en' | 'zh', sep: string): string => {
    const name = d.name[lang];
    if (name.toLowerCase() === marker[lang].toLowerCase()) return marker[lang];
    return `${marker[lang]}${sep}${name}${pct && !name.includes(pct) ? ` ${pct}` : ''}`;
  };
  return { en: one('en', ': '), zh: one('zh', '：') };
}

/** A line's own discount (its `discount` also holds its share of a sale discount). */
export function ownDiscount(line: Pick<SaleLineDto, 'amount' | 'lineDiscount'>): number {
  return line.lineDiscount ? discountOf(line.amount, line.lineDiscount) : 0;
}

const isDeposit = (l: Pick<SaleLineDto, 'kind'>): boolean => l.kind === 'deposit' || l.kind === 'deposit_return';

export function receiptDocument(sale: CompletedSaleDto, ctx: ReceiptContext): ReceiptDocument {
  const lang = ctx.language;
  const t = (x: LocalizedText) => label(x, lang);
  const money = (n: number) => formatMajor(n, sale.currency);
  const blocks: ReceiptBlock[] = [];
  const push = (...b: ReceiptBlock[]) => blocks.push(...b);

  if (ctx.copy) {
    push({ kind: 'text', text: `*** ${label(L.copy, lang === 'en' ? 'en' : 'both')} ***`, align: 'center', style: { bold: true, doubleWidth: true } });
  }
  // Venue header: both names when bilingual, each on its own line so neither wraps oddly.
  if (lang !== 'en') push({ kind: 'text', text: ctx.venue.name.zh, align: 'center', style: { bold: true, doubleHeight: true } });
  if (lang !== 'zh') push({ kind: 'text', text: ctx.venue.name.en, align: 'center', style: { bold: true } });
  push({ kind: 'separator', char: '=' });

  const w = wallClock(Date.parse(sale.completedAt), ctx.venue.timeZone);
  push(
    { kind: 'columns', left: t(L.receipt), right: sale.receiptRef },
    { kind: 'columns', left: t(L.terminal), right: ctx.terminalShortId },
  );
  if (ctx.cashier) push({ kind: 'columns', left: t(L.cashier), right: ctx.cashier });
  push(
    { kind: 'columns', left: t(L.date), right: sale.businessDate },
    { kind: 'columns', left: t(L.time), right: `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}` },
    { kind: 'separator' },
  );

  // Items: each with its options (per-unit price deltas), combo components and own discount
  // indented under it. Deposits are not items (no tax, no discount): they get their own section.
  for (const line of sale.lines) {
    if (isDeposit(line)) continue;
    push({ kind: 'columns', left: t(line.name), right: money(line.amount) });
    if (line.quantity !== 1) push({ kind: 'text', text: `  ${line.quantity} × ${money(line.unitPrice)}` });
    for (const c of line.components) push({ kind: 'text', text: `  - ${t(c.name)}` });
    for (const m of line.modifiers) {
      const left = `  + ${t(m.name)}`;
      push(m.priceDelta === 0 ? { kind: 'text', text: left } : { kind: 'columns', left, right: `${m.priceDelta > 0 ? '+' : ''}${money(m.priceDelta)}` });
    }
    if (line.lineDiscount) {
      push({ kind: 'columns', left: `  ${t(discountLabel(line.lineDiscount))}`, right: money(-ownDiscount(line)) });
    }
  }
  // The sale discount, spread over the lines' `discount`: what is left after their own discounts.
  const saleDiscount = sale.lines.reduce((a, l) => a + (isDeposit(l) ? 0 : l.discount - ownDiscount(l)), 0);
  if (sale.saleDiscount && saleDiscount !== 0) {
    push({ kind: 'columns', left: t(discountLabel(sale.saleDiscount, true)), right: money(-saleDiscount) });
  }
  push({ kind: 'separator' });

  const deposits = sale.lines.filter(isDeposit);
  if (deposits.length > 0) {
    push({ kind: 'text', text: t(L.deposits), style: { bold: true } });
    for (const line of deposits) {
      const name = line.kind === 'deposit_return' ? { en: `${L.returned.en}: ${line.name.en}`, zh: `${L.returned.zh}${line.name.zh}` } : line.name;
      push({ kind: 'columns', left: t(name), right: money(line.amount) });
      if (line.quantity !== 1) push({ kind: 'text', text: `  ${line.quantity} × ${money(line.unitPrice)}` });
    }
    push({ kind: 'separator' });
  }

  const { totals } = sale;
  if (totals.exclusiveTax !== 0 || totals.discounts !== 0 || totals.comps !== 0 || totals.deposits !== 0) {
    push({ kind: 'columns', left: t(L.subtotal), right: money(totals.subtotal) });
  }
  if (totals.discounts !== 0) push({ kind: 'columns', left: t(L.discounts), right: money(-totals.discounts) });
  if (totals.comps !== 0) push({ kind: 'columns', left: t(L.comps), right: money(-totals.comps) });
  if (totals.deposits !== 0) push({ kind: 'columns', left: t(L.deposits), right: money(totals.deposits) });
  for (const tax of sale.totals.taxes) {
    const name = `${t(L.tax)} ${percent(tax.rateBp)}${tax.inclusive ? ` (${t(L.incl)})` : ''}`;
    push({ kind: 'columns', left: name, right: money(tax.tax) });
  }
  push({ kind: 'columns', left: t(L.total), right: `${sale.currency} ${money(sale.totals.total)}`, style: { bold: true } });
  push({ kind: 'separator' });

  for (const p of sale.payments) {
    if (p.kind === 'cash') {
      push({ kind: 'columns', left: t(L.cash), right: money(p.tendered) });
      continue;
    }
    if (p.kind === 'wallet') {
      // A payment code is a bearer token: only its mask is printed.
      push({ kind: 'columns', left: `${t(WALLET_NAMES[p.provider])} ${p.maskedCode}`, right: money(p.amount) });
      if (p.providerRef) push({ kind: 'text', text: `${t(L.walletRef)} ${p.providerRef}` });
      push({ kind: 'text', text: t(L.approved), style: { bold: true } });
      continue;
    }
    // CARD DATA: last 4 only, never the expiry (ARCHITECTURE §4). An offline payment not yet
    // forwarded says STORED: it is not approved until the acquirer has it.
    const c = p.card;
    push({ kind: 'columns', left: `${t(L.card)} ${c.brand.toUpperCase()} **** ${c.last4}`, right: money(p.amount) });
    push({ kind: 'text', text: `${t(L.contactless)}${c.entryMode === 'contactless_msd' ? ' (MSD)' : ''}` });
    if (c.aid) push({ kind: 'text', text: `AID ${c.aid}${c.label ? ` ${c.label}` : ''}` });
    if (p.authCode) push({ kind: 'text', text: `${t(L.authCode)} ${p.authCode}` });
    if (p.merchantId) push({ kind: 'text', text: `${t(L.merchant)} ${p.merchantId}` });
    if (p.terminalRef) push({ kind: 'text', text: `${t(L.acquirerTerminal)} ${p.terminalRef}` });
    push({ kind: 'text', text: p.stored ? t(L.stored) : t(L.approved), style: { bold: true } });
  }
  if (sale.cashRounding !== 0) push({ kind: 'columns', left: t(L.rounding), right: money(sale.cashRounding) });
  push({ kind: 'columns', left: t(L.change), right: money(sale.change), style: { bold: true } });
  push({ kind: 'separator' });

  push(
    { kind: 'qr', data: receiptQrContent(sale.receiptToken, ctx.gatewayUrl), size: 6, errorCorrection: 'M', align: 'center' },
    { kind: 'text', text: t(L.scan), align: 'center' },
    { kind: 'text', text: sale.receiptRef, align: 'center', style: { bold: true } },
  );
  const footer = ctx.footer ?? L.thanks;
  push({ kind: 'text', text: t(footer), align: 'center' });
  if (ctx.copy) push({ kind: 'text', text: `*** ${label(L.copy, lang === 'en' ? 'en' : 'both')} ***`, align: 'center', style: { bold: true } });
  if (ctx.drawer) push({ kind: 'drawer' });
  push({ kind: 'cut', partial: true });
  return { blocks };
}

/** The `pos printer test` / "Test print" page: code page sample, a Chinese line, a QR code, cut. */
export function testPageDocument(opts: { title: string; address: string; at: string }): ReceiptDocument {
  return {
    blocks: [
      { kind: 'text', text: 'Venue POS — test page', align: 'center', style: { bold: true, doubleHeight: true } },
      { kind: 'text', text: opts.title, align: 'center' },
      { kind: 'separator', char: '=' },
      { kind: 'columns', left: 'Printer', right: opts.address, overflow: 'truncate' },
      { kind: 'columns', left: 'Time (UTC)', right: opts.at },
      { kind: 'separator' },
      { kind: 'text', text: 'Code page: àéîõü ÀÉÎÕÜ ç ñ ß £ € ¿ ¡' },
      { kind: 'text', text: 'ASCII: !"#$%&\'()*+,-./0123456789:;<=>?@' },
      { kind: 'text', text: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz' },
      { kind: 'text', text: '中文：场馆收银测试页 — 打印正常' },
      { kind: 'columns', left: '热狗 Hot dog', right: '25.00' },
      { kind: 'text', text: 'Bold', style: { bold: true } },
      { kind: 'text', text: 'Double', style: { doubleWidth: true, doubleHeight: true } },
      { kind: 'separator' },
      { kind: 'qr', data: 'https://example.invalid/r/TESTPAGE', size: 6, align: 'center' },
      { kind: 'text', text: 'QR: https://example.invalid/r/TESTPAGE', align: 'center' },
      { kind: 'cut', partial: true },
    ],
  };
}
