import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createStatusParser,
  decodeAsb,
  decodeErrorCause,
  decodeOfflineCause,
  decodePaperSensor,
  decodePrinterStatus,
  statusFromAsb,
  statusFromRealtime,
  type StatusEvent,
} from './status';

// Reply bytes built from the reference tables: fixed bits 0x12 (bit 1 and bit 4 set) plus flags.
const RT = 0x12;

describe('real-time status decoders (DLE EOT n)', () => {
  it('n=1: drawer pin 3 and online/offline', () => {
    expect(decodePrinterStatus(0x12)).toEqual({
      drawerPin3: 'low',
      offline: false,
      waitingForRecovery: false,
      feedButtonPressed: false,
    });
    expect(decodePrinterStatus(0x16)).toMatchObject({ drawerPin3: 'high', offline: false }); // bit 2
    expect(decodePrinterStatus(0x1a)).toMatchObject({ drawerPin3: 'low', offline: true }); // bit 3
  });

  it('n=2: cover open, feed button, paper-end stop, error', () => {
    expect(decodeOfflineCause(0x12)).toEqual({
      coverOpen: false,
      feedingByButton: false,
      paperEndStop: false,
      error: false,
    });
    expect(decodeOfflineCause(0x16)).toMatchObject({ coverOpen: true }); // bit 2
    expect(decodeOfflineCause(0x1a)).toMatchObject({ feedingByButton: true }); // bit 3
    expect(decodeOfflineCause(0x32)).toMatchObject({ paperEndStop: true }); // bit 5
    expect(decodeOfflineCause(0x52)).toMatchObject({ error: true }); // bit 6
  });

  it('n=3: autocutter, unrecoverable, auto-recoverable', () => {
    expect(decodeErrorCause(0x12)).toEqual({
      recoverable: false,
      autocutter: false,
      unrecoverable: false,
      autoRecoverable: false,
    });
    expect(decodeErrorCause(0x1a)).toMatchObject({ autocutter: true }); // bit 3
    expect(decodeErrorCause(0x32)).toMatchObject({ unrecoverable: true }); // bit 5
    expect(decodeErrorCause(0x52)).toMatchObject({ autoRecoverable: true }); // bit 6
  });

  it('n=4: paper near end (bits 2,3) and out (bits 5,6)', () => {
    expect(decodePaperSensor(0x12)).toEqual({ nearEnd: false, out: false });
    expect(decodePaperSensor(0x1e)).toEqual({ nearEnd: true, out: false }); // 0x0C
    expect(decodePaperSensor(0x72)).toEqual({ nearEnd: false, out: true }); // 0x60
    expect(decodePaperSensor(0x7e)).toEqual({ nearEnd: true, out: true });
  });

  it.each([0x00, 0x10, 0x13, 0x02, 0x92, 0x37, 0xff])(
    'rejects 0x%s, whose fixed bits are wrong',
    (b) => {
      expect(decodePrinterStatus(b)).toBeUndefined();
      expect(decodePaperSensor(b)).toBeUndefined();
    },
  );
});

describe('statusFromRealtime', () => {
  it('ready when all is clean; the drawer open level comes from the profile', () => {
    const s = statusFromRealtime([RT | 0x04, RT, RT, RT], 'high')!;
    expect(s).toMatchObject({
      reachable: true,
      online: true,
      ready: true,
      fault: undefined,
      paper: 'ok',
      drawer: { pin3: 'high', open: true },
    });
    expect(statusFromRealtime([RT | 0x04, RT, RT, RT], 'low')!.drawer).toEqual({
      pin3: 'high',
      open: false,
    });
  });

  it.each<[string, [number, number, number, number], string]>([
    ['cover open', [RT | 0x08, RT | 0x04, RT, RT], 'cover-open'],
    ['paper out (sensor)', [RT | 0x08, RT | 0x20, RT, RT | 0x60], 'paper-out'],
    ['paper-end stop only', [RT | 0x08, RT | 0x20, RT, RT], 'paper-out'],
    ['autocutter error', [RT | 0x08, RT | 0x40, RT | 0x08, RT], 'error'],
    ['head too hot', [RT | 0x08, RT | 0x40, RT | 0x40, RT], 'error'],
    ['offline, no cause given', [RT | 0x08, RT, RT, RT], 'offline'],
    [
      'cover open and paper out: the cover first',
      [RT | 0x08, RT | 0x24, RT, RT | 0x60],
      'cover-open',
    ],
  ])('%s → %s', (_n, bytes, fault) => {
    expect(statusFromRealtime(bytes, 'high')).toMatchObject({ fault, ready: false });
  });

  it('paper near end still prints', () => {
    expect(statusFromRealtime([RT, RT, RT, RT | 0x0c], 'high')).toMatchObject({
      paper: 'near-end',
      ready: true,
    });
  });
});

