import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShiftDto } from '../../contract/api';
import { createFakePos, line, menuCatalog, ok, sale, walletPayment, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { setCatalog } from '../state/catalog';
import { entryStore } from '../state/entry';
import { saleStore } from '../state/sale';
import { sessionStore } from '../state/session';
import { shiftStore } from '../state/shift';
import { walletStore } from '../state/wallet';
import { startScanning } from './scanning';
import { simulateScan } from '../state/boot';
import { statusStore } from '../state/status';
import { status } from '../testing/fake-pos';

vi.mock('./sound', () => ({ playCue: vi.fn() }));

let fake: FakePos;
let keys: EventTarget;
let now: number;
let stop: () => void;

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  keys = new EventTarget();
  now = 1000;
  vi.stubGlobal('window', { pos: fake.api });
  vi.stubGlobal('addEventListener', keys.addEventListener.bind(keys));
  vi.stubGlobal('removeEventListener', keys.removeEventListener.bind(keys));
  vi.stubGlobal('performance', { now: () => now });
  sessionStore.setState({
    session: { state: 'active', staff: { id: 'c1', name: 'Li Na', role: 'cashier' }, since: null, idleLockSeconds: 0 },
  });
  shiftStore.setState({ shift: { shiftId: 'SH1', status: 'open' } as ShiftDto, loaded: true });
  setCatalog({ ...menuCatalog, products: menuCatalog.products.map((p) => (p.id === 'water' ? { ...p, barcode: '6901234567892' } : p)) });
  stop = startScanning();
});
afterEach(() => {
  stop();
  vi.unstubAllGlobals();
});

/** A key as the keyboard driver sends it; the app's own key handling types what is not prevented. */
function press(key: string): void {
  const e = new Event('keydown', { cancelable: true });
  Object.assign(e, { key, ctrlKey: false, altKey: false, metaKey: false, repeat: false });
  Object.defineProperty(e, 'timeStamp', { value: now });
  keys.dispatchEvent(e);
  if (!e.defaultPrevented && /^\d$/.test(key)) entryStore.setState((s) => ({ tender: s.tender + key }));
}

function typeKeys(text: string, gapMs: number): void {
  for (const ch of text) {
    press(ch);
    now += gapMs;
  }
  press('Enter');
}
const scanByWedge = (text: string): void => typeKeys(text, 10);

describe('scanning, both ways in', () => {
  it('a wedge scan on the pay screen charges the code, and no digit of it stays in the typed amount', async () => {
    saleStore.setState({ sale: sale([line({ amount: 2500 })]), screen: 'tender' });
    fake.reply('payment.startWallet', () => ok(walletPayment()));
    scanByWedge('134567890123455678');
    await vi.waitFor(() => expect(walletStore.getState().payment?.state).toBe('authorizing'));
    expect(fake.calls).toEqual([{ method: 'payment.startWallet', input: { code: '134567890123455678' } }]);
    expect(entryStore.getState().tender).toBe('');
  });

  it('a cashier typing an amount on the pay screen is left alone', () => {
    saleStore.setState({ sale: sale([line({ amount: 2500 })]), screen: 'tender' });
    typeKeys('10000000', 120);
    expect(entryStore.getState().tender).toBe('10000000');
    expect(fake.calls).toEqual([]);
  });

  it("a driven scanner's scan event sells on the sell screen", async () => {
    saleStore.setState({ sale: sale([]), screen: 'sell' });
    fake.reply('sale.addItem', () => ok(sale([line({ productId: 'water' })])));
    fake.emit('scanner.scan', { symbology: 'ean13', text: '6901234567892', at: '2026-05-01T12:00:00.000Z' });
    await vi.waitFor(() => expect(fake.calls).toContainEqual({ method: 'sale.addItem', input: { productId: 'water' } }));
  });

  it('demo: a simulated scanner scans a typed code, and its status reaches the status bar', async () => {
    statusStore.setState({ status });
    const simulated = { state: 'ok' as const, address: 'sim:scanner', connected: true, simulated: true, detail: null };
    fake.reply('scanner.simulateScan', () => ok(simulated));
    await simulateScan('6901234567892');
    expect(fake.calls).toContainEqual({ method: 'scanner.simulateScan', input: { text: '6901234567892' } });
    expect(statusStore.getState().status).toMatchObject({ scanner: simulated, devices: { scanner: 'ok' } });
  });

  it('stops listening when stopped', () => {
    stop();
    saleStore.setState({ sale: sale([line({ amount: 2500 })]), screen: 'tender' });
    scanByWedge('134567890123455678');
    expect(fake.calls).toEqual([]);
    stop = () => undefined;
  });
});
