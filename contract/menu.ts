// What a counter sells beyond a flat SKU: sizes (variants), modifier groups, combos, deposits,
// discount reasons with per-role limits, price levels, and the availability flags (sold out,
// stop-sale). Pure schemas and rules, shared by the terminal, the gateway, the importer and the UI.
import { z } from 'zod';
import { Minor } from './money';

export const LocalizedName = z.object({ en: z.string().min(1).max(200), zh: z.string().min(1).max(200) });

/** Identifiers in catalog files: short, stable, printable. */
export const CatalogId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'letters, digits, . _ : - (at most 64)');

/** Product tags (`alcohol`, `hot`, …): what a venue-wide stop-sale names. */
export const Tag = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, _ - (at most 32)');

export const Role = z.enum(['cashier', 'supervisor', 'admin']);
export type Role = z.infer<typeof Role>;
const ROLE_RANK: Record<Role, number> = { cashier: 0, supervisor: 1, admin: 2 };
export const roleAtLeast = (role: Role, needed: Role): boolean => ROLE_RANK[role] >= ROLE_RANK[needed];

const NonNegative = Minor.refine((n) => n >= 0, 'must not be negative');
const Positive = Minor.refine((n) => n > 0, 'must be positive');
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM');

/** A size of a product (small / large beer). Its price replaces the product's. */
export const VariantDto = z.object({
  id: CatalogId,
  name: LocalizedName,
  price: NonNegative,
  barcode: z.string().max(64).nullable().default(null),
  /** Deposit of this size; absent: the product's. */
  depositId: CatalogId.nullable().optional(),
});
export type VariantDto = z.infer<typeof VariantDto>;

export const ModifierOptionDto = z.object({
  id: CatalogId,
  name: LocalizedName,
  /** Added to the item's unit price; may be negative ("no cheese") or zero ("no ice"). */
  priceDelta: Minor.default(0),
});
export type ModifierOptionDto = z.infer<typeof ModifierOptionDto>;

/** Required when `min` ≥ 1. Each option at most once. */
export const ModifierGroupDto = z
  .object({
    id: CatalogId,
    name: LocalizedName,
    min: z.number().int().min(0).max(20),
    max: z.number().int().min(1).max(20),
    options: z.array(ModifierOptionDto).min(1).max(40),
  })
  .refine((g) => g.min <= g.max, 'min must not exceed max')
  .refine((g) => g.min <= g.options.length, 'min exceeds the number of options')
  .refine((g) => new Set(g.options.map((o) => o.id)).size === g.options.length, 'option ids must be unique');
export type ModifierGroupDto = z.infer<typeof ModifierGroupDto>;

/** A returnable container (cup, glass): charged with its item, outside tax, paid back on return. */
export const DepositDto = z.object({ id: CatalogId, name: LocalizedName, amount: Positive });
export type DepositDto = z.infer<typeof DepositDto>;

/** One place in a combo; the customer takes exactly one of its choices. */
export const ComboSlotDto = z.object({
  id: CatalogId,
  name: LocalizedName,
  choices: z
    .array(
      z.object({
        productId: CatalogId,
        variantId: CatalogId.nullable().default(null),
        /** Added to the combo price for this choice (a large drink +3.00). */
        priceDelta: Minor.default(0),
      }),
    )
    .min(1)
    .max(40),
});
export type ComboSlotDto = z.infer<typeof ComboSlotDto>;

/** A set price for a group of items; the product's price is the combo price. */
export const ComboDto = z.object({ slots: z.array(ComboSlotDto).min(1).max(8) });
export type ComboDto = z.infer<typeof ComboDto>;

/**
 * discount: reduces revenue; comp: given away (a complaint, a VIP), staff_meal: staff eat.
 * Comps and staff meals are at zero price and are reported apart from revenue and discounts.
 */
export const ReasonKind = z.enum(['discount', 'comp', 'staff_meal']);
export type ReasonKind = z.infer<typeof ReasonKind>;

