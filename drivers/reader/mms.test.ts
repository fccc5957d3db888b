import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bcd,
  cancelTransactionRequest,
  decodeMessage,
  echoRequest,
  encodeMessage,
  startTransactionRequest,
  statusOk,
  type MmsMessage,
  type NotificationMessage,
} from './mms';
import { interpretNotification, maskPan, outcomeOf } from './notifications';
import { fromHex, hex } from './tlv';

// Fixtures copied from the MMS manual (MagTek D100005000, "MMS DynaDevices Master Programmer's
// Manual", public copy in MagTek-PaulDeignan/MagTekDocs, docs/Developer Documentation/).
/** §3.2.1.2 TLV Example (and §6 Command 0xDF01 Echo, Tables 229 and 230). */
const ECHO_REQUEST = 'AA0081040101DF018407DF018103010203';
const ECHO_RESPONSE = 'AA0081048201DF018204000000008407DF018103010203';
/** §6.1 Command 0x1001 Start Transaction, Table 72 "Request Example (Contactless Only)". */
const START_CONTACTLESS =
  'AA 00 81 04 01 00 10 01 84 3D 10 01 82 01 3C A3 09 81 01 00 82 01 00 83 01 01 84 02 00 03 86 27 9C 01 00 9F 02 06 00 00 00 00 01 00 9F 03 06 00 00 00 00 00 00 5F 2A 02 08 40 5F 36 01 02 9F 15 02 00 00 9F 53 01 00';
/** §6.1 Table 73 response ("OK, Started / Running") and Table 70 (not executed: low battery). */
const START_RESPONSE = 'AA 00 81 04 82 01 10 01 82 04 01 00 00 00';
const START_LOW_BATTERY = 'AA 00 81 04 82 01 10 01 82 04 80 02 03 16';
/** §6.1 Command 0x1008 Cancel Transaction, Tables 80 and 81. */
const CANCEL_REQUEST = 'AA 00 81 04 01 13 10 08 84 02 10 08';
const CANCEL_RESPONSE = 'AA 00 81 04 82 13 10 08 82 04 00 00 00 00';
/** §7.1 Notification 0x0101, Table 313 "Notification Example" (ARQC, DynaPro format). */
const ARQC_NOTIFICATION =
  'AA 00 81 04 83 00 01 01 82 04 10 08 02 02 84 82 01 F8 01 01 84 82 01 F2 01 E9 F9 82 01 E5 DF DF 54 0A 00 00 00 00 00 00 00 00 00 00 DF DF 55 01 82 DF DF 25 0F 42 34 44 42 38 31 37 31 31 31 39 31 39 41 41 FA 82 01 BB 70 82 01 B7 DF DF 53 01 00 5F 20 12 47 55 53 54 49 4E 2F 53 54 45 50 48 41 4E 49 45 20 4D 5F 30 02 02 01 DF DF 4D 25 3B 35 33 32 32 30 30 30 30 36 30 30 30 31 36 37 34 3D 31 38 30 39 32 30 31 30 30 30 30 30 30 30 30 30 30 30 3F DF DF 52 01 05 F8 82 01 66 DF DF 59 82 01 48 36 69 98 57 4C 81 08 66 28 B6 1F DD 69 B1 C3 43 F7 BA 98 B2 5A 92 53 5F DA 63 6D DA 44 95 F1 15 2D 01 07 9A 4C EB 28 0B 30 5C 21 B2 39 ED E7 EE B6 1A 79 43 56 2E 26 1E C9 87 86 19 68 FA EB 4A 2B BD F5 5D 54 6F C4 67 97 FF 42 2C D6 CF 36 03 48 58 A4 23 9B 51 03 5C 32 0B DC 5E 4E E5 95 1B B5 C5 18 E7 33 0B D2 FE 8D E8 5C 47 4D 3C 16 79 42 48 1D CD 83 D5 58 64 48 23 17 F3 29 A7 F1 F1 75 F4 B9 C6 45 F3 02 28 1C 90 C7 83 B9 49 AF 56 BD 76 73 E7 45 7D 25 C5 77 3F C7 9A 1B ED 52 0A 05 54 15 B7 9A 2A 59 C1 67 6D E2 8C 02 8B 97 64 96 5D 4C F8 31 A2 20 75 12 8D 99 C1 A2 DF AB 55 0A 62 24 79 CF A8 51 3D AE 84 91 A5 80 19 9F BC 75 B0 F9 56 5E BA 57 A3 B1 61 AA 84 43 F0 D8 E6 44 C1 FA 51 0E 0A B0 F7 F2 61 57 5B 86 7E AB DC 49 00 87 A0 3B 69 5F C1 45 C4 10 9A A8 5F B6 30 59 2C 25 FA 15 A5 44 83 24 96 3D 5A 03 50 36 02 EC 6B 15 7C 8D CC 66 BF B7 F4 CF 4C 6D 67 75 87 B9 4E D4 08 76 25 F8 B8 EF BF A8 A0 72 F9 81 AB FF 49 84 E7 BC 8F C5 DD A0 86 B2 74 DD 59 8A B2 83 5D DD CC 0C 30 01 96 DF DF 56 0A 90 10 01 0B 4D B8 17 00 00 03 DF DF 57 01 80 DF DF 58 01 05 00 00 00 00 00 00 00';

