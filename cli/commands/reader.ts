// `pos reader test ADDRESS`: a technician's check of a contactless reader over the driver the till
// uses (drivers/reader): Echo, then a purchase. Without a gateway it stops at the ARQC (the card
// was read and encrypted), cancels and exits 0. Prints masked card data only (ARCHITECTURE §4):
// brand, first 6 / last 4, AID and label; never the encrypted payload, expiry or PAR.
import type { KeyObject } from 'node:crypto';
import { parseArgs } from 'node:util';
import { formatMajor, parseMajor } from '../../contract/money';
import type { Reader } from '../../drivers/reader/reader';
import type { ArqcData, ReaderEvent, TransactionOutcome } from '../../drivers/reader/types';
import { CliError, UsageError, type Outcome, type Reporter } from '../output';

export const usage = `Usage: pos reader test ADDRESS [--amount 1.00] [--currency EUR] [--data-dir D --gateway URL]

Checks a contactless card reader: Echo, then a purchase transaction. Tap a card when asked.
Without --data-dir/--gateway it stops once the card's ARQC arrived, cancels the transaction and
exits 0. With an enrolled terminal's data dir and its gateway it authorizes the card at the
gateway (signed as that terminal) and then reverses the test payment; exit 0 when both worked.

ADDRESS is a device address (ARCHITECTURE §8): serial:/dev/ttyUSB0 (RS-232, 115200 baud),
hid:VID:PID (USB HID), or sim:reader[?card=NAME] for the built-in simulator.

Options:
  --amount A       amount in major units (default 1.00)
  --currency C     ISO 4217 code (default EUR)
  --timeout S      seconds to wait for a card (default 30)
  --data-dir D     an enrolled terminal's data dir (with --gateway)
  --gateway URL    the terminal's gateway (with --data-dir)
  --json           print the result as one JSON line
  -h, --help       show this help

Exit codes: 0 the reader read a card, 1 it did not (the reason in words), 2 usage error.`;

/** ISO 4217 numeric codes (EMV tag 5F2A) of the currencies a venue may use. */
const NUMERIC: Record<string, number> = {
  AUD: 36,
  CAD: 124,
  CHF: 756,
  CNY: 156,
  CZK: 203,
  DKK: 208,
  EUR: 978,
  GBP: 826,
  HKD: 344,
  JPY: 392,
  KWD: 414,
  NOK: 578,
  NZD: 554,
  PLN: 985,
  SEK: 752,
  SGD: 702,
  USD: 840,
};

const OUTCOME_WORDS: Record<TransactionOutcome, string> = {
  approved: 'the reader ended the transaction without handing over an ARQC',
  declined: 'the reader declined the card',
  cancelled: 'the transaction was cancelled',
  timed_out: 'no card was presented before the reader timed out',
  card_removed: 'the card was removed too early',
  error: 'the reader reported an error',
  host_decision: 'the reader ended the transaction without an ARQC',
  unknown: 'the transaction ended with an unknown outcome',
};

interface Args {
  address: string;
  amount: number;
  currency: string;
  currencyNumeric: number;
  timeoutSeconds: number;
  dataDir?: string;
  gateway?: string;
}

function parse(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        amount: { type: 'string' },
        currency: { type: 'string' },
        timeout: { type: 'string' },
        'data-dir': { type: 'string' },
        gateway: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const [address, ...extra] = parsed.positionals;
  if (!address) throw new UsageError('give the reader ADDRESS', usage);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, usage);
  const { values } = parsed;
  const currency = (values.currency ?? 'EUR').toUpperCase();
  const currencyNumeric = NUMERIC[currency];
  if (currencyNumeric === undefined)
    throw new UsageError(`--currency must be one of ${Object.keys(NUMERIC).join(', ')}, got "${values.currency}"`, usage);
  let amount: number;
  try {
    amount = parseMajor(values.amount ?? '1.00', currency);
  } catch {
    throw new UsageError(`--amount must be an amount in ${currency} such as 1.00, got "${values.amount}"`, usage);
  }
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > 999_999_999_999)
    throw new UsageError(`--amount must be positive, got "${values.amount}"`, usage);
  const timeoutSeconds = Number(values.timeout ?? '30');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 255)
    throw new UsageError(`--timeout must be 1-255 seconds, got "${values.timeout}"`, usage);
  if (values.gateway !== undefined && values['data-dir'] === undefined)
    throw new UsageError('--gateway needs --data-dir (an enrolled terminal signs the test payment)', usage);
  if (values['data-dir'] !== undefined && values.gateway === undefined)
    throw new UsageError('--data-dir needs --gateway', usage);
  return {
    address,
    amount,
    currency,
    currencyNumeric,
    timeoutSeconds,
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values.gateway !== undefined ? { gateway: values.gateway } : {}),
  };
}

