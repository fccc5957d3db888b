// The demo venue: a stadium's counters (food, drinks, beer, merchandise, parking, programmes),
// loaded into a new terminal data dir by `pos start` and into a new gateway by `pos gateway`.
// Pure data, here in contract/ so both the terminal and the gateway can use it. Prices are CNY in
// fen; Chinese VAT is included in shelf prices: 6 % for catering served at the counter, 13 % for
// goods. The catalog itself is docs/examples/demo-catalog.json.
import demoCatalogJson from '../docs/examples/demo-catalog.json';
import { CatalogBody } from './api';
import type { StaffMember, RiskPolicy } from './gateway';
import type { VenueConfig } from './venue';

export const demoVenueConfig: VenueConfig = {
  name: { en: 'Riverside Stadium', zh: '滨江体育场' },
  currency: 'CNY',
  timeZone: 'Asia/Shanghai',
  dayChange: '06:00',
  // Cash is rounded to the jiao (0.10): fen coins are out of use at counters.
  cashRounding: 10,
  cashNotes: [1000, 2000, 5000, 10000],
  defaultLocale: 'zh',
  ageRestrictedPerSale: 4,
  idleLockSeconds: 300,
  denominations: [],
  overShortTolerance: 500,
  eventId: 'demo-match',
};

/** EAN-13 check digit (GS1): weights 1,3,1,3… over the first 12 digits. */
export function ean13(first12: string): string {
  if (!/^\d{12}$/.test(first12))
    throw new RangeError('EAN-13 needs 12 digits before the check digit');
  const sum = [...first12].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return first12 + String((10 - (sum % 10)) % 10);
}

/**
 * The demo catalog is the documented example of the import format (docs/catalog-import.md):
 * docs/examples/demo-catalog.json, read with the import's schema, so the example can never drift
 * from what the demo sells. docs/examples/demo-catalog-csv/ is the same catalog as CSV files
 * (terminal/demo-venue.test.ts keeps the two equal).
 */
export const demoCatalog: CatalogBody & { currency: string } = {
  currency: demoVenueConfig.currency,
  ...CatalogBody.parse(demoCatalogJson),
};

/**
 * Demo staff. PINs (demo only!): cashier 1111, supervisor 2222, admin 9999. The hashes are
 * `scrypt$N$r$p$salt$hash` (N=16384, r=8, p=1, 32-byte key, base64 parts), computed once with
 * fixed salts so this file stays pure data.
 */
export const demoStaff: StaffMember[] = [
  {
    id: 'demo-cashier',
    name: 'Li Na',
    role: 'cashier',
    pinHash:
      'scrypt$16384$8$1$6aAipgkOFvnOexYThDpMxg==$kUiCqLd0Eap4r8V0LXr1Y1nlFH881ptDBzWgmBCY1kk=',
  },
  {
    id: 'demo-supervisor',
    name: 'Wang Wei',
    role: 'supervisor',
    pinHash:
      'scrypt$16384$8$1$LQPrRUdnuiRM9MLGH6BnMw==$z7nDeE2Td+plKcrBZA8Ed9l3KT7Je55Hd7GVm/1541g=',
  },
  {
    id: 'demo-admin',
    name: 'Venue admin',
    role: 'admin',
    pinHash:
      'scrypt$16384$8$1$zOeizxrgRZic/JFPuVpBUg==$bjdtZVkFia/47dH0zQwhLWUDE7G8xT17KloSUpsjHQs=',
  },
];

/** Offline acceptance policy of the demo venue, in fen (ARCHITECTURE §5). */
export const demoRiskPolicy: RiskPolicy = {
  offlinePerTransactionLimit: 30_000,
  offlineTotalLimit: 500_000,
  offlineCountPerCard: 3,
  // China's contactless no-CVM limit: 1 000 CNY.
  contactlessCvmLimit: 100_000,
  offlineWarnAfterHours: 24,
  offlineStopAfterHours: 72,
  walletsOnlineOnly: true,
  // The gateway's stand-in while the acquirer is unreachable: at most 5 000 CNY outstanding
  // across the venue, 300 CNY a payment, two per card; capture at the day change.
  standIn: { enabled: true, exposureCap: 500_000, perTransactionLimit: 30_000, countPerCard: 2 },
};

/**
 * Card keys the demo venue refuses: the PAR of the simulator's `blocked` test card
 * (drivers/sim/test-cards.ts; tests/gateway-test-cards.test.ts keeps the two in step).
 */
export const demoBlockedCardKeys: readonly string[] = ['V001TESTPAR0BLOCKEDCARD000001'];
