// Picking what a counter really sells: a tap on a tile either adds the item, opens the one
// options step (size, modifier groups, combo slots), asks for the ID check, or says why the item
// cannot be sold (sold out, stopped by the venue). Also the cashier's sold-out mode. The
// terminal re-checks every choice; these rules only keep the cashier from sending a pick it
// would refuse.
import { createStore } from 'zustand/vanilla';
import type { ApiError, CatalogDto, CommandInput, ProductDto, SaleDto } from '../../contract/api';
import {
  levelPrice,
  needsChoices,
  unavailability,
  type ModifierGroupDto,
  type PriceLevelDto,
  type Unavailable,
} from '../../contract/menu';
import { callOr } from './call';
import { catalogStore, setCatalog } from './catalog';
import { takeQuantity } from './entry';
import { saleStore, setSale } from './sale';
import { statusStore } from './status';
import { showError, type ToastText } from './ui';

export type AddItemInput = CommandInput<'sale.addItem'>;

/** The options step in progress: what the cashier has chosen so far. */
export interface Pick {
  productId: string;
  quantity: number;
  variantId: string | null;
  /** Option ids per modifier group, in the order tapped. */
  options: Record<string, string[]>;
  /** The chosen choice's index per combo slot. */
  combo: Record<string, number>;
}

export interface MenuState {
  /** Taps on tiles mark them sold out (or back in stock) at this counter instead of selling. */
  soldOutMode: boolean;
  pick: Pick | null;
  /** An age-restricted item waits for the cashier to confirm the customer's ID. */
  ageCheck: { input: AddItemInput; minAge: number } | null;
  busy: boolean;
}

export const initialMenuState: MenuState = {
  soldOutMode: false,
  pick: null,
  ageCheck: null,
  busy: false,
};
export const menuStore = createStore<MenuState>()(() => initialMenuState);

// ---------- rules (pure) ----------

export function productOf(catalog: CatalogDto, productId: string): ProductDto | undefined {
  return catalog.products.find((p) => p.id === productId);
}

export function unavailableOf(catalog: CatalogDto, product: ProductDto): Unavailable | null {
  return unavailability(product, catalog.availability);
}

/** The price level a pick is priced at: the open sale's once it has lines, else the one in force. */
export function levelOf(catalog: CatalogDto, sale: SaleDto | null): PriceLevelDto | null {
  const id = sale && sale.lines.length > 0 ? sale.priceLevelId : catalog.priceLevelId;
  return catalog.priceLevels.find((l) => l.id === id) ?? null;
}

/** What a tile shows: the price under the level in force (the lowest size's, for sized items). */
export function tilePrice(
  catalog: CatalogDto,
  level: PriceLevelDto | null,
  product: ProductDto,
): number {
  if (product.variants.length === 0) return levelPrice(level, product.id, null, product.price);
  return Math.min(...product.variants.map((v) => levelPrice(level, product.id, v.id, v.price)));
}

export function groupsOf(catalog: CatalogDto, product: ProductDto): ModifierGroupDto[] {
  return product.modifierGroupIds.flatMap((id) =>
    catalog.modifierGroups.filter((g) => g.id === id),
  );
}

/** A combo choice that cannot be sold now (its product sold out or stopped). */
export function choiceUnavailable(catalog: CatalogDto, productId: string): Unavailable | null {
  const p = productOf(catalog, productId);
  return p ? unavailableOf(catalog, p) : null;
}

/** The unit price of the pick as it stands (size or list price, combo extras, options). */
export function pickUnitPrice(
  catalog: CatalogDto,
  level: PriceLevelDto | null,
  pick: Pick,
): number {
  const product = productOf(catalog, pick.productId);
  if (!product) return 0;
  const variant = product.variants.find((v) => v.id === pick.variantId) ?? product.variants[0];
  let price = levelPrice(
    level,
    product.id,
    variant?.id ?? null,
    variant ? variant.price : product.price,
  );
  for (const slot of product.combo?.slots ?? []) {
    const i = pick.combo[slot.id];
    price += (i === undefined ? undefined : slot.choices[i])?.priceDelta ?? 0;
  }
  for (const g of groupsOf(catalog, product)) {
    for (const id of pick.options[g.id] ?? [])
      price += g.options.find((o) => o.id === id)?.priceDelta ?? 0;
  }
  return price;
}

/** What still has to be chosen before the pick can be added (empty: ready). */
export type Missing =
  | { kind: 'size' }
  | { kind: 'group'; group: ModifierGroupDto }
  | { kind: 'slot'; slotId: string; name: { en: string; zh: string } };

