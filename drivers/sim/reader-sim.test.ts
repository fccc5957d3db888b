// The simulated reader end to end over the in-memory pair, speaking raw MMS bytes built by hand
// from the manual (its examples are the fixtures), and the card data checked by decrypting it with
// the standard's test BDK, as the gateway's test acquirer does.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_BDK, decryptData, deriveSessionKey, retailMac } from '../../lib/dukpt';
import {
  cancelTransactionRequest,
  decodeMessage,
  echoRequest,
  startTransactionRequest,
} from '../reader/mms';
import { interpretNotification } from '../reader/notifications';
import { decodeTlvs, encodeTlvs, findTlv, fromHex, hex, tlv, type Tlv } from '../reader/tlv';
import type { Transport } from '../transport/transport';
import {
  DETAIL,
  ReaderSim,
  SerialDeframer,
  createSimReader,
  frameSerial,
  serialEndpoint,
  type ReaderSimOptions,
} from './reader-sim';
import { TEST_CARDS, TEST_WRISTBAND, findTestCard, maskPan } from './test-cards';

// Manual §3.2.1.2 "TLV Example": Command 0xDF01 - Echo.
const ECHO_REQUEST = 'AA0081040101DF018407DF018103010203';
const ECHO_RESPONSE = 'AA0081048201DF018204000000008407DF018103010203';
// Manual Table 74 "Request Example (Contactless Only)": 1.00 USD purchase, timeout 60 s, Quick Chip.
const START_EXAMPLE =
  'AA 00 81 04 01 00 10 01 84 3D 10 01 82 01 3C A3 09 81 01 00 82 01 00 83 01 01 84 02 00 03 86 27 ' +
  '9C 01 00 9F 02 06 00 00 00 00 01 00 9F 03 06 00 00 00 00 00 00 5F 2A 02 08 40 5F 36 01 02 9F 15 ' +
  '02 00 00 9F 53 01 00';
// Manual Table 82: Cancel Transaction with reference number 0x13.
const CANCEL_EXAMPLE = 'AA 00 81 04 01 13 10 08 84 02 10 08';

interface Msg {
  bytes: Uint8Array;
  kind: number;
  ref: number;
  id: number;
  /** Response status or notification detail. */
  code: number;
  additional?: Uint8Array;
  payload?: Uint8Array;
}

function parse(bytes: Uint8Array): Msg {
  expect(bytes[0]).toBe(0xaa);
  const d = decodeTlvs(bytes.subarray(2));
  if (!d.ok) throw new Error(d.error);
  const info = findTlv(d.value, '81')?.value ?? new Uint8Array(4);
  const code = findTlv(d.value, '82')?.value ?? new Uint8Array(4);
  return {
    bytes,
    kind: info[0] ?? -1,
    ref: info[1] ?? -1,
    id: ((info[2] ?? 0) << 8) | (info[3] ?? 0),
    code: Buffer.from(code).readUInt32BE(0),
    additional: findTlv(d.value, '83')?.value,
    payload: findTlv(d.value, '84')?.value,
  };
}

interface StartOptions {
  ref?: number;
  timeout?: number;
  mode?: number;
  flow?: number;
  amount?: number;
  currency?: string;
  omit?: string;
}

/** A Start Transaction request built from the manual's Table 70 parameters. */
function startRequest(o: StartOptions = {}): Uint8Array {
  const txn: Tlv[] = [
    tlv('9C', Uint8Array.of(0x00)),
    tlv('9F02', fromHex(String(o.amount ?? 1250).padStart(12, '0'))),
    tlv('5F2A', fromHex(o.currency ?? '0978')),
  ].filter((t) => t.tag !== o.omit);
  const params: Tlv[] = [
    tlv('82', Uint8Array.of(o.timeout ?? 30)),
    tlv('A3', [
      tlv('81', Uint8Array.of(0)),
      tlv('82', Uint8Array.of(0)),
      tlv('83', Uint8Array.of(o.mode ?? 0x01)),
    ]),
    tlv('84', Uint8Array.of(0x00, o.flow ?? 0x03)),
    tlv('86', encodeTlvs(txn)),
  ];
  const payload = Uint8Array.from([0x10, 0x01, ...encodeTlvs(params)]);
  return Uint8Array.from([
    0xaa,
    0x00,
    ...encodeTlvs([tlv('81', Uint8Array.of(0x01, o.ref ?? 7, 0x10, 0x01)), tlv('84', payload)]),
  ]);
}

