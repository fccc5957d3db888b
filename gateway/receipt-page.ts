// The e-receipt a spectator opens from the QR code: one server-rendered, bilingual page with no
// scripts. Every value that came from a terminal, an admin or a catalog is escaped.
import { z } from 'zod';
import { LocalizedText } from '../contract/api';
import type { SaleCompletedData } from '../contract/gateway';
import { ReasonKind } from '../contract/menu';
import { Minor, currencyExponent, toMajorNumber } from '../contract/money';
import { discountOf } from '../contract/pricing';
import type { VenueConfig } from '../contract/venue';
import { MaskedWalletCode, WALLET_NAMES, WalletProvider } from '../contract/wallet';
import { localDateTime } from './venue-time';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Security headers for the receipt pages: no scripts, nothing embedded, the token never leaks. */
export const RECEIPT_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'private, no-store',
};

const STYLE = `
body{margin:0;background:#f4f4f5;color:#18181b;font:16px/1.45 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:28rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:1.3rem;margin:.2rem 0 0;text-align:center}
.en{color:#52525b;font-size:.85em}
.meta{text-align:center;margin:.5rem 0 1rem}
table{width:100%;border-collapse:collapse}
td{padding:.35rem 0;vertical-align:top}
td.n{text-align:right;white-space:nowrap;padding-left:.75rem}
tr.line td{border-bottom:1px solid #e4e4e7}
tr.sub td{padding:.05rem 0 .05rem 1rem;font-size:.9em;color:#3f3f46}
tr.line.has-sub td{border-bottom:0}
tr.sub.last td{border-bottom:1px solid #e4e4e7;padding-bottom:.35rem}
.mark{font-weight:700;letter-spacing:.03em}
tr.total td{font-weight:700;font-size:1.15rem;border-top:2px solid #18181b;padding-top:.5rem}
h2{font-size:1rem;margin:1.2rem 0 .3rem}
footer{margin-top:1.5rem;text-align:center;color:#71717a;font-size:.85rem}
`;

