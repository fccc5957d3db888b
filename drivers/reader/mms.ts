// MagTek Messaging Schema messages (manual §3.2 "Message Format", §3.2.2 "Message Structure"):
//   AA, framework version, then TLVs: 81 message information, 82 status (responses) or
//   notification detail (notifications), 83 additional detail, 84 payload.
// The payload of requests and responses (and of the transaction notifications) starts with the
// two-byte command / notification id, followed by that message's own TLV parameters
// (manual §3.2.1.2: "DF01 = Payload format is for Request Command 0xDF01 - Echo (not TLV)").
// Pure functions; decoding never throws.
import {
  concatBytes,
  decodeTlvs,
  encodeTlvs,
  findTlv,
  hex,
  tlv,
  type Tlv,
  type TlvResult,
} from './tlv';

export const START_OF_MESSAGE = 0xaa;
/** Framework version we send. 0x00 "pre-production" is the one every MMS device accepts. */
export const FRAMEWORK_VERSION = 0x00;

export const COMMAND = {
  echo: 0xdf01,
  startTransaction: 0x1001,
  cancelTransaction: 0x1008,
} as const;

/** Notification source (high byte) and type (low byte), manual §7. */
export const NOTIFICATION = {
  transactionInformation: 0x0101,
  transactionHostAction: 0x0103,
  transactionComplete: 0x0105,
} as const;

export type MessageKind = 'request' | 'response' | 'notification' | 'file';

const KIND_BYTE: Record<MessageKind, number> = {
  request: 0x01,
  response: 0x02,
  notification: 0x03,
  file: 0x04,
};

/** Response status (tag 82): summary byte + three detail bytes (manual Table 12, Table 13). */
export interface Status {
  summary: number;
  /** Group, subgroup, code as one 24-bit number, e.g. 0x020316 = low battery. */
  detail: number;
}

export function statusOk(s: Status): boolean {
  // 0x00 done, 0x01 started / running, 0x40 / 0x41 the same with warnings
  return s.summary === 0x00 || s.summary === 0x01 || s.summary === 0x40 || s.summary === 0x41;
}

export interface Payload {
  /** The two-byte id the payload starts with; undefined when the payload has none. */
  id?: number;
  /** The rest of the payload: the message's TLV parameters (or a raw blob). */
  data: Uint8Array;
}

interface Common {
  version: number;
  /** Type byte bit 7: sent by the device (0x8n) rather than the host (0x0n). */
  fromDevice: boolean;
  /** Bytes of 81 after the fixed fields ("Reserved, var"), kept so re-encoding is exact. */
  infoExtra?: Uint8Array;
  additional?: Uint8Array;
  payload?: Payload;
}

export interface RequestMessage extends Common {
  kind: 'request';
  ref: number;
  commandId: number;
}
export interface ResponseMessage extends Common {
  kind: 'response';
  ref: number;
  commandId: number;
  status?: Status;
}
export interface NotificationMessage extends Common {
  kind: 'notification';
  /** Source << 8 | type, e.g. 0x0101 transaction information update. */
  notificationId: number;
  /** The 4-byte notification detail code (tag 82), e.g. 0x20080202 contactless ARQC attached. */
  detail?: number;
}
export interface FileMessage extends Common {
  kind: 'file';
  ref: number;
  commandId: number;
  fileType: number;
}
export type MmsMessage = RequestMessage | ResponseMessage | NotificationMessage | FileMessage;

