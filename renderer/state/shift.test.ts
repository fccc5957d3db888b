import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShiftDto } from '../../contract/api';
import type { ReportDto } from '../../contract/shifts';
import { createFakePos, ok, status, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { startApp } from './boot';
import {
  approveClose,
  cashDrop,
  closeDay,
  denominations,
  openManager,
  openShift,
  paidInOut,
  pickCashier,
  setAmountText,
  setCount,
  setDropMode,
  setNote,
  setReason,
  setShift,
  shiftStore,
  stepCount,
  storedReport,
  submitCount,
  typedCounts,
} from './shift';
import { setStatus } from './status';
import { submitSupervisorPin, supervisorStore, typeSupervisorDigit } from './supervisor';

let fake: FakePos;
beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  setStatus(status); // CNY
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const DENOMS = [10000, 5000, 2000, 1000, 500, 100, 50, 10];
const shift = (overrides: Partial<ShiftDto> = {}): ShiftDto => ({
  shiftId: 'SH1',
  drawerId: 'main',
  cashier: { id: 'demo-cashier', name: 'Li Na' },
  openedBy: 'demo-supervisor',
  openedAt: '2026-05-01T10:00:00.000Z',
  businessDate: '2026-05-01',
  openingFloat: 25000,
  status: 'open',
  counted: null,
  expected: null,
  overShort: null,
  denominations: DENOMS,
  ...overrides,
});
const report = { kind: 'shift', overShort: -500 } as unknown as ReportDto;

async function supervisorTypes(pin: string): Promise<void> {
  await vi.waitFor(() => expect(supervisorStore.getState().open).toBe(true));
  for (const d of pin) typeSupervisorDigit(d);
  await submitSupervisorPin();
}

describe('counting cash', () => {
  it("uses the venue's notes from a ShiftDto, else the currency's usual ones", () => {
    expect(denominations()).toEqual(DENOMS); // CNY's usual list
    setShift(shift({ denominations: [5000, 1000] }));
    expect(denominations()).toEqual([5000, 1000]);
    // A later null (shift closed) keeps the list for the next float.
    setShift(null);
    expect(denominations()).toEqual([5000, 1000]);
  });

  it('counts digits only, steps with + and −, and sends only what was counted', () => {
    setCount(10000, '1');
    setCount(2000, '4x');
    setCount(500, '007');
    stepCount(100, 1);
    stepCount(100, 1);
    stepCount(100, -1);
    stepCount(50, -1);
    expect(shiftStore.getState().counts).toMatchObject({ 2000: '4', 500: '7', 50: '0' });
    expect(typedCounts()).toEqual([
      { denomination: 10000, count: 1 },
      { denomination: 2000, count: 4 },
      { denomination: 500, count: 7 },
      { denomination: 100, count: 1 },
    ]);
  });
});

describe('the shift from float to Z', () => {
  it('start-up follows shift.updated; opening as a cashier asks for the supervisor PIN and resends', async () => {
    fake.reply('terminal.getStatus', () => ok(status));
    fake.reply('shift.current', () => ok(null));
    await startApp();
    expect(shiftStore.getState()).toMatchObject({ loaded: true, shift: null });
    fake.emit('shift.updated', shift({ denominations: [5000, 1000] }));
    expect(shiftStore.getState().shift?.shiftId).toBe('SH1');
    fake.emit('shift.updated', null);

    fake.reply('shift.open', (input) =>
      input.supervisorPin === '2222'
        ? ok(shift())
        : { ok: false, error: { code: 'auth.supervisor_required', message: 'shift.open needs a supervisor' } },
    );
    pickCashier('demo-cashier');
    setCount(5000, '5');
    const opening = openShift();
    await supervisorTypes('2222');
    expect(await opening).toBe(true);
    expect(fake.calls.filter((c) => c.method === 'shift.open').map((c) => c.input)).toEqual([
      { cashierId: 'demo-cashier', float: [{ denomination: 5000, count: 5 }] },
      { cashierId: 'demo-cashier', float: [{ denomination: 5000, count: 5 }], supervisorPin: '2222' },
    ]);
    expect(shiftStore.getState()).toMatchObject({ shift: { status: 'open' }, counts: {}, cashierId: null });
  });

  it('drops by count or by amount, paid-out needs a reason; each shows what was done', async () => {
    setShift(shift());
    fake.reply('shift.cashMovement', () => ok(shift()));
    openManager('drop');
    setCount(10000, '1');
    expect(await cashDrop()).toBe(true);
    expect(fake.calls.at(-1)?.input).toEqual({ kind: 'drop', counts: [{ denomination: 10000, count: 1 }] });
    expect(shiftStore.getState()).toMatchObject({ done: 'drop', view: 'menu' });
    openManager('drop');
    setDropMode('amount');
    setAmountText('50.5');
    expect(await cashDrop()).toBe(true);
    expect(fake.calls.at(-1)?.input).toEqual({ kind: 'drop', amount: 5050 });
    openManager('paid_out');
    setAmountText('8');
    expect(await paidInOut('paid_out')).toBe(false); // no reason yet
    setReason('ice delivery');
    expect(await paidInOut('paid_out')).toBe(true);
    expect(fake.calls.at(-1)?.input).toEqual({ kind: 'paid_out', amount: 800, reason: 'ice delivery' });
  });

  it('a blind count within tolerance closes at once and fetches the shift report', async () => {
    setShift(shift());
    fake.reply('shift.count', () => ok(shift({ status: 'closed', counted: 24500, expected: 25000, overShort: -500 })));
    fake.reply('report.get', () => ok(report));
    openManager('close');
    setCount(10000, '2');
    setCount(2000, '2');
    setCount(500, '1');
    expect(await submitCount()).toBe(true);
    expect(fake.calls.find((c) => c.method === 'shift.count')?.input).toEqual({
      counts: [
        { denomination: 10000, count: 2 },
        { denomination: 2000, count: 2 },
        { denomination: 500, count: 1 },
      ],
    });
    expect(fake.calls.at(-1)).toEqual({ method: 'report.get', input: { kind: 'shift', shiftId: 'SH1' } });
    expect(shiftStore.getState()).toMatchObject({ shift: null, countResult: { overShort: -500 }, report: { overShort: -500 } });
  });

  it('beyond tolerance a supervisor closes with a note; then the Z', async () => {
    setShift(shift());
    const counted = shift({ status: 'counted', counted: 18700, expected: 19700, overShort: -1000 });
    fake.reply('shift.count', () => ok(counted));
    fake.reply('shift.close', (input) =>
      input.supervisorPin ? ok(report) : { ok: false, error: { code: 'auth.supervisor_required', message: 'needs a supervisor' } },
    );
    fake.reply('day.close', () => ok({ ...report, kind: 'z', zNumber: 1 }));
    openManager('close');
    await submitCount();
    expect(shiftStore.getState().shift?.status).toBe('counted');
    expect(await approveClose()).toBe(false); // a note first
    setNote('recounted twice');
    const closing = approveClose();
    await supervisorTypes('2222');
    expect(await closing).toBe(true);
    expect(fake.calls.filter((c) => c.method === 'shift.close').at(-1)?.input).toEqual({ note: 'recounted twice', supervisorPin: '2222' });
    expect(shiftStore.getState()).toMatchObject({ shift: null, countResult: { status: 'closed' }, report: { kind: 'shift' } });
    expect(await closeDay()).toBe(true);
    expect(shiftStore.getState()).toMatchObject({ view: 'report', report: { kind: 'z', zNumber: 1 } });
  });

  it('a stored report that does not exist yet says so', async () => {
    fake.reply('report.get', () => ok(null));
    openManager('report');
    await storedReport('z');
    expect(shiftStore.getState()).toMatchObject({ view: 'report', report: null, noReport: true });
  });
});
