// Health, OpenAPI, error shape, logging and the e-receipt pages.
import { afterEach, describe, expect, it } from 'vitest';
import { HealthReply } from '../contract/gateway';
import {
  admin,
  enrollTerminal,
  envelope,
  saleData,
  signedInject,
  startTestGateway,
  type TestGateway,
} from './testing';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('gateway basics', () => {
  it('answers /health with the dialect and version', async () => {
    gw = await startTestGateway();
    const res = await gw.app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(HealthReply.parse(res.json())).toMatchObject({ ok: true, dialect: 'sqlite' });
  });

  it('lists every route in /openapi.json with its schemas', async () => {
    gw = await startTestGateway();
    const res = await gw.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>
      >;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'GET /health',
        'POST /v1/enrollments',
        'POST /v1/events',
        'GET /v1/reference/{kind}',
        'POST /v1/admin/enrollment-codes',
        'GET /v1/admin/terminals',
        'POST /v1/admin/terminals/{id}/revoke',
        'PUT /v1/admin/reference/{kind}',
        'GET /v1/admin/export',
        'GET /v1/reports/summary',
        'GET /v1/reports/shifts',
        'GET /reports/shifts',
        'GET /r/{token}',
        'POST /v1/payments/authorize',
        'GET /v1/payments/{key}',
        'POST /v1/payments/{key}/reverse',
        'POST /v1/refunds',
        'POST /v1/wallet/payments',
        'GET /v1/wallet/payments/{key}',
        'POST /v1/wallet/payments/{key}/cancel',
        'GET /v1/reports/stand-in',
        'POST /v1/admin/stand-in/forward',
        'POST /v1/admin/capture',
        'GET /v1/admin/capture/{businessDate}',
        'POST /v1/admin/stop-sale',
        'GET /v1/admin/stop-sale',
        'POST /v1/admin/sold-out',
        'POST /v1/reference/stop-sale/ack',
      ].sort(),
    );
    expect(doc.paths['/v1/events']?.post?.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/v1/events']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '409', '503']),
    );
  });

  it('answers unknown routes and bad input in the error shape, with a Date header', async () => {
    gw = await startTestGateway();
    const missing = await gw.app.inject({ url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(missing.headers.date).toBe(new Date(gw.clock.now()).toUTCString());

    const notJson = await gw.app.inject({
      method: 'POST',
      url: '/v1/enrollments',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(notJson.statusCode).toBe(415);
    expect(notJson.json()).toMatchObject({ error: { code: 'body.unsupported_media_type' } });

    const broken = await gw.app.inject({
      method: 'POST',
      url: '/v1/enrollments',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: { code: 'body.malformed_json' } });

    // The message says where the JSON broke, never what the body said (it may carry a wallet code).
    const leaky = await gw.app.inject({
      method: 'POST',
      url: '/v1/enrollments',
      headers: { 'content-type': 'application/json' },
      payload: '{"code": 134567890123456700',
    });
    expect(leaky.statusCode).toBe(400);
    expect(leaky.body).not.toContain('1345678901');

    const missingField = await gw.app.inject({
      method: 'POST',
      url: '/v1/enrollments',
      payload: { code: 'AAAA-BBBB-CCCC' },
    });
    expect(missingField.statusCode).toBe(400);
    expect(missingField.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'validation',
    });
    expect(missingField.json<{ error: { message: string } }>().error.message).toMatch(
      /body\/(terminalId|publicKey)/,
    );
  });

  it('never crashes on odd input', async () => {
    gw = await startTestGateway();
    const odd: [string, string, string | undefined][] = [
      ['POST', '/v1/enrollments', 'null'],
      ['POST', '/v1/enrollments', '[]'],
      ['POST', '/v1/enrollments', '"x"'],
      ['POST', '/v1/events', '\u0000\u0001'],
      ['GET', '/r/%00', undefined],
      ['GET', '/v1/reports/summary?from=2026-11-21&from=2026-11-22', undefined],
    ];
    for (const [method, url, payload] of odd) {
      const res = await gw.app.inject({
        method: method as 'GET' | 'POST',
        url,
        headers: { ...admin(), 'content-type': 'application/json' },
        ...(payload === undefined ? {} : { payload }),
      });
      expect(res.statusCode, `${method} ${url} ${payload}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url} ${payload}`).toBeLessThan(500);
    }
    expect((await gw.app.inject({ url: '/health' })).statusCode).toBe(200);
  });

  it('logs requests without bodies, tokens or credentials', async () => {
    const lines: string[] = [];
    gw = await startTestGateway({
      logger: { level: 'info' },
      logDestination: { write: (s: string) => void lines.push(s) },
    });
    const t = await enrollTerminal(gw.app);
    const sale = saleData(t.terminalId, 1);
    await signedInject(gw.app, t, {
      url: '/v1/events',
      body: {
        terminalId: t.terminalId,
        events: [envelope(t.terminalId, 1, 'sale.completed', sale)],
      },
      now: gw.clock.now(),
    });
    await gw.app.inject({ url: `/r/${sale.receiptToken}` });
    const log = lines.join('');
    expect(log).toContain('/v1/events');
    expect(log).toContain('/r/[token]');
    expect(log).not.toContain(sale.receiptToken);
    expect(log).not.toContain('test-admin-token');
    expect(log).not.toContain(t.key.publicKey);
    expect(log).not.toMatch(/sig=:/);
  });
});

describe('e-receipt page', () => {
  it('shows the sale in Chinese and English, in venue time, and escapes every name', async () => {
    gw = await startTestGateway();
    const t = await enrollTerminal(gw.app, 'Bar <b>3</b>');
    const sale = saleData(t.terminalId, 7, { completedAt: '2026-11-21T12:34:56.000Z' });
    sale.lines[0]!.name = { en: '<script>alert(1)</script> dog', zh: '热狗 & "芥末"' };
    sale.payments = [
      { paymentId: 'p', kind: 'cash', amount: 6200, tendered: 10000, change: 3800, rounding: 0 },
    ];
    const up = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: {
        terminalId: t.terminalId,
        events: [envelope(t.terminalId, 1, 'sale.completed', sale)],
      },
      now: gw.clock.now(),
    });
    expect(up.statusCode, up.body).toBe(200);

    const res = await gw.app.inject({ url: `/r/${sale.receiptToken}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const html = res.body;
    expect(html).toContain('<meta name="viewport"');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; dog');
    expect(html).toContain('热狗 &amp; &quot;芥末&quot;');
    expect(html).toContain('Bar &lt;b&gt;3&lt;/b&gt;');
    expect(html).toContain('滨江体育场');
    expect(html).toContain('Riverside Stadium');
    expect(html).toContain(sale.receiptRef);
    // 12:34:56 UTC is 20:34:56 in Shanghai.
    expect(html).toContain('2026-11-21 20:34:56');
    expect(html).toContain('62.00');
    expect(html).toContain('38.00'); // change
    expect(html).toContain('3.51'); // VAT
    expect(html).toContain('增值税 6%（餐饮）'); // tax name from the catalog
    expect(html).toMatch(/合计.*Total/s);
  });

  it('shows the options, combo parts and discount reasons the terminal sent with the sale', async () => {
    gw = await startTestGateway();
    const t = await enrollTerminal(gw.app);
    const sale = saleData(t.terminalId, 8);
    const [first, second] = sale.lines;
    const document = {
      ...sale,
      lines: [
        {
          ...first!,
          discount: 500,
          modifiers: [{ name: { en: 'Extra <mustard>', zh: '加芥末' }, priceDelta: 300 }],
          components: [],
          lineDiscount: {
            kind: 'discount',
            name: { en: 'Happy hour', zh: '欢乐时光' },
            percentBp: null,
            amount: 500,
          },
        },
        {
          ...second!,
          modifiers: [],
          components: [{ name: { en: 'Fries', zh: '薯条' } }],
          lineDiscount: null,
        },
      ],
      saleDiscount: null,
    };
    const up = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: {
        terminalId: t.terminalId,
        events: [envelope(t.terminalId, 1, 'sale.completed', document)],
      },
      now: gw.clock.now(),
    });
    expect(up.statusCode, up.body).toBe(200);
    const html = (await gw.app.inject({ url: `/r/${sale.receiptToken}` })).body;
    expect(html).toContain('Extra &lt;mustard&gt;');
    expect(html).toContain('加芥末');
    expect(html).toContain('薯条');
    expect(html).toContain('欢乐时光');
    expect(html).toContain('Happy hour');
  });

  it('answers an unknown token with a bilingual 404 page, and a non-token without asking the store', async () => {
    gw = await startTestGateway();
    let lookups = 0;
    const lookup = gw.store.saleByReceiptToken.bind(gw.store);
    gw.store.saleByReceiptToken = (token) => {
      lookups++;
      return lookup(token);
    };
    const unknown = await gw.app.inject({ url: '/r/ABCDEFGHIJKLMNOPQRSTUVWX' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^text\/html/);
    expect(unknown.body).toContain('未找到收据');
    expect(unknown.body).toContain('Receipt not found');
    expect(lookups).toBe(1);
    for (const bad of ['short', '%3Cscript%3E', 'x'.repeat(65), 'ABCD-EFGH-IJKL-MNOP']) {
      const res = await gw.app.inject({ url: `/r/${bad}` });
      expect(res.statusCode, bad).toBe(404);
      expect(res.body).not.toContain('<script>');
    }
    expect(lookups).toBe(1);
  });
});
