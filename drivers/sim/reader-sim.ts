// A simulated MagTek MMS contactless reader (DynaProx-like, no display): the device's side of the
// MagTek Messaging Schema, written from the MMS Dyna Devices Master Programmer's Manual (§3.2
// message format, §4.4 encryption type, §4.5 EMV ARQC (DynaPro format) type, §6.1 commands
// 0x1001 / 0x1008 / 0xDF01, §7.1 transaction notifications 0x0101 / 0x0105).
//
// It speaks whole MMS messages (`receiveMessage` / `onMessage`); `attach` puts them on a duplex
// unframed (one message per write, as over the in-memory pair) or with the RS-232 framing
// (message-info byte, 4-byte big-endian length, SLIP) used over a pty. The byte codecs (TLV,
// serial framing) are the reader driver's, since the wire format is shared; what the device says
// and when is written here from the manual.
//
// Card data is encrypted as a secure reader does: TDES DUKPT (lib/dukpt) under the IPEK injected
// from the standard's published test BDK, a fresh KSN per encryption. The clear part of an ARQC
// carries only what a reader gives in clear (masked track 2, AID, label, ATC, cryptogram, PAR,
// expiry): never the full PAN (tests scan every byte sent).
import { createHash, randomBytes } from 'node:crypto';
import {
  TEST_BDK,
  TEST_INITIAL_KSN,
  deriveIpek,
  deriveSessionKey,
  encryptData,
  nextKsn,
  retailMac,
} from '../../lib/dukpt';
import {
  concatBytes,
  decodeTlvs,
  encodeTlvs,
  findTlv,
  fromHex,
  hex,
  tlv,
  type Tlv,
} from '../reader/tlv';
import { DIRECTION, createSerialDecoder, encodeSerialFrame } from '../reader/serial-framing';
import { createMemoryPair } from '../transport/memory';
import type { Transport } from '../transport/transport';
import type { SimDuplex } from './duplex';
import {
  DEFAULT_TEST_CARD,
  TEST_WRISTBAND,
  findTestCard,
  maskPan,
  testCardNames,
  type TestCard,
} from './test-cards';

// ---- protocol constants (manual §3.2, §6.1, §7.1) ----

const SOM = 0xaa;
const FRAMEWORK_VERSION = 0x00;
const CMD_ECHO = 0xdf01;
const CMD_START = 0x1001;
const CMD_CANCEL = 0x1008;
const NOTE_INFO = 0x0101;
const NOTE_COMPLETE = 0x0105;

/** Response status: summary byte then group, subgroup, code (manual Tables 12 and 13). */
export const STATUS = {
  done: 0x00_000000,
  running: 0x01_000000,
  badMessage: 0x80_010102,
  notAvailable: 0x80_010113,
  badParameter: 0x80_020102,
  noTransaction: 0x80_020304,
  cannotCancel: 0x80_020305,
  inProgress: 0x80_020308,
} as const;

/** Notification detail codes: payment technology, reason, detail, extra (manual Tables 308, 322). */
export const DETAIL = {
  cardDetected: 0x20_01_04_00,
  cardRemoved: 0x20_01_03_00,
  nfcTagDetected: 0x20_01_04_01,
  arqc: 0x20_08_02_02,
  batch: 0x20_08_03_02,
  nfcUid: 0x20_08_04_02,
  timedOut: 0x00_01_00_00,
  cancelledByHost: 0x00_03_01_00,
  quickChipDeferred: 0x20_02_07_00,
  tryAgain: 0x20_02_0d_00,
  nfcTagRemoved: 0x20_05_00_00,
} as const;

/** Encryption Type (manual §4.4): 1xxx DUKPT, xx00 TDES, 0000 data variant / 0010 MAC variant. */
export const ENCRYPTION_TYPE_DATA = 0x80;
export const ENCRYPTION_TYPE_MAC = 0x82;

/** Card Type (DFDF52): 0x06 contactless chip card, EMV. */
const CARD_TYPE_PICC_EMV = 0x06;

