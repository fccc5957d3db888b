// The simulator on real I/O: a pty pair made by socat (written to with serialport, as the serial
// transport does) and a TCP port on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterSim } from './printer-sim';
import { renderText } from './render';
import { servePty, serveTcp, type SimServer } from './serve';

const job = Uint8Array.from([
  0x1b,
  0x40,
  ...Buffer.from('Receipt 42'),
  0x0a,
  0x1d,
  0x56,
  0x42,
  0x00,
  0x1d,
  0x28,
  0x48,
  0x06,
  0x00,
  0x30,
  0x30,
  ...Buffer.from('0042'),
]);
const dleEot = (n: number) => Uint8Array.of(0x10, 0x04, n);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Collects bytes until `count` have arrived. */
function reader(onData: (cb: (d: Buffer) => void) => void) {
  const got: number[] = [];
  const waiters: { count: number; resolve: (b: number[]) => void }[] = [];
  onData((d) => {
    got.push(...d);
    for (const w of [...waiters])
      if (got.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(got.splice(0, w.count));
      }
  });
  return (count: number, timeoutMs = 3000) =>
    new Promise<number[]>((resolve, reject) => {
      if (got.length >= count) return resolve(got.splice(0, count));
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${count} bytes, have ${got.length}`)),
        timeoutMs,
      );
      waiters.push({
        count,
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
      });
    });
}

async function openHost(p: string): Promise<SerialPort> {
  const port = new SerialPort({ path: p, baudRate: 115_200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  return port;
}

function closeHost(port: SerialPort): Promise<void> {
  return new Promise((r) => (port.isOpen ? port.close(() => r()) : r()));
}

describe('pty through socat', () => {
  it('prints a job written to PATH and answers status and process ID, across host reopen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pos-sim-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sim = new PrinterSim();
    const server = await servePty(sim, path.join(dir, 'printer'));
    cleanups.push(() => server.close());
    expect(server.address).toBe(`serial:${path.join(dir, 'printer')}`);

    let host = await openHost(server.path);
    let read = reader((cb) => host.on('data', cb));
    host.write(Buffer.from(job));
    expect(await read(7)).toEqual([0x37, 0x22, 0x30, 0x30, 0x34, 0x32, 0x00]);
    expect(renderText(sim.lastPage()!)).toBe('Receipt 42');

    // The host closes its end (an unplug) and comes back: the simulator is still there.
    await closeHost(host);
    sim.setPaper('out');
    host = await openHost(server.path);
    cleanups.push(() => closeHost(host));
    read = reader((cb) => host.on('data', cb));
    host.write(Buffer.from([...dleEot(4), ...dleEot(1)]));
    expect(await read(2)).toEqual([0x7e, 0x1a]);
  });

  it('removes its links when closed, and refuses a path with socat syntax in it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pos-sim-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const server: SimServer & { path: string } = await servePty(
      new PrinterSim(),
      path.join(dir, 'p'),
    );
    await server.close();
    await expect(openHost(server.path)).rejects.toThrow();
    await expect(servePty(new PrinterSim(), path.join(dir, 'a,b'))).rejects.toMatchObject({
      code: 'sim.pty_failed',
    });
  });
});

describe('tcp', () => {
  it('serves 127.0.0.1 like a raw 9100 port; a reset mid-command does not swallow the next job', async () => {
    const sim = new PrinterSim();
    const server = await serveTcp(sim, 0);
    cleanups.push(() => server.close());
    expect(server.address).toBe(`tcp:127.0.0.1:${server.port}`);

    // First connection dies inside a QR store command (declared 50 bytes, 3 sent).
    const broken = net.connect(server.port, '127.0.0.1');
    await new Promise((r) => broken.once('connect', r));
    broken.write(Uint8Array.of(0x1d, 0x28, 0x6b, 50, 0, 0x31, 0x50, 0x30));
    await new Promise((r) => setTimeout(r, 50));
    broken.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));

    const socket = net.connect(server.port, '127.0.0.1');
    cleanups.push(() => void socket.destroy());
    await new Promise((r) => socket.once('connect', r));
    const read = reader((cb) => socket.on('data', cb));
    socket.write(job);
    expect(await read(7)).toEqual([0x37, 0x22, 0x30, 0x30, 0x34, 0x32, 0x00]);
    socket.write(dleEot(2));
    expect(await read(1)).toEqual([0x12]);
    expect(sim.pages()).toHaveLength(1);
    expect(renderText(sim.pages()[0]!)).toBe('Receipt 42');
  });
});