export function missingChoices(catalog: CatalogDto, pick: Pick): Missing[] {
  const product = productOf(catalog, pick.productId);
  if (!product) return [];
  const out: Missing[] = [];
  if (product.variants.length > 0 && !product.variants.some((v) => v.id === pick.variantId))
    out.push({ kind: 'size' });
  for (const g of groupsOf(catalog, product)) {
    if ((pick.options[g.id]?.length ?? 0) < g.min) out.push({ kind: 'group', group: g });
  }
  for (const slot of product.combo?.slots ?? []) {
    if (pick.combo[slot.id] === undefined)
      out.push({ kind: 'slot', slotId: slot.id, name: slot.name });
  }
  return out;
}

/** The sale.addItem input for a complete pick. */
export function pickInput(catalog: CatalogDto, pick: Pick): AddItemInput {
  const product = productOf(catalog, pick.productId);
  const options = Object.entries(pick.options)
    .filter(([, ids]) => ids.length > 0)
    .map(([groupId, optionIds]) => ({ groupId, optionIds }));
  const combo = (product?.combo?.slots ?? []).flatMap((slot) => {
    const choice = slot.choices[pick.combo[slot.id] ?? -1];
    return choice
      ? [{ slotId: slot.id, productId: choice.productId, variantId: choice.variantId }]
      : [];
  });
  return {
    productId: pick.productId,
    ...(pick.quantity !== 1 ? { quantity: pick.quantity } : {}),
    ...(pick.variantId !== null ? { variantId: pick.variantId } : {}),
    ...(options.length > 0 ? { options } : {}),
    ...(combo.length > 0 ? { combo } : {}),
  };
}

/** The age limit of what the input adds: the product's, or the highest of a combo's choices. */
export function minAgeOf(catalog: CatalogDto, input: AddItemInput): number | null {
  const ages = [input.productId, ...(input.combo ?? []).map((c) => c.productId)].map(
    (id) => productOf(catalog, id)?.minAge ?? 0,
  );
  const max = Math.max(0, ...ages);
  return max > 0 ? max : null;
}

/** The toast text for an item that cannot be sold now. */
export function unavailableText(why: Unavailable): ToastText {
  if (why.kind === 'stopped') return { key: 'menu.stoppedWhy', values: { tag: why.tag } };
  return { key: why.scope === 'venue' ? 'menu.soldOutVenueWhy' : 'menu.soldOutWhy' };
}

// ---------- actions ----------

function showUnavailable(why: Unavailable, productId: string): void {
  showError(
    {
      code: why.kind === 'stopped' ? 'catalog.stopped' : 'catalog.sold_out',
      message: `${productId} is not available`,
    },
    unavailableText(why),
  );
}

/** The stop-sale tag in a terminal's refusal (`… stopped selling "alcohol" items`). */
function tagIn(message: string): string | null {
  return /"([a-z0-9_-]+)"/.exec(message)?.[1] ?? null;
}

/** Refusals of sale.addItem that this module explains better than the plain toast. */
function addItemRefused(input: AddItemInput, error: ApiError): boolean {
  if (error.code === 'sale.age_check_required') {
    const catalog = catalogStore.getState().catalog;
    const age =
      Number(/(\d+)\+/.exec(error.message)?.[1] ?? 0) ||
      (catalog && minAgeOf(catalog, input)) ||
      18;
    menuStore.setState({ ageCheck: { input, minAge: age } });
    return true;
  }
  if (error.code === 'catalog.stopped') {
    const tag = tagIn(error.message);
    if (tag === null) return false;
    showError(error, { key: 'menu.stoppedWhy', values: { tag } });
    return true;
  }
  if (error.code === 'sale.age_limit') {
    const limit = statusStore.getState().status?.ageRestrictedPerSale;
    if (limit === undefined) return false;
    showError(error, { key: 'menu.ageLimit', values: { count: limit } });
    return true;
  }
  return false;
}

/**
 * Adds a complete pick. An age-restricted item the sale has no ID check for asks first (and so
 * does the terminal's answer, should this catalog be behind the terminal's).
 */
export async function addItem(input: AddItemInput): Promise<boolean> {
  const catalog = catalogStore.getState().catalog;
  const sale = saleStore.getState().sale;
  const minAge = catalog ? minAgeOf(catalog, input) : null;
  if (minAge !== null && input.ageChecked !== true && (sale?.ageCheck?.minAge ?? 0) < minAge) {
    menuStore.setState({ ageCheck: { input, minAge } });
    return false;
  }
  if (menuStore.getState().busy) return false;
  menuStore.setState({ busy: true });
  try {
    const updated = await callOr('sale.addItem', input, (e) => addItemRefused(input, e));
    if (!updated) return false;
    setSale(updated);
    return true;
  } finally {
    menuStore.setState({ busy: false });
  }
}

