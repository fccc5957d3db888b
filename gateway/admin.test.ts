// Admin routes and reference data, on a real SQLite store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoCatalog } from '../contract/demo-venue';
import { parseCsv } from '../contract/csv';
import { ReferenceReply, SETTLEMENT_COLUMNS, SummaryReport } from '../contract/gateway';
import {
  admin,
  ADMIN_TOKEN,
  enrollTerminal,
  envelope,
  events,
  saleData,
  signedInject,
  startTestGateway,
  type TestGateway,
  type TestTerminal,
} from './testing';

const CSV = [
  'product_id,category_id,category_en,category_zh,name_en,name_zh,price,tax_rate_id,tax_rate_bp,tax_inclusive,barcode',
  'hot-dog,hot-food,Hot food,热食,Hot dog,热狗,25.00,vat6,600,true,6901234000016',
  'noodles,hot-food,Hot food,热食,"Noodles, beef",牛肉面,32.5,vat6,600,true,',
  'scarf,merch,Merchandise,纪念品,"Scarf ""home""",围巾,128,vat13,1300,true,6901234000023',
].join('\r\n');

describe('admin auth', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(() => gw.close());

  it.each([
    ['GET', '/v1/admin/terminals'],
    ['POST', '/v1/admin/enrollment-codes'],
    ['POST', '/v1/admin/terminals/x/revoke'],
    ['PUT', '/v1/admin/reference/catalog'],
    ['GET', '/v1/admin/export'],
    ['GET', '/v1/reports/summary'],
  ] as const)('%s %s needs the admin token, before looking at the body', async (method, url) => {
    for (const headers of [
      {},
      admin('wrong-token-wrong-token-wrong'),
      { authorization: ADMIN_TOKEN },
    ]) {
      const res = await gw.app.inject({
        method,
        url,
        headers: { ...headers, 'content-type': 'application/json' },
        ...(method === 'GET' ? {} : { payload: '{broken' }),
      });
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'admin.unauthorized' } });
    }
  });

  it('revoking an unknown terminal is a 404', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/admin/terminals/nobody/revoke',
      headers: admin(),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'terminal.unknown' } });
  });
});

describe('reference data', () => {
  let gw: TestGateway;
  let t: TestTerminal;
  beforeEach(async () => {
    gw = await startTestGateway();
    t = await enrollTerminal(gw.app);
  });
  afterEach(() => gw.close());

  const pull = (kind: string, headers: Record<string, string> = {}) =>
    signedInject(gw.app, t, { url: `/v1/reference/${kind}`, now: gw.clock.now(), headers });

  it('serves the seeded catalog with an ETag, 304 on If-None-Match, and a new version after a PUT', async () => {
    const first = await pull('catalog');
    expect(first.statusCode).toBe(200);
    const ref = ReferenceReply.parse(first.json());
    expect(ref.kind).toBe('catalog');
    expect((ref.body as { products: unknown[] }).products).toHaveLength(
      demoCatalog.products.length,
    );
    const etag = first.headers.etag as string;
    expect(etag).toBe(`"${ref.version}"`);

    const same = await pull('catalog', { 'if-none-match': etag });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');

    const put = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/stop-sale',
      headers: admin(),
      payload: { tags: ['beer'] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const stop = await pull('stop-sale');
    expect(stop.json()).toMatchObject({ kind: 'stop-sale', body: { tags: ['beer'] } });

    const csv = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/catalog',
      headers: { ...admin(), 'content-type': 'text/csv' },
      payload: CSV,
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.json()).toEqual({ kind: 'catalog', version: ref.version + 1 });
    const changed = await pull('catalog', { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).toBe(`"${ref.version + 1}"`);
  });

  it('imports a catalog CSV: quoted fields, prices in major units, categories and tax rates gathered', async () => {
    const res = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/catalog',
      headers: { ...admin(), 'content-type': 'text/csv; charset=utf-8' },
      payload: CSV,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = ReferenceReply.parse((await pull('catalog')).json()).body as typeof demoCatalog;
    expect(body.products.map((p) => [p.id, p.name.en, p.price, p.barcode])).toEqual([
      ['hot-dog', 'Hot dog', 2500, '6901234000016'],
      ['noodles', 'Noodles, beef', 3250, null],
      ['scarf', 'Scarf "home"', 12800, '6901234000023'],
    ]);
    expect(body.categories.map((c) => c.id)).toEqual(['hot-food', 'merch']);
    expect(body.taxRates).toEqual([
      expect.objectContaining({ id: 'vat6', rateBp: 600, inclusive: true }),
      expect.objectContaining({ id: 'vat13', rateBp: 1300, inclusive: true }),
    ]);
  });

  it('refuses a bad CSV with 400 naming the line, and keeps the old version', async () => {
    const before = ReferenceReply.parse((await pull('catalog')).json()).version;
    const res = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/catalog',
      headers: { ...admin(), 'content-type': 'text/csv' },
      payload: `${CSV}\r\nfries,snacks,Snacks,小吃,Fries,薯条,12.345,vat6,600,true,`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'catalog.csv_invalid' } });
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(
      /line 5: product fries: price/,
    );
    expect(ReferenceReply.parse((await pull('catalog')).json()).version).toBe(before);
  });

  it('validates JSON bodies per kind, and catalog references', async () => {
    const wrong = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/policy',
      headers: admin(),
      payload: { offlinePerTransactionLimit: 'lots' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: { code: 'validation' } });
    expect(wrong.json<{ error: { message: string } }>().error.message).toContain(
      'offlinePerTransactionLimit',
    );

    const { currency: _c, ...catalog } = demoCatalog;
    const dangling = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/catalog',
      headers: admin(),
      payload: { ...catalog, categories: catalog.categories.slice(1) },
    });
    expect(dangling.statusCode).toBe(400);
    expect(dangling.json()).toMatchObject({ error: { code: 'catalog.invalid' } });

    const csvForStaff = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/staff',
      headers: { ...admin(), 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(csvForStaff.statusCode).toBe(415);

    const badZone = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/config',
      headers: admin(),
      payload: {
        name: { en: 'X', zh: 'X' },
        currency: 'CNY',
        timeZone: 'Mars/Olympus',
        dayChange: '06:00',
        cashRounding: 1,
        cashNotes: [],
        defaultLocale: 'en',
      },
    });
    expect(badZone.statusCode).toBe(400);
  });

  it('answers an unknown kind with 400 (after the signature)', async () => {
    const res = await pull('weather');
    expect(res.statusCode).toBe(400);
  });
});

