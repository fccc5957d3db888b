import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScanDto, ScannerStatusDto } from '../contract/api';
import { encodeHidPosReports } from '../drivers/scanner/hid-pos';
import { ScannerSim } from '../drivers/sim/scanner-sim';
import type { HidBackend, HidHandle } from '../drivers/transport/hid';
import { SerialTransport } from '../drivers/transport/serial';
import { startSocat, type PtyPair } from '../drivers/transport/testing/socat';
import { isoUtc, manualClock } from '../lib/clock';
import {
  createScannerDevice,
  type ScannerConfig,
  type ScannerDevice,
  type ScannerDeviceOptions,
} from './scanner-device';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A log that keeps every line, at every level. */
function capturedLog() {
  const lines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) });
  return { log, lines };
}

const fast: ScannerDeviceOptions = { reconnect: { backoffBaseMs: 1, backoffCapMs: 1 } };

function open(config: ScannerConfig | undefined, device: ScannerDeviceOptions = fast) {
  const scans: ScanDto[] = [];
  const statuses: ScannerStatusDto[] = [];
  const clock = manualClock();
  const { log, lines } = capturedLog();
  const scanner: ScannerDevice = createScannerDevice(config, {
    onScan: (s) => scans.push(s),
    onStatus: (s) => statuses.push(s),
    clock,
    log,
    device,
  });
  cleanups.push(() => scanner.close());
  return { scanner, scans, statuses, clock, lines };
}

const EAN = '6901234000016';
const URL_QR = `https://tickets.example/r/2026-11-22/${'a1B2c3D4'.repeat(30)}?lang=zh`;
const WALLET = '284567890123456789'; // 18 digits, the shape of a wallet payment code

describe('scanner device: sim:scanner through the real decoder', () => {
  it('a simulated scan comes back through onScan with its symbology, text and time', async () => {
    const { scanner, scans, statuses, clock } = open({ address: 'sim:scanner' });
    await until(() => scanner.status().connected);
    expect(scanner.status()).toEqual({
      state: 'ok',
      address: 'sim:scanner',
      connected: true,
      simulated: true,
      detail: null,
    });
    expect(statuses.at(-1)?.state).toBe('ok');

    expect(scanner.simulateScan(EAN, 'ean13').state).toBe('ok');
    await until(() => scans.length === 1);
    // longer than one 64-byte report holds (58 data bytes): joined from several reports
    expect(URL_QR.length).toBeGreaterThan(4 * 58);
    scanner.simulateScan(URL_QR, 'qr');
    scanner.simulateScan(WALLET);
    await until(() => scans.length === 3);
    clock.advance(1000);
    scanner.simulateScan(WALLET, 'code128');
    await until(() => scans.length === 4);
    expect(scans).toEqual([
      { symbology: 'ean13', text: EAN, at: isoUtc(clock.now() - 1000) },
      { symbology: 'qr', text: URL_QR, at: isoUtc(clock.now() - 1000) },
      // no symbology given: the simulated scanner sends no AIM identifier
      { symbology: 'unknown', text: WALLET, at: isoUtc(clock.now() - 1000) },
      { symbology: 'code128', text: WALLET, at: isoUtc(clock.now()) },
    ]);
  });

  it('reports changes only after it is built, so the caller can wire onStatus to later things', async () => {
    let wired = false;
    const seen: string[] = [];
    const scanner = createScannerDevice(
      { address: 'sim:scanner' },
      {
        onScan: () => undefined,
        onStatus: (s) => {
          if (!wired) throw new ReferenceError('hub is not built yet');
          seen.push(s.state);
        },
        device: fast,
      },
    );
    cleanups.push(() => scanner.close());
    expect(scanner.status()).toMatchObject({ state: 'warning', connected: false, simulated: true });
    wired = true;
    await until(() => seen.length === 1);
    expect(seen).toEqual(['ok']);
  });

  it('an 18-digit code split over nine tiny HID reports arrives whole', async () => {
    const { scanner, scans } = open(
      { address: 'sim:scanner' },
      { ...fast, sim: { framing: 'hid', reportSize: 8 } },
    );
    await until(() => scanner.status().connected);
    scanner.simulateScan(WALLET, 'qr');
    scanner.simulateScan(EAN, 'ean13');
    await until(() => scans.length === 2);
    expect(scans.map((s) => `${s.symbology} ${s.text}`)).toEqual([`qr ${WALLET}`, `ean13 ${EAN}`]);
  });

  it('a serial-framed simulator (CRLF suffix) goes through the serial decoder', async () => {
    const { scanner, scans } = open(
      { address: 'sim:scanner' },
      { ...fast, sim: { framing: 'serial', suffix: 'crlf' } },
    );
    await until(() => scanner.status().connected);
    scanner.simulateScan(EAN, 'ean13');
    scanner.simulateScan(URL_QR, 'qr');
    await until(() => scans.length === 2);
    expect(scans.map((s) => `${s.symbology} ${s.text}`)).toEqual([`ean13 ${EAN}`, `qr ${URL_QR}`]);
  });

  it('after close the simulator refuses scans instead of losing them', async () => {
    const { scanner } = open({ address: 'sim:scanner' });
    await until(() => scanner.status().connected);
    await scanner.close();
    expect(scanner.status()).toMatchObject({ state: 'error', connected: false });
    expect(() => scanner.simulateScan(EAN)).toThrow(
      expect.objectContaining({ code: 'scanner.not_configured' }),
    );
  });
});