export interface ReaderSimOptions {
  /** The injected initial key; default: derived from the standard's test BDK. */
  ipek?: Uint8Array | string;
  /** KSN last used; the first encryption uses the next one. Default FFFF9876543210E00000. */
  ksn?: Uint8Array | string;
  /**
   * `standard` (default): the standard's initial KSN FFFF9876543210E00000 and each card's first
   * ATC, so tests are repeatable. `random`: a random device id in the KSN (its own IPEK from the
   * same test BDK, so the acquirer still decrypts) and a random ATC start, so a restarted
   * simulator never repeats a KSN or an ATC and cryptogram the gateway has already seen (it would
   * take a new tap for a repeated ARQC, ARCHITECTURE §5). Use `random` for demos.
   */
  identity?: 'standard' | 'random';
  /** Name of the first "next card" (test-cards.ts, or `wristband`). Default visa-approve. */
  card?: string;
  /** Device serial number (DFDF25). */
  serialNumber?: string;
  /** Time from Start Transaction to the card being detected. Default 300 ms. */
  tapDelayMs?: number;
  /** Time between the notifications of one read. Default 50 ms. */
  stepDelayMs?: number;
  /**
   * Overrides the request's transaction timeout (tag 82, seconds) for the no-tap card, so demos
   * and tests need not wait. Undefined: the request's value (0 = wait until cancelled).
   */
  timeoutMs?: number;
  /** How long a wristband stays in the field before "tag removed". Default 1000 ms. */
  wristbandDwellMs?: number;
  /** Transaction date (9A) source. Default: the system clock. */
  now?: () => Date;
  /**
   * The character that hides PAN digits and the discretionary data in the masked track 2
   * (DFDF4D). Default '*': a digit such as MagTek's factory '0' makes the masked track of a PAN
   * like 4000000000000002 read exactly as the PAN, which defeats scans for leaked PANs.
   */
  maskChar?: string;
}

export class ReaderSimError extends Error {
  constructor(
    readonly code: 'sim.unknown_card',
    message: string,
  ) {
    super(message);
    this.name = 'ReaderSimError';
  }
}

interface Transaction {
  ref: number;
  amount: number;
  amountBcd: Uint8Array;
  currencyBcd: Uint8Array;
  type: number;
  nfc: boolean;
  emv: boolean;
  timeoutMs: number | null;
  card: string;
  /** Until the ARQC is out the host may cancel. */
  cancellable: boolean;
  timers: Set<NodeJS.Timeout>;
}

/** One card read the simulator performed: for tests and the CLI's log (masked only). */
export interface SimReadRecord {
  card: string;
  maskedPan: string;
  ksn: string;
  atc: number;
  amount: number;
}

export interface ReaderSimStats {
  messagesReceived: number;
  badMessages: number;
  transactions: number;
}

interface Incoming {
  kind: number;
  ref: number;
  id: number;
  payload: Uint8Array;
}

export class ReaderSim {
  private readonly ipek: Buffer;
  private ksn: Buffer;
  private nextCard_: string;
  private readonly atcs = new Map<string, number>();
  private txn: Transaction | null = null;
  private readonly listeners = new Set<(message: Uint8Array) => void>();
  private readonly reads: SimReadRecord[] = [];
  private readonly statsData: ReaderSimStats = {
    messagesReceived: 0,
    badMessages: 0,
    transactions: 0,
  };
  private readonly serial: string;
  private readonly atcBase: number;

  constructor(private readonly options: ReaderSimOptions = {}) {
    const given = options.ksn;
    let ksn: Buffer;
    if (given !== undefined) ksn = Buffer.from(typeof given === 'string' ? fromHex(given) : given);
    else if (options.identity === 'random') {
      // Key set FFFF987654 (the test BDK's), a random 19-bit device id, counter 0.
      ksn = Buffer.from(fromHex(TEST_INITIAL_KSN));
      const id = randomBytes(3);
      ksn[5] = id[0] ?? 0;
      ksn[6] = id[1] ?? 0;
      ksn[7] = (id[2] ?? 0) & 0xe0;
    } else ksn = Buffer.from(fromHex(TEST_INITIAL_KSN));
    this.ksn = ksn;
    // Key injection: the reader keeps only its IPEK, derived once from the test BDK.
    this.ipek =
      options.ipek !== undefined
        ? Buffer.from(typeof options.ipek === 'string' ? fromHex(options.ipek) : options.ipek)
        : deriveIpek(TEST_BDK, ksn);
    this.atcBase = options.identity === 'random' ? randomBytes(2).readUInt16BE(0) & 0x7fff : 0;
    this.nextCard_ = DEFAULT_TEST_CARD;
    this.setNextCard(options.card ?? DEFAULT_TEST_CARD);
    this.serial = options.serialNumber ?? `B5SIM${hex(ksn.subarray(5, 8))}`;
  }