async function open(options: ReaderSimOptions & { card?: string } = {}) {
  const { transport, sim } = await createSimReader(
    { card: options.card },
    { identity: 'standard', tapDelayMs: 0, stepDelayMs: 0, ...options },
  );
  await transport.open();
  const got: Msg[] = [];
  const raw: Uint8Array[] = [];
  transport.onData((b) => {
    raw.push(b);
    got.push(parse(b));
  });
  return { transport, sim, got, raw };
}

async function until(pred: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 1));
  }
}

const complete = (got: Msg[]) => got.find((m) => m.kind === 0x83 && m.id === 0x0105);

async function send(t: Transport, bytes: Uint8Array | string): Promise<void> {
  await t.write(typeof bytes === 'string' ? fromHex(bytes) : bytes);
}

/** The DynaPro blob inside a transaction-data notification: length, F9, padding, MAC. */
function blobOf(m: Msg): { f9: Tlv[]; signed: Uint8Array; mac: Uint8Array } {
  const payload = m.payload ?? new Uint8Array();
  expect(hex(payload.subarray(0, 2))).toBe('0101');
  const outer = decodeTlvs(payload.subarray(2));
  if (!outer.ok) throw new Error(outer.error);
  const blob = findTlv(outer.value, '84')?.value ?? new Uint8Array();
  const len = ((blob[0] ?? 0) << 8) | (blob[1] ?? 0);
  const f9 = decodeTlvs(blob.subarray(2, 2 + len));
  if (!f9.ok) throw new Error(f9.error);
  const signed = blob.subarray(0, blob.length - 4);
  expect(signed.length % 8).toBe(0);
  return { f9: f9.value, signed, mac: blob.subarray(blob.length - 4) };
}

function decrypt(f9: Tlv[], container = '70'): { fc: Tlv[]; ksn: string } {
  const f8 = findTlv(f9, 'F9', 'FA', container, 'F8');
  const data = findTlv(f8?.children ?? [], 'DFDF59')?.value ?? new Uint8Array();
  const ksn = findTlv(f8?.children ?? [], 'DFDF56')?.value ?? new Uint8Array();
  const padding = findTlv(f8?.children ?? [], 'DFDF58')?.value[0] ?? 0;
  expect(findTlv(f8?.children ?? [], 'DFDF57')?.value[0]).toBe(0x80);
  const plain = decryptData(TEST_BDK, ksn, data, { padding });
  const d = decodeTlvs(plain);
  if (!d.ok) throw new Error(d.error);
  return { fc: findTlv(d.value, 'FC')?.children ?? [], ksn: hex(ksn) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Echo', () => {
  it('answers the manual’s Echo example byte for byte', async () => {
    const { transport, raw } = await open();
    await send(transport, ECHO_REQUEST);
    await until(() => raw.length === 1);
    expect(hex(raw[0] ?? new Uint8Array())).toBe(ECHO_RESPONSE);
  });
});

