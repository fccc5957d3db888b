import { describe, expect, it } from 'vitest';
import { createMemoryPair } from './memory';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('createMemoryPair', () => {
  it('carries bytes both ways, after the write returns', async () => {
    const [a, b] = createMemoryPair();
    await a.open();
    await b.open();
    const atB: number[] = [];
    const atA: number[] = [];
    b.onData((c) => atB.push(...c));
    a.onData((c) => atA.push(...c));
    const written = a.write(bytes(1, 2, 3));
    expect(atB).toEqual([]); // not synchronous, like real I/O
    await written;
    await b.write(bytes(9));
    await new Promise((r) => setTimeout(r, 0));
    expect(atB).toEqual([1, 2, 3]);
    expect(atA).toEqual([9]);
  });

  it('copies what is written, so a caller reusing its buffer does not change bytes in flight', async () => {
    const [a, b] = createMemoryPair();
    await a.open();
    await b.open();
    const got: number[] = [];
    b.onData((c) => got.push(...c));
    const buf = bytes(1, 1);
    await a.write(buf);
    buf.fill(7);
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([1, 1]);
  });

  it('closing one end is a disconnect for the other, not for itself', async () => {
    const [a, b] = createMemoryPair();
    await a.open();
    await b.open();
    const events: string[] = [];
    a.onDisconnect(() => events.push('a'));
    b.onDisconnect((e) => events.push(`b:${e?.message ?? ''}`));
    await a.close();
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual(['b:memory (a) closed']);
    expect(b.isOpen).toBe(false);
    await expect(b.write(bytes(1))).rejects.toMatchObject({ code: 'transport.not_open' });
  });

  it('stops delivering to a removed listener', async () => {
    const [a, b] = createMemoryPair();
    await a.open();
    await b.open();
    const got: number[] = [];
    const off = b.onData((c) => got.push(...c));
    off();
    await a.write(bytes(5));
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([]);
  });
});
