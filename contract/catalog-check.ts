// Referential integrity and sense of a catalog, beyond what its schema can say: ids unique, every
// reference pointing at something of the same catalog, barcodes unique across products and sizes.
// The importer (CSV and JSON) and the gateway's PUT of the catalog reference both run it, so a
// catalog a terminal receives never names a deposit, option group or size it does not define.
import type { CatalogBody } from './api';

export interface CatalogProblem {
  /** Where, as a JSON path into the catalog: `products[3].variants[1].depositId`. */
  path: string;
  message: string;
}

export type CatalogCheck = { ok: true } | { ok: false; problems: CatalogProblem[] };

/** At most this many problems are listed (a broken spreadsheet could give thousands). */
export const MAX_CATALOG_PROBLEMS = 200;

/**
 * Checks a catalog (already valid for the CatalogBody schema). A product with sizes is sold by its
 * sizes only: its own `price` is never charged (keep it at the smallest size's price, for lists),
 * so a price level must name one of its sizes, and a combo choice must name the size.
 */
export function checkCatalog(body: CatalogBody): CatalogCheck {
  const problems: CatalogProblem[] = [];
  const problem = (path: string, message: string): void => {
    if (problems.length < MAX_CATALOG_PROBLEMS) problems.push({ path, message });
  };

  /** Ids of one kind: the first holder of each id, and a problem for every later one. */
  const unique = <T>(
    list: readonly T[],
    path: string,
    what: string,
    id: (x: T) => string,
  ): Set<string> => {
    const first = new Map<string, number>();
    list.forEach((x, i) => {
      const key = id(x);
      const seen = first.get(key);
      if (seen === undefined) first.set(key, i);
      else problem(`${path}[${i}]`, `${what} ${key} is also ${path}[${seen}]`);
    });
    return new Set(first.keys());
  };

  const categories = unique(body.categories, 'categories', 'category', (c) => c.id);
  const taxRates = unique(body.taxRates, 'taxRates', 'tax rate', (t) => t.id);
  const groups = unique(body.modifierGroups, 'modifierGroups', 'modifier group', (g) => g.id);
  const deposits = unique(body.deposits, 'deposits', 'deposit', (d) => d.id);
  unique(body.reasons, 'reasons', 'reason', (r) => r.code);
  unique(body.priceLevels, 'priceLevels', 'price level', (l) => l.id);
  unique(body.products, 'products', 'product', (p) => p.id);

  body.modifierGroups.forEach((g, i) => {
    unique(g.options, `modifierGroups[${i}].options`, `option of ${g.id}`, (o) => o.id);
  });

  const products = new Map(body.products.map((p) => [p.id, p] as const));
  const barcodes = new Map<string, string>();
  const barcode = (code: string | null, path: string, owner: string): void => {
    if (code === null || code === '') return;
    const other = barcodes.get(code);
    if (other !== undefined) problem(path, `barcode ${code} of ${owner} also belongs to ${other}`);
    else barcodes.set(code, owner);
  };

  body.products.forEach((p, i) => {
    const at = `products[${i}]`;
    if (!categories.has(p.categoryId))
      problem(`${at}.categoryId`, `product ${p.id}: no category ${p.categoryId}`);
    if (!taxRates.has(p.taxRateId))
      problem(`${at}.taxRateId`, `product ${p.id}: no tax rate ${p.taxRateId}`);
    if (p.depositId !== null && !deposits.has(p.depositId)) {
      problem(`${at}.depositId`, `product ${p.id}: no deposit ${p.depositId}`);
    }
    const seenGroups = new Set<string>();
    p.modifierGroupIds.forEach((g, k) => {
      if (!groups.has(g))
        problem(`${at}.modifierGroupIds[${k}]`, `product ${p.id}: no modifier group ${g}`);
      if (seenGroups.has(g))
        problem(
          `${at}.modifierGroupIds[${k}]`,
          `product ${p.id}: modifier group ${g} is listed twice`,
        );
      seenGroups.add(g);
    });
    barcode(p.barcode, `${at}.barcode`, p.id);
    unique(p.variants, `${at}.variants`, `size of ${p.id}`, (v) => v.id);
    p.variants.forEach((v, k) => {
      const vat = `${at}.variants[${k}]`;
      if (v.depositId !== undefined && v.depositId !== null && !deposits.has(v.depositId)) {
        problem(`${vat}.depositId`, `product ${p.id} size ${v.id}: no deposit ${v.depositId}`);
      }
      barcode(v.barcode, `${vat}.barcode`, `${p.id} size ${v.id}`);
    });

    if (p.combo) {
      if (p.variants.length > 0)
        problem(
          `${at}.variants`,
          `combo ${p.id} cannot have sizes (give its slots choices instead)`,
        );
      if (p.depositId !== null) {
        problem(
          `${at}.depositId`,
          `combo ${p.id} cannot carry a deposit (its components' deposits are charged)`,
        );
      }
      unique(p.combo.slots, `${at}.combo.slots`, `slot of ${p.id}`, (s) => s.id);
      p.combo.slots.forEach((s, k) => {
        const seen = new Set<string>();
        s.choices.forEach((c, j) => {
          const cat = `${at}.combo.slots[${k}].choices[${j}]`;
          const key = `${c.productId}/${c.variantId ?? ''}`;
          if (seen.has(key))
            problem(cat, `combo ${p.id} slot ${s.id}: ${c.productId} is a choice twice`);
          seen.add(key);
          const part = products.get(c.productId);
          if (!part)
            return problem(
              `${cat}.productId`,
              `combo ${p.id} slot ${s.id}: no product ${c.productId}`,
            );
          if (part.combo)
            return problem(
              `${cat}.productId`,
              `combo ${p.id} slot ${s.id}: ${c.productId} is itself a combo`,
            );
          if (part.variants.length === 0) {
            if (c.variantId !== null) {
              problem(
                `${cat}.variantId`,
                `combo ${p.id} slot ${s.id}: ${c.productId} has no sizes, so no size ${c.variantId}`,
              );
            }
          } else if (c.variantId === null) {
            problem(
              `${cat}.variantId`,
              `combo ${p.id} slot ${s.id}: ${c.productId} has sizes; name one`,
            );
          } else if (!part.variants.some((v) => v.id === c.variantId)) {
            problem(
              `${cat}.variantId`,
              `combo ${p.id} slot ${s.id}: ${c.productId} has no size ${c.variantId}`,
            );
          }
        });
      });
    }
  });

  body.priceLevels.forEach((l, i) => {
    const seen = new Set<string>();
    l.prices.forEach((pr, k) => {
      const at = `priceLevels[${i}].prices[${k}]`;
      const key = `${pr.productId}/${pr.variantId ?? ''}`;
      if (seen.has(key))
        problem(at, `price level ${l.id}: ${key.replace(/\/$/, '')} is priced twice`);
      seen.add(key);
      const p = products.get(pr.productId);
      if (!p) return problem(`${at}.productId`, `price level ${l.id}: no product ${pr.productId}`);
      if (p.variants.length === 0) {
        if (pr.variantId !== null)
          problem(
            `${at}.variantId`,
            `price level ${l.id}: ${p.id} has no sizes, so no size ${pr.variantId}`,
          );
      } else if (pr.variantId === null) {
        problem(
          `${at}.variantId`,
          `price level ${l.id}: ${p.id} is sold by size; price one of its sizes`,
        );
      } else if (!p.variants.some((v) => v.id === pr.variantId)) {
        problem(`${at}.variantId`, `price level ${l.id}: ${p.id} has no size ${pr.variantId}`);
      }
    });
  });

  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