describe('scanner device: not configured, not simulated, bad settings', () => {
  it('without a scanner: not_configured, and simulateScan says so', () => {
    const { scanner, statuses } = open(undefined);
    expect(scanner.status()).toEqual({
      state: 'not_configured',
      address: null,
      connected: false,
      simulated: false,
      detail: null,
    });
    expect(() => scanner.simulateScan(EAN)).toThrow(
      expect.objectContaining({ name: 'PosError', code: 'scanner.not_configured' }),
    );
    expect(statuses).toEqual([]);
  });

  it('a real scanner refuses simulated scans; absent, it goes from warning to error', async () => {
    const { scanner, statuses, lines } = open(
      { address: 'serial:/dev/pos-test-no-such-scanner?baud=9600' },
      { ...fast, errorAfterMs: 60 },
    );
    expect(() => scanner.simulateScan(WALLET)).toThrow(
      expect.objectContaining({ code: 'scanner.not_simulated' }),
    );
    expect(scanner.status()).toMatchObject({
      state: 'warning',
      connected: false,
      simulated: false,
    });
    expect(scanner.status().detail).toContain('/dev/pos-test-no-such-scanner');
    await until(() => scanner.status().state === 'error');
    expect(statuses.map((s) => s.state)).toEqual(['error']);
    expect(lines.join('')).not.toContain(WALLET);
  });

  it('an address that is no scanner is an error status with the reason, not a throw', () => {
    for (const address of ['sim:printer', 'tcp:192.168.1.50', 'bogus']) {
      const { scanner } = open({ address });
      const s = scanner.status();
      expect(s).toMatchObject({ state: 'error', address, connected: false });
      expect(s.detail).toMatch(/^scanner setting unusable: /);
      expect(() => scanner.simulateScan(EAN)).toThrow(
        expect.objectContaining({ code: 'scanner.not_configured' }),
      );
    }
  });
});

