// From a cashier's pick (product, size, options, combo choices) to the sale lines it makes: the
// item or combo line with its modifiers or components and price, and the deposit lines that
// follow it. Checks every choice against the catalog; availability is checked here too, so a
// stopped or sold-out item never reaches a cart.
import { PosError, type LineComponentDto, type LineModifierDto } from '../contract/api';
import {
  levelPrice,
  unavailability,
  type AvailabilityDto,
  type DepositDto,
  type PriceLevelDto,
} from '../contract/menu';
import { findProduct, type CatalogExtras, type CatalogProduct } from '../db/catalog';
import type { Db } from '../db/open';
import type { StoredLine } from '../db/sales';

export interface ItemPick {
  productId: string;
  variantId?: string | undefined;
  options?: readonly { groupId: string; optionIds: readonly string[] }[] | undefined;
  combo?: readonly { slotId: string; productId: string; variantId?: string | null | undefined }[] | undefined;
}

/** The item or combo line to add (without id, position and quantity) and its deposits per unit. */
export interface PickedItem {
  line: Omit<StoredLine, 'lineId' | 'position' | 'quantity' | 'amount'>;
  /** Deposits charged per unit of the line. */
  deposits: { deposit: DepositDto; perUnit: number }[];
  /** The highest age limit of the item or its components (null: none). */
  minAge: number | null;
}

const invalid = (message: string): PosError => new PosError('sale.options_invalid', message);

type Availability = Pick<AvailabilityDto, 'soldOut' | 'stoppedTags'>;

export function assertAvailable(product: { id: string; tags: readonly string[] }, availability: Availability): void {
  const why = unavailability(product, availability);
  if (!why) return;
  if (why.kind === 'stopped') {
    throw new PosError('catalog.stopped', `${product.id} is stopped: the venue stopped selling "${why.tag}" items`);
  }
  throw new PosError(
    'catalog.sold_out',
    why.scope === 'venue' ? `${product.id} is sold out across the venue` : `${product.id} is sold out at this counter`,
  );
}

function variantOf(product: CatalogProduct, variantId: string | null | undefined) {
  if (product.variants.length === 0) {
    if (variantId) throw invalid(`${product.id} has no sizes`);
    return null;
  }
  if (!variantId) throw invalid(`choose a size of ${product.id}`);
  const v = product.variants.find((x) => x.id === variantId);
  if (!v) throw invalid(`${product.id} has no size ${variantId}`);
  return v;
}

function depositOf(
  product: CatalogProduct,
  variant: ReturnType<typeof variantOf>,
  extras: CatalogExtras,
): DepositDto | null {
  const id = variant && variant.depositId !== undefined ? variant.depositId : product.depositId;
  if (id === null) return null;
  const deposit = extras.deposits.find((d) => d.id === id);
  // A catalog naming a deposit it does not define was refused at import; be safe anyway.
  if (!deposit) throw new PosError('deposit.not_found', `deposit ${id} of ${product.id} is not in the catalog`);
  return deposit;
}

function modifiersOf(product: CatalogProduct, pick: ItemPick, extras: CatalogExtras): LineModifierDto[] {
  const chosen = new Map<string, readonly string[]>();
  for (const o of pick.options ?? []) {
    if (!product.modifierGroupIds.includes(o.groupId)) throw invalid(`${product.id} has no option group ${o.groupId}`);
    if (chosen.has(o.groupId)) throw invalid(`option group ${o.groupId} given twice`);
    chosen.set(o.groupId, o.optionIds);
  }
  const out: LineModifierDto[] = [];
  for (const groupId of product.modifierGroupIds) {
    const group = extras.modifierGroups.find((g) => g.id === groupId);
    if (!group) continue;
    const ids = chosen.get(groupId) ?? [];
    if (new Set(ids).size !== ids.length) throw invalid(`an option of ${groupId} is chosen twice`);
    if (ids.length < group.min) throw invalid(`choose at least ${group.min} of ${groupId}`);
    if (ids.length > group.max) throw invalid(`choose at most ${group.max} of ${groupId}`);
    for (const id of ids) {
      const option = group.options.find((o) => o.id === id);
      if (!option) throw invalid(`${groupId} has no option ${id}`);
      out.push({ groupId, optionId: id, name: option.name, priceDelta: option.priceDelta });
    }
  }
  return out;
}

const joinName = (a: { en: string; zh: string }, b: { en: string; zh: string } | null) =>
  b ? { en: `${a.en} · ${b.en}`, zh: `${a.zh} · ${b.zh}` } : a;

