// The venue's stop-sale state as this terminal last applied it (from the gateway's `stop-sale`
// reference data): stopped tags and products sold out venue-wide.
import type { StopSaleState } from '../contract/menu';
import type { Db } from './open';
import { getSetting, setSetting } from './settings';

const STOP_SALE_SETTING = 'stop_sale';

export interface AppliedStopSale extends StopSaleState {
  /** When this terminal applied it (null: never received). */
  appliedAt: string | null;
}

export function stopSaleState(db: Db): AppliedStopSale {
  return getSetting<AppliedStopSale>(db, STOP_SALE_SETTING) ?? { version: 0, tags: [], soldOut: [], appliedAt: null };
}

/** Applies a stop-sale version; false when this version is already applied. */
export function applyStopSale(db: Db, state: StopSaleState, at: string): boolean {
  // Any other version replaces it: a gateway restored from a backup may count from lower again.
  if (state.version === stopSaleState(db).version) return false;
  setSetting(db, STOP_SALE_SETTING, { ...state, appliedAt: at } satisfies AppliedStopSale);
  return true;
}
