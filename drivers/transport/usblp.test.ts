import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startSocat, type PtyPair } from './testing/socat';
import { UsblpTransport } from './usblp';

// No USB printer here: a pty is a character device too, with the same non-blocking read/write
// semantics (EAGAIN when empty, EIO once the other side is gone), so it stands in for /dev/usb/lp0.
let pty: PtyPair | undefined;
afterEach(async () => {
  await pty?.kill();
  pty = undefined;
});

describe('UsblpTransport', () => {
  it('writes, polls replies without blocking the event loop, and sees the device vanish', async () => {
    pty = await startSocat();
    const t = new UsblpTransport({ path: pty.a, pollMs: 5, presenceCheckMs: 50 });
    await t.open();
    const far = fs.openSync(
      pty.b,
      fs.constants.O_RDWR | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY,
    );
    try {
      await t.write(Uint8Array.from([0x10, 0x04, 0x01]));
      await new Promise((r) => setTimeout(r, 50));
      const buf = Buffer.alloc(16);
      const n = fs.readSync(far, buf);
      expect([...buf.subarray(0, n)]).toEqual([0x10, 0x04, 0x01]);

      // the event loop keeps turning while the transport waits for bytes
      let ticks = 0;
      const interval = setInterval(() => ticks++, 5);
      await new Promise((r) => setTimeout(r, 60));
      clearInterval(interval);
      expect(ticks).toBeGreaterThan(3);

      const got = new Promise<number[]>((resolve) => t.onData((c) => resolve([...c])));
      fs.writeSync(far, Buffer.from([0x16]));
      expect(await got).toEqual([0x16]);
    } finally {
      fs.closeSync(far);
    }
    const lost = new Promise<Error | undefined>((r) => t.onDisconnect(r));
    await pty.kill();
    pty = undefined;
    expect((await lost)?.message).toMatch(/device lost/);
    expect(t.isOpen).toBe(false);
  });

  it('fails open clearly when the device node is missing', async () => {
    const err: unknown = await new UsblpTransport({ path: '/dev/usb/lp9' })
      .open()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'transport.open_failed' });
    expect((err as Error).message).toMatch(/usblp \/dev\/usb\/lp9: ENOENT/);
  });
});
