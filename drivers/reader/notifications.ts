// Device notifications → the reader's domain events (manual §7.1). The one place that looks inside
// card data: it keeps only what ARCHITECTURE §4 allows (masked PAN, brand, AID, label, entry mode,
// expiry for the offline check, PAR, ATC, cryptogram) plus the encrypted blob and its KSN. The
// masked track and anything else in clear is dropped here and never leaves this file.
import { detailParts, fromBcd, NOTIFICATION, payloadTlvs, type NotificationMessage } from './mms';
import { decodeTlvs, findAllTlv, findTlv, hex, type Tlv } from './tlv';
import type {
  ArqcData,
  BatchData,
  CardBrand,
  EncryptedPayload,
  ReaderEvent,
  TransactionOutcome,
} from './types';

/** What a notification means to the terminal; undefined for notifications it does not use. */
export function interpretNotification(m: NotificationMessage): ReaderEvent | undefined {
  const d = detailParts(m.detail ?? 0);
  switch (m.notificationId) {
    case NOTIFICATION.transactionInformation:
      if (d.reason === 0x01 && d.detail === 0x04) return { type: 'card_detected' };
      if (d.reason === 0x08) {
        if (d.detail === 0x02) return dataEvent(m, 'arqc');
        if (d.detail === 0x03) return dataEvent(m, 'batch');
        if (d.detail === 0x04) return dataEvent(m, 'nfc');
      }
      return undefined;
    case NOTIFICATION.transactionComplete:
      return {
        type: 'operation_complete',
        outcome: outcomeOf(m.detail ?? 0),
        detail: m.detail ?? 0,
      };
    case NOTIFICATION.transactionHostAction: {
      // Display Message Request (manual Table 316): 82 holds NUL-terminated lines
      if (d.reason !== 0x01) return undefined;
      const p = payloadTlvs(m);
      const text = p.ok ? findTlv(p.value, '82')?.value : undefined;
      if (!text) return undefined;
      return { type: 'message', text: printable(text).trim() };
    }
    default:
      return undefined;
  }
}

/** Notification 0x0105 detail (manual Table 322): reason 01 timeout, 02 kernel outcome, 03 terminated. */
export function outcomeOf(code: number): TransactionOutcome {
  const d = detailParts(code);
  switch (d.reason) {
    case 0x01:
      return 'timed_out';
    case 0x02:
      if (d.detail === 0x06) return 'approved';
      if (d.detail === 0x07) return 'host_decision'; // Quick Chip deferred: the host decides
      if (d.detail === 0x80) return 'declined';
      return 'error';
    case 0x03:
      if (d.detail === 0x01 || d.detail === 0x02) return 'cancelled';
      if (d.detail === 0x03) return 'card_removed';
      return 'error';
    case 0x04:
      return 'host_decision';
    default:
      return 'unknown';
  }
}

function bad(message: string): ReaderEvent {
  return { type: 'protocol_error', code: 'reader.bad_message', message };
}

/** The Transaction Data blob: payload TLV 84 (manual Table 309). */
function transactionData(m: NotificationMessage): Uint8Array | undefined {
  const p = payloadTlvs(m);
  if (!p.ok) return undefined;
  return findTlv(p.value, '84')?.value;
}

/**
 * ARQC and batch blobs start with a 2-byte message length, then the TLVs, then padding and a
 * CBC-MAC (manual §4 "EMV ARQC (DynaPro Format) Type", Table 19).
 */
function blobTlvs(blob: Uint8Array): Tlv[] | undefined {
  if (blob.length >= 2) {
    const n = ((blob[0] ?? 0) << 8) | (blob[1] ?? 0);
    if (n > 0 && n <= blob.length - 2) {
      const r = decodeTlvs(blob.subarray(2, 2 + n));
      if (r.ok) return r.value;
    }
  }
  const r = decodeTlvs(blob);
  return r.ok ? r.value : undefined;
}

function dataEvent(m: NotificationMessage, what: 'arqc' | 'batch' | 'nfc'): ReaderEvent {
  const blob = transactionData(m);
  if (!blob) return bad(`${what} notification without transaction data (84)`);
  if (what === 'nfc') {
    let v = blob;
    if (v.length >= 2 && (((v[0] ?? 0) << 8) | (v[1] ?? 0)) === v.length - 2) v = v.slice(2);
    const r = decodeTlvs(v);
    const only = r.ok && r.value.length === 1 && !r.value[0]?.constructed ? r.value[0] : undefined;
    const uid = only ? only.value : v;
    if (uid.length === 0) return bad('NFC UID notification with an empty UID');
    return { type: 'nfc_uid', uid: hex(uid) };
  }
  const nodes = blobTlvs(blob);
  if (!nodes) return bad(`${what} data is not TLV`);
  if (what === 'batch') return { type: 'batch', data: batchData(nodes) };
  const arqc = arqcData(nodes);
  return typeof arqc === 'string' ? bad(arqc) : { type: 'arqc', data: arqc };
}

function encryptedOf(container: Tlv | undefined): EncryptedPayload | undefined {
  if (!container?.children) return undefined;
  const data = findTlv(container.children, 'DFDF59')?.value;
  const ksn = findTlv(container.children, 'DFDF56')?.value;
  if (!data || !ksn) return undefined;
  const out: EncryptedPayload = { data, ksn };
  const type = findTlv(container.children, 'DFDF57')?.value[0];
  if (type !== undefined) out.encryptionType = type;
  const pad = findTlv(container.children, 'DFDF58')?.value[0];
  if (pad !== undefined) out.paddingBytes = pad;
  return out;
}