const u16 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
const u32 = (n: number) =>
  Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const readU16 = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const readU32 = (b: Uint8Array, at: number) =>
  (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>>
  0;

export function encodeMessage(m: MmsMessage): Uint8Array {
  const type = KIND_BYTE[m.kind] | (m.fromDevice ? 0x80 : 0);
  let info: Uint8Array;
  switch (m.kind) {
    case 'request':
    case 'response':
      info = concatBytes([Uint8Array.of(type, m.ref & 0xff), u16(m.commandId)]);
      break;
    case 'notification':
      info = concatBytes([Uint8Array.of(type, 0x00), u16(m.notificationId)]);
      break;
    case 'file':
      info = concatBytes([Uint8Array.of(type, m.ref & 0xff), u16(m.commandId), u32(m.fileType)]);
      break;
  }
  if (m.infoExtra) info = concatBytes([info, m.infoExtra]);
  const nodes: Tlv[] = [tlv('81', info)];
  if (m.kind === 'response' && m.status) {
    nodes.push(
      tlv('82', concatBytes([Uint8Array.of(m.status.summary), u32(m.status.detail).slice(1)])),
    );
  }
  if (m.kind === 'notification' && m.detail !== undefined) nodes.push(tlv('82', u32(m.detail)));
  if (m.additional) nodes.push(tlv('83', m.additional));
  if (m.payload) {
    const id = m.payload.id;
    nodes.push(
      tlv('84', id === undefined ? m.payload.data : concatBytes([u16(id), m.payload.data])),
    );
  }
  return concatBytes([Uint8Array.of(START_OF_MESSAGE, m.version & 0xff), encodeTlvs(nodes)]);
}

function fail<T>(error: string, offset = 0): TlvResult<T> {
  return { ok: false, error, offset };
}

/** One whole message (as framing hands it over). Never throws. */
export function decodeMessage(bytes: Uint8Array): TlvResult<MmsMessage> {
  if (bytes.length < 2) return fail('shorter than the AA header');
  if (bytes[0] !== START_OF_MESSAGE)
    return fail(`starts with ${hex(bytes.subarray(0, 1))}, not AA`);
  const version = bytes[1] ?? 0;
  const parsed = decodeTlvs(bytes.subarray(2));
  if (!parsed.ok) return { ok: false, error: parsed.error, offset: parsed.offset + 2 };
  const nodes = parsed.value;
  const info = findTlv(nodes, '81')?.value;
  if (!info || info.length < 4) return fail('no message information (81) of 4 bytes or more', 2);
  const type = info[0] ?? 0;
  const fromDevice = (type & 0x80) !== 0;
  const base = type & 0x7f;
  const s82 = findTlv(nodes, '82')?.value;
  const additional = findTlv(nodes, '83')?.value;
  const p84 = findTlv(nodes, '84')?.value;
  const common = { version, fromDevice } as Common;
  if (additional) common.additional = additional;
  switch (base) {
    case 0x01:
    case 0x02: {
      const commandId = readU16(info, 2);
      if (info.length > 4) common.infoExtra = info.slice(4);
      if (p84) common.payload = splitPayload(p84, commandId);
      if (base === 0x01)
        return { ok: true, value: { ...common, kind: 'request', ref: info[1] ?? 0, commandId } };
      const msg: ResponseMessage = { ...common, kind: 'response', ref: info[1] ?? 0, commandId };
      if (s82) {
        if (s82.length !== 4) return fail(`response status (82) is ${s82.length} bytes, not 4`, 2);
        msg.status = { summary: s82[0] ?? 0, detail: readU32(s82, 0) & 0xffffff };
      }
      return { ok: true, value: msg };
    }
    case 0x03: {
      const notificationId = readU16(info, 2);
      if (info.length > 4) common.infoExtra = info.slice(4);
      if (p84) common.payload = splitPayload(p84, notificationId);
      const msg: NotificationMessage = { ...common, kind: 'notification', notificationId };
      if (s82) {
        if (s82.length !== 4)
          return fail(`notification detail (82) is ${s82.length} bytes, not 4`, 2);
        msg.detail = readU32(s82, 0);
      }
      return { ok: true, value: msg };
    }
    case 0x04: {
      if (info.length < 8) return fail('file message information shorter than 8 bytes', 2);
      if (info.length > 8) common.infoExtra = info.slice(8);
      if (p84) common.payload = { data: p84 };
      return {
        ok: true,
        value: {
          ...common,
          kind: 'file',
          ref: info[1] ?? 0,
          commandId: readU16(info, 2),
          fileType: readU32(info, 4),
        },
      };
    }
    default:
      return fail(`unknown message type 0x${type.toString(16).padStart(2, '0')}`, 2);
  }
}

/**
 * The payload starts with the message's own id when the device follows the documented format; some
 * of the manual's internal examples leave it out (Table 316), so only strip it when it matches.
 */
function splitPayload(p: Uint8Array, id: number): Payload {
  if (p.length >= 2 && readU16(p, 0) === id) return { id, data: p.slice(2) };
  return { data: p };
}

/** The payload's parameters as TLVs (an error result if the payload is not TLV). */
export function payloadTlvs(m: MmsMessage): TlvResult<Tlv[]> {
  if (!m.payload) return { ok: true, value: [] };
  return decodeTlvs(m.payload.data);
}

// ---- requests --------------------------------------------------------------------------------

function request(ref: number, commandId: number, params: readonly Tlv[]): Uint8Array {
  return encodeMessage({
    kind: 'request',
    version: FRAMEWORK_VERSION,
    fromDevice: false,
    ref,
    commandId,
    payload: { id: commandId, data: encodeTlvs(params) },
  });
}

/** Command 0xDF01 Echo (manual §6, Table 229): 84 = DF01, 81 value to echo. */
export function echoRequest(ref: number, data: Uint8Array): Uint8Array {
  return request(ref, COMMAND.echo, [tlv('81', data)]);
}

/** Command 0x1008 Cancel Transaction (manual §6.1, Table 80): no parameters. */
export function cancelTransactionRequest(ref: number): Uint8Array {
  return request(ref, COMMAND.cancelTransaction, []);
}

/** EMV tag 9C values (EMV Book 3 / ISO 8583 processing code). */
export const EMV_TRANSACTION_TYPE = { purchase: 0x00, cashback: 0x09, refund: 0x20 } as const;

export interface StartTransactionParams {
  /** 82: seconds the reader waits for the cardholder, 1-255; 0 = no timeout. */
  timeoutSeconds: number;
  /** A3/83 contactless reader mode: 0x01 EMV, 0x03 EMV and NFC (tags are reported by UID). */
  contactlessMode: 0x01 | 0x02 | 0x03;
  /** A3/81 MSR and A3/82 contact: we disable both (the DynaProx has neither anyway). */
  msrMode?: number;
  contactMode?: number;
  /** 84 byte 2 bit 0 Quick Chip, bit 1 DynaPro response format (manual Table 68, default 0x0003). */
  quickChip: boolean;
  /** 9F02 Amount Authorised in minor units (n12 BCD). Quick Chip needs a non-zero amount. */
  amount: number;
  /** 9F03 Amount Other; sent only when given. */
  amountOther?: number;
  /** 5F2A ISO 4217 numeric currency (n4 BCD). */
  currency: number;
  /** 5F36 currency exponent; sent only when given. */
  currencyExponent?: number;
  /** 9C transaction type. */
  transactionType: number;
  /** 9F15 merchant category code (n4); sent only when given. */
  merchantCategoryCode?: number;
  /** 9F53 transaction category code (one byte); sent only when given. */
  transactionCategoryCode?: number;
}

/** Unsigned BCD, `digits` long (even), e.g. bcd(100, 12) = 00 00 00 00 01 00. Throws on overflow. */
export function bcd(n: number, digits: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`BCD needs a whole number ≥ 0, got ${n}`);
  const s = String(n).padStart(digits, '0');
  if (s.length > digits) throw new Error(`${n} does not fit in ${digits} BCD digits`);
  const out = new Uint8Array(digits / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** BCD digits → number; undefined if any nibble is not a digit. */
export function fromBcd(b: Uint8Array): number | undefined {
  const s = hex(b);
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/** Command 0x1001 Start Transaction (manual §6.1, Table 68). */
export function startTransactionRequest(ref: number, p: StartTransactionParams): Uint8Array {
  if (!Number.isInteger(p.timeoutSeconds) || p.timeoutSeconds < 0 || p.timeoutSeconds > 255)
    throw new Error(`timeout ${p.timeoutSeconds} s is outside 0-255`);
  if (p.quickChip && p.amount <= 0) throw new Error('Quick Chip needs a non-zero amount');
  const emv: Tlv[] = [
    tlv('9C', Uint8Array.of(p.transactionType & 0xff)),
    tlv('9F02', bcd(p.amount, 12)),
  ];
  if (p.amountOther !== undefined) emv.push(tlv('9F03', bcd(p.amountOther, 12)));
  emv.push(tlv('5F2A', bcd(p.currency, 4)));
  if (p.currencyExponent !== undefined) emv.push(tlv('5F36', Uint8Array.of(p.currencyExponent)));
  if (p.merchantCategoryCode !== undefined) emv.push(tlv('9F15', bcd(p.merchantCategoryCode, 4)));
  if (p.transactionCategoryCode !== undefined)
    emv.push(tlv('9F53', Uint8Array.of(p.transactionCategoryCode)));
  return request(ref, COMMAND.startTransaction, [
    tlv('82', Uint8Array.of(p.timeoutSeconds)),
    tlv('A3', [
      tlv('81', Uint8Array.of(p.msrMode ?? 0x00)),
      tlv('82', Uint8Array.of(p.contactMode ?? 0x00)),
      tlv('83', Uint8Array.of(p.contactlessMode)),
    ]),
    // byte 1: no Apple / Google VAS; byte 2: DynaPro response format, Quick Chip when asked
    tlv('84', Uint8Array.of(0x00, 0x02 | (p.quickChip ? 0x01 : 0x00))),
    tlv('86', encodeTlvs(emv)),
  ]);
}

// ---- notification detail codes (manual §7.1, Tables 308 and 322) -----------------------------

/** Payment technology byte of a transaction notification detail. */
export const PAYMENT_TECHNOLOGY = {
  none: 0x00,
  manual: 0x07,
  msr: 0x08,
  contact: 0x10,
  contactless: 0x20,
} as const;

export interface DetailParts {
  technology: number;
  reason: number;
  detail: number;
  extra: number;
}

export function detailParts(code: number): DetailParts {
  return {
    technology: (code >>> 24) & 0xff,
    reason: (code >>> 16) & 0xff,
    detail: (code >>> 8) & 0xff,
    extra: code & 0xff,
  };
}