  // ---- controls ----

  /** The card the next transaction reads (the demo's card picker). Stays until changed. */
  setNextCard(name: string): void {
    if (!testCardNames().includes(name))
      throw new ReaderSimError(
        'sim.unknown_card',
        `unknown test card "${name}"; one of: ${testCardNames().join(', ')}`,
      );
    this.nextCard_ = name;
  }

  nextCard(): string {
    return this.nextCard_;
  }

  /** The KSN of the last encryption (upper-case hex). */
  currentKsn(): string {
    return hex(this.ksn);
  }

  /** True while a Start Transaction has not reached its operation-complete notification. */
  busy(): boolean {
    return this.txn !== null;
  }

  readsSoFar(): SimReadRecord[] {
    return this.reads.map((r) => ({ ...r }));
  }

  stats(): ReaderSimStats {
    return { ...this.statsData };
  }

  /** Stops a transaction in flight without telling the host (the reader lost power). */
  dispose(): void {
    if (this.txn) this.clearTimers(this.txn);
    this.txn = null;
  }

  // ---- wiring ----

  /** Whole MMS messages from the device to the host. */
  onMessage(cb: (message: Uint8Array) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /**
   * Serves the simulator over a duplex. `framing: 'none'` (default): each chunk received is one
   * whole message and each message goes out as one write (the in-memory pair). `'serial'`: the
   * RS-232 framing, so a byte stream split anywhere is reassembled.
   */
  attach(duplex: SimDuplex, options: { framing?: 'none' | 'serial' } = {}): () => void {
    const serial = options.framing === 'serial' ? new SerialDeframer() : null;
    const offData = duplex.onData((chunk) => {
      if (!serial) this.receiveMessage(chunk);
      else for (const m of serial.push(chunk)) this.receiveMessage(m);
    });
    const offOut = this.onMessage((m) => {
      // A message to a host that has gone is lost, as on a real line.
      Promise.resolve(duplex.write(serial ? frameSerial(m) : m)).catch(() => undefined);
    });
    const offDisconnect = duplex.onDisconnect?.(() => this.dispose());
    return () => {
      offData();
      offOut();
      offDisconnect?.();
    };
  }

  /** One whole message from the host. Garbage is counted and, when addressable, answered. */
  receiveMessage(bytes: Uint8Array): void {
    this.statsData.messagesReceived++;
    const m = parseIncoming(bytes);
    if (!m) {
      this.statsData.badMessages++;
      return;
    }
    if (m.kind !== 0x01) {
      this.statsData.badMessages++;
      return;
    }
    switch (m.id) {
      case CMD_ECHO:
        this.respond(m, STATUS.done, m.payload);
        return;
      case CMD_START:
        this.startTransaction(m);
        return;
      case CMD_CANCEL:
        this.cancelTransaction(m);
        return;
      default:
        this.respond(m, STATUS.notAvailable);
    }
  }

  // ---- commands ----

  private startTransaction(m: Incoming): void {
    if (this.txn) {
      this.respond(m, STATUS.inProgress);
      return;
    }
    const parsed = parseStart(m.payload);
    if ('badTag' in parsed) {
      this.respond(m, STATUS.badParameter, undefined, fromHex(parsed.badTag));
      return;
    }
    const txn: Transaction = {
      ref: m.ref,
      ...parsed,
      timeoutMs:
        this.options.timeoutMs ??
        (parsed.timeoutSeconds === 0 ? null : parsed.timeoutSeconds * 1000),
      card: this.nextCard_,
      cancellable: true,
      timers: new Set(),
    };
    this.txn = txn;
    this.statsData.transactions++;
    this.respond(m, STATUS.running);
    this.run(txn);
  }

  private cancelTransaction(m: Incoming): void {
    const txn = this.txn;
    if (!txn) {
      this.respond(m, STATUS.noTransaction);
      return;
    }
    if (!txn.cancellable) {
      this.respond(m, STATUS.cannotCancel);
      return;
    }
    this.clearTimers(txn);
    this.respond(m, STATUS.done);
    this.finish(txn, DETAIL.cancelledByHost);
  }

  // ---- the card's story ----

  private run(txn: Transaction): void {
    const tap = this.options.tapDelayMs ?? 300;
    const step = this.options.stepDelayMs ?? 50;
    const waitForTimeout = () => {
      if (txn.timeoutMs !== null)
        this.after(txn, txn.timeoutMs, () => this.finish(txn, DETAIL.timedOut));
    };

    if (txn.card === TEST_WRISTBAND.name) {
      // A non-payment tag is only reported when the host enabled NFC (reader mode 02 or 03).
      if (!txn.nfc) return waitForTimeout();
      this.after(txn, tap, () => {
        this.notify(NOTE_INFO, DETAIL.nfcTagDetected);
        this.after(txn, step, () => {
          this.notify(NOTE_INFO, DETAIL.nfcUid, transactionData(fromHex(TEST_WRISTBAND.uid)));
          this.after(txn, this.options.wristbandDwellMs ?? 1000, () =>
            this.finish(txn, DETAIL.nfcTagRemoved),
          );
        });
      });
      return;
    }

    const card = findTestCard(txn.card);
    if (!card || card.reader === 'no_tap' || !txn.emv) return waitForTimeout();

    this.after(txn, tap, () => {
      this.notify(NOTE_INFO, DETAIL.cardDetected);
      if (card.reader === 'removed_early') {
        this.after(txn, step, () => {
          this.notify(NOTE_INFO, DETAIL.cardRemoved);
          this.finish(txn, DETAIL.tryAgain);
        });
        return;
      }
      this.after(txn, step, () => {
        // From here the card has answered: the ARQC exists and the host owns the decision.
        txn.cancellable = false;
        const atc = ((this.atcs.get(card.name) ?? card.firstAtc + this.atcBase - 1) + 1) & 0xffff;
        this.atcs.set(card.name, atc);
        this.notify(NOTE_INFO, DETAIL.arqc, transactionData(this.cardBlob(card, txn, atc, false)));
        this.after(txn, step, () => {
          this.notify(
            NOTE_INFO,
            DETAIL.batch,
            transactionData(this.cardBlob(card, txn, atc, true)),
          );
          this.after(txn, step, () => this.finish(txn, DETAIL.quickChipDeferred));
        });
      });
    });
  }

  /**
   * EMV ARQC (manual §4.5 Table 19) or EMV Batch Data (Table 27), DynaPro format: a two-byte
   * length, container F9 (MAC KSN, MAC type, serial number, FA with the data), zero padding to a
   * multiple of 8, then a four-byte CBC-MAC. ARQC: FA / 70 holds the clear tags and F8 the
   * encrypted ones (Table 20: FC with the EMV tags). Batch: FA / F0 holds the reader's status
   * (F1), F8 (Table 28: FC / F2 with the EMV tags) and merchant data (F7); nothing else in clear.
   */
  private cardBlob(card: TestCard, txn: Transaction, atc: number, batch: boolean): Uint8Array {
    this.ksn = nextKsn(this.ksn);
    const ksn = Buffer.from(this.ksn);
    const now = (this.options.now ?? (() => new Date()))();
    const date = bcdDigits(
      `${String(now.getUTCFullYear() % 100).padStart(2, '0')}${String(now.getUTCMonth() + 1).padStart(2, '0')}${String(now.getUTCDate()).padStart(2, '0')}`,
    );
    const atcBytes = Uint8Array.of((atc >> 8) & 0xff, atc & 0xff);
    const unpredictable = sha(['UN', card.pan, hex(atcBytes)]).subarray(0, 4);
    const cryptogram = sha([
      'AC',
      card.pan,
      hex(atcBytes),
      hex(txn.amountBcd),
      hex(txn.currencyBcd),
      txn.type.toString(16),
      hex(unpredictable),
    ]).subarray(0, 8);
    const expiry = bcdDigits(`${card.expiry}${lastDayOfMonth(card.expiry)}`);
    const aid = fromHex(card.aid);
    const label = Buffer.from(card.label, 'ascii');
    const par = card.par !== undefined ? [tlv('9F24', Buffer.from(card.par, 'ascii'))] : [];
    const common: Tlv[] = [
      tlv('82', Uint8Array.of(0x20, 0x00)),
      tlv('4F', aid),
      tlv('50', label),
      tlv('5F24', expiry),
      tlv('9F02', txn.amountBcd),
      tlv('5F2A', txn.currencyBcd),
      tlv('9C', Uint8Array.of(txn.type)),
      tlv('9F36', atcBytes),
      tlv('9F26', cryptogram),
      tlv('9F27', Uint8Array.of(0x80)),
      ...par,
    ];

    // The secret part: everything, PAN and track 2 equivalent included.
    const track2 = `${card.pan}D${card.expiry}201${'0'.repeat(10)}`;
    const emv: Tlv[] = [
      tlv('5A', bcdDigits(card.pan)),
      tlv('57', bcdDigits(track2)),
      tlv('5F34', Uint8Array.of(0x01)),
      tlv('84', aid),
      tlv('95', new Uint8Array(5)),
      tlv('9A', date),
      tlv('9F37', unpredictable),
      tlv('9F10', fromHex('06010A03A00000')),
      ...common,
      // Quick Chip: the reader answers the card itself with "unable to go online" (Z3).
      ...(batch ? [tlv('8A', Buffer.from('Z3', 'ascii'))] : []),
    ];
    const secret = encodeTlvs([tlv('FC', batch ? [tlv('F2', emv)] : emv)]);
    const { ciphertext, padding } = encryptData(this.ipek, ksn, secret, { from: 'ipek' });
    const f8 = tlv('F8', [
      tlv('DFDF59', ciphertext),
      tlv('DFDF56', ksn),
      tlv('DFDF57', Uint8Array.of(ENCRYPTION_TYPE_DATA)),
      tlv('DFDF58', Uint8Array.of(padding)),
    ]);

    const mask = this.options.maskChar ?? '*';
    const maskedTrack2 = `;${maskPan(card.pan).replaceAll('*', mask)}=${card.expiry}${mask.repeat(13)}?`;
    const data = batch
      ? tlv('F0', [
          // The reader's own offline outcome after Z3 (decline); the host ignores it.
          tlv('F1', [tlv('DFDF1A', Uint8Array.of(0x01)), tlv('DFDF1B', Uint8Array.of(0x00))]),
          f8,
          tlv('F7', []),
        ])
      : tlv('70', [
          tlv('DFDF53', Uint8Array.of(0x00)),
          tlv('DFDF4D', Buffer.from(maskedTrack2, 'ascii')),
          tlv('DFDF52', Uint8Array.of(CARD_TYPE_PICC_EMV)),
          ...common,
          f8,
        ]);
    const f9 = encodeTlvs([
      tlv('F9', [
        tlv('DFDF54', ksn),
        tlv('DFDF55', Uint8Array.of(ENCRYPTION_TYPE_MAC)),
        tlv('DFDF25', Buffer.from(this.serial, 'ascii')),
        tlv('FA', [data]),
      ]),
    ]);
    const head = concatBytes([Uint8Array.of(f9.length >> 8, f9.length & 0xff), f9]);
    const padded = concatBytes([head, new Uint8Array((8 - (head.length % 8)) % 8)]);
    const mac = retailMac(deriveSessionKey(this.ipek, ksn, 'mac-request', 'ipek'), padded);

    if (!batch)
      this.reads.push({
        card: card.name,
        maskedPan: maskPan(card.pan),
        ksn: hex(ksn),
        atc,
        amount: txn.amount,
      });
    return concatBytes([padded, mac.subarray(0, 4)]);
  }

  // ---- plumbing ----

  private after(txn: Transaction, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      txn.timers.delete(t);
      if (this.txn === txn) fn();
    }, ms);
    txn.timers.add(t);
  }

  private clearTimers(txn: Transaction): void {
    for (const t of txn.timers) clearTimeout(t);
    txn.timers.clear();
  }

  private finish(txn: Transaction, detail: number): void {
    this.clearTimers(txn);
    if (this.txn === txn) this.txn = null;
    this.notify(NOTE_COMPLETE, detail);
  }

  private respond(m: Incoming, status: number, payload?: Uint8Array, details?: Uint8Array): void {
    const parts: Tlv[] = [
      tlv('81', Uint8Array.of(0x82, m.ref, m.id >> 8, m.id & 0xff)),
      tlv('82', u32(status)),
    ];
    if (details) parts.push(tlv('83', details));
    if (payload) parts.push(tlv('84', payload));
    this.emit(concatBytes([Uint8Array.of(SOM, FRAMEWORK_VERSION), encodeTlvs(parts)]));
  }

  private notify(id: number, detail: number, payload?: Uint8Array): void {
    const parts: Tlv[] = [
      tlv('81', Uint8Array.of(0x83, 0x00, id >> 8, id & 0xff)),
      tlv('82', u32(detail)),
    ];
    if (payload) parts.push(tlv('84', concatBytes([Uint8Array.of(id >> 8, id & 0xff), payload])));
    this.emit(concatBytes([Uint8Array.of(SOM, FRAMEWORK_VERSION), encodeTlvs(parts)]));
  }

  private emit(message: Uint8Array): void {
    for (const cb of [...this.listeners]) {
      try {
        cb(message);
      } catch {
        // one listener's bug must not stop the others
      }
    }
  }
}

