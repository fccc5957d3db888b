import { afterEach, describe, expect, it } from 'vitest';
import { listSerialPorts, SerialTransport } from './serial';
import { startSocat, type PtyPair } from './testing/socat';

let pty: PtyPair | undefined;
afterEach(async () => {
  await pty?.kill();
  pty = undefined;
});

function collect(t: SerialTransport, n: number): Promise<number[]> {
  const got: number[] = [];
  return new Promise((resolve) => {
    const off = t.onData((c) => {
      got.push(...c);
      if (got.length >= n) {
        off();
        resolve(got);
      }
    });
  });
}

describe('SerialTransport over a real pty pair (socat)', () => {
  it('writes both ways, then reports the unplug when socat dies', async () => {
    pty = await startSocat();
    const host = new SerialTransport({ path: pty.a, baudRate: 115200, presenceCheckMs: 50 });
    const device = new SerialTransport({ path: pty.b, baudRate: 115200, flow: 'none' });
    await host.open();
    await device.open();
    expect(host.isOpen).toBe(true);
    expect(host.description).toBe(`serial ${pty.a} @115200`);

    const job = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff); // larger than one read
    const atDevice = collect(device, job.length);
    await host.write(job);
    expect(Uint8Array.from(await atDevice)).toEqual(job);

    const atHost = collect(host, 2);
    await device.write(Uint8Array.from([0x12, 0x16]));
    expect(await atHost).toEqual([0x12, 0x16]);

    const lost = new Promise<Error | undefined>((r) => host.onDisconnect(r));
    await pty.kill();
    pty = undefined;
    const err = await lost;
    expect(err?.message).toMatch(/port lost/);
    expect(host.isOpen).toBe(false);
    await expect(host.write(Uint8Array.from([1]))).rejects.toMatchObject({
      code: 'transport.not_open',
    });
    await device.close();
  });

  it('fails open with the path in the message when the port does not exist', async () => {
    const t = new SerialTransport({ path: '/dev/ttyNOPE9', baudRate: 9600 });
    const err: unknown = await t.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'transport.open_failed' });
    expect((err as Error).message).toMatch(/ttyNOPE9/);
  });
});

describe('listSerialPorts', () => {
  it('turns a missing udevadm into a clear message instead of a crash', async () => {
    // this machine has no udevadm, so the real call shows it; the fake keeps the test portable
    const missing = () =>
      Promise.reject(Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' }));
    await expect(listSerialPorts(missing)).rejects.toMatchObject({
      code: 'transport.list_failed',
      message:
        'cannot list serial ports: udevadm not found; give the port path directly, e.g. serial:/dev/ttyUSB0',
    });
    await listSerialPorts().then(
      (ports) => expect(Array.isArray(ports)).toBe(true),
      (err: Error) =>
        expect(err.message).toMatch(/^cannot list serial ports: .*serial:\/dev\/ttyUSB0$/),
    );
  });

  it('passes the list through when it works', async () => {
    const ports = await listSerialPorts(() =>
      Promise.resolve([
        {
          path: '/dev/ttyUSB0',
          manufacturer: 'FTDI',
          serialNumber: undefined as unknown as string,
        },
      ]),
    );
    expect(ports).toEqual([{ path: '/dev/ttyUSB0', manufacturer: 'FTDI' }]);
  });
});
