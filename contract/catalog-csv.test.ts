import { describe, expect, it } from 'vitest';
import { CatalogBody } from './api';
import {
  CATALOG_CSV_COLUMNS,
  catalogToCsvFiles,
  parseCatalogCsv,
  parseCatalogCsvFiles,
} from './catalog-csv';

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

describe('parseCatalogCsv: optional columns', () => {
  it('reads sort, tags, min_age, deposit and modifier groups; refuses references nothing defines', () => {
    const header = `${HEADER},sort,tags,min_age,deposit,modifier_groups`;
    const ok = parseCatalogCsv(
      `${header}\nbeer,beer,Beer,啤酒,Lager,啤酒,35,vat6,600,true,,7,alcohol | beer,18,,\n`,
      'CNY',
    );
    if (!ok.ok) throw new Error(JSON.stringify(ok.problems));
    expect(ok.catalog.products[0]).toMatchObject({
      sort: 7,
      tags: ['alcohol', 'beer'],
      minAge: 18,
      depositId: null,
      modifierGroupIds: [],
    });
    const dangling = parseCatalogCsv(
      `${header}\nok,c,C,类,A,甲,1,t,600,true,,,,,\nbeer,c,C,类,B,乙,1,t,600,true,,,,,cup\n`,
      'CNY',
    );
    expect(dangling).toEqual({
      ok: false,
      problems: [{ line: 3, message: 'product beer: no deposit cup' }],
    });
    const badTag = parseCatalogCsv(`${header}\nx,c,C,类,A,甲,1,t,600,true,,,Alcohol!,,\n`, 'CNY');
    expect(badTag).toMatchObject({ ok: false, problems: [{ line: 2 }] });
    const badAge = parseCatalogCsv(`${header}\nx,c,C,类,A,甲,1,t,600,true,,,,150,\n`, 'CNY');
    expect(badAge).toMatchObject({ ok: false, problems: [{ line: 2, message: /min_age "150"/ }] });
  });
});

