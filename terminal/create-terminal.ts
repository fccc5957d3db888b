// createTerminal(config): opens the data dir, seeds a new one, and wires the services to the
// contract's handlers. Hosts hold the returned Terminal and nothing else.
import packageJson from '../package.json' with { type: 'json' };
import type { TerminalStatusDto } from '../contract/api';
import { VenueConfig } from '../contract/venue';
import { businessDate, systemClock } from '../lib/clock';
import { loadCatalog, replaceCatalog } from '../db/catalog';
import { pendingOutboxCount } from '../db/outbox';
import { lastReceiptNo } from '../db/sales';
import { getSetting, setSetting } from '../db/settings';
import { ensureTerminalId, openTerminalDb } from '../db/terminal-db';
import { demoCatalog, demoVenueConfig } from './demo-venue';
import { dispatch, type Handlers } from './dispatch';
import { createEventHub } from './events';
import { createSaleService } from './sale-service';
import type { Terminal, TerminalConfig } from './terminal';

/** A terminal that has never been configured by a gateway: sells in CNY with an empty catalog. */
export const defaultVenueConfig: VenueConfig = {
  ...demoVenueConfig,
  name: { en: 'Venue POS', zh: '场馆收银' },
};

const VERSION = packageJson.version;

export function terminalShortId(terminalId: string): string {
  return terminalId.slice(-6).toUpperCase();
}

export function createTerminal(config: TerminalConfig): Promise<Terminal> {
  return Promise.resolve(createTerminalSync(config));
}

export function createTerminalSync(config: TerminalConfig): Terminal {
  const clock = config.clock ?? systemClock;
  const db = openTerminalDb(config.dataDir, config.nativeBinding ? { nativeBinding: config.nativeBinding } : {});
  try {
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
    const venue = venueParsed.data;
    const hub = createEventHub();
    let closed = false;

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
      network: { state: 'standalone', pendingEvents: pendingOutboxCount(db) },
      lastReceiptNo: lastReceiptNo(db),
      version: VERSION,
    });

    const sales = createSaleService({
      db,
      clock,
      terminalId,
      shortId,
      venue: () => venue,
      onUpdated: (sale) => hub.emit('sale.updated', sale),
      onCompleted: (sale) => {
        hub.emit('sale.completed', sale);
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
    };

    return {
      terminalId,
      handlers,
      dispatch: (method, input) => dispatch(handlers, method, input),
      on: (event, listener) => hub.on(event, listener),
      close() {
        if (closed) return;
        closed = true;
        hub.clear();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