describe('a transaction for each tap card', () => {
  const tapCards = TEST_CARDS.filter((c) => c.reader === 'tap');

  it.each(tapCards.map((c) => [c.name]))(
    '%s: detected, ARQC, batch, Quick Chip deferred',
    async (name) => {
      const card = findTestCard(name);
      if (!card) throw new Error(name);
      const { transport, got, raw } = await open({ card: name });
      await send(transport, startRequest({ ref: 0x21, amount: 1250, currency: '0978' }));
      await until(() => complete(got) !== undefined);

      expect(got.map((m) => [m.kind, m.id, m.code.toString(16).padStart(8, '0')])).toEqual([
        [0x82, 0x1001, '01000000'],
        [0x83, 0x0101, '20010400'],
        [0x83, 0x0101, '20080202'],
        [0x83, 0x0101, '20080302'],
        [0x83, 0x0105, '20020700'],
      ]);
      expect(got[0]?.ref).toBe(0x21);

      const arqc = got[2];
      if (!arqc) throw new Error('no ARQC');
      const { f9, signed, mac } = blobOf(arqc);
      const clear = findTlv(f9, 'F9', 'FA', '70')?.children ?? [];
      const text = (tag: string) => Buffer.from(findTlv(clear, tag)?.value ?? []).toString('ascii');
      expect(text('DFDF4D')).toBe(`;${maskPan(card.pan)}=${card.expiry}*************?`);
      expect(hex(findTlv(clear, '4F')?.value ?? new Uint8Array())).toBe(card.aid);
      expect(text('50')).toBe(card.label);
      expect(hex(findTlv(clear, '9F36')?.value ?? new Uint8Array())).toBe(
        card.firstAtc.toString(16).padStart(4, '0').toUpperCase(),
      );
      expect(findTlv(clear, '9F26')?.value).toHaveLength(8);
      expect(hex(findTlv(clear, '9F02')?.value ?? new Uint8Array())).toBe('000000001250');
      expect(hex(findTlv(clear, '5F2A')?.value ?? new Uint8Array())).toBe('0978');
      expect(hex(findTlv(clear, '5F24')?.value ?? new Uint8Array()).slice(0, 4)).toBe(card.expiry);
      if (card.par) expect(text('9F24')).toBe(card.par);
      else expect(findTlv(clear, '9F24')).toBeUndefined();

      // The acquirer's side: decrypt with the BDK and find the PAN and track 2 equivalent.
      const { fc: secret, ksn } = decrypt(f9);
      expect(ksn).toBe('FFFF9876543210E00001');
      expect(hex(findTlv(secret, '5A')?.value ?? new Uint8Array())).toBe(card.pan);
      expect(hex(findTlv(secret, '57')?.value ?? new Uint8Array())).toMatch(
        new RegExp(`^${card.pan}D${card.expiry}201`),
      );
      expect(hex(findTlv(secret, '9F26')?.value ?? new Uint8Array())).toBe(
        hex(findTlv(clear, '9F26')?.value ?? new Uint8Array()),
      );

      // The blob's CBC-MAC checks with the MAC KSN's request MAC key.
      const macKsn = findTlv(f9, 'F9', 'DFDF54')?.value ?? new Uint8Array();
      expect(findTlv(f9, 'F9', 'DFDF55')?.value[0]).toBe(0x82);
      expect(
        hex(retailMac(deriveSessionKey(TEST_BDK, macKsn, 'mac-request'), signed).subarray(0, 4)),
      ).toBe(hex(mac));

      // Batch data (manual Table 27): the reader's status in clear, the EMV record encrypted
      // (FC / F2, with 8A "Z3": Quick Chip) under the next KSN, and its own MAC.
      const batch = got[3];
      if (!batch) throw new Error('no batch');
      const b = blobOf(batch);
      expect(findTlv(b.f9, 'F9', 'FA', '70')).toBeUndefined();
      expect(findTlv(b.f9, 'F9', 'FA', 'F0', 'F1', 'DFDF1A')?.value).toEqual(Uint8Array.of(1));
      const batchSecret = decrypt(b.f9, 'F0');
      expect(batchSecret.ksn).toBe('FFFF9876543210E00002');
      const z3 = findTlv(batchSecret.fc, 'F2', '8A')?.value ?? new Uint8Array();
      expect(Buffer.from(z3).toString('ascii')).toBe('Z3');
      expect(hex(findTlv(batchSecret.fc, 'F2', '5A')?.value ?? new Uint8Array())).toBe(card.pan);
      const batchKey = deriveSessionKey(TEST_BDK, batchSecret.ksn, 'mac-request');
      expect(hex(retailMac(batchKey, b.signed).subarray(0, 4))).toBe(hex(b.mac));

      // Nothing the reader sent in clear carries the full PAN, as text or as BCD.
      const all = Buffer.concat(raw.map((r) => Buffer.from(r)));
      expect(all.includes(Buffer.from(card.pan, 'ascii'))).toBe(false);
      expect(all.includes(Buffer.from(card.pan, 'hex'))).toBe(false);
      expect(all.toString('hex').toUpperCase().includes(card.pan)).toBe(false);
    },
  );

  it('advances the KSN per encryption and the ATC per tap of the same card', async () => {
    const { transport, got, sim } = await open({ card: 'visa-approve' });
    const arqcs = () => got.filter((m) => m.code === DETAIL.arqc);
    for (let i = 0; i < 3; i++) {
      const before = got.length;
      await send(transport, startRequest({ ref: i }));
      await until(() => got.slice(before).some((m) => m.id === 0x0105));
    }
    const seen = arqcs().map((m) => {
      const { f9 } = blobOf(m);
      const clear = findTlv(f9, 'F9', 'FA', '70')?.children ?? [];
      return { ksn: decrypt(f9).ksn, atc: hex(findTlv(clear, '9F36')?.value ?? new Uint8Array()) };
    });
    expect(seen).toEqual([
      { ksn: 'FFFF9876543210E00001', atc: '0011' },
      { ksn: 'FFFF9876543210E00003', atc: '0012' },
      { ksn: 'FFFF9876543210E00005', atc: '0013' },
    ]);
    expect(sim.currentKsn()).toBe('FFFF9876543210E00006');
    // A different card keeps its own ATC.
    sim.setNextCard('visa-decline');
    const before = got.length;
    await send(transport, startRequest());
    await until(() => got.slice(before).some((m) => m.id === 0x0105));
    const last = arqcs().at(-1);
    if (!last) throw new Error('no ARQC');
    const clear = findTlv(blobOf(last).f9, 'F9', 'FA', '70')?.children ?? [];
    expect(hex(findTlv(clear, '9F36')?.value ?? new Uint8Array())).toBe('0021');
  });

  it('gives the same cryptogram for the same inputs and another for another amount', async () => {
    const cryptogramFor = async (amount: number) => {
      const { transport, got } = await open({ card: 'visa-approve' });
      await send(transport, startRequest({ amount }));
      await until(() => complete(got) !== undefined);
      const arqc = got.find((m) => m.code === DETAIL.arqc);
      if (!arqc) throw new Error('no ARQC');
      return hex(findTlv(blobOf(arqc).f9, 'F9', 'FA', '70', '9F26')?.value ?? new Uint8Array());
    };
    const a = await cryptogramFor(500);
    expect(await cryptogramFor(500)).toBe(a);
    expect(await cryptogramFor(501)).not.toBe(a);
  });

  it('serves the manual’s own Start Transaction example (1.00 USD)', async () => {
    const { transport, got } = await open();
    await send(transport, START_EXAMPLE);
    await until(() => complete(got) !== undefined);
    const arqc = got.find((m) => m.code === DETAIL.arqc);
    if (!arqc) throw new Error('no ARQC');
    const clear = findTlv(blobOf(arqc).f9, 'F9', 'FA', '70')?.children ?? [];
    expect(hex(findTlv(clear, '9F02')?.value ?? new Uint8Array())).toBe('000000000100');
    expect(hex(findTlv(clear, '5F2A')?.value ?? new Uint8Array())).toBe('0840');
  });
});