describe('parseCatalogCsvFiles (a catalog directory)', () => {
  const products = `product_id,category_id,name_en,name_zh,price,tax_rate_id,barcode,deposit,modifier_groups
beer,drinks,Lager,啤酒,35.00,vat6,,cup,
cola,drinks,Cola,可乐,12.00,vat6,,,ice
meal,food,Meal,套餐,50.00,vat6,,,
`;
  const base: Record<string, string> = {
    'products.csv': products,
    'categories.csv':
      'category_id,name_en,name_zh,color\ndrinks,Drinks,饮料,#0369a1\nfood,Food,食品,\n',
    'tax-rates.csv':
      'tax_rate_id,name_en,name_zh,rate_bp,inclusive\nvat6,VAT 6%,增值税 6%,600,true\n',
    'deposits.csv':
      'deposit_id,name_en,name_zh,amount\ncup,Cup,杯押金,2\nbig-cup,Big cup,大杯押金,3.00\n',
    'variants.csv':
      'product_id,variant_id,name_en,name_zh,price,barcode,deposit\nbeer,s,Small,小,35,111,\nbeer,l,Large,大,48,,big-cup\nbeer,t,Taster,试饮,10,,-\n',
    'modifiers.csv':
      'group_id,group_en,group_zh,min,max,option_id,option_en,option_zh,price_delta\nice,Ice,冰,0,1,no-ice,No ice,去冰,\nice,,,,,extra,Extra ice,多冰,-0.50\n',
    'combos.csv':
      'combo_id,slot_id,slot_en,slot_zh,product_id,variant_id,price_delta\nmeal,drink,Drink,饮料,cola,,0\nmeal,drink,,,beer,l,3\n',
    'reasons.csv':
      'code,name_en,name_zh,kind,percent_bp,min_role\nstaff,Staff meal,员工餐,staff_meal,10000,\npromo,Promo,促销,discount,,supervisor\n',
    'discount-limits.csv': 'role,max_percent_bp,max_amount\ncashier,500,10\nsupervisor,,\n',
    'price-levels.csv':
      'level_id,name_en,name_zh,priority,event_id,zones,from,to,product_id,variant_id,price\nhh,Happy hour,欢乐时光,5,,,16:00,18:00,beer,s,28\nhh,,,,,,,,cola,,10\nvip,VIP,贵宾,9,,vip|box,,,,,\n',
  };

  it('reads every part of the catalog', () => {
    const r = parseCatalogCsvFiles(base, 'CNY');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const c = r.catalog;
    expect(c.categories).toEqual([
      { id: 'drinks', name: { en: 'Drinks', zh: '饮料' }, color: '#0369a1', sort: 1 },
      { id: 'food', name: { en: 'Food', zh: '食品' }, color: '#a16207', sort: 2 },
    ]);
    expect(c.taxRates).toEqual([
      { id: 'vat6', name: { en: 'VAT 6%', zh: '增值税 6%' }, rateBp: 600, inclusive: true },
    ]);
    const beer = c.products[0]!;
    expect(beer.variants).toEqual([
      { id: 's', name: { en: 'Small', zh: '小' }, price: 3500, barcode: '111' },
      {
        id: 'l',
        name: { en: 'Large', zh: '大' },
        price: 4800,
        barcode: null,
        depositId: 'big-cup',
      },
      { id: 't', name: { en: 'Taster', zh: '试饮' }, price: 1000, barcode: null, depositId: null },
    ]);
    expect(c.modifierGroups).toEqual([
      {
        id: 'ice',
        name: { en: 'Ice', zh: '冰' },
        min: 0,
        max: 1,
        options: [
          { id: 'no-ice', name: { en: 'No ice', zh: '去冰' }, priceDelta: 0 },
          { id: 'extra', name: { en: 'Extra ice', zh: '多冰' }, priceDelta: -50 },
        ],
      },
    ]);
    expect(c.deposits.map((d) => [d.id, d.amount])).toEqual([
      ['cup', 200],
      ['big-cup', 300],
    ]);
    expect(c.products[2]?.combo?.slots).toEqual([
      {
        id: 'drink',
        name: { en: 'Drink', zh: '饮料' },
        choices: [
          { productId: 'cola', variantId: null, priceDelta: 0 },
          { productId: 'beer', variantId: 'l', priceDelta: 300 },
        ],
      },
    ]);
    expect(c.reasons.map((x) => [x.code, x.kind, x.percentBp, x.minRole])).toEqual([
      ['staff', 'staff_meal', 10000, 'cashier'],
      ['promo', 'discount', null, 'supervisor'],
    ]);
    expect(c.discountLimits).toEqual({
      cashier: { maxPercentBp: 500, maxAmount: 1000 },
      supervisor: null,
      admin: null,
    });
    expect(c.priceLevels).toEqual([
      {
        id: 'hh',
        name: { en: 'Happy hour', zh: '欢乐时光' },
        priority: 5,
        eventId: null,
        zones: [],
        from: '16:00',
        to: '18:00',
        prices: [
          { productId: 'beer', variantId: 's', price: 2800 },
          { productId: 'cola', variantId: null, price: 1000 },
        ],
      },
      {
        id: 'vip',
        name: { en: 'VIP', zh: '贵宾' },
        priority: 9,
        eventId: null,
        zones: ['vip', 'box'],
        from: null,
        to: null,
        prices: [],
      },
    ]);
  });

  it('round-trips through catalogToCsvFiles', () => {
    const r = parseCatalogCsvFiles(base, 'CNY');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const again = parseCatalogCsvFiles(catalogToCsvFiles(r.catalog, 'CNY'), 'CNY');
    expect(again).toEqual(r);
  });

  it('accepts a products.csv in the one-file format alone', () => {
    const r = parseCatalogCsvFiles(
      { 'products.csv': `${HEADER}\nx,c,C,类,X,叉,5,t,600,true,\n` },
      'CNY',
    );
    expect(r.ok && r.catalog.products.map((p) => [p.id, p.price])).toEqual([['x', 500]]);
  });

  it.each<[string, Record<string, string>, { file: string; line: number; message: RegExp }]>([
    [
      'a size of an unknown product',
      { 'variants.csv': `${base['variants.csv']}wine,s,Small,小,1,,\n` },
      { file: 'variants.csv', line: 5, message: /no product wine in products\.csv/ },
    ],
    [
      'a size with an unknown deposit (checkCatalog, reported at its row)',
      { 'variants.csv': `${base['variants.csv']}beer,xl,XL,特大,60,,glass\n` },
      { file: 'variants.csv', line: 5, message: /product beer size xl: no deposit glass/ },
    ],
    [
      'a product naming an unknown modifier group',
      { 'products.csv': `${products}tea,drinks,Tea,茶,10,vat6,,,sugar\n` },
      { file: 'products.csv', line: 5, message: /no modifier group sugar/ },
    ],
    [
      'a group whose later row contradicts its first',
      { 'modifiers.csv': `${base['modifiers.csv']}ice,Ice,冰,0,2,lots,Lots,很多,0\n` },
      { file: 'modifiers.csv', line: 4, message: /max "2" differs from its first row \("1"\)/ },
    ],
    [
      'a group with min above max (schema, reported at its first row)',
      {
        'modifiers.csv':
          'group_id,group_en,group_zh,min,max,option_id,option_en,option_zh,price_delta\nice,Ice,冰,2,1,a,A,甲,0\n',
      },
      { file: 'modifiers.csv', line: 2, message: /min must not exceed max/ },
    ],
    [
      'a combo choice without the size of a sized product',
      { 'combos.csv': `${base['combos.csv']}meal,drink,,,beer,,0\n` },
      { file: 'combos.csv', line: 4, message: /beer has sizes; name one/ },
    ],
    [
      'a combo that is not a product',
      { 'combos.csv': `${base['combos.csv']}menu,drink,Drink,饮料,cola,,0\n` },
      { file: 'combos.csv', line: 4, message: /no product menu in products\.csv/ },
    ],
    [
      'a deposit amount with too many decimals',
      { 'deposits.csv': 'deposit_id,name_en,name_zh,amount\ncup,Cup,杯,2.005\nbig-cup,B,大,3\n' },
      { file: 'deposits.csv', line: 2, message: /more decimals than CNY/ },
    ],
    [
      'a reason of an unknown kind',
      { 'reasons.csv': 'code,name_en,name_zh,kind\nfree,Free,免费,gift\n' },
      { file: 'reasons.csv', line: 2, message: /kind "gift" must be discount, comp or staff_meal/ },
    ],
    [
      'a price for an unknown size',
      { 'price-levels.csv': `${base['price-levels.csv']}hh,,,,,,,,beer,pint,30\n` },
      { file: 'price-levels.csv', line: 5, message: /beer has no size pint/ },
    ],
    [
      'a price level with a bad time',
      {
        'price-levels.csv':
          'level_id,name_en,name_zh,from,to,product_id,price\nhh,HH,欢乐,25:00,18:00,cola,10\n',
      },
      { file: 'price-levels.csv', line: 2, message: /from: a time HH:MM/ },
    ],
    [
      'a product in an unknown category',
      { 'products.csv': `${products}pie,bakery,Pie,派,10,vat6,,,\n` },
      { file: 'products.csv', line: 5, message: /no category bakery/ },
    ],
    [
      'a barcode of a product and a size',
      { 'products.csv': `${products}pie,food,Pie,派,10,vat6,111,,\n` },
      { file: 'products.csv', line: 5, message: /barcode 111 of pie also belongs to beer size s/ },
    ],
    [
      'a misspelt file name',
      { 'variant.csv': 'x\n' },
      { file: 'variant.csv', line: 1, message: /unknown catalog file/ },
    ],
  ])('reports %s with file and line', (_what, change, expected) => {
    const r = parseCatalogCsvFiles({ ...base, ...change }, 'CNY');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hits = r.problems.filter(
      (p) =>
        p.file === expected.file && p.line === expected.line && expected.message.test(p.message),
    );
    expect(hits, JSON.stringify(r.problems)).toHaveLength(1);
  });

  it('needs products.csv', () => {
    const { 'products.csv': _p, ...rest } = base;
    expect(parseCatalogCsvFiles(rest, 'CNY')).toMatchObject({
      ok: false,
      problems: [{ file: 'products.csv', line: 1, message: 'products.csv is required' }],
    });
  });
});