const norm = (s: string) => s.replace(/\s+/g, '').toUpperCase();
function decode(s: string): MmsMessage {
  const r = decodeMessage(fromHex(s));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('MMS messages', () => {
  it('encodes the manual’s Echo request byte for byte, and round-trips the response', () => {
    expect(hex(echoRequest(1, Uint8Array.of(1, 2, 3)))).toBe(ECHO_REQUEST);
    const res = decode(ECHO_RESPONSE);
    expect(res).toMatchObject({ kind: 'response', ref: 1, commandId: 0xdf01, fromDevice: true });
    expect(res.kind === 'response' && res.status).toEqual({ summary: 0, detail: 0 });
    expect(hex(res.payload?.data ?? new Uint8Array())).toBe('8103010203');
    expect(hex(encodeMessage(res))).toBe(ECHO_RESPONSE);
    expect(hex(encodeMessage(decode(ECHO_REQUEST)))).toBe(ECHO_REQUEST);
  });

  it('encodes Start Transaction as in the manual’s contactless-only example (Table 72)', () => {
    const bytes = startTransactionRequest(0, {
      timeoutSeconds: 60,
      contactlessMode: 0x01,
      quickChip: true,
      amount: 100,
      amountOther: 0,
      currency: 840,
      currencyExponent: 2,
      transactionType: 0x00,
      merchantCategoryCode: 0,
      transactionCategoryCode: 0,
    });
    expect(hex(bytes)).toBe(norm(START_CONTACTLESS));
  });

  it('encodes what the terminal sends: amount, currency, type, EMV+NFC, Quick Chip', () => {
    const m = decode(
      hex(
        startTransactionRequest(7, {
          timeoutSeconds: 30,
          contactlessMode: 0x03,
          quickChip: true,
          amount: 123456,
          currency: 978,
          transactionType: 0x20,
        }),
      ),
    );
    expect(m).toMatchObject({ kind: 'request', ref: 7, commandId: 0x1001 });
    expect(hex(m.payload?.data ?? new Uint8Array())).toBe(
      norm(
        '82 01 1E A3 09 81 01 00 82 01 00 83 01 03 84 02 00 03 86 11 9C 01 20 9F 02 06 00 00 00 12 34 56 5F 2A 02 09 78',
      ),
    );
    expect(() =>
      startTransactionRequest(1, {
        timeoutSeconds: 30,
        contactlessMode: 1,
        quickChip: true,
        amount: 0,
        currency: 978,
        transactionType: 0,
      }),
    ).toThrow();
    expect(hex(bcd(999999999999, 12))).toBe('999999999999');
    expect(() => bcd(1e12, 12)).toThrow();
  });

  it('decodes Start Transaction responses: running, and refused for low battery (Tables 70, 73)', () => {
    const ok = decode(START_RESPONSE);
    expect(ok.kind === 'response' && ok.status && statusOk(ok.status)).toBe(true);
    const low = decode(START_LOW_BATTERY);
    expect(low.kind === 'response' && low.status).toEqual({ summary: 0x80, detail: 0x020316 });
    expect(low.kind === 'response' && low.status && statusOk(low.status)).toBe(false);
  });

  it('encodes Cancel Transaction and reads its response byte for byte (Tables 80, 81)', () => {
    expect(hex(cancelTransactionRequest(0x13))).toBe(norm(CANCEL_REQUEST));
    expect(hex(encodeMessage(decode(CANCEL_RESPONSE)))).toBe(norm(CANCEL_RESPONSE));
  });

  it('turns the manual’s ARQC notification into masked card data plus the encrypted blob (Table 313)', () => {
    const m = decode(ARQC_NOTIFICATION) as NotificationMessage;
    expect(m).toMatchObject({ kind: 'notification', notificationId: 0x0101, detail: 0x10080202 });
    expect(hex(encodeMessage(m))).toBe(norm(ARQC_NOTIFICATION));
    const ev = interpretNotification(m);
    expect(ev?.type).toBe('arqc');
    if (ev?.type !== 'arqc') return;
    expect(ev.data.maskedPan).toBe('532200******1674');
    expect(ev.data.last4).toBe('1674');
    expect(ev.data.brand).toBe('mastercard');
    expect(ev.data.expiryYymm).toBe('1809');
    expect(hex(ev.data.encrypted.ksn)).toBe('9010010B4DB817000003');
    expect(ev.data.encrypted.data.length).toBe(0x148);
    expect(ev.data.encrypted.encryptionType).toBe(0x80);
    expect(ev.data.encrypted.paddingBytes).toBe(5);
    // nothing of the cardholder's name or the track survives
    const text = JSON.stringify({ ...ev.data, encrypted: undefined });
    expect(text).not.toMatch(/GUSTIN|5322000060001674|;|=/);
  });

  it('routes card detected, NFC UID, batch and operation complete notifications', () => {
    const n = (id: string, detail: string, payload?: string) => {
      const p = payload
        ? `84 ${(payload.replace(/\s/g, '').length / 2).toString(16).padStart(2, '0')} ${payload}`
        : '';
      return interpretNotification(
        decode(`AA 00 81 04 83 00 ${id} 82 04 ${detail} ${p}`) as NotificationMessage,
      );
    };
    expect(n('01 01', '20 01 04 00')).toEqual({ type: 'card_detected' });
    expect(n('01 01', '20 08 04 02', '01 01 84 07 04 A1 B2 C3 D4 E5 F6')).toEqual({
      type: 'nfc_uid',
      uid: '04A1B2C3D4E5F6',
    });
    expect(
      n('01 01', '20 08 03 02', '01 01 84 0F 00 0D F9 0B FA 09 F0 07 F1 05 DF DF 1A 01 01'),
    ).toMatchObject({ type: 'batch', data: { readerStatus: 'decline' } });
    expect(n('01 05', '00 03 01 00')).toEqual({
      type: 'operation_complete',
      outcome: 'cancelled',
      detail: 0x00030100,
    });
    expect(n('01 05', '00 01 00 00')).toMatchObject({ outcome: 'timed_out' });
    expect(n('01 01', '20 08 02 02', '01 01 84 02 00 00')).toMatchObject({
      type: 'protocol_error',
    });
    expect(n('01 03', '00 01 01 00', '81 01 01 82 0B 50 52 4F 43 45 53 53 49 4E 47 00')).toEqual({
      type: 'message',
      text: 'PROCESSING',
    });
    expect(n('10 02', '00 02 01 00')).toBeUndefined();
    expect(outcomeOf(0x20020700)).toBe('host_decision');
    expect(outcomeOf(0x20028000)).toBe('declined');
  });

  it('reads the simulator layout: masked track with *, clear EMV tags under 70', () => {
    const track = Buffer.from(';424242******4242=3012*************?', 'ascii').toString('hex');
    const inner = `DFDF4D ${(track.length / 2).toString(16)} ${track} DFDF52 01 06 4F 07 A0000000031010 9F36 02 0007 9F26 08 1122334455667788 9F24 04 50415231 5F24 03 301231 F8 11 DFDF59 02 ABCD DFDF56 02 0102 DFDF57 01 80`;
    const tlvHex = (tag: string, body: string) => {
      const n = body.replace(/\s/g, '').length / 2;
      return `${tag} ${n < 0x80 ? n.toString(16).padStart(2, '0') : `81 ${n.toString(16)}`} ${body}`;
    };
    const f9 = tlvHex('F9', tlvHex('FA', tlvHex('70', inner)));
    const n = f9.replace(/\s/g, '').length / 2;
    const blob = `${n.toString(16).padStart(4, '0')} ${f9}`;
    const payload = `01 01 ${tlvHex('84', blob)}`;
    const msg = `AA 00 81 04 83 00 01 01 82 04 20 08 02 02 ${tlvHex('84', payload)}`;
    const ev = interpretNotification(decode(msg) as NotificationMessage);
    expect(ev).toMatchObject({
      type: 'arqc',
      data: {
        maskedPan: '424242******4242',
        brand: 'visa',
        aid: 'A0000000031010',
        atc: '0007',
        cryptogram: '1122334455667788',
        par: 'PAR1',
        expiryYymm: '3012',
        entryMode: 'contactless_emv',
      },
    });
  });

  it('masks to first 6 / last 4 at most', () => {
    expect(maskPan('4242424242424242')).toBe('424242******4242');
    expect(maskPan('123456789')).toBe('*****6789');
  });

  it('reports, never throws, on garbage (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        for (const bytes of [tail, Uint8Array.from([0xaa, 0x00, ...tail])]) {
          const r = decodeMessage(bytes);
          if (r.ok && r.value.kind === 'notification') interpretNotification(r.value);
        }
      }),
      { numRuns: 2000 },
    );
    expect(decodeMessage(fromHex('AB00')).ok).toBe(false);
    expect(decodeMessage(fromHex('AA00 81 02 0101')).ok).toBe(false);
  });
});