/** Resolves a pick into its line; throws a PosError the cashier can act on. */
export function pickItem(
  db: Db,
  extras: CatalogExtras,
  availability: Availability,
  level: PriceLevelDto | null,
  pick: ItemPick,
): PickedItem {
  const product = findProduct(db, pick.productId);
  if (!product) throw new PosError('catalog.product_not_found', `no product ${pick.productId} in the catalog`);
  assertAvailable(product, availability);
  if (!product.combo && pick.combo) throw invalid(`${product.id} is not a combo`);
  const variant = variantOf(product, pick.variantId);
  const modifiers = modifiersOf(product, pick, extras);
  const deposits = new Map<string, { deposit: DepositDto; perUnit: number }>();
  const addDeposit = (d: DepositDto | null): void => {
    if (!d) return;
    const had = deposits.get(d.id);
    deposits.set(d.id, { deposit: d, perUnit: (had?.perUnit ?? 0) + 1 });
  };
  let minAge = product.minAge;
  const components: LineComponentDto[] = [];
  let price = levelPrice(level, product.id, variant?.id ?? null, variant ? variant.price : product.price);

  if (product.combo) {
    const given = new Map((pick.combo ?? []).map((c) => [c.slotId, c]));
    if (given.size !== (pick.combo ?? []).length) throw invalid('a combo slot is given twice');
    for (const slotId of given.keys()) {
      if (!product.combo.slots.some((s) => s.id === slotId)) throw invalid(`${product.id} has no slot ${slotId}`);
    }
    for (const slot of product.combo.slots) {
      const c = given.get(slot.id);
      if (!c) throw invalid(`choose the ${slot.id} of ${product.id}`);
      const choice = slot.choices.find((x) => x.productId === c.productId && x.variantId === (c.variantId ?? null));
      if (!choice) throw invalid(`${c.productId} is not a choice for the ${slot.id} of ${product.id}`);
      const part = findProduct(db, choice.productId);
      if (!part) throw new PosError('catalog.product_not_found', `no product ${choice.productId} in the catalog`);
      assertAvailable(part, availability);
      const partVariant = variantOf(part, choice.variantId);
      price += choice.priceDelta;
      minAge = Math.max(minAge ?? 0, part.minAge ?? 0) || null;
      addDeposit(depositOf(part, partVariant, extras));
      components.push({
        slotId: slot.id,
        productId: part.id,
        variantId: partVariant?.id ?? null,
        name: joinName(part.name, partVariant?.name ?? null),
        categoryId: part.categoryId,
        taxRateId: part.tax.id,
        taxRateBp: part.tax.rateBp,
        taxInclusive: part.tax.inclusive,
        listPrice: levelPrice(level, part.id, partVariant?.id ?? null, partVariant ? partVariant.price : part.price),
      });
    }
  } else {
    addDeposit(depositOf(product, variant, extras));
  }
  const unitPrice = price + modifiers.reduce((a, m) => a + m.priceDelta, 0);
  if (unitPrice < 0) throw invalid(`the options take ${product.id} below zero`);
  return {
    line: {
      kind: product.combo ? 'combo' : 'item',
      productId: product.id,
      variantId: variant?.id ?? null,
      categoryId: product.categoryId,
      name: joinName(product.name, variant?.name ?? null),
      unitPrice,
      discount: 0,
      taxRateId: product.tax.id,
      taxRateBp: product.tax.rateBp,
      taxInclusive: product.tax.inclusive,
      parentLineId: null,
      modifiers,
      components,
      lineDiscount: null,
      priceOverride: null,
    },
    deposits: [...deposits.values()],
    minAge,
  };
}

/** A deposit line (charged with its item, or returned: negative) without id and position. */
export function depositLine(
  deposit: DepositDto,
  quantity: number,
  kind: 'deposit' | 'deposit_return',
  parentLineId: string | null,
): Omit<StoredLine, 'lineId' | 'position'> {
  const unitPrice = kind === 'deposit' ? deposit.amount : -deposit.amount;
  return {
    kind,
    productId: deposit.id,
    variantId: null,
    categoryId: '',
    name: deposit.name,
    unitPrice,
    quantity,
    amount: unitPrice * quantity,
    discount: 0,
    // Outside tax: no rate.
    taxRateId: '',
    taxRateBp: 0,
    taxInclusive: true,
    parentLineId,
    modifiers: [],
    components: [],
    lineDiscount: null,
    priceOverride: null,
  };
}