class FakeHandle extends EventEmitter implements HidHandle {
  write(): Promise<number> {
    return Promise.resolve(0);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  /** What the scanner sends for one scan. */
  scan(aim: string, text: string, reportSize?: number): void {
    const opts = reportSize ? { reportSize } : {};
    for (const r of encodeHidPosReports(aim, new TextEncoder().encode(text), opts))
      this.emit('data', Buffer.from(r));
  }
}

/** A USB HID POS scanner behind a fake node-hid; `handles` are the opened devices in order. */
function fakeHid() {
  const handles: FakeHandle[] = [];
  const hidBackend: HidBackend = {
    devices: () =>
      Promise.resolve([
        { vendorId: 0x05e0, productId: 0x1200, path: '/dev/hidraw7', usagePage: 0x8c },
      ]),
    open: () => {
      const h = new FakeHandle();
      handles.push(h);
      return Promise.resolve(h);
    },
  };
  return { handles, hidBackend };
}

describe('scanner device: a USB HID POS scanner (fake node-hid)', () => {
  it('ok while plugged in, warning with a reason when unplugged, ok again once back', async () => {
    const { handles, hidBackend } = fakeHid();
    const { scanner, statuses, scans } = open(
      { address: 'hid:05e0:1200' },
      { ...fast, hidBackend },
    );
    await until(() => scanner.status().connected);
    handles[0]?.scan(']E0', EAN);
    handles[0]?.emit('error', new Error('could not read from HID device'));
    await until(() => handles.length === 2 && scanner.status().connected);
    handles[1]?.scan(']C0', 'AFTER-REPLUG');
    expect(scans.map((s) => `${s.symbology} ${s.text}`)).toEqual([
      `ean13 ${EAN}`,
      'code128 AFTER-REPLUG',
    ]);
    expect(statuses.map((s) => s.state)).toEqual(['ok', 'warning', 'ok']);
    expect(statuses[1]).toMatchObject({ address: 'hid:05e0:1200', connected: false });
    expect(statuses[1]?.detail).toMatch(
      /scanner went away .*could not read from HID device.*reconnecting/,
    );
    expect(statuses[2]?.detail).toBeNull();
  });

  it('never logs scan text, not even of broken scans; decode errors are logged by code', async () => {
    const { handles, hidBackend } = fakeHid();
    const { scanner, statuses, scans, lines } = open(
      { address: 'hid:05e0:1200' },
      { ...fast, hidBackend },
    );
    const stderr = vi.spyOn(process.stderr, 'write');
    const stdout = vi.spyOn(process.stdout, 'write');
    const consoleCalls = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m),
    );
    cleanups.push(() => {
      vi.restoreAllMocks();
      return Promise.resolve();
    });
    await until(() => scanner.status().connected);
    const h = handles[0];
    h?.scan(']Q1', WALLET);
    h?.scan('', WALLET);
    // the first half of a split wallet code, then a report of another symbology: the half is lost
    const [firstHalf] = encodeHidPosReports(']Q1', new TextEncoder().encode(WALLET), {
      reportSize: 16,
    });
    h?.emit('data', Buffer.from(firstHalf ?? []));
    h?.scan(']E0', EAN);
    // a report whose length byte lies, carrying a code
    const liar =
      encodeHidPosReports(']Q1', new TextEncoder().encode(WALLET))[0] ?? new Uint8Array();
    liar[1] = 250;
    h?.emit('data', Buffer.from(liar));
    h?.emit('error', new Error('could not read from HID device'));
    await until(() => handles.length === 2 && scanner.status().connected);

    expect(scans.map((s) => `${s.symbology} ${s.text}`)).toEqual([
      `qr ${WALLET}`,
      `unknown ${WALLET}`,
      `ean13 ${EAN}`,
    ]);
    const logged = lines.join('\n');
    expect(logged).toContain('scanner.continuation_lost');
    expect(logged).toContain('scanner.report_length');
    expect(logged).toContain('scanner went away');
    const everything = [
      logged,
      JSON.stringify(statuses),
      ...stderr.mock.calls.map((c) => String(c[0])),
      ...stdout.mock.calls.map((c) => String(c[0])),
      ...consoleCalls.flatMap((s) => s.mock.calls.map((c) => c.map(String).join(' '))),
    ].join('\n');
    // not the code, nor a long piece of it (the split half carries its first 10 digits)
    expect(everything).not.toContain(WALLET);
    expect(everything).not.toContain(WALLET.slice(0, 10));
    expect(everything).not.toContain(WALLET.slice(-8));
  });

  it('the simulator path logs no scan text either', async () => {
    const { scanner, scans, lines, statuses } = open({ address: 'sim:scanner' });
    await until(() => scanner.status().connected);
    scanner.simulateScan(WALLET, 'qr');
    scanner.simulateScan(URL_QR, 'qr');
    await until(() => scans.length === 2);
    const everything = lines.join('\n') + JSON.stringify(statuses);
    expect(lines.length).toBeGreaterThan(0); // it does log (connected), just not the scans
    expect(everything).not.toContain(WALLET.slice(0, 10));
    expect(everything).not.toContain(WALLET.slice(-8));
    expect(everything).not.toContain('a1B2c3D4');
  });
});

describe('scanner device: a serial scanner through a real pty (socat)', () => {
  let pty: PtyPair | undefined;
  afterEach(async () => {
    await pty?.kill();
    pty = undefined;
  });

  it('suffix=lf from the address; scans arrive whole; pulling the port is a warning', async () => {
    pty = await startSocat();
    const { scanner, scans, statuses } = open({ address: `serial:${pty.a}?baud=9600&suffix=lf` });
    const device = new SerialTransport({ path: pty.b, baudRate: 9600 });
    await device.open();
    cleanups.push(() => device.close());
    const sim = new ScannerSim({ framing: 'serial', suffix: 'lf' });
    sim.attach(device);
    await until(() => scanner.status().connected);
    expect(() => scanner.simulateScan(EAN)).toThrow(
      expect.objectContaining({ code: 'scanner.not_simulated' }),
    );
    sim.scan({ symbology: 'ean13', text: EAN });
    sim.scan({ symbology: 'qr', text: URL_QR });
    sim.scan({ symbology: 'unknown', text: WALLET });
    await until(() => scans.length === 3);
    expect(scans.map((s) => `${s.symbology} ${s.text}`)).toEqual([
      `ean13 ${EAN}`,
      `qr ${URL_QR}`,
      `unknown ${WALLET}`,
    ]);
    await pty.kill();
    pty = undefined;
    await until(() => statuses.length === 2);
    expect(scanner.status().state).toBe('warning');
    expect(statuses.map((s) => s.state)).toEqual(['ok', 'warning']);
    expect(scanner.status().detail).toMatch(/scanner went away/);
  });
});