/** The driver for the address; the simulator runs in this process with the RS-232 framing. */
async function openReader(address: string): Promise<Reader> {
  const [{ parseAddress, AddressError }, { Reader }] = await Promise.all([
    import('../../drivers/address'),
    import('../../drivers/reader/reader'),
  ]);
  let parsed;
  try {
    parsed = parseAddress(address);
  } catch (err) {
    if (err instanceof AddressError) throw new UsageError(err.message, usage);
    throw err;
  }
  const reconnect = { backoffBaseMs: 200, backoffCapMs: 1000 };
  switch (parsed.kind) {
    case 'sim': {
      if (parsed.device !== 'reader') throw new UsageError(`${address} is not a card reader (use sim:reader)`, usage);
      const [{ ReaderSim }, { createMemoryPair }, { findTestCard, testCardNames }] = await Promise.all([
        import('../../drivers/sim/reader-sim'),
        import('../../drivers/transport/memory'),
        import('../../drivers/sim/test-cards'),
      ]);
      if (parsed.card && parsed.card !== 'wristband' && !findTestCard(parsed.card))
        throw new UsageError(`unknown test card "${parsed.card}"; one of ${testCardNames().join(', ')}`, usage);
      const sim = new ReaderSim({ identity: 'random', ...(parsed.card ? { card: parsed.card } : {}) });
      return new Reader({
        framing: 'serial',
        reconnect,
        connect: () => {
          const [host, device] = createMemoryPair('sim:reader');
          void device.open();
          sim.attach(device, { framing: 'serial' });
          return host;
        },
      });
    }
    case 'serial': {
      const { createTransport } = await import('../../drivers/transport/create');
      return new Reader({ framing: 'serial', reconnect, connect: () => createTransport(parsed) });
    }
    case 'hid': {
      const { HidTransport } = await import('../../drivers/transport/hid');
      return new Reader({
        framing: 'hid',
        reconnect,
        connect: () => new HidTransport({ address: parsed, usagePage: 0xff00, reportSize: 64 }),
      });
    }
    case 'tcp':
    case 'usblp':
      throw new UsageError(`${address}: a card reader is on serial:, hid: or sim:reader`, usage);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CliError(what, 'reader.timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** What may be printed of a card: masked PAN (first 6 / last 4 at most), brand, AID, label. */
interface MaskedCard {
  maskedPan: string;
  last4: string;
  brand: string;
  entryMode: string;
  aid?: string;
  label?: string;
}

function maskedCard(a: ArqcData): MaskedCard {
  return {
    maskedPan: a.maskedPan,
    last4: a.last4,
    brand: a.brand,
    entryMode: a.entryMode,
    ...(a.aid ? { aid: a.aid } : {}),
    ...(a.applicationLabel ? { label: a.applicationLabel } : {}),
  };
}

interface GatewayTarget {
  url: string;
  pin?: string;
  terminalId: string;
  privateKey: KeyObject;
  clockOffsetMs: number;
}

/** The enrolled terminal in dataDir: its id, key and clock offset (it signs the test payment). */
async function openGateway(dataDir: string, gatewayUrl: string): Promise<GatewayTarget> {
  const [{ existsSync }, path, { terminalDbPath, openTerminalDb }, { getSetting }, enroll, key] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('../../db/terminal-db'),
    import('../../db/settings'),
    import('../../terminal/enroll'),
    import('../../terminal/terminal-key'),
  ]);
  const dir = path.resolve(dataDir);
  // Never create a terminal here: a missing database means the wrong folder.
  if (!existsSync(terminalDbPath(dir))) throw new CliError(`no terminal database at ${terminalDbPath(dir)}`, 'not_found');
  const terminalKey = key.loadTerminalKey(dir);
  if (!terminalKey) throw new CliError(`no ${key.TERMINAL_KEY_FILE} in ${dir}: the terminal's key signs the test payment`, 'key_missing');
  let url: string;
  try {
    url = enroll.normaliseGatewayUrl(gatewayUrl);
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const db = openTerminalDb(dir);
  try {
    const terminalId = getSetting<string>(db, 'terminal_id');
    if (!terminalId) throw new CliError(`${dir} holds no terminal id`, 'not_found');
    const enrolled = enroll.readGatewaySetting(db);
    if (!enrolled) throw new CliError(`terminal ${terminalId} is not enrolled: run pos enroll first`, 'not_enrolled');
    return {
      url,
      ...(enrolled.tlsFingerprint ? { pin: enrolled.tlsFingerprint } : {}),
      terminalId,
      privateKey: terminalKey.privateKey,
      clockOffsetMs: getSetting<number>(db, enroll.CLOCK_OFFSET_SETTING) ?? 0,
    };
  } finally {
    db.close();
  }
}

async function signedPost(gw: GatewayTarget, route: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const [{ signRequest }, { httpRequest }] = await Promise.all([
    import('../../lib/http-signature'),
    import('../../terminal/http-client'),
  ]);
  const url = `${gw.url}${route}`;
  const text = JSON.stringify(body);
  const headers = await signRequest({
    method: 'POST',
    url,
    body: text,
    keyId: gw.terminalId,
    privateKey: gw.privateKey,
    now: Date.now() + gw.clockOffsetMs,
  });
  let res;
  try {
    res = await httpRequest({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      body: text,
      timeoutMs: 15_000,
      ...(gw.pin ? { pin: gw.pin } : {}),
    });
  } catch (err) {
    throw new CliError(`gateway ${gw.url} unreachable: ${(err as Error).message}`, 'gateway.unreachable');
  }
  let json: unknown = null;
  try {
    json = JSON.parse(res.body.toString('utf8'));
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

/**
 * Authorizes the card's ARQC at the gateway under a fresh idempotency key, then reverses it, so the
 * test never charges anyone. An outcome other than approved is the failure's reason.
 */
async function authorizeAndReverse(
  gw: GatewayTarget,
  args: Args,
  arqc: ArqcData,
  out: Reporter,
): Promise<{ ok: boolean; message: string; data: Record<string, unknown> }> {
  if (!arqc.aid || !arqc.atc || !arqc.cryptogram)
    return { ok: false, message: 'the reader gave no AID, counter or cryptogram in clear: cannot authorize', data: {} };
  const [{ newId }, { createHash }] = await Promise.all([import('../../lib/ids'), import('node:crypto')]);
  const key = newId();
  const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
  // The velocity key: the PAR, else a hash of what the reader exposes (a test payment only).
  const cardKey = arqc.par ?? `reader-test:${createHash('sha256').update(`${arqc.maskedPan}|${arqc.aid}`).digest('hex').slice(0, 32)}`;
  const request = {
    idempotencyKey: key,
    terminalId: gw.terminalId,
    saleId: `reader-test-${key}`,
    amount: args.amount,
    currency: args.currency,
    card: {
      maskedPan: arqc.maskedPan,
      brand: arqc.brand,
      aid: arqc.aid,
      ...(arqc.applicationLabel ? { label: arqc.applicationLabel } : {}),
      entryMode: arqc.entryMode,
      ...(arqc.par ? { par: arqc.par } : {}),
      atc: arqc.atc,
      cryptogram: arqc.cryptogram,
    },
    encrypted: {
      ksn: hexOf(arqc.encrypted.ksn),
      payload: hexOf(arqc.encrypted.data),
      ...(arqc.encrypted.paddingBytes !== undefined ? { padding: arqc.encrypted.paddingBytes } : {}),
    },
    cardKey,
  };
  out.info(`authorizing ${formatAmount(args)} at ${gw.url} (payment ${key})`);
  const auth = await signedPost(gw, '/v1/payments/authorize', request);
  const reply = (auth.json ?? {}) as { status?: string; declineReason?: string; authCode?: string; error?: { code?: string; message?: string } };
  const data: Record<string, unknown> = { paymentKey: key, gateway: gw.url, authorization: reply.status ?? `http_${auth.status}` };
  if (auth.status >= 300 || !reply.status) {
    // Nothing may stay authorized by accident: reverse the key (a tombstone if it was never seen).
    await signedPost(gw, `/v1/payments/${key}/reverse`, { reason: 'cancelled' }).catch(() => undefined);
    const why = reply.error?.message ?? reply.error?.code ?? `HTTP ${auth.status}`;
    return { ok: false, message: `the gateway refused the test authorization: ${why}`, data };
  }
  if (reply.authCode) data.authCode = reply.authCode;
  if (reply.declineReason) data.declineReason = reply.declineReason;
  const rev = await signedPost(gw, `/v1/payments/${key}/reverse`, { reason: 'cancelled' });
  const reversal = (rev.json ?? {}) as { status?: string };
  data.reversal = reversal.status ?? `http_${rev.status}`;
  if (reply.status !== 'approved' && reply.status !== 'stand_in_approved') {
    return { ok: false, message: `not approved: ${reply.status}${reply.declineReason ? ` (${reply.declineReason})` : ''}`, data };
  }
  if (rev.status >= 300 || reversal.status !== 'reversed') {
    return { ok: false, message: `approved (auth code ${reply.authCode ?? '-'}) but the reversal answered ${String(data.reversal)}: reverse payment ${key} by hand`, data };
  }
  return { ok: true, message: `approved (auth code ${reply.authCode ?? '-'}) and reversed at ${gw.url}`, data };
}

function formatAmount(args: Args): string {
  return `${formatMajor(args.amount, args.currency)} ${args.currency}`;
}

type Ending = { kind: 'arqc'; data: ArqcData } | { kind: 'complete'; outcome: TransactionOutcome; detail: number } | { kind: 'gone'; reason: string };

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const args = parse(argv);
  // Check the terminal before anyone taps a card.
  const gateway = args.dataDir !== undefined && args.gateway !== undefined ? await openGateway(args.dataDir, args.gateway) : undefined;
  const reader = await openReader(args.address);
  const data: Record<string, unknown> = { address: args.address, amount: formatMajor(args.amount, args.currency), currency: args.currency };
  try {
    try {
      await withTimeout(reader.start(), 5000, `could not connect to the reader on ${args.address} within 5 s`);
    } catch (err) {
      throw new CliError(err instanceof Error ? err.message : String(err), 'reader.not_connected', data);
    }
    const probe = Uint8Array.of(0x50, 0x4f, 0x53);
    let echoed: Uint8Array;
    try {
      echoed = await reader.echo(probe);
    } catch (err) {
      throw new CliError(`Echo failed: ${err instanceof Error ? err.message : String(err)}`, 'reader.echo', data);
    }
    if (Buffer.compare(Buffer.from(echoed), Buffer.from(probe)) !== 0)
      throw new CliError('Echo failed: the reader answered with other bytes', 'reader.echo', data);
    data.echo = true;
    out.info(`echo ok on ${args.address}`);

    const ending = new Promise<Ending>((resolve) => {
      reader.onEvent((ev: ReaderEvent) => {
        if (ev.type === 'arqc') resolve({ kind: 'arqc', data: ev.data });
        else if (ev.type === 'operation_complete') resolve({ kind: 'complete', outcome: ev.outcome, detail: ev.detail });
        else if (ev.type === 'disconnected') resolve({ kind: 'gone', reason: `the reader went away${ev.reason ? `: ${ev.reason}` : ''}` });
        else if (ev.type === 'card_detected') out.info('card detected, reading…');
      });
    });
    try {
      await reader.startTransaction({
        amount: args.amount,
        currency: args.currencyNumeric,
        type: 'purchase',
        timeoutSeconds: args.timeoutSeconds,
      });
    } catch (err) {
      throw new CliError(`the reader did not start the transaction: ${err instanceof Error ? err.message : String(err)}`, 'reader.start', data);
    }
    out.info(`present a card for ${data.amount as string} ${args.currency} (waiting up to ${args.timeoutSeconds} s)`);
    let end: Ending;
    try {
      end = await withTimeout(ending, (args.timeoutSeconds + 5) * 1000, `no answer from the reader within ${args.timeoutSeconds + 5} s`);
    } catch (err) {
      await reader.cancelTransaction().catch(() => undefined);
      throw new CliError(err instanceof Error ? err.message : String(err), 'reader.timeout', data);
    }
    if (end.kind === 'gone') throw new CliError(end.reason, 'reader.not_connected', data);
    if (end.kind === 'complete') {
      throw new CliError(
        `no ARQC: ${OUTCOME_WORDS[end.outcome]} (detail ${end.detail.toString(16).padStart(8, '0')})`,
        `reader.${end.outcome}`,
        { ...data, outcome: end.outcome },
      );
    }
    const card = maskedCard(end.data);
    data.card = card;
    data.arqc = true;
    const label = card.label ?? card.brand.toUpperCase();
    if (!gateway) {
      // Quick Chip: the host decides. Here nobody authorizes, so the transaction is cancelled; a
      // reader that already finished on its own refuses the cancel, which is fine.
      await reader.cancelTransaction().catch(() => undefined);
      data.cancelled = true;
      return { message: `reader ${args.address}: echo ok; ARQC from ${label} ${card.maskedPan} (${card.entryMode}); transaction cancelled`, data };
    }
    const result = await authorizeAndReverse(gateway, args, end.data, out);
    Object.assign(data, result.data);
    // The reader waits for the host's decision; the test is over either way.
    await reader.cancelTransaction().catch(() => undefined);
    if (!result.ok) throw new CliError(result.message, 'payment.declined', data);
    return { message: `reader ${args.address}: echo ok; ${label} ${card.maskedPan} ${result.message}`, data };
  } finally {
    await reader.stop().catch(() => undefined);
  }
}

export const test = { usage, run };
