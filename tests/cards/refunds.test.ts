// Refunds end to end inside the terminal: a real terminal.db, the simulated reader, and a real
// gateway with the test acquirer (tests/support/card-rig). Card money goes back at the gateway,
// line quantities are never refunded twice, a stored offline payment is cancelled instead, and
// offline only cash refunds work.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CardPaymentDto,
  CompletedSaleDto,
  RefundableSaleDto,
  RefundDto,
} from '../../contract/api';
import { openTerminalDb } from '../../db/terminal-db';
import { httpRequest, NetworkError, type HttpFetch } from '../../terminal/http-client';
import type { Terminal } from '../../terminal/terminal';
import {
  call,
  codeOf,
  enrollCardTill,
  openCardTill,
  startCardGateway,
  type CardGateway,
} from '../support/card-rig';

const ADMIN = 'refund-test-admin-token-0123456789';
const root = mkdtempSync(path.join(tmpdir(), 'pos-refund-'));
let gw: CardGateway;

beforeAll(async () => {
  gw = await startCardGateway({
    dir: path.join(root, 'gateway'),
    adminToken: ADMIN,
    acquirerTimeoutMs: 300,
  });
});
afterAll(async () => {
  await gw?.close();
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
async function newTerminal(fetch?: HttpFetch): Promise<{ t: Terminal; dir: string }> {
  const dir = path.join(root, `t${++n}`);
  await enrollCardTill(gw, dir, `till ${n}`);
  return { t: await openCardTill(dir, fetch ? { fetch } : {}), dir };
}

async function cardSale(t: Terminal, quantity: number): Promise<CompletedSaleDto> {
  await call(t, 'sale.clear');
  await call(t, 'sale.addItem', { productId: 'hot-dog', quantity });
  await call(t, 'reader.selectTestCard', { name: 'visa-approve' });
  const started = await call<CardPaymentDto>(t, 'payment.startCard');
  await expect
    .poll(() => t.cards.service.getCard()?.state, { timeout: 5000 })
    .toMatch(/approved|stored/);
  await t.cards.service.idle();
  expect(t.cards.service.getCard()?.paymentId).toBe(started.paymentId);
  return call<CompletedSaleDto>(t, 'sale.complete');
}

async function cashSale(t: Terminal, quantity: number): Promise<CompletedSaleDto> {
  await call(t, 'sale.clear');
  const sale = await call<{ cashDue: number }>(t, 'sale.addItem', {
    productId: 'hot-dog',
    quantity,
  });
  await call(t, 'payment.payCash', { tendered: sale.cashDue });
  return call<CompletedSaleDto>(t, 'sale.complete');
}

function rows(dir: string, sql: string): unknown[] {
  const db = openTerminalDb(dir);
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('online', () => {
  let t: Terminal;
  let dir: string;
  beforeAll(async () => {
    ({ t, dir } = await newTerminal());
  });
  afterAll(() => t?.close());

  it('refunds a card sale in full at the gateway, found by its printed receipt reference', async () => {
    const sale = await cardSale(t, 2);
    const found = await call<RefundableSaleDto>(t, 'sale.findByReceipt', {
      receipt: sale.receiptRef,
    });
    expect(found).toMatchObject({
      saleId: sale.saleId,
      paid: sale.totals.total,
      refundable: sale.totals.total,
      refunded: 0,
    });
    const line = found.lines[0]!;
    const refund = await call<RefundDto>(t, 'refund.create', {
      saleId: sale.saleId,
      lines: [{ lineId: line.lineId, quantity: 2 }],
    });
    const card = sale.payments[0]!;
    expect(refund).toMatchObject({
      status: 'completed',
      amount: sale.totals.total,
      receiptRef: sale.receiptRef,
      tenders: [
        { kind: 'card', paymentId: card.paymentId, amount: sale.totals.total, status: 'approved' },
      ],
    });
    expect((await gw.store.getPayment(card.paymentId))?.refundedAmount).toBe(sale.totals.total);
    // the same sale again: nothing is left
    expect(await codeOf(call(t, 'refund.create', { saleId: sale.saleId, amount: 1 }))).toBe(
      'refund.exceeds',
    );
    // one transaction: journal entry and outbox event
    expect(rows(dir, "SELECT type FROM outbox WHERE type = 'refund.completed'")).toHaveLength(1);
    expect(rows(dir, "SELECT type FROM journal WHERE type = 'refund.completed'")).toHaveLength(1);
    // found by the receipt number and by the receipt token too
    expect(
      (await call<RefundableSaleDto>(t, 'sale.findByReceipt', { receipt: String(sale.receiptNo) }))
        .refunded,
    ).toBe(sale.totals.total);
    expect(
      (
        await call<RefundableSaleDto>(t, 'sale.findByReceipt', {
          receipt: `${gw.url}/r/${sale.receiptToken}`,
        })
      ).saleId,
    ).toBe(sale.saleId);
    expect(await codeOf(call(t, 'sale.findByReceipt', { receipt: 'ZZZZZZ-1' }))).toBe(
      'refund.sale_not_found',
    );
  });

  it('refunds part of a sale by lines; a second refund beyond what is left is refused', async () => {
    const sale = await cardSale(t, 3);
    const lineId = sale.lines[0]!.lineId;
    const unit = sale.lines[0]!.unitPrice;
    const first = await call<RefundDto>(t, 'refund.create', {
      saleId: sale.saleId,
      lines: [{ lineId, quantity: 2 }],
    });
    expect(first).toMatchObject({
      status: 'completed',
      amount: 2 * unit,
      lines: [{ lineId, quantity: 2 }],
    });
    expect(
      await codeOf(
        call(t, 'refund.create', { saleId: sale.saleId, lines: [{ lineId, quantity: 2 }] }),
      ),
    ).toBe('refund.exceeds');
    const found = await call<RefundableSaleDto>(t, 'sale.findByReceipt', {
      receipt: sale.receiptRef,
    });
    expect(found.lines[0]).toMatchObject({ quantity: 3, refundedQuantity: 2 });
    expect(found.refundable).toBe(sale.totals.total - 2 * unit);
    const last = await call<RefundDto>(t, 'refund.create', {
      saleId: sale.saleId,
      lines: [{ lineId, quantity: 1 }],
    });
    expect(last.amount).toBe(sale.totals.total - 2 * unit);
    expect((await gw.store.getPayment(sale.payments[0]!.paymentId))?.refundedAmount).toBe(
      sale.totals.total,
    );
    // each attempt had its own idempotency key
    const keys = rows(
      dir,
      `SELECT tender_id FROM refund_tenders t JOIN refunds r USING (refund_id) WHERE r.sale_id = '${sale.saleId}'`,
    );
    expect(new Set(keys.map((k) => (k as { tender_id: string }).tender_id)).size).toBe(2);
  });

  it('offline: a card refund is refused with refund.card_offline and nothing is written', async () => {
    const sale = await cardSale(t, 1);
    await call(t, 'sync.setForcedOffline', { offline: true });
    try {
      expect(
        await codeOf(call(t, 'refund.create', { saleId: sale.saleId, amount: sale.totals.total })),
      ).toBe('refund.card_offline');
      expect(rows(dir, `SELECT * FROM refunds WHERE sale_id = '${sale.saleId}'`)).toEqual([]);
    } finally {
      await call(t, 'sync.setForcedOffline', { offline: false });
    }
  });
});

describe('offline', () => {
  let t: Terminal;
  let dir: string;
  beforeAll(async () => {
    ({ t, dir } = await newTerminal());
    await call(t, 'sync.setForcedOffline', { offline: true });
  });
  afterAll(() => t?.close());

  it('a stored (not forwarded) card payment is cancelled instead of refunded, without the gateway', async () => {
    const sale = await cardSale(t, 1);
    const card = sale.payments[0]!;
    expect(card).toMatchObject({ kind: 'card', stored: true });
    const refund = await call<RefundDto>(t, 'refund.create', {
      saleId: sale.saleId,
      amount: sale.totals.total,
    });
    expect(refund).toMatchObject({
      status: 'completed',
      tenders: [{ kind: 'card', status: 'cancelled' }],
    });
    expect(
      rows(
        dir,
        `SELECT state, payload_id FROM card_payments WHERE payment_id = '${card.paymentId}'`,
      ),
    ).toEqual([{ state: 'cancelled', payload_id: null }]);
    // never forwarded, even once back online
    await call(t, 'sync.setForcedOffline', { offline: false });
    await t.cards.service.tick();
    await call(t, 'sync.setForcedOffline', { offline: true });
    expect(await gw.store.getPayment(card.paymentId)).toBeUndefined();
  });

  it('a stored card payment is never cancelled in part', async () => {
    const sale = await cardSale(t, 2);
    expect(
      await codeOf(
        call(t, 'refund.create', {
          saleId: sale.saleId,
          lines: [{ lineId: sale.lines[0]!.lineId, quantity: 1 }],
        }),
      ),
    ).toBe('refund.card_not_refundable');
  });

  it("a cash refund of the till's own sale works offline: drawer kick, journal and outbox", async () => {
    const sale = await cashSale(t, 2);
    const refund = await call<RefundDto>(t, 'refund.create', {
      saleId: sale.saleId,
      lines: [{ lineId: sale.lines[0]!.lineId, quantity: 1 }],
    });
    expect(refund).toMatchObject({
      status: 'completed',
      tenders: [{ kind: 'cash', status: 'paid', amount: refund.amount }],
    });
    expect(refund.amount).toBe(sale.lines[0]!.unitPrice);
    expect(
      rows(dir, `SELECT kind FROM print_jobs WHERE sale_id = '${sale.saleId}' AND kind = 'drawer'`),
    ).toHaveLength(2);
    const events = rows(dir, "SELECT payload FROM outbox WHERE type = 'refund.completed'") as {
      payload: string;
    }[];
    expect(
      events.map((e) => (JSON.parse(e.payload) as { data: { refundId: string } }).data.refundId),
    ).toContain(refund.refundId);
  });
});

describe('no answer', () => {
  it('a refund whose reply was lost stays pending; the retry reuses the SAME key and refunds once', async () => {
    let loseNext = false;
    const keys: string[] = [];
    const fetch: HttpFetch = async (req) => {
      if (req.url.endsWith('/v1/refunds'))
        keys.push((JSON.parse(String(req.body)) as { idempotencyKey: string }).idempotencyKey);
      const res = await httpRequest(req);
      if (loseNext && req.url.endsWith('/v1/refunds')) {
        loseNext = false;
        // The gateway refunded; the answer never arrives.
        throw new NetworkError('timeout', 'no reply within the deadline');
      }
      return res;
    };
    const { t, dir } = await newTerminal(fetch);
    try {
      const sale = await cardSale(t, 2);
      const lines = [{ lineId: sale.lines[0]!.lineId, quantity: 1 }];
      loseNext = true;
      expect(await codeOf(call(t, 'refund.create', { saleId: sale.saleId, lines }))).toBe(
        'refund.pending',
      );
      const found = await call<RefundableSaleDto>(t, 'sale.findByReceipt', {
        receipt: sale.receiptRef,
      });
      expect(found.pending).toMatchObject({ status: 'pending', tenders: [{ status: 'pending' }] });
      // another refund of the sale waits until this one is finished
      expect(await codeOf(call(t, 'refund.create', { saleId: sale.saleId, amount: 1 }))).toBe(
        'refund.other_pending',
      );
      const done = await call<RefundDto>(t, 'refund.create', { saleId: sale.saleId, lines });
      expect(done).toMatchObject({
        refundId: found.pending!.refundId,
        status: 'completed',
        tenders: [{ status: 'approved' }],
      });
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
      expect((await gw.store.getPayment(sale.payments[0]!.paymentId))?.refundedAmount).toBe(
        done.amount,
      );
      expect(rows(dir, "SELECT type FROM outbox WHERE type = 'refund.completed'")).toHaveLength(1);
    } finally {
      t.close();
    }
  });
});