/**
 * A tap (or Enter) on a product tile, or a scan of its barcode. A size's own barcode comes with
 * `variantId`: that size is chosen, and only what else it needs (options, combo, ID check) asks.
 */
export async function tapProduct(productId: string, variantId?: string): Promise<void> {
  if (saleStore.getState().screen !== 'sell') return;
  const { catalog } = catalogStore.getState();
  const product = catalog && productOf(catalog, productId);
  if (!catalog || !product) return;
  const { soldOutMode, pick, ageCheck } = menuStore.getState();
  if (pick || ageCheck) return;
  if (soldOutMode) {
    await toggleSoldOut(productId);
    return;
  }
  const why = unavailableOf(catalog, product);
  if (why) {
    takeQuantity();
    showUnavailable(why, productId);
    return;
  }
  const quantity = takeQuantity();
  const variant = variantId !== undefined ? product.variants.find((v) => v.id === variantId) : undefined;
  if (variant && product.modifierGroupIds.length === 0 && product.combo === null) {
    await addItem({ productId, variantId: variant.id, ...(quantity === 1 ? {} : { quantity }) });
    return;
  }
  if (needsChoices(product)) {
    menuStore.setState({
      pick: {
        productId,
        quantity,
        // One size only: nothing to choose. Combo slots start on their first choice on sale.
        variantId: variant?.id ?? (product.variants.length === 1 ? product.variants[0]!.id : null),
        options: {},
        combo: Object.fromEntries(
          (product.combo?.slots ?? []).flatMap((s) => {
            const first = s.choices.findIndex((c) => !choiceUnavailable(catalog, c.productId));
            return first < 0 ? [] : [[s.id, first]];
          }),
        ),
      },
    });
    return;
  }
  await addItem(quantity === 1 ? { productId } : { productId, quantity });
}

export function chooseVariant(variantId: string): void {
  const { pick } = menuStore.getState();
  if (pick) menuStore.setState({ pick: { ...pick, variantId } });
}

/** A tap on an option: a one-choice group swaps its choice; others toggle up to their max. */
export function toggleOption(groupId: string, optionId: string): void {
  const { pick } = menuStore.getState();
  const { catalog } = catalogStore.getState();
  const group = catalog?.modifierGroups.find((g) => g.id === groupId);
  if (!pick || !group) return;
  const chosen = pick.options[groupId] ?? [];
  let next: string[];
  if (chosen.includes(optionId)) next = chosen.filter((id) => id !== optionId);
  else if (group.max === 1) next = [optionId];
  else if (chosen.length >= group.max) return;
  else next = [...chosen, optionId];
  menuStore.setState({ pick: { ...pick, options: { ...pick.options, [groupId]: next } } });
}

export function chooseComboChoice(slotId: string, index: number): void {
  const { pick } = menuStore.getState();
  if (pick) menuStore.setState({ pick: { ...pick, combo: { ...pick.combo, [slotId]: index } } });
}

export function cancelPick(): void {
  menuStore.setState({ pick: null });
}

/** Add on the options step: only a complete pick goes; the step closes once it is in the sale. */
export async function confirmPick(): Promise<void> {
  const { pick } = menuStore.getState();
  const { catalog } = catalogStore.getState();
  if (!pick || !catalog || missingChoices(catalog, pick).length > 0) return;
  const input = pickInput(catalog, pick);
  menuStore.setState({ pick: null });
  await addItem(input);
}

/** The cashier checked the customer's ID: the item goes in with the confirmation. */
export async function confirmAge(): Promise<void> {
  const { ageCheck } = menuStore.getState();
  if (!ageCheck) return;
  menuStore.setState({ ageCheck: null });
  await addItem({ ...ageCheck.input, ageChecked: true });
}

export function cancelAge(): void {
  menuStore.setState({ ageCheck: null });
}

// ---------- sold out at this counter ----------

export function toggleSoldOutMode(): void {
  menuStore.setState((s) => ({ soldOutMode: !s.soldOutMode }));
}

/** Marks a product sold out here, or back in stock. Venue-wide sold out is the gateway's. */
export async function toggleSoldOut(productId: string): Promise<void> {
  const { catalog } = catalogStore.getState();
  if (!catalog || menuStore.getState().busy) return;
  const mark = catalog.availability.soldOut.find((s) => s.productId === productId);
  if (mark?.scope === 'venue') {
    showUnavailable({ kind: 'sold_out', scope: 'venue' }, productId);
    return;
  }
  menuStore.setState({ busy: true });
  try {
    const updated = await callOr('catalog.setSoldOut', { productId, soldOut: !mark }, () => false);
    if (updated) setCatalog(updated);
  } finally {
    menuStore.setState({ busy: false });
  }
}
