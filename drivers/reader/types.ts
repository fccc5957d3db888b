// The contactless reader's domain types (ARCHITECTURE §8, layer 3): what the Reader device class
// hands the terminal. Nothing here is a full PAN, track data or anything the terminal may not keep
// (ARCHITECTURE §4): the only card secrets are inside `encrypted`, which the terminal cannot
// decrypt and stores in its own deletable table, never in the journal, outbox or logs.

/** ISO 4217 numeric currency code, e.g. 978 for EUR, 156 for CNY (EMV tag 5F2A). */
export type CurrencyNumeric = number;

/**
 * EMV transaction type (tag 9C): 0x00 purchase (goods and services), 0x20 refund,
 * 0x09 purchase with cashback. The terminal uses purchase and refund.
 */
export type TransactionType = 'purchase' | 'refund';

export interface StartTransactionInput {
  /** Final amount in minor units (ARCHITECTURE §5: the amount is final before the tap). */
  amount: number;
  currency: CurrencyNumeric;
  type: TransactionType;
  /** Seconds the reader waits for a card (MMS 1001 tag 84/81); reader default when omitted. */
  timeoutSeconds?: number;
}

/** How the card was read: contactless EMV chip, or contactless magstripe (MSD) mode. */
export type EntryMode = 'contactless_emv' | 'contactless_msd';

/** The reader's DUKPT-encrypted card data (DFDF59 in container F8) and its key serial number (DFDF56). */
export interface EncryptedPayload {
  /** Ciphertext as the reader gave it; only the gateway's acquirer can decrypt it. */
  data: Uint8Array;
  /** 10-byte DUKPT key serial number. */
  ksn: Uint8Array;
  /** Encryption type (DFDF57, manual "Encryption Type"): 0x80 = TDES DUKPT data variant. */
  encryptionType?: number;
  /** Padding bytes at the end of `data` (DFDF58), for the decrypting side. */
  paddingBytes?: number;
}

/**
 * One Quick Chip ARQC (manual §4 "EMV ARQC (DynaPro Format) Type", Table 19), reduced to what
 * ARCHITECTURE §4 allows plus the encrypted blob. `maskedPan` shows first 6 / last 4 at most, the
 * rest as '*' (e.g. "424242******4242").
 *
 * Where the fields come from: the reader sends the EMV tags (9F26, 9F36, 9F24, 4F, 50, ...) inside
 * the encrypted DFDF59 (Table 20), and in the clear only container 70: masked track 2 (DFDF4D /
 * DFDF33), card type (DFDF52), AIP (82), and whatever clear EMV tags the reader is set to add (the
 * manual's own example carries 5F20 and 5F30 there). So the EMV fields below are filled when the
 * reader exposes them in clear and are otherwise undefined; the gateway sees them all after
 * decryption. The KSN is unique per encryption, so it identifies a repeated notification of the
 * same ARQC even when ATC and cryptogram are not in clear.
 */
export interface ArqcData {
  maskedPan: string;
  /** Last 4 digits, for receipts (which print nothing else of the PAN). */
  last4: string;
  /** From the AID's registered application provider (RID), else from the PAN's first digits. */
  brand: CardBrand;
  /** Application identifier (4F or 9F06), upper-case hex, when given in clear. */
  aid?: string;
  /** Application label (50), printable ASCII, when given in clear. */
  applicationLabel?: string;
  entryMode: EntryMode;
  /**
   * Expiry as YYMM (5F24, else the masked track 2). For the offline "no expired cards" check only;
   * never printed, never shown, never stored beyond the payment's own deletable row.
   */
  expiryYymm?: string;
  /** Payment Account Reference (9F24), ASCII, when the card gives one: the offline velocity key. */
  par?: string;
  /** Application transaction counter (9F36), upper-case hex (4 digits), when given in clear. */
  atc?: string;
  /** Application cryptogram (9F26), upper-case hex (16 digits), when given in clear. */
  cryptogram?: string;
  /** Cryptogram information data (9F27), if present: 0x80 = ARQC. */
  cryptogramInfo?: number;
  encrypted: EncryptedPayload;
  /** Amount and currency as the reader echoed them in clear (9F02, 5F2A); else undefined. */
  amount?: number;
  currency?: CurrencyNumeric;
}

export type CardBrand =
  'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'unionpay' | 'interac' | 'unknown';

/**
 * Batch data (manual §4 "EMV Batch Data (DynaPro Format) Type", Table 27): the reader's record of
 * how it ended the transaction. Its own accept/decline never counts as an approval (ARCHITECTURE
 * §5: with Quick Chip the host alone decides). The EMV tags are again inside the encrypted blob.
 */
export interface BatchData {
  /** DFDF1A: the reader's own view, 0x00 accept / 0x01 decline / 0x02 error. */
  readerStatus?: 'accept' | 'decline' | 'error';
  encrypted?: EncryptedPayload;
}

/** MMS response status (tag 82): one summary byte, three detail bytes. */
export interface ReaderStatus {
  /** 0x00 OK done, 0x01 OK running, 0x40/0x41 OK with warnings, 0x80 failed to start, 0x81 failed. */
  summary: number;
  /** Group, subgroup, code (manual Table 13 "Operation Status Detail Codes"). */
  detail: number;
  readonly ok: boolean;
}

/**
 * How a transaction ended (Notification 0x0105 "operation complete"). 'approved' is only what the
 * reader says about its own offline processing and is NOT a payment approval.
 */
export type TransactionOutcome =
  | 'approved'
  | 'declined'
  | 'cancelled'
  | 'timed_out'
  | 'card_removed'
  | 'error'
  | 'host_decision'
  | 'unknown';

export type ReaderEvent =
  | { type: 'card_detected' }
  /** Card data arrived: the host now decides (Quick Chip). */
  | { type: 'arqc'; data: ArqcData }
  | { type: 'batch'; data: BatchData }
  | {
      type: 'operation_complete';
      outcome: TransactionOutcome;
      /** The notification's 4-byte detail code (manual §7), for logs and technicians. */
      detail: number;
    }
  /** A non-payment NFC tag (e.g. a wristband): its UID, upper-case hex. */
  | { type: 'nfc_uid'; uid: string }
  /** A display message the reader asks the host to show (e.g. "PRESENT CARD"). */
  | { type: 'message'; text: string }
  | { type: 'connected' }
  | { type: 'disconnected'; reason?: string }
  /** The device sent bytes we could not read, or a message we did not expect. Never thrown. */
  | { type: 'protocol_error'; code: ReaderErrorCode; message: string };

export type ReaderErrorCode =
  | 'reader.not_connected'
  | 'reader.busy'
  | 'reader.timeout'
  | 'reader.rejected'
  | 'reader.bad_frame'
  | 'reader.bad_message'
  | 'reader.unexpected_response'
  | 'reader.closed';

export class ReaderError extends Error {
  constructor(
    readonly code: ReaderErrorCode,
    message: string,
    readonly status?: ReaderStatus,
  ) {
    super(message);
    this.name = 'ReaderError';
  }
}
