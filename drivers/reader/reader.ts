// The contactless card reader as a device (ARCHITECTURE §8, layer 3): MMS over serial (SLIP) or
// USB HID reports, on a link that reconnects by itself. One command in flight at a time (manual
// §3.1: "the host must wait until the device returns a response before sending another request"),
// responses matched by reference number and command id, a timeout per command, notifications
// routed to typed events. Nothing the device sends can throw out of here: bad bytes become
// 'protocol_error' events.
//
// Card data: events carry only what notifications.ts keeps (ARCHITECTURE §4). Never log an event's
// `encrypted` field or anything from a raw message.
import { logger } from '../../lib/log';
import {
  withReconnect,
  type ReconnectOptions,
  type ReconnectingTransport,
} from '../transport/reconnect';
import { Listeners, type Transport } from '../transport/transport';
import { createHidAssembler, encodeHidReports, HID_REPORT_SIZE } from './hid-framing';
import {
  cancelTransactionRequest,
  COMMAND,
  decodeMessage,
  echoRequest,
  EMV_TRANSACTION_TYPE,
  startTransactionRequest,
  statusOk,
  type ResponseMessage,
} from './mms';
import { interpretNotification } from './notifications';
import { createSerialDecoder, DIRECTION, encodeSerialFrame } from './serial-framing';
import { findTlv, decodeTlvs } from './tlv';
import {
  ReaderError,
  type ReaderErrorCode,
  type ReaderEvent,
  type ReaderStatus,
  type StartTransactionInput,
} from './types';

const log = logger('reader');

export type ReaderFraming = 'serial' | 'hid';

export interface ReaderOptions {
  /** A fresh transport per (re)connection: serial, a HID transport, or a memory end. */
  connect: () => Transport;
  framing: ReaderFraming;
  hidReportSize?: number;
  /** How long a command may wait for its response. */
  commandTimeoutMs?: number;
  reconnect?: Partial<ReconnectOptions>;
}

interface Pending {
  ref: number;
  commandId: number;
  resolve: (m: ResponseMessage) => void;
  reject: (e: ReaderError) => void;
  timer: NodeJS.Timeout;
}

type Decoder = { push(chunk: Uint8Array): Uint8Array[] };

function makeDecoder(
  framing: ReaderFraming,
  report: (code: ReaderErrorCode, msg: string) => void,
): Decoder {
  if (framing === 'serial') {
    const d = createSerialDecoder();
    return {
      push(chunk) {
        const out: Uint8Array[] = [];
        for (const ev of d.push(chunk)) {
          if (ev.type === 'message') out.push(ev.message);
          else if (ev.type === 'capacity_exceeded')
            report(
              'reader.bad_frame',
              `the reader cannot take messages over ${ev.maxLength} bytes`,
            );
          else report('reader.bad_frame', ev.message);
        }
        return out;
      },
    };
  }
  const a = createHidAssembler();
  return {
    push(chunk) {
      const out: Uint8Array[] = [];
      for (const ev of a.push(chunk)) {
        if (ev.type === 'message') out.push(ev.message);
        else report('reader.bad_frame', ev.message);
      }
      return out;
    },
  };
}

function toStatus(s: { summary: number; detail: number }): ReaderStatus {
  return { summary: s.summary, detail: s.detail, ok: statusOk(s) };
}

export class Reader {
  private readonly link: ReconnectingTransport;
  private readonly events = new Listeners<[ReaderEvent]>();
  private decoder: Decoder;
  private pending: Pending | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private nextRef = 0;
  private stopped = false;

