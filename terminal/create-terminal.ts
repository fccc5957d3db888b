// createTerminal(config): opens the data dir, seeds a new one, and wires the services to the
// contract's handlers. Hosts hold the returned Terminal and nothing else.
import packageJson from '../package.json' with { type: 'json' };
import {
  PosError,
  type StaffRef,
  type NetworkStatusDto,
  type PrinterStatusDto,
  type ReaderStatusDto,
  type TerminalStatusDto,
} from '../contract/api';
import { VenueConfig } from '../contract/venue';
import { businessDate, isoUtc, systemClock } from '../lib/clock';
import { replaceCatalog } from '../db/catalog';
import { createCatalogService } from './catalog-service';
import { getOpenSale, lastReceiptNo } from '../db/sales';
import { enqueuePrintJob, lastCompletedSaleId, lastPrintedJob, waitingJobCount } from '../db/print-jobs';
import { getSetting, setSetting } from '../db/settings';
import { resolveProfile } from '../drivers/printer/profiles';
import { decodeEscPos } from '../drivers/sim/document';
import { renderSvg } from '../drivers/sim/render';
import { ensureTerminalId, openTerminalDb } from '../db/terminal-db';
import { logger } from '../lib/log';
import { createCorrectedClock } from './corrected-clock';
import { demoCatalog, demoVenueConfig } from './demo-venue';
import { demoStaff } from '../contract/demo-venue';
import { dispatch, type Handlers } from './dispatch';
import { CLOCK_OFFSET_SETTING, readGatewaySetting } from './enroll';
import { createEventHub } from './events';
import { openPrinterPort, type OpenedPort } from './printing/escpos-printer-port';
import { createPrintWorker, enqueueReprint, notConfiguredPrinterStatus, type PrintWorker } from './printing/print-worker';
import { COUNTER_ACTOR, createSaleService } from './sale-service';
import { createStaffService } from './staff/staff-service';
import { createShiftService } from './shifts/shift-service';
import { journalOfType } from '../db/journal';
import { cardPaymentsInStates } from '../db/card-payments';
import { replaceStaff, setBootstrapAdmin } from '../db/staff';
import { hashPinSync, randomPin } from '../lib/pin';
import { createCardService } from './payments/card-service';
import { createWalletGateway } from './payments/wallet-gateway';
import { createScannerDevice } from './scanner-device';
import { createWalletService } from './payments/wallet-service';
import { createPaymentGateway } from './payments/payment-gateway';
import { openReaderDevice, type ReaderDevice } from './reader-device';
import { createRefundGateway } from './refunds/refund-gateway';
import { createRefundService } from './refunds/refund-service';
import { createSignedSender } from './signed-request';
import { httpRequest } from './http-client';
import { createSyncWorker, outboxBacklog, type SyncWorker } from './sync-worker';
import { loadTerminalKey } from './terminal-key';
import type { Terminal, TerminalConfig } from './terminal';

/** A terminal that has never been configured by a gateway: sells in CNY with an empty catalog. */
export const defaultVenueConfig: VenueConfig = {
  ...demoVenueConfig,
  name: { en: 'Venue POS', zh: '场馆收银' },
};

const VERSION = packageJson.version;

/** Reads the UI makes on its own (start-up, status refreshes): not a touch for the idle lock. */
const PASSIVE_COMMANDS: ReadonlySet<string> = new Set([
  'staff.session',
  'staff.list',
  'terminal.getStatus',
  'printer.getStatus',
  'reader.getStatus',
  'catalog.list',
  'sale.get',
  'payment.getCard',
  'payment.listRecovered',
  'payment.listRecoveredWallets',
  'scanner.getStatus',
  'printer.lastReceipt',
]);
const log = logger('terminal');

export function terminalShortId(terminalId: string): string {
  return terminalId.slice(-6).toUpperCase();
}

export function createTerminal(config: TerminalConfig): Promise<Terminal> {
  return Promise.resolve(createTerminalSync(config));
}