export const DiscountReasonDto = z.object({
  code: CatalogId,
  name: LocalizedName,
  kind: ReasonKind,
  /** A fixed percentage (basis points) this reason always gives; comps and staff meals: 10 000. */
  percentBp: z.number().int().min(1).max(10_000).nullable().default(null),
  /** The lowest role that may give it without a supervisor. */
  minRole: Role.default('cashier'),
});
export type DiscountReasonDto = z.infer<typeof DiscountReasonDto>;

/** What a role may give without a supervisor's override, per discount. null: no limit. */
export const DiscountLimit = z.object({ maxPercentBp: z.number().int().min(0).max(10_000), maxAmount: NonNegative });
export type DiscountLimit = z.infer<typeof DiscountLimit>;
export const DiscountLimits = z.object({
  cashier: DiscountLimit.nullable(),
  supervisor: DiscountLimit.nullable(),
  admin: DiscountLimit.nullable(),
});
export type DiscountLimits = z.infer<typeof DiscountLimits>;
export const defaultDiscountLimits: DiscountLimits = {
  cashier: { maxPercentBp: 1000, maxAmount: 2000 },
  supervisor: { maxPercentBp: 5000, maxAmount: 20000 },
  admin: null,
};

/**
 * Prices for an event, a zone, a time of day (local venue time; `from` > `to` crosses midnight).
 * Every condition given must hold; among the levels in force the highest `priority` wins (then the
 * later one in the list). A sale keeps the level in force when it started.
 */
export const PriceLevelDto = z
  .object({
    id: CatalogId,
    name: LocalizedName,
    priority: z.number().int().min(0).max(1000).default(0),
    eventId: CatalogId.nullable().default(null),
    zones: z.array(CatalogId).max(100).default([]),
    from: HHMM.nullable().default(null),
    to: HHMM.nullable().default(null),
    prices: z
      .array(z.object({ productId: CatalogId, variantId: CatalogId.nullable().default(null), price: NonNegative }))
      .max(10_000),
  })
  .refine((l) => (l.from === null) === (l.to === null), 'give both from and to, or neither');
export type PriceLevelDto = z.infer<typeof PriceLevelDto>;

/** Where and when a sale starts, for choosing its price level. */
export interface PriceContext {
  eventId: string | null;
  zone: string | null;
  /** Local venue time of day, HH:MM. */
  localTime: string;
}

function inWindow(time: string, from: string, to: string): boolean {
  // [from, to) in local time; from > to spans midnight; from == to is all day.
  if (from === to) return true;
  return from < to ? time >= from && time < to : time >= from || time < to;
}

/** The price level in force, or null for list prices. */
export function levelInForce(levels: readonly PriceLevelDto[], ctx: PriceContext): PriceLevelDto | null {
  let best: PriceLevelDto | null = null;
  for (const l of levels) {
    if (l.eventId !== null && l.eventId !== ctx.eventId) continue;
    if (l.zones.length > 0 && (ctx.zone === null || !l.zones.includes(ctx.zone))) continue;
    if (l.from !== null && l.to !== null && !inWindow(ctx.localTime, l.from, l.to)) continue;
    if (!best || l.priority >= best.priority) best = l;
  }
  return best;
}

/** A product's (or variant's) price under a level: the level's price when it lists one. */
export function levelPrice(
  level: PriceLevelDto | null,
  productId: string,
  variantId: string | null,
  listPrice: number,
): number {
  const hit = level?.prices.find((p) => p.productId === productId && p.variantId === variantId);
  return hit ? hit.price : listPrice;
}

/** The venue's stop-sale state, as the gateway sends it. */
export const StopSaleState = z.object({
  /** The gateway's version of the venue's stop-sale list (0: never received). */
  version: z.number().int().nonnegative(),
  tags: z.array(Tag).max(100),
  /** Products sold out venue-wide. */
  soldOut: z.array(CatalogId).max(10_000).default([]),
});
export type StopSaleState = z.infer<typeof StopSaleState>;

/** Why a product cannot be sold now: a stop-sale tag, sold out here, sold out venue-wide. */
export type Unavailable = { kind: 'stopped'; tag: string } | { kind: 'sold_out'; scope: 'counter' | 'venue' };