function batchData(nodes: Tlv[]): BatchData {
  const out: BatchData = {};
  const status = findTlv(nodes, 'F9', 'FA', 'F0', 'F1', 'DFDF1A')?.value[0];
  if (status === 0x00) out.readerStatus = 'accept';
  else if (status === 0x01) out.readerStatus = 'decline';
  else if (status === 0x02) out.readerStatus = 'error';
  const enc = encryptedOf(findTlv(nodes, 'F9', 'FA', 'F0', 'F8'));
  if (enc) out.encrypted = enc;
  return out;
}

/** ARQC fields, or a reason it cannot be used (never containing card data). */
export function arqcData(nodes: Tlv[]): ArqcData | string {
  const arqc = findTlv(nodes, 'F9', 'FA', '70');
  if (!arqc?.children) return 'ARQC data without container F9/FA/70';
  const clear = arqc.children;
  const encrypted = encryptedOf(findTlv(clear, 'F8'));
  if (!encrypted) return 'ARQC data without encrypted data and KSN (F8/DFDF59, DFDF56)';
  const one = (tag: string) => findAllTlv(clear, tag).find((n) => !n.constructed)?.value;

  const track = one('DFDF4D') ?? one('DFDF33');
  const trackText = track ? printable(track) : undefined;
  const pan = panDigits(one('5A')) ?? maskedTrackPan(trackText) ?? panFromTrack2Eq(one('57'));
  if (!pan) return 'ARQC data without a PAN to mask (5A, 57, DFDF4D or DFDF33)';

  const aidBytes = one('4F') ?? one('9F06');
  const aid = aidBytes ? hex(aidBytes) : undefined;
  const cardType = one('DFDF52')?.[0];
  const out: ArqcData = {
    maskedPan: maskPan(pan),
    last4: pan.slice(-4),
    brand: brandOf(aid, pan),
    entryMode: cardType === 0x08 ? 'contactless_msd' : 'contactless_emv',
    encrypted,
  };
  if (aid) out.aid = aid;
  const label = one('50');
  if (label) out.applicationLabel = printable(label).trim();
  const exp = one('5F24');
  const expiry =
    exp && exp.length >= 2 ? hex(exp).slice(0, 4) : /[=^](\d{4})/.exec(trackText ?? '')?.[1];
  if (expiry && /^\d{2}(0[1-9]|1[0-2])$/.test(expiry)) out.expiryYymm = expiry;
  const par = one('9F24');
  if (par) out.par = printable(par).trim();
  const atc = one('9F36');
  if (atc) out.atc = hex(atc);
  const ac = one('9F26');
  if (ac) out.cryptogram = hex(ac);
  const cid = one('9F27')?.[0];
  if (cid !== undefined) out.cryptogramInfo = cid;
  const amount = one('9F02');
  const amountN = amount ? fromBcd(amount) : undefined;
  if (amountN !== undefined) out.amount = amountN;
  const cur = one('5F2A');
  const curN = cur ? fromBcd(cur) : undefined;
  if (curN !== undefined) out.currency = curN;
  return out;
}

function printable(b: Uint8Array): string {
  let s = '';
  for (const c of b) if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
  return s;
}

/**
 * The PAN field of a masked track 2 (";424242******4242=3012...?"): the reader keeps first 6 and
 * last 4 in clear and masks the middle with '*' or '0'; we mask it again in maskPan.
 */
function maskedTrackPan(track: string | undefined): string | undefined {
  const m = /^[;%]?B?([\d*]{8,19})[=^]/.exec(track ?? '');
  const pan = m?.[1];
  return pan && /^\d{4}/.test(pan.slice(-4)) ? pan : undefined;
}

/** 5A is cn: BCD digits padded with F. */
function panDigits(b: Uint8Array | undefined): string | undefined {
  if (!b) return undefined;
  const s = hex(b).replace(/F+$/, '');
  return /^\d{8,19}$/.test(s) ? s : undefined;
}

/** 57 Track 2 Equivalent Data: PAN, D, expiry, ... in BCD nibbles. */
function panFromTrack2Eq(b: Uint8Array | undefined): string | undefined {
  if (!b) return undefined;
  const m = /^(\d{8,19})D/.exec(hex(b));
  return m?.[1];
}

/** First 6 and last 4 at most (ARCHITECTURE §4); short numbers show the last 4 only. */
export function maskPan(pan: string): string {
  if (pan.length >= 13) return `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, pan.length - 4))}${pan.slice(-4)}`;
}

const RIDS: Record<string, CardBrand> = {
  A000000003: 'visa',
  A000000004: 'mastercard',
  A000000025: 'amex',
  A000000152: 'discover',
  A000000324: 'discover',
  A000000065: 'jcb',
  A000000333: 'unionpay',
  A000000277: 'interac',
};

export function brandOf(aid: string | undefined, pan: string): CardBrand {
  const byRid = aid ? RIDS[aid.slice(0, 10)] : undefined;
  if (byRid) return byRid;
  const p2 = Number(pan.slice(0, 2));
  const p4 = Number(pan.slice(0, 4));
  if (pan.startsWith('4')) return 'visa';
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return 'mastercard';
  if (p2 === 34 || p2 === 37) return 'amex';
  if (p4 >= 3528 && p4 <= 3589) return 'jcb';
  if (p4 === 6011 || p2 === 65 || (p4 >= 6440 && p4 <= 6499)) return 'discover';
  if (p2 === 62) return 'unionpay';
  return 'unknown';
}
