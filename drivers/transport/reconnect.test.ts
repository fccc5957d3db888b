import { describe, expect, it } from 'vitest';
import { createMemoryPair } from './memory';
import { backoffDelay, withReconnect } from './reconnect';
import { TransportError, type Transport } from './transport';

/** A sleep the test releases by hand, recording every delay asked for. */
function manualSleep() {
  const delays: number[] = [];
  const waiting: (() => void)[] = [];
  return {
    delays,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        delays.push(ms);
        waiting.push(resolve);
      }),
    releaseAll: () => waiting.splice(0).forEach((r) => r()),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A device that refuses to open `failures` times, then opens as one end of a memory pair. */
function flakyDevice(failures: number) {
  let attempts = 0;
  const farEnds: Transport[] = [];
  const factory = (): Transport => {
    attempts++;
    const [near, far] = createMemoryPair(`device#${attempts}`);
    farEnds.push(far);
    if (attempts <= failures) {
      return {
        ...near,
        description: near.description,
        isOpen: false,
        open: () => Promise.reject(new TransportError('transport.open_failed', 'ENOENT')),
      };
    }
    void far.open();
    return near;
  };
  return { factory, farEnds, attempts: () => attempts };
}

describe('backoffDelay', () => {
  it('is full jitter under an exponential ceiling capped at backoffCapMs', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 100, 1000, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffDelay(5, 100, 1000, () => 0)).toBe(0);
    expect(backoffDelay(1000, 100, 1000, () => 0.5)).toBe(500); // no overflow for huge attempts
  });
});

describe('withReconnect', () => {
  it('retries a device that is not there yet, with growing delays, and reports connected', async () => {
    const device = flakyDevice(3);
    const s = manualSleep();
    const t = withReconnect(device.factory, {
      backoffBaseMs: 100,
      backoffCapMs: 300,
      random: () => 0.5,
      sleep: s.sleep,
    });
    const events: string[] = [];
    t.on('connected', () => events.push('connected'));
    t.on('retry', (i) => events.push(`retry ${i.attempt} ${i.delayMs} ${i.error?.message ?? ''}`));
    let opened = false;
    const opening = t.open().then(() => (opened = true));
    for (let i = 0; i < 3; i++) {
      await flush();
      s.releaseAll();
    }
    await opening;
    expect(opened).toBe(true);
    expect(s.delays).toEqual([50, 100, 150]); // 0.5 × min(300, 100·2^n)
    expect(events).toEqual([
      'retry 0 50 ENOENT',
      'retry 1 100 ENOENT',
      'retry 2 150 ENOENT',
      'connected',
    ]);
    expect(t.connected).toBe(true);
    await t.close();
  });

  it('after an unplug emits disconnected, reopens, and data flows from the new link', async () => {
    const device = flakyDevice(0);
    const s = manualSleep();
    const t = withReconnect(device.factory, {
      backoffBaseMs: 1000,
      backoffCapMs: 60_000,
      random: () => 0.25,
      sleep: s.sleep,
    });
    const events: string[] = [];
    t.on('connected', () => events.push('connected'));
    t.on('disconnected', (e) => events.push(`disconnected: ${e?.message ?? ''}`));
    const got: number[] = [];
    t.onData((c) => got.push(...c));
    await t.open();
    await device.farEnds[0]!.write(Uint8Array.from([1]));
    await flush();
    await device.farEnds[0]!.close(); // unplug
    await flush();
    expect(t.connected).toBe(false);
    await expect(t.write(Uint8Array.from([9]))).rejects.toMatchObject({
      code: 'transport.not_open',
    });
    expect(s.delays).toEqual([250]);
    s.releaseAll();
    await flush();
    expect(events).toEqual(['connected', 'disconnected: device#1 (b) closed', 'connected']);
    await device.farEnds[1]!.write(Uint8Array.from([2]));
    await device.farEnds[0]!.write(Uint8Array.from([3])).catch(() => undefined); // the old link is dead
    await flush();
    expect(got).toEqual([1, 2]);
    await t.close();
  });

  it('resets the backoff after a successful connection', async () => {
    const device = flakyDevice(2);
    const s = manualSleep();
    const t = withReconnect(device.factory, {
      backoffBaseMs: 100,
      backoffCapMs: 10_000,
      random: () => 0.99,
      sleep: s.sleep,
    });
    const opening = t.open();
    for (let i = 0; i < 2; i++) {
      await flush();
      s.releaseAll();
    }
    await opening;
    await device.farEnds[2]!.close();
    await flush();
    expect(s.delays).toEqual([99, 198, 99]);
    await t.close();
  });

  it('close() stops retrying, even in the middle of a backoff wait, and rejects a pending open', async () => {
    const device = flakyDevice(100);
    const s = manualSleep();
    const t = withReconnect(device.factory, {
      backoffBaseMs: 100,
      backoffCapMs: 100,
      sleep: s.sleep,
    });
    const opening = t.open();
    await flush();
    expect(device.attempts()).toBe(1);
    await t.close();
    await expect(opening).rejects.toMatchObject({ code: 'transport.closed' });
    s.releaseAll();
    await flush();
    expect(device.attempts()).toBe(1);
  });
});
