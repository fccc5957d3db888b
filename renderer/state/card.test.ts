import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CardPaymentDto, CompletedSaleDto } from '../../contract/api';
import {
  cardPayment,
  catalog,
  completed,
  createFakePos,
  line,
  ok,
  sale,
  simulatedReader,
  status,
  type FakePos,
} from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { startApp } from './boot';
import {
  cancelCard,
  cardStore,
  closeCard,
  loadRecovered,
  onPaymentUpdated,
  resumeCard,
  openCard,
  resolveRecovered,
  switchToCash,
  tapTestCard,
} from './card';
import { saleStore } from './sale';
import { statusStore } from './status';
import { uiStore } from './ui';

let fake: FakePos;

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  // What startApp subscribes (the start-up test below checks that it does).
  fake.api.on('payment.updated', onPaymentUpdated);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const hotDogSale = sale([line({ quantity: 1, amount: 2500 })]);
const realReader = { ...status.reader, state: 'ok' as const, address: 'serial:/dev/ttyUSB0', connected: true };

function at(second: number): string {
  return `2026-05-01T12:00:${String(second).padStart(2, '0')}.000Z`;
}

function cardCompleted(): CompletedSaleDto {
  return {
    ...completed(hotDogSale, 2500),
    payments: [
      {
        paymentId: 'CP1',
        kind: 'card',
        amount: 2500,
        tendered: 2500,
        change: 0,
        rounding: 0,
        stored: false,
        card: { brand: 'visa', last4: '4242', entryMode: 'contactless_emv', aid: 'A0000000031010', label: 'VISA' },
        authCode: '123456',
        merchantId: null,
        terminalRef: null,
      },
    ],
    change: 0,
  };
}

