// The e-receipt a spectator opens from the QR code: one server-rendered, bilingual page with no
// scripts. Every value that came from a terminal, an admin or a catalog is escaped.
import type { LocalizedText } from '../contract/api';
import type { SaleCompletedData } from '../contract/gateway';
import { currencyExponent, toMajorNumber } from '../contract/money';
import type { VenueConfig } from '../contract/venue';
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

export interface ReceiptView {
  sale: SaleCompletedData;
  venue: VenueConfig;
  terminalName: string;
  /** Tax rate names from the catalog, by id; the rate itself stands in when a name is missing. */
  taxNames: ReadonlyMap<string, LocalizedText>;
}

export function renderReceiptPage(view: ReceiptView): string {
  const { sale, venue } = view;
  const money = moneyFormatter(sale.currency);
  const when = localDateTime(Date.parse(sale.completedAt), venue.timeZone);

  const lines = sale.lines
    .map((l) => {
      const qty =
        l.quantity === 1
          ? ''
          : `<br><span class="en">${escapeHtml(l.quantity)} × ${escapeHtml(money(l.unitPrice))}</span>`;
      return `<tr class="line"><td>${both(l.name)}${qty}</td><td class="n">${escapeHtml(money(l.amount))}</td></tr>`;
    })
    .join('\n');

  const taxes = sale.totals.taxes
    .map((t) => {
      const pct = `${t.rateBp / 100}%`;
      const name = view.taxNames.get(t.taxRateId) ?? { zh: `税率 ${pct}`, en: `Tax ${pct}` };
      const kind = t.inclusive ? label('含税', 'incl.') : label('另计', 'added');
      return `<tr><td>${both(name)} · ${kind}<br><span class="en">${label('净额', 'net')} ${escapeHtml(money(t.net))}</span></td><td class="n">${escapeHtml(money(t.tax))}</td></tr>`;
    })
    .join('\n');

  const payments = sale.payments
    .map((p) => {
      const tender = p.kind === 'cash' ? label('现金', 'Cash') : escapeHtml(p.kind);
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