describe('reports and export', () => {
  let gw: TestGateway;
  let a: TestTerminal;
  let b: TestTerminal;
  beforeEach(async () => {
    gw = await startTestGateway();
    a = await enrollTerminal(gw.app, 'Gate A, bar "1"');
    b = await enrollTerminal(gw.app, '=HYPERLINK("x")');
    const upload = async (t: TestTerminal, evs: unknown[]) => {
      const res = await signedInject(gw.app, t, {
        url: '/v1/events',
        body: { terminalId: t.terminalId, events: evs },
        now: gw.clock.now(),
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    await upload(a, events(a.terminalId, 1, 3));
    // A sale on the next business day, paid with rounding.
    const next = saleData(b.terminalId, 1, {
      completedAt: '2026-11-22T11:30:00.000Z',
      businessDate: '2026-11-22',
      payments: [
        { paymentId: 'p1', kind: 'cash', amount: 6200, tendered: 6200, change: 0, rounding: -5 },
      ],
      cashRounding: -5,
      change: 0,
    });
    await upload(b, [envelope(b.terminalId, 1, 'sale.completed', next)]);
  });
  afterEach(() => gw.close());

  it('summarises across terminals in the SummaryReport shape, filtered by date and terminal', async () => {
    const all = await gw.app.inject({ url: '/v1/reports/summary', headers: admin() });
    expect(all.statusCode, all.body).toBe(200);
    const report = SummaryReport.parse(all.json());
    expect(report).toMatchObject({
      currency: 'CNY',
      from: null,
      to: null,
      sales: { count: 2, amount: 12_400 },
    });
    expect(report.byTerminal.map((x) => x.name).sort()).toEqual([
      '=HYPERLINK("x")',
      'Gate A, bar "1"',
    ]);
    expect(report.byHour.map((h) => h.hour)).toEqual(['2026-11-21T20', '2026-11-22T19']);

    const day = SummaryReport.parse(
      (
        await gw.app.inject({
          url: '/v1/reports/summary?from=2026-11-22&to=2026-11-22',
          headers: admin(),
        })
      ).json(),
    );
    expect(day.sales).toEqual({ count: 1, amount: 6200 });
    const one = SummaryReport.parse(
      (
        await gw.app.inject({
          url: `/v1/reports/summary?terminal=${a.terminalId}`,
          headers: admin(),
        })
      ).json(),
    );
    expect(one.byTerminal).toEqual([
      { terminalId: a.terminalId, name: 'Gate A, bar "1"', count: 1, amount: 6200 },
    ]);
  });

  it.each(['from=2026-02-30', 'from=yesterday', 'to=2026-13-01', 'from=2026-11-22&to=2026-11-21'])(
    'answers bad dates with 400: %s',
    async (q) => {
      for (const path of ['/v1/reports/summary', '/v1/admin/export']) {
        const res = await gw.app.inject({ url: `${path}?${q}`, headers: admin() });
        expect(res.statusCode, `${path}?${q}`).toBe(400);
        expect(res.json<{ error: { code: string } }>().error.code).toMatch(
          /^(validation|query\.bad_date|query\.bad_range)$/,
        );
      }
    },
  );

  it('exports one CSV row per payment, amounts in major units, names quoted and defused', async () => {
    const res = await gw.app.inject({ url: '/v1/admin/export?format=csv', headers: admin() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const parsed = parseCsv(res.body);
    if (!parsed.ok) throw new Error(parsed.message);
    const [header, ...rows] = parsed.rows;
    expect(header).toEqual([...SETTLEMENT_COLUMNS]);
    expect(rows).toHaveLength(2);
    const byTerminal = new Map(
      rows.map((r) => [r[1], Object.fromEntries(SETTLEMENT_COLUMNS.map((c, i) => [c, r[i]]))]),
    );
    expect(byTerminal.get(a.terminalId)).toMatchObject({
      terminal_name: 'Gate A, bar "1"',
      amount: '62.00',
      rounding: '0.00',
      currency: 'CNY',
      tender: 'cash',
      business_date: '2026-11-21',
    });
    // A name a spreadsheet would run as a formula is defused with a leading apostrophe.
    expect(byTerminal.get(b.terminalId)).toMatchObject({
      terminal_name: `'=HYPERLINK("x")`,
      amount: '62.00',
      rounding: '-0.05',
    });

    const filtered = parseCsv(
      (await gw.app.inject({ url: '/v1/admin/export?from=2026-11-22', headers: admin() })).body,
    );
    expect(filtered.ok && filtered.rows.length).toBe(2);
  });
});