function page(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

function both(text: LocalizedText): string {
  const zh = escapeHtml(text.zh);
  return text.en && text.en !== text.zh
    ? `${zh} <span class="en">${escapeHtml(text.en)}</span>`
    : zh;
}

function label(zh: string, en: string): string {
  return `${escapeHtml(zh)} <span class="en">${escapeHtml(en)}</span>`;
}

const DiscountDetail = z.object({
  kind: ReasonKind,
  name: LocalizedText,
  percentBp: z.number().int().nullable(),
  amount: Minor.nullable(),
});
type DiscountDetail = z.infer<typeof DiscountDetail>;

/**
 * What the terminal's sale.completed document says beyond SaleCompletedData (which the gateway's
 * reports read): options, combo components and discounts with their reasons. Read leniently, a
 * part at a time, from the stored document: a version-1 event has none of it and still shows.
 */
const ReceiptDetailsSchema = z.object({
  lines: z
    .array(
      z.object({
        lineId: z.string(),
        modifiers: z.array(z.object({ name: LocalizedText, priceDelta: Minor })).catch([]),
        components: z.array(z.object({ name: LocalizedText })).catch([]),
        lineDiscount: DiscountDetail.nullable().catch(null),
      }),
    )
    .catch([]),
  saleDiscount: DiscountDetail.nullable().catch(null),
  /**
   * Wallet tenders: the wallet and the masked code. Anything not shaped like a mask is dropped, so
   * the page never shows more of a payment code than the mask.
   */
  payments: z
    .array(
      z
        .object({
          paymentId: z.string(),
          provider: WalletProvider.optional().catch(undefined),
          maskedCode: MaskedWalletCode.optional().catch(undefined),
        })
        .nullable()
        .catch(null),
    )
    .optional()
    .catch(undefined),
});
export type ReceiptDetails = z.infer<typeof ReceiptDetailsSchema>;

export function receiptDetails(document: unknown): ReceiptDetails {
  const parsed = ReceiptDetailsSchema.safeParse(document);
  return parsed.success ? parsed.data : { lines: [], saleDiscount: null };
}

export interface ReceiptView {
  sale: SaleCompletedData;
  venue: VenueConfig;
  terminalName: string;
  /** Tax rate names from the catalog, by id; the rate itself stands in when a name is missing. */
  taxNames: ReadonlyMap<string, LocalizedText>;
  /** Options, components and discount reasons from the stored document (receiptDetails). */
  details?: ReceiptDetails;
}

/** Comps and staff meals are marked so nobody takes them for a price error (as on paper). */
function discountName(
  d: Pick<DiscountDetail, 'kind' | 'name' | 'percentBp'>,
  sale: boolean,
): string {
  const marker =
    d.kind === 'comp'
      ? { zh: '招待', en: 'COMP' }
      : d.kind === 'staff_meal'
        ? { zh: '员工餐', en: 'STAFF MEAL' }
        : sale
          ? { zh: '整单折扣', en: 'Sale discount' }
          : { zh: '折扣', en: 'Discount' };
  const pct = d.kind === 'discount' && d.percentBp !== null ? ` ${d.percentBp / 100}%` : '';
  const cls = d.kind === 'discount' ? '' : ' class="mark"';
  const same = d.name.zh === marker.zh && d.name.en.toLowerCase() === marker.en.toLowerCase();
  return `<span${cls}>${label(marker.zh, marker.en)}</span>${same ? '' : ` · ${both(d.name)}`}${escapeHtml(pct)}`;
}

const isDeposit = (kind: string): boolean => kind === 'deposit' || kind === 'deposit_return';

export function renderReceiptPage(view: ReceiptView): string {
  const { sale, venue } = view;
  const money = moneyFormatter(sale.currency);
  const when = localDateTime(Date.parse(sale.completedAt), venue.timeZone);

  const details = new Map((view.details?.lines ?? []).map((d) => [d.lineId, d] as const));
  const row = (left: string, amount: number, cls = ''): string =>
    `<tr${cls ? ` class="${cls}"` : ''}><td>${left}</td><td class="n">${escapeHtml(money(amount))}</td></tr>`;
  const qty = (l: { quantity: number; unitPrice: number }): string =>
    l.quantity === 1
      ? ''
      : `<br><span class="en">${escapeHtml(l.quantity)} × ${escapeHtml(money(l.unitPrice))}</span>`;

  // Items, each with its options, combo components and own discount under it; deposits apart.
  let ownDiscounts = 0;
  const lines = sale.lines
    .filter((l) => !isDeposit(l.kind))
    .map((l) => {
      const d = details.get(l.lineId);
      const subs: string[] = [];
      for (const c of d?.components ?? [])
        subs.push(`<tr class="sub"><td>– ${both(c.name)}</td><td></td></tr>`);
      for (const m of d?.modifiers ?? []) {
        const delta =
          m.priceDelta === 0 ? '' : `${m.priceDelta > 0 ? '+' : ''}${money(m.priceDelta)}`;
        subs.push(
          `<tr class="sub"><td>+ ${both(m.name)}</td><td class="n">${escapeHtml(delta)}</td></tr>`,
        );
      }
      if (d?.lineDiscount) {
        const own = discountOf(l.amount, d.lineDiscount);
        ownDiscounts += own;
        subs.push(row(discountName(d.lineDiscount, false), -own, 'sub'));
      }
      if (subs.length > 0)
        subs[subs.length - 1] = subs[subs.length - 1]!.replace(
          '<tr class="sub">',
          '<tr class="sub last">',
        );
      return [
        row(`${both(l.name)}${qty(l)}`, l.amount, subs.length > 0 ? 'line has-sub' : 'line'),
        ...subs,
      ].join('\n');
    })
    .join('\n');
  // The sale discount is spread over the lines' `discount`: what their own discounts leave.
  const saleDiscount =
    sale.lines.reduce((a, l) => a + (isDeposit(l.kind) ? 0 : l.discount), 0) - ownDiscounts;
  const saleDiscountRow =
    view.details?.saleDiscount && saleDiscount !== 0
      ? row(discountName(view.details.saleDiscount, true), -saleDiscount)
      : '';

  const depositLines = sale.lines.filter((l) => isDeposit(l.kind));
  const deposits =
    depositLines.length === 0
      ? ''
      : `<h2>${label('押金', 'Deposits')}</h2>
<table>
${depositLines
  .map((l) => {
    const name =
      l.kind === 'deposit_return' ? `${label('退还', 'Returned')} · ${both(l.name)}` : both(l.name);
    return row(`${name}${qty(l)}`, l.amount, 'line');
  })
  .join('\n')}
</table>`;

  const { totals } = sale;
  const totalRows: string[] = [];
  if (
    totals.exclusiveTax !== 0 ||
    totals.discounts !== 0 ||
    totals.comps !== 0 ||
    totals.deposits !== 0
  ) {
    totalRows.push(row(label('小计', 'Subtotal'), totals.subtotal));
  }
  if (totals.discounts !== 0)
    totalRows.push(row(label('折扣合计', 'Discounts'), -totals.discounts));
  if (totals.comps !== 0)
    totalRows.push(row(label('招待及员工餐', 'Comps & staff meals'), -totals.comps));
  if (totals.deposits !== 0) totalRows.push(row(label('押金', 'Deposits'), totals.deposits));
  if (totals.exclusiveTax !== 0)
    totalRows.push(row(label('另计税额', 'Tax added'), totals.exclusiveTax));

  const taxes = sale.totals.taxes
    .map((t) => {
      const pct = `${t.rateBp / 100}%`;
      const name = view.taxNames.get(t.taxRateId) ?? { zh: `税率 ${pct}`, en: `Tax ${pct}` };
      const kind = t.inclusive ? label('含税', 'incl.') : label('另计', 'added');
      return `<tr><td>${both(name)} · ${kind}<br><span class="en">${label('净额', 'net')} ${escapeHtml(money(t.net))}</span></td><td class="n">${escapeHtml(money(t.tax))}</td></tr>`;
    })
    .join('\n');

  const wallets = new Map(
    (view.details?.payments ?? []).flatMap((w) => (w ? [[w.paymentId, w] as const] : [])),
  );
  const walletTender = (paymentId: string): string => {
    const w = wallets.get(paymentId);
    if (!w?.provider) return label('移动支付', 'Wallet');
    const name = WALLET_NAMES[w.provider];
    return `${label(name.zh, name.en)}${w.maskedCode ? ` ${escapeHtml(w.maskedCode)}` : ''}`;
  };
  const payments = sale.payments
    .map((p) => {
      const tender =
        p.kind === 'cash'
          ? label('现金', 'Cash')
          : p.kind === 'wallet'
            ? walletTender(p.paymentId)
            : escapeHtml(p.kind);
      const rows = [`<tr><td>${tender}</td><td class="n">${escapeHtml(money(p.amount))}</td></tr>`];
      if (p.tendered !== p.amount)
        rows.push(
          `<tr><td>${label('实收', 'Tendered')}</td><td class="n">${escapeHtml(money(p.tendered))}</td></tr>`,
        );
      return rows.join('\n');
    })
    .join('\n');

  const extra: string[] = [];
  if (sale.cashRounding !== 0) {
    extra.push(
      `<tr><td>${label('现金舍入', 'Cash rounding')}</td><td class="n">${escapeHtml(money(sale.cashRounding))}</td></tr>`,
    );
  }
  if (sale.change !== 0) {
    extra.push(
      `<tr><td>${label('找零', 'Change')}</td><td class="n">${escapeHtml(money(sale.change))}</td></tr>`,
    );
  }

  const body = `<h1>${escapeHtml(venue.name.zh)}</h1>
<div class="meta"><div class="en">${escapeHtml(venue.name.en)}</div>
<div>${label('电子收据', 'E-receipt')}</div>
<div>${label('单号', 'Receipt')} <strong>${escapeHtml(sale.receiptRef)}</strong></div>
<div>${escapeHtml(when)}</div>
<div class="en">${escapeHtml(view.terminalName)}</div></div>
<table>
${lines}
${saleDiscountRow}
</table>
${deposits}
<table>
${totalRows.join('\n')}
<tr class="total"><td>${label('合计', 'Total')}</td><td class="n">${escapeHtml(money(sale.totals.total))}</td></tr>
</table>
<h2>${label('付款', 'Payment')}</h2>
<table>
${payments}
${extra.join('\n')}
</table>
<h2>${label('税额', 'Tax')}</h2>
<table>
${taxes}
<tr><td>${label('税额合计', 'Total tax')}</td><td class="n">${escapeHtml(money(sale.totals.taxTotal))}</td></tr>
</table>
<footer>${label('营业日', 'Business date')} ${escapeHtml(sale.businessDate)}<br>${label('谢谢惠顾', 'Thank you')}</footer>`;
  return page('zh-Hans', `${venue.name.zh} · ${sale.receiptRef}`, body);
}

export function renderReceiptNotFound(): string {
  return page(
    'zh-Hans',
    '未找到收据 · Receipt not found',
    `<h1>${escapeHtml('未找到收据')}</h1>
<div class="meta"><div class="en">Receipt not found</div></div>
<p>${escapeHtml('请检查链接，或稍后再试：收银台上传后收据才会显示。')}</p>
<p class="en">Check the link, or try again later: a receipt appears once the till has uploaded it.</p>`,
  );
}

function moneyFormatter(currency: string): (minor: number) => string {
  const digits = currencyExponent(currency);
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat('zh-CN', {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  } catch {
    format = new Intl.NumberFormat('zh-CN', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  }
  // Display only: minor units become a float here and nowhere else (contract/money.ts).
  return (minor) => format.format(toMajorNumber(minor, currency));
}
