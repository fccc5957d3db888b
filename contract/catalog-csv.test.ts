import { describe, expect, it } from 'vitest';
import { CatalogBody } from './api';
import { CATALOG_CSV_COLUMNS, parseCatalogCsv } from './catalog-csv';

const HEADER = CATALOG_CSV_COLUMNS.join(',');

describe('parseCatalogCsv', () => {
  it('reads the documented example into a valid catalog', () => {
    const csv = `${HEADER}
hot-dog,hot-food,Hot food,热食,Hot dog,热狗,25.00,vat6,600,true,6901234000016
scarf,merch,Merchandise,纪念品,"Team scarf, blue",球队围巾,128,vat13,1300,yes,
beer,hot-food,Hot food,热食,Draft lager,生啤,35.5,vat6,600,TRUE,`;
    const result = parseCatalogCsv(csv, 'CNY');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(CatalogBody.safeParse(result.catalog).success).toBe(true);
    expect(result.catalog.products.map((p) => [p.id, p.price, p.sort, p.barcode])).toEqual([
      ['hot-dog', 2500, 1, '6901234000016'],
      ['scarf', 12800, 1, null],
      ['beer', 3550, 2, null],
    ]);
    expect(result.catalog.categories.map((c) => [c.id, c.sort])).toEqual([
      ['hot-food', 1],
      ['merch', 2],
    ]);
    expect(result.catalog.taxRates.map((t) => [t.id, t.rateBp, t.inclusive])).toEqual([
      ['vat6', 600, true],
      ['vat13', 1300, true],
    ]);
  });

  it('reads prices with the currency exponent (JPY has none, KWD three)', () => {
    const row = (price: string) => `${HEADER}\nx,c,C,类,X,叉,${price},t,1000,false,`;
    const jpy = parseCatalogCsv(row('500'), 'JPY');
    expect(jpy.ok && jpy.catalog.products[0]?.price).toBe(500);
    expect(parseCatalogCsv(row('500.5'), 'JPY').ok).toBe(false);
    const kwd = parseCatalogCsv(row('1.250'), 'KWD');
    expect(kwd.ok && kwd.catalog.products[0]?.price).toBe(1250);
  });

  it('reports every bad row with its line, and refuses contradictions', () => {
    const csv = `${HEADER}
a,c1,Cat,类,A,甲,1.00,t,600,true,123
a,c1,Cat,类,A again,甲,1.00,t,600,true,
b,c1,Other name,类,B,乙,1.00,t,600,true,
c,c1,Cat,类,C,丙,abc,t,600,true,
d,c1,Cat,类,D,丁,1.00,t,700,true,
e,c1,Cat,类,E,戊,1.00,t,600,maybe,
f,c1,Cat,类,F,,1.00,t,600,true,
g,c1,Cat,类,G,庚,1.00,t,600,true,123`;
    const result = parseCatalogCsv(csv, 'CNY');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(result.problems[0]?.message).toMatch(/also on line 2/);
    expect(result.problems[6]?.message).toMatch(/barcode 123 also belongs to a/);
  });

  it('needs the header and at least one product', () => {
    expect(parseCatalogCsv('', 'CNY').ok).toBe(false);
    expect(parseCatalogCsv('product_id,price', 'CNY')).toMatchObject({
      ok: false,
      problems: [{ line: 1 }],
    });
    expect(parseCatalogCsv(HEADER, 'CNY').ok).toBe(false);
  });
});
