// createTerminal(config): opens the data dir, seeds a new one, and wires the services to the
// contract's handlers. Hosts hold the returned Terminal and nothing else.
import packageJson from '../package.json' with { type: 'json' };
import type { NetworkStatusDto, TerminalStatusDto } from '../contract/api';
import { VenueConfig } from '../contract/venue';
import { businessDate, systemClock } from '../lib/clock';
import { loadCatalog, replaceCatalog } from '../db/catalog';
import { getOpenSale, lastReceiptNo } from '../db/sales';
import { getSetting, setSetting } from '../db/settings';
import { ensureTerminalId, openTerminalDb } from '../db/terminal-db';
import { logger } from '../lib/log';
import { createCorrectedClock } from './corrected-clock';
import { demoCatalog, demoVenueConfig } from './demo-venue';
import { dispatch, type Handlers } from './dispatch';
import { CLOCK_OFFSET_SETTING, readGatewaySetting } from './enroll';
import { createEventHub } from './events';
import { createSaleService } from './sale-service';
import { createSyncWorker, outboxBacklog, type SyncWorker } from './sync-worker';
import { loadTerminalKey } from './terminal-key';
import type { Terminal, TerminalConfig } from './terminal';

/** A terminal that has never been configured by a gateway: sells in CNY with an empty catalog. */
export const defaultVenueConfig: VenueConfig = {
  ...demoVenueConfig,
  name: { en: 'Venue POS', zh: '场馆收银' },
};

const VERSION = packageJson.version;
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
    if (getSetting(db, 'venue') === undefined) {
      db.transaction(() => {
        setSetting(db, 'venue', config.demo ? demoVenueConfig : defaultVenueConfig);
        if (config.demo) replaceCatalog(db, demoCatalog);
      })();
    }
    const venueParsed = VenueConfig.safeParse(getSetting(db, 'venue'));
    if (!venueParsed.success) {
      throw new Error(`the venue configuration in ${config.dataDir} is invalid: ${venueParsed.error.message}`);
    }
    let venue = venueParsed.data;
    const hub = createEventHub();
    let closed = false;

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
            if (!closed) hub.emit('catalog.updated', loadCatalog(db, venue.currency));
          },
          onChange: emitStatusSoon,
        });
      }
    }

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
      defaultLocale: venue.defaultLocale,
      businessDate: businessDate(clock.now(), venue.timeZone, venue.dayChange),
      cashier: null,
      devices: { printer: 'not_configured', reader: 'not_configured', scanner: 'not_configured' },
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
      onUpdated: (sale) => {
        hub.emit('sale.updated', sale);
        // Reference data waits for an empty sale (ARCHITECTURE §6: applied between sales).
        if (sale.lines.length === 0) worker?.betweenSales();
      },
      onCompleted: (sale) => {
        hub.emit('sale.completed', sale);
        worker?.nudge();
        // The status bar can wait a turn; the cashier's reply should not.
        setImmediate(() => {
          if (!closed) hub.emit('terminal.status', status());
        });
      },
    });

    const handlers: Handlers = {
      'catalog.list': () => loadCatalog(db, venue.currency),
      'sale.get': () => sales.get(),
      'sale.addItem': ({ productId, quantity }) => sales.addItem(productId, quantity),
      'sale.setQuantity': ({ lineId, quantity }) => sales.setQuantity(lineId, quantity),
      'sale.removeLine': ({ lineId }) => sales.removeLine(lineId),
      'sale.clear': () => sales.clear(),
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
    };

    worker?.start();

    return {
      terminalId,
      handlers,
      ...(worker ? { sync: worker } : {}),
      dispatch: (method, input) => dispatch(handlers, method, input),
      on: (event, listener) => hub.on(event, listener),
      close() {
        if (closed) return;
        closed = true;
        // stop() marks the worker stopped synchronously: no pass touches db after this line.
        void worker?.stop();
        hub.clear();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