/** Waits for the store's async follow-ups (sale.get, sale.complete) that an event starts. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('the tap screen with a real reader', () => {
  beforeEach(() => {
    statusStore.setState({ status: { ...status, reader: realReader } });
    saleStore.setState({ sale: hotDogSale, screen: 'sell' });
  });

  it('starts the reader for what is left, follows the payment to approved, completes the sale and shows the change screen', async () => {
    fake.reply('payment.startCard', () => ok(cardPayment({ state: 'created', updatedAt: at(10) })));
    await openCard();
    expect(fake.calls).toEqual([{ method: 'payment.startCard', input: {} }]);
    expect(cardStore.getState()).toMatchObject({ open: true, amount: 2500, payment: { state: 'created' } });

    fake.emit('payment.updated', cardPayment({ state: 'reading', updatedAt: at(11) }));
    expect(cardStore.getState().payment?.state).toBe('reading');
    fake.emit('payment.updated', cardPayment({ state: 'authorizing', updatedAt: at(12) }));
    // An event that arrives late (an earlier state) never steps the screen back, whatever its time.
    fake.emit('payment.updated', cardPayment({ state: 'reading', updatedAt: at(30) }));
    expect(cardStore.getState().payment?.state).toBe('authorizing');

    const paid = { ...hotDogSale, cardPaid: 2500, remaining: 0, cashDue: 0, cards: [cardPayment({ state: 'approved' })] };
    fake.reply('sale.get', () => ok(paid));
    fake.reply('sale.complete', () => ok(cardCompleted()));
    fake.emit('payment.updated', cardPayment({ state: 'approved', authCode: '123456', updatedAt: at(13) }));
    await settle();
    expect(fake.calls.map((c) => c.method)).toEqual(['payment.startCard', 'sale.get', 'sale.complete']);
    expect(saleStore.getState().screen).toBe('change');
    expect(saleStore.getState().lastCompleted?.payments[0]?.kind).toBe('card');
    expect(cardStore.getState().open).toBe(false);
  });

  it('a fast tap: events that overtake the startCard reply are kept; the late reply never steps back', async () => {
    let release: () => void = () => undefined;
    fake.reply('payment.startCard', () => new Promise((r) => (release = () => r(ok(cardPayment({ state: 'created', updatedAt: at(10) }))))));
    const paid = { ...hotDogSale, cardPaid: 2500, remaining: 0, cashDue: 0 };
    fake.reply('sale.get', () => ok(paid));
    fake.reply('sale.complete', () => ok(cardCompleted()));
    const opening = openCard();
    await settle();
    fake.emit('payment.updated', cardPayment({ state: 'authorizing', updatedAt: at(12) }));
    // The corrected clock stepped back between the two transitions.
    fake.emit('payment.updated', cardPayment({ state: 'approved', updatedAt: at(11) }));
    release();
    await opening;
    await settle();
    expect(saleStore.getState().screen).toBe('change');
    expect(cardStore.getState()).toMatchObject({ open: false, payment: null });
  });

  it('ignores updates of another payment or another sale', async () => {
    fake.reply('payment.startCard', () => ok(cardPayment({ state: 'reading', updatedAt: at(10) })));
    await openCard();
    fake.emit('payment.updated', cardPayment({ paymentId: 'OTHER', state: 'approved', updatedAt: at(20) }));
    expect(cardStore.getState().payment?.state).toBe('reading');
    expect(fake.calls).toHaveLength(1);
  });

  it('cancel stops the reader before approval; after the cancel the same button goes back to the sale', async () => {
    fake.reply('payment.startCard', () => ok(cardPayment({ state: 'reading', updatedAt: at(10) })));
    fake.reply('payment.cancelCard', () =>
      ok(cardPayment({ state: 'cancelled', reason: 'cancelled_by_cashier', updatedAt: at(11) })),
    );
    await openCard();
    await cancelCard();
    expect(fake.calls.at(-1)?.method).toBe('payment.cancelCard');
    expect(cardStore.getState()).toMatchObject({ open: true, payment: { state: 'cancelled' } });
    await cancelCard();
    expect(cardStore.getState().open).toBe(false);
    expect(saleStore.getState().screen).toBe('sell');
    expect(fake.calls.filter((c) => c.method === 'payment.cancelCard')).toHaveLength(1);
  });

  it('never closes the tap screen while the card is being read or after approval', async () => {
    fake.reply('payment.startCard', () => ok(cardPayment({ state: 'reading', updatedAt: at(10) })));
    await openCard();
    closeCard();
    expect(cardStore.getState().open).toBe(true);
    switchToCash();
    expect(cardStore.getState().open).toBe(true);
    expect(saleStore.getState().screen).toBe('sell');
  });

  it('refused offline: the reason stays on screen and Take cash opens the tender screen', async () => {
    fake.reply('payment.startCard', () =>
      ok(cardPayment({ state: 'refused_offline', reason: 'offline_transaction_limit', offline: true, updatedAt: at(10) })),
    );
    await openCard();
    expect(cardStore.getState().payment).toMatchObject({ state: 'refused_offline', reason: 'offline_transaction_limit' });
    switchToCash();
    expect(cardStore.getState().open).toBe(false);
    expect(saleStore.getState().screen).toBe('tender');
  });

  it('a refused start (no reader) closes the screen and shows the translated error', async () => {
    fake.reply('payment.startCard', () => ({ ok: false, error: { code: 'reader.unavailable', message: 'no reader on serial:x' } }));
    await openCard();
    expect(cardStore.getState().open).toBe(false);
    expect(uiStore.getState().toast?.code).toBe('reader.unavailable');
  });

  it('does nothing with an empty sale or nothing left to pay', async () => {
    saleStore.setState({ sale: sale() });
    await openCard();
    saleStore.setState({ sale: { ...hotDogSale, remaining: 0 } });
    await openCard();
    expect(cardStore.getState().open).toBe(false);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('split tender', () => {
  it('a typed amount below what is left pays part by card; the tender screen then asks for the rest', async () => {
    statusStore.setState({ status: { ...status, reader: realReader } });
    saleStore.setState({ sale: hotDogSale, screen: 'tender' });
    fake.reply('payment.startCard', (input) => ok(cardPayment({ amount: input.amount ?? 2500, state: 'reading', updatedAt: at(10) })));
    await openCard(1000);
    expect(fake.calls[0]).toEqual({ method: 'payment.startCard', input: { amount: 1000 } });
    const part = { ...hotDogSale, cardPaid: 1000, remaining: 1500, cashDue: 1500 };
    fake.reply('sale.get', () => ok(part));
    fake.emit('payment.updated', cardPayment({ amount: 1000, state: 'approved', updatedAt: at(12) }));
    await settle();
    expect(fake.calls.map((c) => c.method)).toEqual(['payment.startCard', 'sale.get']);
    expect(cardStore.getState().open).toBe(false);
    expect(saleStore.getState()).toMatchObject({ screen: 'tender', sale: { remaining: 1500, cashDue: 1500 } });
  });

  it('an amount at or above what is left asks for what is left', async () => {
    statusStore.setState({ status: { ...status, reader: realReader } });
    saleStore.setState({ sale: hotDogSale, screen: 'tender' });
    fake.reply('payment.startCard', () => ok(cardPayment({ state: 'reading' })));
    await openCard(5000);
    expect(fake.calls[0]).toEqual({ method: 'payment.startCard', input: {} });
  });
});

describe('the demo reader', () => {
  beforeEach(() => {
    statusStore.setState({ status: { ...status, reader: simulatedReader } });
    saleStore.setState({ sale: hotDogSale, screen: 'sell' });
  });

  it('waits for the presenter to pick a card, then taps it; a decline shows its reason, and another card may follow', async () => {
    await openCard();
    expect(cardStore.getState()).toMatchObject({ open: true, payment: null });
    expect(fake.calls).toHaveLength(0);

    fake.reply('reader.selectTestCard', (input) => ok({ ...simulatedReader, testCard: input.name }));
    fake.reply('payment.startCard', () => ok(cardPayment({ state: 'reading', updatedAt: at(10) })));
    await tapTestCard('visa-decline');
    expect(fake.calls).toEqual([
      { method: 'reader.selectTestCard', input: { name: 'visa-decline' } },
      { method: 'payment.startCard', input: {} },
    ]);
    expect(statusStore.getState().status?.reader.testCard).toBe('visa-decline');

    const declined: CardPaymentDto = cardPayment({ state: 'declined', reason: 'do_not_honour', updatedAt: at(12) });
    fake.emit('payment.updated', declined);
    expect(cardStore.getState().payment).toMatchObject({ state: 'declined', reason: 'do_not_honour' });

    fake.reply('payment.startCard', () => ok(cardPayment({ paymentId: 'CP2', state: 'reading', updatedAt: at(13) })));
    await tapTestCard('visa-approve');
    expect(cardStore.getState().payment).toMatchObject({ paymentId: 'CP2', state: 'reading' });
  });

  it('stored offline counts as paid: the sale completes', async () => {
    fake.reply('reader.selectTestCard', (input) => ok({ ...simulatedReader, testCard: input.name }));
    fake.reply('payment.startCard', () => ok(cardPayment({ state: 'reading', offline: true, updatedAt: at(10) })));
    await openCard();
    await tapTestCard('visa-approve');
    fake.reply('sale.get', () => ok({ ...hotDogSale, cardPaid: 2500, remaining: 0, cashDue: 0 }));
    fake.reply('sale.complete', () => ok(cardCompleted()));
    fake.emit('payment.updated', cardPayment({ state: 'stored', offline: true, updatedAt: at(11) }));
    await settle();
    expect(saleStore.getState().screen).toBe('change');
  });

  it('Cancel before any card was chosen just closes the screen', async () => {
    await openCard();
    await cancelCard();
    expect(cardStore.getState().open).toBe(false);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('reader status and recovery', () => {
  it('follows reader.status events into the status bar and loads recovered payments at start', async () => {
    fake.reply('terminal.getStatus', () => ok(status));
    fake.reply('catalog.list', () => ok(catalog));
    fake.reply('sale.get', () => ok(sale()));
    fake.reply('payment.listRecovered', () => ok([cardPayment({ state: 'approved', needsResolution: true })]));
    await startApp();
    expect(cardStore.getState().recovered).toHaveLength(1);
    fake.emit('reader.status', { ...simulatedReader, state: 'error', connected: false, detail: 'unplugged' });
    expect(statusStore.getState().status?.reader.detail).toBe('unplugged');
    expect(statusStore.getState().status?.devices.reader).toBe('error');
  });

  it('a reload during a card payment brings the tap screen back with it', () => {
    saleStore.setState({ sale: { ...hotDogSale, activeCard: cardPayment({ state: 'reading' }) } });
    resumeCard();
    expect(cardStore.getState()).toMatchObject({ open: true, amount: 2500, payment: { state: 'reading' } });
    saleStore.setState({ sale: hotDogSale });
    cardStore.setState({ open: false, payment: null });
    resumeCard();
    expect(cardStore.getState().open).toBe(false);
  });

  it('complete keeps the payment and completes a fully paid sale; void takes it off the list', async () => {
    fake.reply('payment.listRecovered', () =>
      ok([
        cardPayment({ paymentId: 'R1', state: 'approved', needsResolution: true }),
        cardPayment({ paymentId: 'R2', state: 'approved', needsResolution: true }),
      ]),
    );
    await loadRecovered();
    fake.reply('payment.resolveRecovered', (input) => ok(cardPayment({ paymentId: input.paymentId, state: 'approved' })));
    fake.reply('sale.get', () => ok({ ...hotDogSale, cardPaid: 2500, remaining: 0, cashDue: 0 }));
    fake.reply('sale.complete', () => ok(cardCompleted()));
    await resolveRecovered('R1', 'complete');
    expect(fake.calls.slice(1).map((c) => c.method)).toEqual(['payment.resolveRecovered', 'sale.get', 'sale.complete']);
    expect(saleStore.getState().screen).toBe('change');
    expect(cardStore.getState().recovered.map((p) => p.paymentId)).toEqual(['R2']);

    fake.reply('payment.resolveRecovered', (input) => ok(cardPayment({ paymentId: input.paymentId, state: 'reversing' })));
    fake.reply('sale.get', () => ok(sale()));
    await resolveRecovered('R2', 'void');
    expect(fake.calls.find((c) => c.method === 'payment.resolveRecovered' && (c.input as { action: string }).action === 'void')).toBeTruthy();
    expect(cardStore.getState().recovered).toEqual([]);
  });

  it('a refused resolution keeps the prompt', async () => {
    fake.reply('payment.listRecovered', () => ok([cardPayment({ paymentId: 'R1', state: 'approved', needsResolution: true })]));
    await loadRecovered();
    fake.reply('payment.resolveRecovered', () => ({ ok: false, error: { code: 'payment.not_found', message: 'gone' } }));
    await resolveRecovered('R1', 'void');
    expect(cardStore.getState().recovered).toHaveLength(1);
    expect(uiStore.getState().toast?.code).toBe('payment.not_found');
  });
});
