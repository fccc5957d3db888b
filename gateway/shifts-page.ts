// The venue's shifts and Z reports on one server-rendered, bilingual page for supervisors and
// auditors: no scripts, every value from a terminal or an admin escaped, amounts in the venue's
// currency.
import type { ZReportSummary } from '../contract/gateway';
import { formatMajor } from '../contract/money';
import type { VenueConfig } from '../contract/venue';
import { escapeHtml } from './receipt-page';
import type { ShiftRecord } from './store';
import { localDateTime } from './venue-time';

const STYLE = `
body{margin:0;background:#f4f4f5;color:#18181b;font:15px/1.4 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:76rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:1.3rem;margin:.2rem 0}
h2{font-size:1.1rem;margin:1.5rem 0 .4rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
.en{color:#52525b;font-size:.85em}
.meta{color:#3f3f46;margin:.2rem 0 1rem}
table{width:100%;border-collapse:collapse;margin-bottom:.5rem}
th{text-align:left;font-weight:600;border-bottom:2px solid #18181b;padding:.3rem .4rem;vertical-align:bottom}
td{padding:.3rem .4rem;border-bottom:1px solid #e4e4e7;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}
.short{color:#b91c1c;font-weight:600}
.loss{color:#b91c1c}
.empty{color:#71717a}
`;

/** Security headers: no scripts, nothing embedded, the admin token in the URL never leaks onward. */
export const SHIFTS_PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'private, no-store',
};

function label(zh: string, en: string): string {
  return `${escapeHtml(zh)} <span class="en">${escapeHtml(en)}</span>`;
}

export interface ShiftsPageView {
  venue: Pick<VenueConfig, 'name' | 'currency' | 'timeZone'>;
  /** Terminal names by id (unknown ids show as the id). */
  terminals: ReadonlyMap<string, string>;
  shifts: readonly ShiftRecord[];
  zReports: readonly ZReportSummary[];
  query: { from?: string | undefined; to?: string | undefined; terminal?: string | undefined };
}

/** The few Z figures the page shows, read leniently from the stored report. */
function zFigures(report: string): { sales: number | null; refunds: number | null; overShort: number | null; late: number | null } {
  let r: unknown;
  try {
    r = JSON.parse(report);
  } catch {
    r = null;
  }
  const o = (r ?? {}) as Record<string, unknown>;
  const amount = (v: unknown): number | null => {
    const a = (v as { amount?: unknown } | null)?.amount;
    return typeof a === 'number' && Number.isSafeInteger(a) ? a : null;
  };
  const late = Array.isArray(o.lateRefusals)
    ? o.lateRefusals.reduce<number>((n, x) => n + (typeof (x as { amount?: unknown }).amount === 'number' ? ((x as { amount: number }).amount) : 0), 0)
    : null;
  return {
    sales: amount(o.sales),
    refunds: amount(o.refunds),
    overShort: typeof o.overShort === 'number' ? o.overShort : null,
    late,
  };
}

