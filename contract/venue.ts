// A venue's terminal configuration. Stored by the terminal in its settings; later issues deliver
// it from the gateway's reference data.
import { z } from 'zod';
import { Locale, LocalizedText } from './api';
import { CurrencyCode, Minor } from './money';

export const VenueConfig = z.object({
  name: LocalizedText,
  currency: CurrencyCode,
  /** IANA time zone of the venue, for business dates. */
  timeZone: z.string().min(1),
  /** Business day change, HH:MM local time: a sale at 01:30 belongs to the evening before. */
  dayChange: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** Cash rounding increment in minor units (1 = no rounding, 5 = to 0.05). */
  cashRounding: z.number().int().positive(),
  /** Banknotes in minor units, offered as quick cash amounts. */
  cashNotes: z.array(Minor.refine((n) => n > 0)).max(12),
  defaultLocale: Locale,
  /** At most this many age-restricted items (e.g. drinks) in one sale. */
  ageRestrictedPerSale: z.number().int().min(1).max(99).default(4),
  /** Notes and coins counted at the drawer, minor units; empty: the currency's usual ones. */
  denominations: z.array(Minor.refine((n) => n > 0)).max(30).default([]),
  /** Over/short beyond this (minor units, either way) needs a supervisor's approval and a note. */
  overShortTolerance: Minor.refine((n) => n >= 0).default(500),
  /** The till locks itself after this long without a touch (0: never). */
  idleLockSeconds: z.number().int().min(0).max(86_400).default(300),
  /** Tonight's event, for price levels set per event; null when none is set. */
  eventId: z.string().max(64).nullable().default(null),
});
export type VenueConfig = z.infer<typeof VenueConfig>;