export const AvailabilityDto = z.object({
  /** Sold out at this counter (cashier) or venue-wide (gateway). */
  soldOut: z.array(z.object({ productId: z.string(), scope: z.enum(['counter', 'venue']) })),
  /** Tags the venue stopped selling (every product with one of them is unavailable). */
  stoppedTags: z.array(z.string()),
  /** The stop-sale version applied, and when (null: never received from a gateway). */
  stopSaleVersion: z.number().int().nonnegative(),
  stopSaleAppliedAt: z.string().nullable(),
});
export type AvailabilityDto = z.infer<typeof AvailabilityDto>;

export function unavailability(
  product: { id: string; tags: readonly string[] },
  availability: {
    soldOut: readonly { productId: string; scope: 'counter' | 'venue' }[];
    stoppedTags: readonly string[];
  },
): Unavailable | null {
  const tag = product.tags.find((t) => availability.stoppedTags.includes(t));
  if (tag !== undefined) return { kind: 'stopped', tag };
  const out = availability.soldOut.find((s) => s.productId === product.id);
  return out ? { kind: 'sold_out', scope: out.scope } : null;
}

/** A discount as the cashier gives it: a reason and either a percentage or an amount. */
export interface DiscountInput {
  reason: DiscountReasonDto;
  percentBp?: number | undefined;
  amount?: number | undefined;
}

/** The discount a role may give alone: null when within its limit, else why not. */
export function discountNeedsOverride(
  role: Role,
  d: { reason: DiscountReasonDto; percentBp: number | null; amount: number | null },
  limits: DiscountLimits,
): string | null {
  if (!roleAtLeast(role, d.reason.minRole)) return `reason ${d.reason.code} needs a ${d.reason.minRole}`;
  if (d.reason.kind !== 'discount') return null;
  const limit = limits[role];
  if (limit === null) return null;
  if (d.percentBp !== null && d.percentBp > limit.maxPercentBp) {
    return `${d.percentBp / 100} % is over the ${role} limit of ${limit.maxPercentBp / 100} %`;
  }
  if (d.amount !== null && d.amount > limit.maxAmount) {
    return `${d.amount} is over the ${role} limit of ${limit.maxAmount}`;
  }
  return null;
}

/** True when picking the product needs a step for size, options or combo choices. */
export function needsChoices(p: {
  variants: readonly unknown[];
  modifierGroupIds: readonly unknown[];
  combo: unknown;
}): boolean {
  return p.variants.length > 0 || p.modifierGroupIds.length > 0 || p.combo !== null;
}

/** Sold with one tap: no choices to make and no ID to check. */
export const isQuickSale = (p: Parameters<typeof needsChoices>[0] & { minAge: number | null }): boolean =>
  !needsChoices(p) && p.minAge === null;

/**
 * The simplest valid pick of a product: the first size, the fewest options each group requires
 * (its first ones), the first choice of every combo slot. For load tests and simulations.
 */
export function firstChoices(
  p: {
    id: string;
    variants: readonly { id: string }[];
    modifierGroupIds: readonly string[];
    combo: ComboDto | null;
  },
  groups: readonly ModifierGroupDto[],
): {
  productId: string;
  variantId?: string;
  options?: { groupId: string; optionIds: string[] }[];
  combo?: { slotId: string; productId: string; variantId: string | null }[];
} {
  const options = p.modifierGroupIds.flatMap((groupId) => {
    const g = groups.find((x) => x.id === groupId);
    return g && g.min > 0 ? [{ groupId, optionIds: g.options.slice(0, g.min).map((o) => o.id) }] : [];
  });
  return {
    productId: p.id,
    ...(p.variants[0] ? { variantId: p.variants[0].id } : {}),
    ...(options.length > 0 ? { options } : {}),
    ...(p.combo
      ? {
          combo: p.combo.slots.map((s) => ({
            slotId: s.id,
            productId: s.choices[0]!.productId,
            variantId: s.choices[0]!.variantId,
          })),
        }
      : {}),
  };
}
