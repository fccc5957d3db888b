// A sale paid with a wallet, as a terminal syncs it: the gateway's summary counts `wallet` as its
// own tender, and the e-receipt names the wallet with the masked code, never more of the code.
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../lib/ids';
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

describe('wallet tenders in reports and on the e-receipt', () => {
  it('byTender shows wallet apart from cash; the receipt shows "WeChat Pay 10************1234"', async () => {
    gw = await startTestGateway({ payments: { captureScheduler: false } });
    const t = await enrollTerminal(gw.app);
    const id = t.terminalId;
    const wallet = saleData(id, 1, {
      payments: [
        {
          paymentId: newId(),
          kind: 'wallet',
          amount: 6200,
          tendered: 6200,
          change: 0,
          rounding: 0,
          // What the terminal's WalletTenderDto adds (contract/api.ts).
          provider: 'wechat',
          maskedCode: '10************1234',
          providerRef: 'TW0000000001',
        } as never,
      ],
      change: 0,
    });
    // A terminal bug sending the code in full: the gateway refuses it (below).
    const leaky = saleData(id, 2, {
      payments: [
        {
          paymentId: newId(),
          kind: 'wallet',
          amount: 6200,
          tendered: 6200,
          change: 0,
          rounding: 0,
          provider: 'alipay',
          maskedCode: '281234567890125678',
        } as never,
      ],
      change: 0,
    });
    const cash = saleData(id, 2);
    const res = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: {
        terminalId: id,
        events: [envelope(id, 1, 'sale.completed', wallet), envelope(id, 2, 'sale.completed', cash)],
      },
      now: gw.clock.now(),
    });
    expect(res.statusCode, res.body).toBe(200);
    // The gateway never stores a code: the event is refused, naming the field and not the code.
    const refused = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: { terminalId: id, events: [envelope(id, 3, 'sale.completed', leaky)] },
      now: gw.clock.now(),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('maskedCode');
    expect(refused.body).not.toContain('4567890');

    const summary = await gw.app.inject({ url: '/v1/reports/summary', headers: admin() });
    expect(summary.statusCode, summary.body).toBe(200);
    const byTender = summary.json<{
      byTender: { tender: string; count: number; amount: number }[];
    }>().byTender;
    expect(byTender).toEqual(
      expect.arrayContaining([
        { tender: 'wallet', count: 1, amount: 6200 },
        { tender: 'cash', count: 1, amount: 6200 },
      ]),
    );
    expect(byTender).toHaveLength(2);

    const text = async (token: string) => {
      const page = await gw!.app.inject({ url: `/r/${token}` });
      expect(page.statusCode).toBe(200);
      return page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    };
    const shown = await text(wallet.receiptToken);
    expect(shown).toContain('微信支付 WeChat Pay 10************1234');
    expect(shown).not.toContain('TW0000000001');
    expect((await gw.app.inject({ url: `/r/${leaky.receiptToken}` })).body).not.toContain('4567890');
  });
});