// ---- request parsing ----

function parseIncoming(bytes: Uint8Array): Incoming | null {
  if (bytes.length < 2 || bytes[0] !== SOM) return null;
  const decoded = decodeTlvs(bytes.subarray(2));
  if (!decoded.ok) return null;
  const info = findTlv(decoded.value, '81')?.value;
  if (!info || info.length < 4) return null;
  return {
    kind: info[0] ?? 0,
    ref: info[1] ?? 0,
    id: ((info[2] ?? 0) << 8) | (info[3] ?? 0),
    payload: findTlv(decoded.value, '84')?.value ?? new Uint8Array(0),
  };
}

interface StartParams {
  timeoutSeconds: number;
  amount: number;
  amountBcd: Uint8Array;
  currencyBcd: Uint8Array;
  type: number;
  nfc: boolean;
  emv: boolean;
}

/**
 * Command 0x1001's parameters (manual Table 70). The simulator supports what a contactless-only
 * Quick Chip reader does: it refuses, naming the tag in Additional Details (83), a request without
 * a transaction timeout (82), with the contactless reader disabled (A3/83), without Quick Chip and
 * DynaPro format (84 byte 2 bits 0 and 1), or without 9C, a non-zero 9F02 and 5F2A in 86.
 */
function parseStart(payload: Uint8Array): StartParams | { badTag: string } {
  if (payload.length < 2 || (((payload[0] ?? 0) << 8) | (payload[1] ?? 0)) !== CMD_START)
    return { badTag: '84' };
  const decoded = decodeTlvs(payload.subarray(2));
  if (!decoded.ok) return { badTag: '84' };
  const tlvs = decoded.value;
  const timeout = findTlv(tlvs, '82')?.value;
  if (!timeout || timeout.length !== 1) return { badTag: '82' };
  const readers = findTlv(tlvs, 'A3');
  const mode = readers ? (findTlv(readers.children ?? [], '83')?.value[0] ?? 0x01) : 0x01;
  if (mode < 0x01 || mode > 0x03) return { badTag: 'A383' };
  const options = findTlv(tlvs, '84')?.value ?? Uint8Array.of(0x00, 0x03);
  if (options.length !== 2 || ((options[1] ?? 0) & 0x03) !== 0x03) return { badTag: '84' };
  const txTlv = findTlv(tlvs, '86')?.value;
  if (!txTlv) return { badTag: '86' };
  const inner = decodeTlvs(txTlv);
  if (!inner.ok) return { badTag: '86' };
  const type = findTlv(inner.value, '9C')?.value;
  if (!type || type.length !== 1) return { badTag: '9C' };
  const amountBcd = findTlv(inner.value, '9F02')?.value;
  const amount = amountBcd && amountBcd.length === 6 ? fromBcd(amountBcd) : undefined;
  if (!amountBcd || amount === undefined || amount === 0) return { badTag: '9F02' };
  const currencyBcd = findTlv(inner.value, '5F2A')?.value;
  if (!currencyBcd || currencyBcd.length !== 2 || fromBcd(currencyBcd) === undefined)
    return { badTag: '5F2A' };
  return {
    timeoutSeconds: timeout[0] ?? 0,
    amount,
    amountBcd,
    currencyBcd,
    type: type[0] ?? 0,
    nfc: mode === 0x02 || mode === 0x03,
    emv: mode === 0x01 || mode === 0x03,
  };
}