describe('ASB blocks (GS a)', () => {
  it('decodes the four bytes', () => {
    // byte 1: 0x10 fixed + drawer high (0x04) + offline (0x08) + cover open (0x20)
    // byte 2: autocutter (0x08); byte 3: paper out (0x0C); byte 4: nothing
    const a = decodeAsb(Uint8Array.from([0x3c, 0x08, 0x0c, 0x00]))!;
    expect(a).toEqual({
      drawerPin3: 'high',
      offline: true,
      coverOpen: true,
      feedingByButton: false,
      recoverableError: false,
      autocutterError: true,
      unrecoverableError: false,
      autoRecoverableError: false,
      paperNearEnd: false,
      paperOut: true,
    });
    expect(statusFromAsb(a, 'high')).toMatchObject({
      fault: 'cover-open',
      paper: 'out',
      drawer: { open: true },
    });
    expect(statusFromAsb(decodeAsb(Uint8Array.from([0x10, 0, 0x03, 0]))!, 'low')).toMatchObject({
      ready: true,
      paper: 'near-end',
    });
  });

  it('refuses blocks with wrong fixed bits', () => {
    expect(decodeAsb(Uint8Array.from([0x12, 0, 0, 0]))).toBeUndefined(); // a real-time byte
    expect(decodeAsb(Uint8Array.from([0x10, 0x10, 0, 0]))).toBeUndefined(); // bit 4 in byte 2
    expect(decodeAsb(Uint8Array.from([0x10, 0, 0]))).toBeUndefined();
  });
});

const all = (events: StatusEvent[]) => events.filter((e) => e.type !== 'garbage');

describe('createStatusParser', () => {
  it('tells real-time bytes, ASB blocks and process-ID replies apart, across chunk borders', () => {
    const p = createStatusParser();
    const stream = [0x12, 0x14, 0x00, 0x0c, 0x00, 0x37, 0x22, 0x30, 0x30, 0x34, 0x32, 0x00, 0x16];
    const events = [
      ...p.push(Uint8Array.from(stream.slice(0, 3))),
      ...p.push(Uint8Array.from(stream.slice(3, 7))),
      ...p.push(Uint8Array.from(stream.slice(7))),
    ];
    expect(
      events.map((e) =>
        e.type === 'realtime' ? `rt ${e.byte}` : e.type === 'process-id' ? `pid ${e.id}` : e.type,
      ),
    ).toEqual(['rt 18', 'asb', 'pid 0042', 'rt 22']);
  });

  it('reports noise as garbage and resyncs on the next reply', () => {
    const p = createStatusParser();
    const events = p.push(Uint8Array.from([0xff, 0x01, 0x10, 0x12]));
    // 0x10 starts an ASB block; 0x12 cannot continue it, so 0x10 is noise and 0x12 a reply
    expect(events).toEqual([
      { type: 'garbage', bytes: Uint8Array.from([0xff, 0x01, 0x10]) },
      { type: 'realtime', byte: 0x12 },
    ]);
  });

  it('finds a reply that hid inside a false start', () => {
    // 37 22 looks like a process-ID reply; 32 is a legal ID byte but also a real-time reply;
    // the 0x80 that follows proves the 37 was noise, and the rescan finds the 32.
    const p = createStatusParser();
    expect(all(p.push(Uint8Array.from([0x37, 0x22, 0x32, 0x80])))).toEqual([
      { type: 'realtime', byte: 0x32 },
    ]);
  });

  it('reset() drops a partial reply', () => {
    const p = createStatusParser();
    p.push(Uint8Array.from([0x37, 0x22, 0x31]));
    expect(p.reset()).toEqual([{ type: 'garbage', bytes: Uint8Array.from([0x37, 0x22, 0x31]) }]);
    expect(p.push(Uint8Array.from([0x12]))).toEqual([{ type: 'realtime', byte: 0x12 }]);
  });

  const chunked = (bytes: number[], cuts: number[]) => {
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (const c of [...cuts].sort((a, b) => a - b)) {
      const to = Math.min(c, bytes.length);
      if (to > at) chunks.push(Uint8Array.from(bytes.slice(at, to)));
      at = Math.max(at, to);
    }
    chunks.push(Uint8Array.from(bytes.slice(at)));
    return chunks;
  };

  it('never throws on random bytes in random chunks, and accounts for every byte', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
        fc.array(fc.nat(300)),
        (bytes, cuts) => {
          const p = createStatusParser();
          const events = chunked(bytes, cuts).flatMap((c) => p.push(c));
          events.push(...p.reset());
          const size = (e: StatusEvent) =>
            e.type === 'realtime' ? 1 : e.type === 'process-id' ? 7 : e.bytes.length;
          expect(events.reduce((n, e) => n + size(e), 0)).toBe(bytes.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  const message = fc.oneof(
    fc
      .integer({ min: 0, max: 255 })
      .filter((b) => (b & 0x93) === 0x12)
      .map((b) => [b]),
    fc
      .tuple(
        fc.integer({ min: 0, max: 255 }).filter((b) => (b & 0x93) === 0x10),
        ...[1, 2, 3].map(() => fc.integer({ min: 0, max: 255 }).filter((b) => (b & 0x90) === 0)),
      )
      .map((t) => [...t]),
    fc
      .array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: 4, maxLength: 4 })
      .map((id) => [0x37, 0x22, ...id, 0x00]),
  );

  it('after any garbage, a run of real replies decodes exactly (resync), in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 50 }),
        fc.array(message, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(200)),
        (garbage, messages, cuts) => {
          const v = messages.flat();
          const expected = all(createStatusParser().push(Uint8Array.from(v)));
          expect(expected.length).toBe(messages.length);
          const p = createStatusParser();
          const events = all(
            chunked([...garbage, ...v, ...v, ...v], cuts).flatMap((c) => p.push(c)),
          );
          expect(events.slice(-expected.length)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
