import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RefundableSaleDto, RefundDto } from '../../contract/api';
import { createFakePos, ok, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { confirmRefund, refundStore, toggleLine } from './refund';
import {
  callWithSupervisor,
  cancelSupervisor,
  submitSupervisorPin,
  supervisorStore,
  typeSupervisorDigit,
} from './supervisor';
import { uiStore } from './ui';

let fake: FakePos;
beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const needed = { ok: false as const, error: { code: 'auth.supervisor_required' as const, message: 'needs a supervisor' } };

async function prompted(): Promise<void> {
  await vi.waitFor(() => expect(supervisorStore.getState().open).toBe(true));
}

describe('the supervisor PIN prompt', () => {
  it('does not ask when the command goes through (a supervisor is signed in)', async () => {
    fake.reply('drawer.noSale', () => ok(null as never));
    await callWithSupervisor('drawer.noSale', { reason: 'change' });
    expect(supervisorStore.getState().open).toBe(false);
  });

  it('Cancel gives the caller null and sends nothing more', async () => {
    fake.reply('drawer.noSale', () => needed);
    const asked = callWithSupervisor('drawer.noSale', { reason: 'change' });
    await prompted();
    expect(supervisorStore.getState().method).toBe('drawer.noSale');
    cancelSupervisor();
    expect(await asked).toBeNull();
    expect(fake.calls).toHaveLength(1);
    expect(uiStore.getState().toast).toBeNull();
  });

  it('a lockout keeps the prompt open with until when; another refusal closes it with a toast', async () => {
    let answer: 'locked' | 'closed' = 'locked';
    fake.reply('shift.cashMovement', (input) =>
      input.supervisorPin === undefined
        ? needed
        : answer === 'locked'
          ? { ok: false, error: { code: 'auth.locked_out', message: 'supervisor approval: 5 wrong PINs; locked out until 2026-05-01T12:00:30.000Z' } }
          : { ok: false, error: { code: 'shift.not_open', message: 'no shift is open on this drawer' } },
    );
    const asked = callWithSupervisor('shift.cashMovement', { kind: 'drop', amount: 100 });
    await prompted();
    for (const d of '123') typeSupervisorDigit(d);
    await submitSupervisorPin();
    expect(fake.calls).toHaveLength(1); // three digits are not a PIN
    typeSupervisorDigit('4');
    await submitSupervisorPin();
    expect(supervisorStore.getState()).toMatchObject({ open: true, problem: { code: 'auth.locked_out', until: '2026-05-01T12:00:30.000Z' } });
    answer = 'closed';
    for (const d of '2222') typeSupervisorDigit(d);
    await submitSupervisorPin();
    expect(await asked).toBeNull();
    expect(supervisorStore.getState().open).toBe(false);
    expect(uiStore.getState().toast?.code).toBe('shift.not_open');
  });

  it('a refund at the cashier\'s screen goes again with the supervisor PIN', async () => {
    const sale = {
      saleId: 'S1',
      receiptRef: 'ABC123-1',
      refundable: 2500,
      lines: [{ lineId: 'L1', name: { en: 'Hot dog', zh: '热狗' }, unitPrice: 2500, quantity: 1, refundedQuantity: 0 }],
    } as unknown as RefundableSaleDto;
    refundStore.setState({ open: true, sale });
    fake.reply('refund.create', (input) =>
      input.supervisorPin === '2222' ? ok({ status: 'completed', tenders: [] } as unknown as RefundDto) : needed,
    );
    fake.reply('sale.findByReceipt', () => ok({ ...sale, refundable: 0 }));
    toggleLine('L1');
    const refunding = confirmRefund();
    await prompted();
    for (const d of '2222') typeSupervisorDigit(d);
    await submitSupervisorPin();
    await refunding;
    expect(fake.calls.filter((c) => c.method === 'refund.create').at(-1)?.input).toEqual({
      saleId: 'S1',
      lines: [{ lineId: 'L1', quantity: 1 }],
      supervisorPin: '2222',
    });
    expect(refundStore.getState()).toMatchObject({ result: { status: 'completed' }, sale: { refundable: 0 }, busy: false });
  });
});