// ---- small encodings ----

/** The notification payload's Transaction Data object (manual Table 309): 84 with the blob. */
function transactionData(blob: Uint8Array): Uint8Array {
  return encodeTlvs([tlv('84', blob)]);
}

function u32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** Digits (and hex letters such as the track 2 separator D) packed two per byte, F-padded. */
function bcdDigits(digits: string): Uint8Array {
  return fromHex(digits.length % 2 ? `${digits}F` : digits);
}

function fromBcd(b: Uint8Array): number | undefined {
  const s = hex(b);
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

function lastDayOfMonth(yymm: string): string {
  const year = 2000 + Number(yymm.slice(0, 2));
  const month = Number(yymm.slice(2, 4));
  return String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0');
}

function sha(parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('|')).digest();
}

// ---- RS-232 framing: the reader driver's codec (drivers/reader/serial-framing), device side ----

/** One message framed for the serial line; `direction` defaults to 02, device → host. */
export function frameSerial(
  message: Uint8Array,
  direction: number = DIRECTION.deviceToHost,
): Uint8Array {
  return encodeSerialFrame(message, direction);
}

/**
 * Reassembles framed messages from a byte stream split anywhere, with any direction byte;
 * frames that do not decode are counted and dropped (a real reader ignores them too).
 */
export class SerialDeframer {
  private readonly decoder = createSerialDecoder();
  dropped = 0;

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const e of this.decoder.push(chunk)) {
      if (e.type === 'message') out.push(e.message);
      else this.dropped++;
    }
    return out;
  }
}