export function renderShiftsPage(view: ShiftsPageView): string {
  const { currency, timeZone } = view.venue;
  const money = (n: number | null): string => (n === null ? '—' : escapeHtml(formatMajor(n, currency)));
  const signed = (n: number | null): string =>
    n === null ? '—' : `<span${n < 0 ? ' class="short"' : ''}>${n > 0 ? '+' : ''}${money(n)}</span>`;
  const time = (iso: string | null): string => {
    const ms = iso === null ? NaN : Date.parse(iso);
    return Number.isNaN(ms) ? '—' : escapeHtml(localDateTime(ms, timeZone));
  };
  const terminal = (id: string): string => {
    const name = view.terminals.get(id);
    return name ? `${escapeHtml(name)} <span class="en">${escapeHtml(id.slice(-6))}</span>` : escapeHtml(id);
  };
  const ids = [...new Set([...view.shifts.map((s) => s.terminalId), ...view.zReports.map((z) => z.terminalId)])].sort((a, b) =>
    (view.terminals.get(a) ?? a).localeCompare(view.terminals.get(b) ?? b),
  );
  const range = [
    view.query.from ? `${label('从', 'from')} ${escapeHtml(view.query.from)}` : '',
    view.query.to ? `${label('至', 'to')} ${escapeHtml(view.query.to)}` : '',
  ]
    .filter(Boolean)
    .join(' ');

  const sections = ids.map((id) => {
    const shifts = view.shifts.filter((s) => s.terminalId === id);
    const zs = view.zReports.filter((z) => z.terminalId === id);
    const shiftRows = shifts
      .map(
        (s) => `<tr>
<td>${escapeHtml(s.businessDate)}</td>
<td>${escapeHtml(s.cashier)}<br><span class="en">${escapeHtml(s.shiftId)}</span></td>
<td>${s.status === 'open' ? label('营业中', 'Open') : label('已结班', 'Closed')}</td>
<td>${time(s.openedAt)}</td>
<td>${time(s.closedAt)}</td>
<td class="n">${escapeHtml(s.sales.count)}</td>
<td class="n">${money(s.sales.amount)}</td>
<td class="n">${signed(s.overShort)}</td>
<td class="n">${s.lateRefusals === 0 ? money(0) : `<span class="loss">${money(-s.lateRefusals)}</span>`}</td>
<td class="n">${s.zNumber === null ? '—' : escapeHtml(s.zNumber)}</td>
</tr>`,
      )
      .join('\n');
    const zRows = zs
      .map((z) => {
        const f = zFigures(z.report);
        return `<tr>
<td class="n">${escapeHtml(z.zNumber)}</td>
<td>${escapeHtml(z.businessDate)}</td>
<td>${time(z.closedAt)}</td>
<td class="n">${money(f.sales)}</td>
<td class="n">${money(f.refunds)}</td>
<td class="n">${signed(f.overShort)}</td>
<td class="n">${f.late === null || f.late === 0 ? money(f.late) : `<span class="loss">${money(-f.late)}</span>`}</td>
<td class="n">${money(z.grandTotal)}</td>
</tr>`;
      })
      .join('\n');
    return `<h2>${label('终端', 'Terminal')} ${terminal(id)}</h2>
<h3>${label('班次', 'Shifts')}</h3>
${
  shifts.length === 0
    ? `<p class="empty">${label('没有班次', 'No shifts')}</p>`
    : `<table>
<thead><tr><th>${label('营业日', 'Business date')}</th><th>${label('收银员', 'Cashier')}</th><th>${label('状态', 'Status')}</th><th>${label('开班', 'Opened')}</th><th>${label('结班', 'Closed')}</th><th class="n">${label('笔数', 'Sales')}</th><th class="n">${label('销售额', 'Revenue')}</th><th class="n">${label('长短款', 'Over/short')}</th><th class="n">${label('事后拒付', 'Late refusals')}</th><th class="n">${label('日结号', 'Z')}</th></tr></thead>
<tbody>
${shiftRows}
</tbody>
</table>`
}
<h3>${label('日结报表', 'Z reports')}</h3>
${
  zs.length === 0
    ? `<p class="empty">${label('没有日结', 'No Z reports')}</p>`
    : `<table>
<thead><tr><th class="n">${label('日结号', 'Z')}</th><th>${label('营业日', 'Business date')}</th><th>${label('日结时间', 'Closed')}</th><th class="n">${label('销售额', 'Revenue')}</th><th class="n">${label('退款', 'Refunds')}</th><th class="n">${label('长短款', 'Over/short')}</th><th class="n">${label('事后拒付', 'Late refusals')}</th><th class="n">${label('累计总额', 'Grand total')}</th></tr></thead>
<tbody>
${zRows}
</tbody>
</table>`
}`;
  });

  const title = `${view.venue.name.zh} ${view.venue.name.en}`;
  return `<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · 班次与日结 Shifts and Z reports</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>${escapeHtml(view.venue.name.zh)} <span class="en">${escapeHtml(view.venue.name.en)}</span></h1>
<p class="meta">${label('班次与日结', 'Shifts and Z reports')} · ${label('币种', 'Currency')} ${escapeHtml(currency)}${range ? ` · ${range}` : ''}</p>
${sections.length === 0 ? `<p class="empty">${label('没有班次或日结', 'No shifts or Z reports yet')}</p>` : sections.join('\n')}
</main></body>
</html>
`;
}