  constructor(private readonly options: ReaderOptions) {
    this.decoder = this.freshDecoder();
    this.link = withReconnect(options.connect, {
      backoffBaseMs: options.reconnect?.backoffBaseMs ?? 500,
      backoffCapMs: options.reconnect?.backoffCapMs ?? 30_000,
      ...(options.reconnect?.random ? { random: options.reconnect.random } : {}),
      ...(options.reconnect?.sleep ? { sleep: options.reconnect.sleep } : {}),
    });
    this.link.onData((chunk) => this.onBytes(chunk));
    this.link.on('connected', () => {
      this.decoder = this.freshDecoder();
      this.emit({ type: 'connected' });
    });
    this.link.on('disconnected', (err) => {
      this.failPending(
        'reader.not_connected',
        `the reader went away${err ? `: ${err.message}` : ''}`,
      );
      this.emit({ type: 'disconnected', ...(err ? { reason: err.message } : {}) });
    });
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get description(): string {
    return this.link.description;
  }

  /** Connects (retrying in the background). Resolves on the first connection. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.link.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.failPending('reader.closed', 'the reader was stopped');
    await this.link.close();
  }

  onEvent(cb: (ev: ReaderEvent) => void): () => void {
    return this.events.add(cb);
  }

  /** Command 0xDF01: the reader answers with the same bytes. */
  async echo(data: Uint8Array = Uint8Array.of(1, 2, 3)): Promise<Uint8Array> {
    const res = await this.command(COMMAND.echo, (ref) => echoRequest(ref, data));
    const p = res.payload ? decodeTlvs(res.payload.data) : undefined;
    const echoed = p?.ok ? findTlv(p.value, '81')?.value : undefined;
    return echoed ?? new Uint8Array();
  }

  /**
   * Command 0x1001 with the final amount, Quick Chip, contactless only. Resolves once the reader
   * has started (status "running"); the card arrives later as events.
   */
  async startTransaction(input: StartTransactionInput & { nfc?: boolean }): Promise<void> {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
      throw new ReaderError(
        'reader.rejected',
        `amount ${input.amount} is not a positive whole number of minor units`,
      );
    if (!Number.isInteger(input.currency) || input.currency < 1 || input.currency > 999)
      throw new ReaderError(
        'reader.rejected',
        `currency ${input.currency} is not an ISO 4217 numeric code`,
      );
    await this.command(COMMAND.startTransaction, (ref) =>
      startTransactionRequest(ref, {
        timeoutSeconds: input.timeoutSeconds ?? 60,
        contactlessMode: input.nfc ? 0x03 : 0x01,
        quickChip: true,
        amount: input.amount,
        currency: input.currency,
        transactionType: EMV_TRANSACTION_TYPE[input.type],
      }),
    );
  }

  /** Command 0x1008: the cashier's cancel, and recovery. */
  async cancelTransaction(): Promise<void> {
    await this.command(COMMAND.cancelTransaction, (ref) => cancelTransactionRequest(ref));
  }

  private freshDecoder(): Decoder {
    return makeDecoder(this.options.framing, (code, message) =>
      this.emit({ type: 'protocol_error', code, message }),
    );
  }

  private emit(ev: ReaderEvent): void {
    this.events.emit(ev);
  }

  private frame(message: Uint8Array): Uint8Array[] {
    return this.options.framing === 'serial'
      ? [encodeSerialFrame(message, DIRECTION.hostToDevice)]
      : encodeHidReports(message, this.options.hidReportSize ?? HID_REPORT_SIZE);
  }

  /** One command at a time: each waits for the one before it to finish, however it finished. */
  private command(commandId: number, build: (ref: number) => Uint8Array): Promise<ResponseMessage> {
    const run = async (): Promise<ResponseMessage> => {
      if (this.stopped) throw new ReaderError('reader.closed', 'the reader was stopped');
      if (!this.link.connected)
        throw new ReaderError('reader.not_connected', `no reader on ${this.description}`);
      const ref = this.nextRef;
      this.nextRef = (this.nextRef + 1) & 0xff;
      const response = new Promise<ResponseMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (this.pending?.ref !== ref) return;
          this.pending = undefined;
          reject(
            new ReaderError(
              'reader.timeout',
              `no answer to command 0x${commandId.toString(16)} in ${this.timeoutMs} ms`,
            ),
          );
        }, this.timeoutMs);
        this.pending = { ref, commandId, resolve, reject, timer };
      });
      try {
        for (const chunk of this.frame(build(ref))) await this.link.write(chunk);
      } catch (err) {
        this.failPending(
          'reader.not_connected',
          `could not write to the reader: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      const res = await response;
      if (res.status && !statusOk(res.status)) {
        const status = toStatus(res.status);
        throw new ReaderError(
          'reader.rejected',
          `the reader refused command 0x${commandId.toString(16)}: status ${res.status.summary.toString(16).padStart(2, '0')} / ${res.status.detail.toString(16).padStart(6, '0')}`,
          status,
        );
      }
      return res;
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private get timeoutMs(): number {
    return this.options.commandTimeoutMs ?? 5000;
  }

  private failPending(code: ReaderErrorCode, message: string): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.reject(new ReaderError(code, message));
  }

  private onBytes(chunk: Uint8Array): void {
    try {
      for (const raw of this.decoder.push(chunk)) this.onMessage(raw);
    } catch (err) {
      // a bug here must not take the terminal down with it
      log.error({ err }, 'reader message handling failed');
      this.emit({
        type: 'protocol_error',
        code: 'reader.bad_message',
        message: 'internal error while reading a message',
      });
    }
  }

  private onMessage(raw: Uint8Array): void {
    const r = decodeMessage(raw);
    if (!r.ok) {
      this.emit({
        type: 'protocol_error',
        code: 'reader.bad_message',
        message: `${r.error} (at byte ${r.offset})`,
      });
      return;
    }
    const m = r.value;
    if (m.kind === 'notification') {
      const ev = interpretNotification(m);
      if (ev) this.emit(ev);
      return;
    }
    if (m.kind === 'response') {
      const p = this.pending;
      if (!p || p.ref !== m.ref || p.commandId !== m.commandId) {
        // e.g. the late answer to a command that already timed out
        this.emit({
          type: 'protocol_error',
          code: 'reader.unexpected_response',
          message: `response ref ${m.ref} to 0x${m.commandId.toString(16)} matches no command waiting`,
        });
        return;
      }
      this.pending = undefined;
      clearTimeout(p.timer);
      p.resolve(m);
      return;
    }
    this.emit({
      type: 'protocol_error',
      code: 'reader.bad_message',
      message: `unexpected ${m.kind} message from the reader`,
    });
  }
}
