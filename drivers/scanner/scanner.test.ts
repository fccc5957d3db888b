import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAddress, type SerialAddress } from '../address';
import { ScannerSim } from '../sim/scanner-sim';
import { createMemoryPair } from '../transport/memory';
import { SerialTransport } from '../transport/serial';
import { startSocat, type PtyPair } from '../transport/testing/socat';
import type { HidBackend, HidHandle } from '../transport/hid';
import type { Transport } from '../transport/transport';
import { scannerOptionsFor } from './create';
import { encodeHidPosReports } from './hid-pos';
import { Scanner, type ScannerEvent, type ScannerTimers } from './scanner';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

function collect(scanner: Scanner): ScannerEvent[] {
  const events: ScannerEvent[] = [];
  scanner.onEvent((e) => events.push(e));
  return events;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const scansOf = (events: ScannerEvent[]) =>
  events.flatMap((e) => (e.type === 'scan' ? [`${e.scan.symbology} ${e.scan.text}`] : []));

/** A HID scanner on a memory pair; `unplug` closes the device end as a pulled cable would. */
function hidRig() {
  const sim = new ScannerSim({ framing: 'hid' });
  let device: Transport | undefined;
  const scanner = new Scanner({
    framing: 'hid',
    reconnect: { backoffBaseMs: 1, backoffCapMs: 1 },
    connect: () => {
      const [host, dev] = createMemoryPair('sim:scanner');
      void dev.open();
      device = dev;
      return host;
    },
  });
  sim.onOutput((b) => void device?.write(b));
  stops.push(() => scanner.stop());
  return { sim, scanner, unplug: () => device?.close(), send: (b: Uint8Array) => device?.write(b) };
}

describe('Scanner over HID POS reports (memory pair)', () => {
  it('emits one scan per barcode, long ones joined across reports', async () => {
    const { sim, scanner } = hidRig();
    const events = collect(scanner);
    await scanner.start();
    const long = `https://gw.example/r/${'X'.repeat(200)}`;
    sim.scan({ symbology: 'ean13', text: '6901234000016' });
    sim.scan({ symbology: 'qr', text: long });
    sim.scan({ symbology: 'upca', text: '036000291452' });
    await until(() => scansOf(events).length === 3);
    expect(scansOf(events)).toEqual(['ean13 6901234000016', `qr ${long}`, 'upca 036000291452']);
  });

  it('reconnects after an unplug and drops the half scan from before it', async () => {
    const { sim, scanner, unplug, send } = hidRig();
    const events = collect(scanner);
    await scanner.start();
    // first report of a two-report scan, then the cable goes
    const [first] = encodeHidPosReports(']Q1', new TextEncoder().encode('Y'.repeat(100)));
    await send(first ?? new Uint8Array());
    await new Promise((r) => setTimeout(r, 5));
    await unplug();
    await until(() => events.some((e) => e.type === 'disconnected'));
    await until(() => events.filter((e) => e.type === 'connected').length === 2);
    sim.scan({ symbology: 'qr', text: 'AFTER' });
    await until(() => scansOf(events).length === 1);
    // glued onto the lost half this would read 'qr YYY…AFTER'
    expect(scansOf(events)).toEqual(['qr AFTER']);
  });
});

describe('Scanner over node-hid (fake backend)', () => {
  class FakeHandle extends EventEmitter implements HidHandle {
    write(): Promise<number> {
      return Promise.resolve(0);
    }
    close(): Promise<void> {
      return Promise.resolve();
    }
  }

  it('opens the usage-page 0x8C interface, decodes its reports, reopens after an unplug', async () => {
    const opened: { path: string; handle: FakeHandle }[] = [];
    const backend: HidBackend = {
      devices: () =>
        Promise.resolve([
          { vendorId: 0x0c2e, productId: 0x0b87, path: '/dev/hidraw1', usagePage: 0x01 },
          { vendorId: 0x0c2e, productId: 0x0b87, path: '/dev/hidraw2', usagePage: 0x8c },
        ]),
      open: (path) => {
        const handle = new FakeHandle();
        opened.push({ path, handle });
        return Promise.resolve(handle);
      },
    };
    const address = parseAddress('hid:0c2e:0b87');
    if (address.kind !== 'hid') throw new Error('not hid');
    const scanner = new Scanner(
      scannerOptionsFor(address, {
        hidBackend: backend,
        reconnect: { backoffBaseMs: 1, backoffCapMs: 1 },
      }),
    );
    stops.push(() => scanner.stop());
    const events = collect(scanner);
    await scanner.start();
    expect(opened.map((o) => o.path)).toEqual(['/dev/hidraw2']);
    const send = (h: FakeHandle | undefined, text: string) => {
      for (const r of encodeHidPosReports(']C0', new TextEncoder().encode(text)))
        h?.emit('data', Buffer.from(r));
    };
    send(opened[0]?.handle, 'FIRST');
    opened[0]?.handle.emit('error', new Error('could not read from HID device'));
    await until(() => opened.length === 2 && scanner.connected);
    send(opened[1]?.handle, 'SECOND');
    expect(scansOf(events)).toEqual(['code128 FIRST', 'code128 SECOND']);
    expect(events.map((e) => e.type)).toEqual([
      'connected',
      'scan',
      'disconnected',
      'connected',
      'scan',
    ]);
  });
});

describe('Scanner over serial', () => {
  /** Fake timers: the test says when time passes. */
  function fakeTimers() {
    let next: { cb: () => void; ms: number } | undefined;
    const timers: ScannerTimers = {
      setTimeout: (cb, ms) => (next = { cb, ms }),
      clearTimeout: () => (next = undefined),
    };
    return { timers, fire: () => next?.cb(), armedMs: () => next?.ms };
  }

  it('with no suffix, the inter-character timeout ends the scan', async () => {
    const t = fakeTimers();
    let device: Transport | undefined;
    const scanner = new Scanner({
      framing: 'serial',
      interCharTimeoutMs: 80,
      timers: t.timers,
      connect: () => {
        const [host, dev] = createMemoryPair('serial');
        void dev.open();
        device = dev;
        return host;
      },
    });
    stops.push(() => scanner.stop());
    const events = collect(scanner);
    await scanner.start();
    await device?.write(new TextEncoder().encode(']E0690123'));
    await until(() => t.armedMs() === 80);
    await device?.write(new TextEncoder().encode('4000016'));
    await new Promise((r) => setTimeout(r, 10));
    expect(scansOf(events)).toEqual([]); // bytes kept coming: the timer was re-armed
    t.fire();
    expect(scansOf(events)).toEqual(['ean13 6901234000016']);
  });

  describe('through a real pty (socat) and serialport', () => {
    let pty: PtyPair | undefined;
    afterEach(async () => {
      await pty?.kill();
      pty = undefined;
    });

    it('suffix=crlf from the address; scans from the simulator arrive whole', async () => {
      pty = await startSocat();
      const address = parseAddress(`serial:${pty.a}?baud=9600&suffix=crlf`) as SerialAddress;
      const scanner = new Scanner(scannerOptionsFor(address));
      stops.push(() => scanner.stop());
      const events = collect(scanner);
      const device = new SerialTransport({ path: pty.b, baudRate: 9600 });
      await device.open();
      stops.push(() => device.close());
      const sim = new ScannerSim({ framing: 'serial', suffix: 'crlf' });
      sim.attach(device);
      await scanner.start();
      sim.scan({ symbology: 'datamatrix', text: 'line one\rstill one' });
      sim.scan({ symbology: 'unknown', text: '28' + '7'.repeat(16) });
      await until(() => scansOf(events).length === 2);
      expect(scansOf(events)).toEqual([
        'datamatrix line one\rstill one',
        `unknown 28${'7'.repeat(16)}`,
      ]);
    });
  });
});