describe('cards that do not complete a read', () => {
  it('removed-early: detected, removed, "try again", and no card data', async () => {
    const { transport, got, sim } = await open({ card: 'removed-early' });
    await send(transport, startRequest());
    await until(() => complete(got) !== undefined);
    expect(got.map((m) => m.code)).toEqual([
      0x01000000,
      DETAIL.cardDetected,
      DETAIL.cardRemoved,
      DETAIL.tryAgain,
    ]);
    expect(sim.currentKsn()).toBe('FFFF9876543210E00000');
  });

  it('no-tap: times out after the request’s timeout, not before', async () => {
    vi.useFakeTimers();
    const { transport, got } = await open({ card: 'no-tap' });
    await send(transport, startRequest({ timeout: 45 }));
    await vi.advanceTimersByTimeAsync(44_999);
    expect(got.map((m) => m.code)).toEqual([0x01000000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(got.map((m) => [m.id, m.code])).toEqual([
      [0x1001, 0x01000000],
      [0x0105, DETAIL.timedOut],
    ]);
  });

  it('no-tap with a configured timeout instead of the request’s', async () => {
    vi.useFakeTimers();
    const { transport, got } = await open({ card: 'no-tap', timeoutMs: 2000 });
    await send(transport, startRequest({ timeout: 60 }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(complete(got)?.code).toBe(DETAIL.timedOut);
  });
});

describe('Cancel Transaction', () => {
  it('stops a transaction waiting for a card: OK, then "cancelled by host"', async () => {
    vi.useFakeTimers();
    const { transport, got, raw } = await open({ card: 'no-tap' });
    await send(transport, startRequest({ timeout: 0 }));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(got).toHaveLength(1);
    await send(transport, CANCEL_EXAMPLE);
    await vi.advanceTimersByTimeAsync(0);
    // Manual Table 83, the response example, byte for byte.
    expect(hex(raw[1] ?? new Uint8Array())).toBe('AA00810482131008820400000000');
    expect(got.map((m) => [m.id, m.code])).toEqual([
      [0x1001, 0x01000000],
      [0x1008, 0x00000000],
      [0x0105, DETAIL.cancelledByHost],
    ]);
    // and the reader is free again
    await send(transport, startRequest());
    await vi.advanceTimersByTimeAsync(0);
    expect(got.at(-1)?.code).toBe(0x01000000);
  });

  it('with no transaction: failed, device state, no transaction', async () => {
    const { transport, got } = await open();
    await send(transport, CANCEL_EXAMPLE);
    await until(() => got.length === 1);
    expect(got[0]?.code).toBe(0x80020304);
    expect(got[0]?.ref).toBe(0x13);
  });

  it('after the ARQC went out: cannot cancel (the host owns the decision)', async () => {
    vi.useFakeTimers();
    const { transport, got } = await open({
      card: 'visa-approve',
      tapDelayMs: 10,
      stepDelayMs: 100,
    });
    await send(transport, startRequest());
    await vi.advanceTimersByTimeAsync(10 + 100);
    expect(got.some((m) => m.code === DETAIL.arqc)).toBe(true);
    await send(transport, CANCEL_EXAMPLE);
    await vi.advanceTimersByTimeAsync(0);
    expect(got.find((m) => m.id === 0x1008)?.code).toBe(0x80020305);
    await vi.advanceTimersByTimeAsync(1000);
    expect(complete(got)?.code).toBe(DETAIL.quickChipDeferred);
  });
});

describe('request validation', () => {
  it('refuses a second Start Transaction while one runs', async () => {
    vi.useFakeTimers();
    const { transport, got } = await open({ card: 'no-tap' });
    await send(transport, startRequest({ ref: 1 }));
    await send(transport, startRequest({ ref: 2 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(got.map((m) => [m.ref, m.code])).toEqual([
      [1, 0x01000000],
      [2, 0x80020308],
    ]);
  });

  it.each([
    ['no amount', { omit: '9F02' }, '9F02'],
    ['zero amount', { amount: 0 }, '9F02'],
    ['no currency', { omit: '5F2A' }, '5F2A'],
    ['no transaction type', { omit: '9C' }, '9C'],
    ['contactless disabled', { mode: 0 }, 'A383'],
    ['EMV flow instead of Quick Chip', { flow: 0x02 }, '84'],
  ] as const)('%s: bad parameter, naming the tag', async (_what, o: StartOptions, tag) => {
    const { transport, got, sim } = await open();
    await send(transport, startRequest(o));
    await until(() => got.length === 1);
    expect(got[0]?.code).toBe(0x80020102);
    expect(hex(got[0]?.additional ?? new Uint8Array())).toBe(tag);
    expect(sim.busy()).toBe(false);
  });

  it('answers an unknown command with "feature not available" and ignores garbage', async () => {
    const { transport, got, sim } = await open();
    await send(transport, 'AA0081040105D10184021001');
    await send(transport, 'FFFFFF');
    await send(transport, 'AA00810201');
    await send(transport, ECHO_REQUEST);
    await until(() => got.length === 2);
    expect(got.map((m) => [m.id, m.code])).toEqual([
      [0xd101, 0x80010113],
      [0xdf01, 0],
    ]);
    expect(sim.stats().badMessages).toBe(2);
  });

  it('never throws on random bytes', () => {
    const sim = new ReaderSim();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        sim.receiveMessage(Uint8Array.from([0xaa, 0x00, ...bytes]));
        sim.receiveMessage(bytes);
        sim.dispose();
      }),
    );
  });
});

describe('NFC wristband', () => {
  it('with NFC enabled: tag detected, its UID, tag removed', async () => {
    const { transport, got } = await open({ card: 'wristband', wristbandDwellMs: 0 });
    await send(transport, startRequest({ mode: 0x03 }));
    await until(() => complete(got) !== undefined);
    expect(got.map((m) => m.code)).toEqual([
      0x01000000,
      DETAIL.nfcTagDetected,
      DETAIL.nfcUid,
      DETAIL.nfcTagRemoved,
    ]);
    const payload = got[2]?.payload ?? new Uint8Array();
    expect(hex(payload.subarray(0, 2))).toBe('0101');
    const d = decodeTlvs(payload.subarray(2));
    expect(d.ok && hex(findTlv(d.value, '84')?.value ?? new Uint8Array())).toBe(TEST_WRISTBAND.uid);
  });

  it('with EMV only: the tag is ignored and the reader times out', async () => {
    vi.useFakeTimers();
    const { transport, got } = await open({ card: 'wristband' });
    await send(transport, startRequest({ mode: 0x01, timeout: 5 }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(got.map((m) => m.code)).toEqual([0x01000000, DETAIL.timedOut]);
  });
});

describe('identity', () => {
  it('random: a new device id and ATC start per simulator, still decrypted with the test BDK', async () => {
    const arqcOf = async () => {
      const { transport, got } = await open({ card: 'visa-approve', identity: 'random' });
      await send(transport, startRequest());
      await until(() => complete(got) !== undefined);
      const arqc = got.find((m) => m.code === DETAIL.arqc);
      if (!arqc) throw new Error('no ARQC');
      const { f9 } = blobOf(arqc);
      const secret = decrypt(f9);
      expect(hex(findTlv(secret.fc, '5A')?.value ?? new Uint8Array())).toBe('4242424242424242');
      const clear = findTlv(f9, 'F9', 'FA', '70')?.children ?? [];
      return `${secret.ksn}/${hex(findTlv(clear, '9F36')?.value ?? new Uint8Array())}`;
    };
    const a = await arqcOf();
    const b = await arqcOf();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^FFFF987654[0-9A-F]{5}00001\//);
  });
});

describe('masked track 2', () => {
  it('can mask with a digit, as MagTek readers do by default', async () => {
    const { transport, got } = await open({ card: 'visa-approve', maskChar: '0' });
    await send(transport, startRequest());
    await until(() => complete(got) !== undefined);
    const arqc = got.find((m) => m.code === DETAIL.arqc);
    if (!arqc) throw new Error('no ARQC');
    const track = findTlv(blobOf(arqc).f9, 'F9', 'FA', '70', 'DFDF4D')?.value ?? new Uint8Array();
    expect(Buffer.from(track).toString('ascii')).toBe(';4242420000004242=30120000000000000?');
  });
});

describe('the next card', () => {
  it('is settable, stays until changed, and refuses unknown names', async () => {
    const { sim } = await open({ card: 'mc-par' });
    expect(sim.nextCard()).toBe('mc-par');
    sim.setNextCard('blocked');
    expect(sim.nextCard()).toBe('blocked');
    expect(() => sim.setNextCard('gold-card')).toThrow(/unknown test card/);
    await expect(createSimReader({ card: 'nope' })).rejects.toThrow(/unknown test card/);
  });
});

describe('serial framing', () => {
  it('frames the Echo response as direction 00, length, message, SLIP-escaped', () => {
    const framed = frameSerial(fromHex(ECHO_RESPONSE));
    expect(hex(framed)).toBe(`C00200000017${ECHO_RESPONSE}C0`);
    const withSpecial = frameSerial(Uint8Array.of(0xc0, 0xdb, 0x01));
    expect(hex(withSpecial)).toBe('C00200000003DBDCDBDD01C0');
  });

  it('reassembles a stream split at every byte boundary, with any direction byte', () => {
    const messages = [
      fromHex(ECHO_REQUEST),
      Uint8Array.of(0xaa, 0x00, 0xc0, 0xdb),
      fromHex(CANCEL_EXAMPLE.replace(/ /g, '')),
    ];
    const stream = Buffer.concat(messages.map((m) => Buffer.from(frameSerial(m))));
    stream[1] = 0x01; // a host that writes direction 01
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new SerialDeframer();
      const out = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(out.map(hex)).toEqual(messages.map(hex));
    }
  });

  it('serves Echo through the serial endpoint', () => {
    const sim = new ReaderSim();
    const ep = serialEndpoint(sim);
    const out: Uint8Array[] = [];
    ep.onOutput((b) => out.push(b));
    const framed = frameSerial(fromHex(ECHO_REQUEST), 0x00);
    for (const b of framed) ep.receive(Uint8Array.of(b));
    expect(out.map(hex)).toEqual([hex(frameSerial(fromHex(ECHO_RESPONSE)))]);
  });
});

describe('with the reader driver’s own codecs', () => {
  // The driver's request builders and notification reader against the simulator: the two sides
  // were written separately from the manual, so agreement here is a real cross-check.
  it('a PAR card and a wristband read as the terminal will see them', async () => {
    const { transport, raw } = await open({ card: 'mc-par', wristbandDwellMs: 0 });
    const events = () =>
      raw.flatMap((b) => {
        const d = decodeMessage(b);
        if (!d.ok) return [{ type: 'undecodable' }];
        return d.value.kind === 'notification' ? [interpretNotification(d.value)] : [];
      });
    await send(transport, echoRequest(1, Uint8Array.of(9, 8, 7)));
    const params = {
      timeoutSeconds: 30,
      contactlessMode: 0x03,
      quickChip: true,
      amount: 4200,
      currency: 978,
      transactionType: 0x00,
    } as const;
    await send(transport, startTransactionRequest(2, params));
    await until(() => events().some((e) => e?.type === 'operation_complete'));
    const arqc = events().find((e) => e?.type === 'arqc');
    expect(arqc).toMatchObject({
      type: 'arqc',
      data: {
        maskedPan: '555555******4444',
        last4: '4444',
        brand: 'mastercard',
        aid: 'A0000000041010',
        applicationLabel: 'MASTERCARD',
        expiryYymm: '3106',
        par: '5001TESTPAR0MCPARCARD00000001',
        atc: '0061',
        cryptogramInfo: 0x80,
        amount: 4200,
        currency: 978,
        encrypted: { encryptionType: 0x80 },
      },
    });
    expect(events().at(-1)).toMatchObject({ type: 'operation_complete', outcome: 'host_decision' });

    const w = await open({ card: 'wristband', wristbandDwellMs: 0 });
    const wEvents = () =>
      w.raw.flatMap((b) => {
        const d = decodeMessage(b);
        return d.ok && d.value.kind === 'notification' ? [interpretNotification(d.value)] : [];
      });
    await send(w.transport, startTransactionRequest(3, params));
    await until(() => wEvents().some((e) => e?.type === 'operation_complete'));
    expect(wEvents().find((e) => e?.type === 'nfc_uid')).toEqual({
      type: 'nfc_uid',
      uid: TEST_WRISTBAND.uid,
    });
    await send(w.transport, cancelTransactionRequest(4));
    await until(() => w.raw.length >= 5);
    const last = decodeMessage(w.raw.at(-1) ?? new Uint8Array());
    expect(last.ok && last.value.kind === 'response' && last.value.status).toEqual({
      summary: 0x80,
      detail: 0x020304,
    });
  });
});