export function createTerminalSync(config: TerminalConfig): Terminal {
  const db = openTerminalDb(config.dataDir, config.nativeBinding ? { nativeBinding: config.nativeBinding } : {});
  try {
    // Records and signatures use the gateway-corrected clock (ARCHITECTURE §4); the last known
    // offset survives restarts, so a till that starts while the gateway is down still dates right.
    const clock = createCorrectedClock(config.clock ?? systemClock, getSetting<number>(db, CLOCK_OFFSET_SETTING) ?? 0);
    const terminalId = ensureTerminalId(db);
    const shortId = terminalShortId(terminalId);
    let bootstrapPin: string | null = null;
    if (getSetting(db, 'venue') === undefined) {
      // A new terminal: the demo gets the demo venue and its staff; any other gets a local admin
      // whose PIN is shown once, until the gateway sends the venue's staff.
      const pin = config.demo ? null : randomPin();
      const admin = pin && { id: 'bootstrap-admin', name: 'Bootstrap admin', role: 'admin' as const, pinHash: hashPinSync(pin) };
      db.transaction(() => {
        setSetting(db, 'venue', config.demo ? demoVenueConfig : defaultVenueConfig);
        if (config.demo) {
          replaceCatalog(db, demoCatalog);
          replaceStaff(db, demoStaff);
        }
        if (admin) setBootstrapAdmin(db, admin);
      })();
      bootstrapPin = pin;
    }
    // A zone given at start is this counter's from now on (price levels per zone).
    if (config.zone !== undefined && getSetting<string>(db, 'zone') !== config.zone) setSetting(db, 'zone', config.zone);
    const venueParsed = VenueConfig.safeParse(getSetting(db, 'venue'));
    if (!venueParsed.success) {
      throw new Error(`the venue configuration in ${config.dataDir} is invalid: ${venueParsed.error.message}`);
    }
    let venue = venueParsed.data;
    const hub = createEventHub();
    let closed = false;
    /** Selling needs someone signed in and an open (not yet counted) shift on this drawer. */
    function sellGuard(): void {
      staff.require('cashier');
      if (!shifts.selling()) throw new PosError('shift.not_open', 'open a shift before selling');
    }
    const staff = createStaffService({
      db,
      clock,
      terminalId,
      idleLockSeconds: () => venue.idleLockSeconds,
      ...(config.staff ? { config: config.staff } : {}),
      onChange: (session) => {
        if (!closed) hub.emit('staff.session', session);
      },
    });
    const idleTimer = setInterval(() => {
      if (!closed) staff.checkIdle();
    }, 1000);
    idleTimer.unref();
    const catalog = createCatalogService({
      db,
      clock,
      terminalId,
      venue: () => venue,
      zone: () => getSetting<string>(db, 'zone') ?? null,
      actor: () => COUNTER_ACTOR,
    });

    // ---- network: the sync worker when enrolled, else standalone ----
    const gateway = readGatewaySetting(db);
    let worker: SyncWorker | undefined;
    let networkProblem: string | null = null;
    let forcedStandalone = false;
    let statusQueued = false;
    const emitStatusSoon = (): void => {
      // Coalesced: a drained queue acks many batches, the status bar needs one update.
      if (statusQueued || closed) return;
      statusQueued = true;
      setImmediate(() => {
        statusQueued = false;
        if (!closed) hub.emit('terminal.status', status());
      });
    };
    if (gateway) {
      const key = loadTerminalKey(config.dataDir);
      if (!key) {
        networkProblem = `enrolled with ${gateway.url} but ${config.dataDir}/terminal.key is missing: re-enroll this terminal`;
        log.error(networkProblem);
      } else if (config.sync !== false) {
        worker = createSyncWorker({
          db,
          terminalId,
          privateKey: key.privateKey,
          gateway,
          clock,
          ...(config.sync ? { config: config.sync } : {}),
          isBetweenSales: () => (getOpenSale(db)?.lines.length ?? 0) === 0,
          onVenueApplied: (v) => {
            venue = v;
          },
          onCatalogApplied: () => {
            if (!closed) hub.emit('catalog.updated', catalog.list());
          },
          // Applied at once, even mid-sale: the cashier sees stopped items (and why) in the grid
          // and on the open sale's lines. `sales` is read at call time: it is created below.
          onStopSaleApplied: () => {
            if (closed) return;
            hub.emit('catalog.updated', catalog.list());
            hub.emit('sale.updated', sales.get());
          },
          onChange: emitStatusSoon,
        });
      }
    }

    // ---- printer: a worker over the configured address, else 'not_configured' ----
    let printer: { worker: PrintWorker; opened: OpenedPort } | undefined;
    // A printer address or profile that cannot be read must not stop the till from selling: the
    // status says what is wrong, and receipts wait in the table until the setting is fixed.
    let printerConfigError: string | null = null;
    let opened: OpenedPort | undefined;
    if (config.printer) {
      try {
        opened = openPrinterPort(config.printer.address, resolveProfile(config.printer.profile ?? '80mm'), config.printer.port ?? {});
      } catch (err) {
        printerConfigError = `printer setting unusable: ${(err as Error).message}`;
        log.error({ address: config.printer.address, profile: config.printer.profile }, printerConfigError);
      }
    }
    if (config.printer && opened) {
      const profileName = config.printer.profile ?? '80mm';
      const worker = createPrintWorker({
        db,
        clock,
        port: opened.port,
        profileName,
        venue: () => venue,
        terminalShortId: shortId,
        gatewayUrl: () => readGatewaySetting(db)?.url ?? null,
        language: config.printer.language ?? 'both',
        ...(config.printer.worker ? { config: config.printer.worker } : {}),
        onChange: (s) => {
          if (closed) return;
          hub.emit('printer.status', s);
          emitStatusSoon();
        },
      });
      printer = { worker, opened };
    }
    const printerStatus = (): PrinterStatusDto => {
      if (printer) return printer.worker.status();
      const none = notConfiguredPrinterStatus(waitingJobCount(db));
      if (printerConfigError === null) return none;
      return {
        ...none,
        state: 'error',
        problem: 'error',
        address: config.printer?.address ?? null,
        profile: config.printer?.profile ?? null,
        detail: printerConfigError,
      };
    };
    const requirePrinter = (): PrintWorker => {
      if (!printer) throw new PosError('printer.not_configured', 'no receipt printer is configured for this terminal');
      return printer.worker;
    };

    // ---- card reader and card payments ----
    let device: ReaderDevice | undefined;
    let readerConfigError: string | null = null;
    if (config.reader) {
      try {
        device = openReaderDevice(config.reader.address, config.reader.device ?? {});
      } catch (err) {
        readerConfigError = `reader setting unusable: ${(err as Error).message}`;
        log.error({ address: config.reader.address }, readerConfigError);
      }
    }
    const terminalKey = gateway ? loadTerminalKey(config.dataDir) : undefined;
    const gatewaySender =
      gateway && terminalKey
        ? createSignedSender({
              gateway,
              terminalId,
              privateKey: terminalKey.privateKey,
              clock,
              fetch: config.cards?.fetch ?? httpRequest,
              timeoutMs: config.cards?.gatewayTimeoutMs ?? 15_000,
              onClockChanged: (offsetMs) => {
                if (!closed) setSetting(db, CLOCK_OFFSET_SETTING, offsetMs);
              },
            })
        : undefined;
    const paymentGateway = gatewaySender
      ? createPaymentGateway(gatewaySender, config.cards?.gatewayTimeoutMs ?? 15_000)
      : undefined;
    const cards = createCardService({
      db,
      clock,
      terminalId,
      venue: () => venue,
      ...(device ? { device } : {}),
      ...(paymentGateway ? { gateway: paymentGateway } : {}),
      forcedOffline: () => (worker ? worker.status().forcedOffline : forcedStandalone),
      offlineSince: () => worker?.status().offlineSince ?? null,
      openSale: () => sales.get(),
      guard: () => sellGuard(),
      walletInProgress: () => wallets.active() !== undefined,
      onUpdated: (payment) => {
        if (closed) return;
        hub.emit('payment.updated', payment);
        hub.emit('sale.updated', sales.get());
      },
      onReaderStatus: (s) => {
        if (closed) return;
        hub.emit('reader.status', s);
        emitStatusSoon();
      },
      config: config.cards ?? {},
    });
    const wallets = createWalletService({
      db,
      clock,
      terminalId,
      ...(gatewaySender ? { gateway: createWalletGateway(gatewaySender, config.cards?.gatewayTimeoutMs ?? 15_000) } : {}),
      online: () => (worker ? worker.status().state === 'online' && !worker.status().forcedOffline : false),
      openSale: () => sales.get(),
      guard: () => sellGuard(),
      cardInProgress: () => cards.active() !== undefined,
      onUpdated: (payment) => {
        if (closed) return;
        hub.emit('wallet.updated', payment);
        hub.emit('sale.updated', sales.get());
      },
      config: config.wallets ?? {},
    });
    // The scanner the terminal drives (keyboard-wedge scanners need nothing here: the renderer
    // recognises them). Scan text may be a wallet payment code: it goes to the UI, never a log.
    const scanner = createScannerDevice(config.scanner, {
      clock,
      onScan: (scan) => {
        if (!closed) hub.emit('scanner.scan', scan);
      },
      onStatus: (s) => {
        if (closed) return;
        hub.emit('scanner.status', s);
        emitStatusSoon();
      },
    });
    const readerStatus = (): ReaderStatusDto => {
      const s = cards.readerStatus();
      if (readerConfigError === null) return s;
      return { ...s, state: 'error', address: config.reader?.address ?? null, detail: readerConfigError };
    };

    const network = (): NetworkStatusDto => {
      if (worker) return worker.status();
      const backlog = outboxBacklog(db);
      return {
        state: gateway ? 'offline' : 'standalone',
        forcedOffline: forcedStandalone,
        pendingEvents: backlog.pending,
        oldestPendingAt: backlog.oldestAt,
        offlineSince: null,
        lastSyncAt: null,
        gatewayUrl: gateway?.url ?? null,
        problem: networkProblem,
      };
    };

    const status = (): TerminalStatusDto => ({
      terminalId,
      shortId,
      venueName: venue.name,
      currency: venue.currency,
      cashRounding: venue.cashRounding,
      cashNotes: venue.cashNotes,
      ageRestrictedPerSale: venue.ageRestrictedPerSale,
      defaultLocale: venue.defaultLocale,
      businessDate: businessDate(clock.now(), venue.timeZone, venue.dayChange),
      // Who is signed in (null when nobody is, or the till is locked).
      cashier: ((who) => (who ? { id: who.id, name: who.name } : null))(staff.current()),
      devices: { printer: printerStatus().state, reader: readerStatus().state, scanner: scanner.status().state },
      reader: readerStatus(),
      scanner: scanner.status(),
      printer: printerStatus(),
      network: network(),
      lastReceiptNo: lastReceiptNo(db),
      version: VERSION,
    });

    const sales = createSaleService({
      db,
      clock,
      terminalId,
      shortId,
      venue: () => venue,
      priceContext: () => catalog.priceContext(),
      availability: () => catalog.availability(),
      actor: () => staff.current() ?? COUNTER_ACTOR,
      attribution: () => ({ shiftId: shifts.selling()?.shiftId ?? null, staffId: staff.current()?.id ?? null }),
      guard: () => sellGuard(),
      printReceipts: config.printer !== undefined,
      cards,
      wallets,
      onUpdated: (sale) => {
        hub.emit('sale.updated', sale);
        // Reference data waits for an empty sale (ARCHITECTURE §6: applied between sales).
        if (sale.lines.length === 0) worker?.betweenSales();
      },
      onCompleted: (sale) => {
        hub.emit('sale.completed', sale);
        worker?.nudge();
        printer?.worker.nudge();
        // The status bar can wait a turn; the cashier's reply should not.
        setImmediate(() => {
          if (!closed) hub.emit('terminal.status', status());
        });
      },
    });

    // ---- refunds: card money back through the same signed gateway client ----
    const refunds = createRefundService({
      db,
      clock,
      terminalId,
      shortId,
      venue: () => venue,
      ...(gatewaySender ? { gateway: createRefundGateway(gatewaySender, config.cards?.gatewayTimeoutMs ?? 15_000) } : {}),
      forcedOffline: () => (worker ? worker.status().forcedOffline : forcedStandalone),
      printReceipts: config.printer !== undefined,
      // Every refund and void is approved by a supervisor: signed in, or by PIN at the till.
      approve: async (draft, pin, reason) => {
        const isVoid = reason?.startsWith('void') ?? false;
        const { approver } = await staff.authorize(pin, 'supervisor', isVoid ? 'sale.void' : 'refund', reason);
        return { approvedBy: approver.id };
      },
      shiftId: () => shifts.selling()?.shiftId ?? null,
      guard: () => sellGuard(),
      onCompleted: () => {
        if (closed) return;
        worker?.nudge();
        printer?.worker.nudge();
        emitStatusSoon();
      },
    });

    const shifts = createShiftService({
      db,
      clock,
      terminalId,
      venue: () => venue,
      staff,
      cardInProgress: () => cards.active() !== undefined || wallets.active() !== undefined,
      unsynced: () => outboxBacklog(db).pending,
      unforwarded: () => cardPaymentsInStates(db, ['stored', 'forwarding']).length,
      printReceipts: config.printer !== undefined,
      onChanged: (shift) => {
        if (closed) return;
        hub.emit('shift.updated', shift);
        printer?.worker.nudge();
      },
    });

    /** A supervisor's PIN that came with a line void: approved (and journaled) first. */
    async function lineVoidApproval(pin: string | undefined, lineId: string | null): Promise<string | null> {
      if (pin === undefined) return staff.current()?.role === 'cashier' ? null : (staff.current()?.name ?? null);
      return (await staff.authorize(pin, 'supervisor', 'line.void', lineId)).approver.name;
    }

    const handlers: Handlers = {
      'shift.current': () => shifts.current(),
      'shift.open': ({ cashierId, float, supervisorPin }) => shifts.open(cashierId, float, supervisorPin),
      'shift.cashMovement': (input) => shifts.cashMovement(input),
      'drawer.noSale': ({ reason, supervisorPin }) => shifts.noSale(reason, supervisorPin),
      'report.x': () => shifts.x(),
      'shift.count': ({ counts }) => shifts.count(counts),
      'shift.close': ({ note, supervisorPin }) => shifts.close(note, supervisorPin),
      'day.close': ({ supervisorPin }) => shifts.closeDay(supervisorPin),
      'report.get': ({ kind, shiftId, number }) => shifts.report(kind, kind === 'shift' ? shiftId : number) ?? null,
      'report.overrides': ({ limit }) => {
        staff.require('supervisor');
        return journalOfType(db, 'override', limit ?? 100).map(({ seq, at, payload }) => {
          const p = payload as { action: string; reason: string | null; by: StaffRef; approvedBy: StaffRef };
          return { seq, at, action: p.action, reason: p.reason, by: p.by, approvedBy: p.approvedBy };
        });
      },
      'staff.list': () => staff.list(),
      'staff.login': ({ staffId, pin }) => staff.login(staffId, pin),
      'staff.logout': () => staff.logout(),
      'staff.lock': () => staff.lock(),
      'staff.session': () => staff.session(),
      // A touch at the till (the dispatcher counts every non-passive command as one).
      'staff.touch': () => staff.session(),
      'catalog.list': () => catalog.list(),
      'catalog.setSoldOut': ({ productId, soldOut }) => {
        const list = catalog.setSoldOut(productId, soldOut);
        hub.emit('catalog.updated', list);
        return list;
      },
      'sale.get': () => sales.get(),
      'sale.addItem': (input) => sales.addItem(input),
      'sale.returnDeposit': ({ depositId, quantity }) => sales.returnDeposit(depositId, quantity),
      'sale.overridePrice': async ({ lineId, unitPrice, reason, supervisorPin }) => {
        const { approver } = await staff.authorize(supervisorPin, 'supervisor', 'price.override', reason);
        return sales.overridePrice(lineId, unitPrice, reason, approver.name);
      },
      'sale.setDiscount': async ({ supervisorPin, ...input }) => {
        // The PIN comes after a needs_supervisor answer: approve first, then give the discount.
        const approver =
          supervisorPin === undefined
            ? null
            : (await staff.authorize(supervisorPin, 'supervisor', 'discount', input.reason)).approver;
        return sales.setDiscount(input, approver?.name ?? null);
      },
      'sale.setQuantity': async ({ lineId, quantity, supervisorPin }) =>
        sales.setQuantity(lineId, quantity, await lineVoidApproval(supervisorPin, lineId)),
      'sale.removeLine': async ({ lineId, supervisorPin }) =>
        sales.removeLine(lineId, await lineVoidApproval(supervisorPin, lineId)),
      'sale.clear': async ({ supervisorPin }) => sales.clear(await lineVoidApproval(supervisorPin, null)),
      'sale.void': ({ saleId, reason, supervisorPin }) => refunds.void(saleId, reason, supervisorPin),
      'payment.payCash': ({ tendered }) => sales.payCash(tendered),
      'sale.complete': () => sales.complete(),
      'terminal.getStatus': () => status(),
      'sync.setForcedOffline': ({ offline }) => {
        if (worker) worker.setForcedOffline(offline);
        else forcedStandalone = offline;
        const s = status();
        hub.emit('terminal.status', s);
        return s;
      },
      'printer.getStatus': () => printerStatus(),
      'payment.startCard': ({ amount }) => cards.startCard(amount),
      'payment.cancelCard': () => cards.cancelCard(),
      'payment.getCard': () => cards.getCard(),
      'payment.resolveRecovered': ({ paymentId, action }) => cards.resolveRecovered(paymentId, action),
      'payment.listRecovered': () => cards.listRecovered(),
      'reader.selectTestCard': ({ name }) => cards.selectTestCard(name),
      'reader.getStatus': () => readerStatus(),
      'payment.startWallet': ({ code, amount }) => wallets.start(code, amount),
      'payment.cancelWallet': () => wallets.cancel(),
      'payment.listRecoveredWallets': () => wallets.listRecovered(),
      'payment.resolveRecoveredWallet': ({ paymentId, action }) => wallets.resolveRecovered(paymentId, action),
      'scanner.getStatus': () => scanner.status(),
      'scanner.simulateScan': ({ text, symbology }) => scanner.simulateScan(text, symbology),
      'sale.findByReceipt': ({ receipt }) => refunds.findByReceipt(receipt),
      'refund.create': (input) => refunds.create(input),
      'printer.reprintLast': () => {
        const w = requirePrinter();
        const saleId = lastCompletedSaleId(db);
        const job = saleId ? enqueueReprint(db, saleId, isoUtc(clock.now())) : undefined;
        if (!job) throw new PosError('printer.nothing_to_reprint', 'no completed sale to reprint yet');
        w.nudge();
        return { jobId: job.jobId, printer: w.status() };
      },
      'printer.testPrint': () => {
        const w = requirePrinter();
        const job = enqueuePrintJob(db, { kind: 'test', at: isoUtc(clock.now()) });
        w.nudge();
        return { jobId: job.jobId, printer: w.status() };
      },
      'printer.lastReceipt': () => {
        const job = lastPrintedJob(db, ['receipt', 'reprint']);
        if (!job || !printer) return { receiptRef: null, copy: false, printedAt: null, svg: null };
        // Our own bytes through the simulator's decoder: a faithful preview of the paper.
        const decoded = decodeEscPos(printer.worker.render(job));
        const page = decoded.pages[0] ?? decoded.current;
        const sale = (job.payload as { sale?: { receiptRef?: string } }).sale;
        return {
          receiptRef: sale?.receiptRef ?? null,
          copy: job.copy,
          printedAt: job.printedAt,
          svg: renderSvg(page, { columns: printer.opened.port.profile.charsPerLine.A }),
        };
      },
    };

    worker?.start();
    printer?.worker.start();
    const cardsReady = cards.start().catch((err: unknown) => {
      log.error({ err: (err as Error).message }, 'card payments start-up failed');
    });
    const walletsReady = wallets.startBackground().catch((err: unknown) => {
      log.error({ err: (err as Error).message }, 'wallet payments start-up failed');
    });

    return {
      terminalId,
      handlers,
      ...(worker ? { sync: worker } : {}),
      ...(printer
        ? { printer: { worker: printer.worker, ...(printer.opened.sim ? { sim: printer.opened.sim } : {}) } }
        : {}),
      cards: { service: cards, ready: cardsReady, ...(device ? { device } : {}) },
      wallets: { service: wallets, ready: walletsReady },
      bootstrapPin,
      dispatch: (method, input) => {
        // Every command is a touch at the till, after the idle check: a command that arrives after
        // the idle time finds the till already locked.
        staff.checkIdle();
        if (typeof method !== 'string' || !PASSIVE_COMMANDS.has(method)) staff.touch();
        return dispatch(handlers, method, input);
      },
      on: (event, listener) => hub.on(event, listener),
      close() {
        if (closed) return;
        closed = true;
        clearInterval(idleTimer);
        // stop() marks the worker stopped synchronously: no pass touches db after this line.
        void worker?.stop();
        void printer?.worker.stop();
        void cards.stop();
        void wallets.stop();
        void scanner.close();
        hub.clear();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