/**
 * An endpoint for drivers/sim/serve's servePty: bytes in and out with the serial framing, so the
 * pty carries exactly what a real reader's RS-232 port would.
 */
export function serialEndpoint(sim: ReaderSim): {
  receive(bytes: Uint8Array): void;
  onOutput(cb: (bytes: Uint8Array) => void): () => void;
} {
  const deframer = new SerialDeframer();
  return {
    receive(bytes) {
      for (const m of deframer.push(bytes)) sim.receiveMessage(m);
    },
    onOutput(cb) {
      return sim.onMessage((m) => cb(frameSerial(m)));
    },
  };
}

/**
 * `sim:reader[?card=NAME]`: the simulator behind an in-memory Transport, so the reader driver uses
 * it exactly as a real port (unframed MMS messages, one per write). The returned transport is not
 * opened yet (the driver opens it). Identity defaults to `random` here (see ReaderSimOptions), so
 * a restarted demo never replays a KSN or cryptogram.
 */
export async function createSimReader(
  address: { card?: string } = {},
  options: Omit<ReaderSimOptions, 'card'> = {},
): Promise<{ transport: Transport; sim: ReaderSim }> {
  const sim = new ReaderSim({
    identity: 'random',
    ...options,
    ...(address.card ? { card: address.card } : {}),
  });
  const [host, device] = createMemoryPair('sim:reader');
  await device.open();
  sim.attach(device);
  return { transport: host, sim };
}
