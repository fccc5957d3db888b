// The catalog as the cashier sees it: the reference data, what cannot be sold right now (sold out
// at this counter, sold out venue-wide, stopped by the venue), and the price level in force.
import { PosError, type CatalogDto } from '../contract/api';
import { levelInForce, type AvailabilityDto, type PriceContext } from '../contract/menu';
import type { VenueConfig } from '../contract/venue';
import { findProduct, loadCatalog, setSoldOut, soldOutHere } from '../db/catalog';
import { appendJournal } from '../db/journal';
import type { Db } from '../db/open';
import { stopSaleState } from '../db/stop-sale';
import { isoUtc, wallClock, type Clock } from '../lib/clock';
import type { Actor } from './sale-service';

export interface CatalogServiceDeps {
  db: Db;
  clock: Clock;
  terminalId: string;
  venue: () => VenueConfig;
  /** This counter's zone (for price levels per zone); null when it has none. */
  zone: () => string | null;
  actor: () => Actor;
}

export interface CatalogService {
  list(): CatalogDto;
  availability(): AvailabilityDto;
  priceContext(): PriceContext;
  /** Marks a product sold out (or back) at this counter; journaled with who did it. */
  setSoldOut(productId: string, soldOut: boolean): CatalogDto;
}

export function createCatalogService(deps: CatalogServiceDeps): CatalogService {
  const { db } = deps;

  function availability(): AvailabilityDto {
    const stop = stopSaleState(db);
    const venueWide = new Set(stop.soldOut);
    return {
      soldOut: [
        ...stop.soldOut.map((productId) => ({ productId, scope: 'venue' as const })),
        ...soldOutHere(db)
          .filter((id) => !venueWide.has(id))
          .map((productId) => ({ productId, scope: 'counter' as const })),
      ],
      stoppedTags: stop.tags,
      stopSaleVersion: stop.version,
      stopSaleAppliedAt: stop.appliedAt,
    };
  }

  function priceContext(): PriceContext {
    const venue = deps.venue();
    const w = wallClock(deps.clock.now(), venue.timeZone);
    return { eventId: venue.eventId, zone: deps.zone(), localTime: `${w.hour}:${w.minute}` };
  }

  function list(): CatalogDto {
    const body = loadCatalog(db);
    return {
      ...body,
      currency: deps.venue().currency,
      availability: availability(),
      priceLevelId: levelInForce(body.priceLevels, priceContext())?.id ?? null,
    };
  }

  return {
    list,
    availability,
    priceContext,
    setSoldOut(productId, soldOut) {
      if (!findProduct(db, productId)) {
        throw new PosError('catalog.product_not_found', `no product ${productId} in the catalog`);
      }
      const at = isoUtc(deps.clock.now());
      const who = deps.actor();
      db.transaction(() => {
        setSoldOut(db, productId, soldOut, at, who.name);
        appendJournal(db, at, soldOut ? 'catalog.sold_out' : 'catalog.back_in_stock', {
          terminalId: deps.terminalId,
          productId,
          by: { id: who.id, name: who.name, role: who.role },
        });
      })();
      return list();
    },
  };
}
