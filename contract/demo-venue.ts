// The demo venue: a stadium's counters (food, drinks, beer, merchandise, parking, programmes),
// loaded into a new terminal data dir by `pos start` and into a new gateway by `pos gateway`.
// Pure data, here in contract/ so both the terminal and the gateway can use it. Prices are CNY in
// fen; Chinese VAT is included in shelf prices: 6 % for catering served at the counter, 13 % for
// goods.
import type { CatalogBody, CategoryDto, ProductDto, TaxRateDto } from './api';
import {
  defaultDiscountLimits,
  type DepositDto,
  type DiscountReasonDto,
  type ModifierGroupDto,
  type PriceLevelDto,
} from './menu';
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
  eventId: 'demo-match',
};

const taxRates: TaxRateDto[] = [
  { id: 'vat6', name: { en: 'VAT 6% (catering)', zh: '增值税 6%（餐饮）' }, rateBp: 600, inclusive: true },
  { id: 'vat13', name: { en: 'VAT 13% (goods)', zh: '增值税 13%（商品）' }, rateBp: 1300, inclusive: true },
];

const categories: CategoryDto[] = [
  { id: 'hot-food', name: { en: 'Hot food', zh: '热食' }, color: '#c2410c', sort: 1 },
  { id: 'snacks', name: { en: 'Snacks', zh: '小吃' }, color: '#a16207', sort: 2 },
  { id: 'drinks', name: { en: 'Drinks', zh: '饮料' }, color: '#0369a1', sort: 3 },
  { id: 'beer', name: { en: 'Beer & wine', zh: '啤酒与葡萄酒' }, color: '#4d7c0f', sort: 4 },
  { id: 'merch', name: { en: 'Merchandise', zh: '纪念品' }, color: '#7e22ce', sort: 5 },
  { id: 'parking', name: { en: 'Parking & programmes', zh: '停车与节目单' }, color: '#334155', sort: 6 },
];

type Row = [id: string, en: string, zh: string, priceFen: number];

const rows: Record<string, { tax: string; items: Row[] }> = {
  'hot-food': {
    tax: 'vat6',
    items: [
      ['hot-dog', 'Hot dog', '热狗', 2500],
      ['cheeseburger', 'Cheeseburger', '芝士汉堡', 3800],
      ['chicken-burger', 'Crispy chicken burger', '香脆鸡腿堡', 3600],
      ['beef-noodles', 'Braised beef noodles', '红烧牛肉面', 3200],
      ['pork-buns', 'Pork buns (3)', '鲜肉包（3个）', 1500],
      ['dumplings', 'Dumplings (8)', '水饺（8个）', 2200],
      ['fried-rice', 'Egg fried rice', '蛋炒饭', 2800],
      ['lamb-skewers', 'Lamb skewers (3)', '羊肉串（3串）', 3000],
      ['pizza-slice', 'Pizza slice', '披萨（一块）', 2600],
      ['chicken-wings', 'Chicken wings (6)', '鸡翅（6只）', 3500],
      ['veggie-wrap', 'Vegetable wrap', '蔬菜卷饼', 2400],
    ],
  },
  snacks: {
    tax: 'vat6',
    items: [
      ['popcorn-s', 'Popcorn, small', '爆米花（小）', 1500],
      ['popcorn-l', 'Popcorn, large', '爆米花（大）', 2500],
      ['fries', 'French fries', '薯条', 1800],
      ['nachos', 'Nachos with cheese', '芝士玉米片', 2800],
      ['pretzel', 'Soft pretzel', '椒盐卷饼', 1600],
      ['peanuts', 'Roasted peanuts', '烤花生', 1000],
      ['sunflower-seeds', 'Sunflower seeds', '瓜子', 800],
      ['ice-cream', 'Ice cream cone', '冰淇淋甜筒', 1200],
      ['churros', 'Churros (3)', '吉事果（3根）', 1800],
      ['fruit-cup', 'Fresh fruit cup', '鲜果杯', 2000],
    ],
  },
  drinks: {
    tax: 'vat6',
    items: [
      ['water', 'Mineral water 550 ml', '矿泉水 550毫升', 500],
      ['cola-m', 'Cola, medium', '可乐（中杯）', 1200],
      ['cola-l', 'Cola, large', '可乐（大杯）', 1500],
      ['orange-juice', 'Orange juice', '橙汁', 1800],
      ['iced-tea', 'Iced lemon tea', '冰柠檬茶', 1500],
      ['milk-tea', 'Bubble milk tea', '珍珠奶茶', 2200],
      ['coffee', 'Coffee', '咖啡', 2000],
      ['hot-chocolate', 'Hot chocolate', '热巧克力', 2000],
      ['sports-drink', 'Sports drink', '运动饮料', 1000],
      ['green-tea', 'Green tea', '绿茶', 1200],
    ],
  },
  beer: {
    tax: 'vat6',
    items: [
      ['draft-lager', 'Draft lager 500 ml', '生啤 500毫升', 3500],
      ['draft-ipa', 'Draft IPA 500 ml', '精酿IPA 500毫升', 4500],
      ['tsingtao', 'Tsingtao bottle', '青岛啤酒（瓶装）', 3000],
      ['wheat-beer', 'Wheat beer 500 ml', '小麦啤酒 500毫升', 4000],
      ['red-wine', 'Red wine, glass', '红葡萄酒（杯）', 5500],
      ['white-wine', 'White wine, glass', '白葡萄酒（杯）', 5500],
      ['cider', 'Apple cider', '苹果酒', 3800],
      ['alcohol-free', 'Alcohol-free beer', '无醇啤酒', 2500],
    ],
  },
  merch: {
    tax: 'vat13',
    items: [
      ['jersey-home', 'Home jersey', '主场球衣', 49900],
      ['jersey-away', 'Away jersey', '客场球衣', 49900],
      ['scarf', 'Team scarf', '球队围巾', 12800],
      ['cap', 'Baseball cap', '棒球帽', 9900],
      ['tshirt', 'Event T-shirt', '赛事T恤', 15900],
      ['mascot-plush', 'Mascot plush toy', '吉祥物毛绒玩具', 8800],
      ['keychain', 'Keychain', '钥匙扣', 3500],
      ['pin-badge', 'Pin badge', '徽章', 2500],
      ['mug', 'Souvenir mug', '纪念马克杯', 6800],
      ['flag', 'Hand flag', '手摇旗', 1500],
      ['poncho', 'Rain poncho', '雨衣', 2000],
      ['foam-finger', 'Foam finger', '加油手', 3000],
    ],
  },
  parking: {
    tax: 'vat13',
    items: [
      ['programme', 'Match programme', '赛事节目单', 3000],
      ['programme-collector', "Collector's programme", '珍藏版节目单', 6800],
      ['parking-car', 'Parking, car (event)', '停车（小汽车，赛事）', 5000],
      ['parking-moto', 'Parking, motorbike', '停车（摩托车）', 1500],
      ['parking-bike', 'Bicycle parking', '自行车停放', 500],
      ['parking-vip', 'Parking, VIP lot', '停车（贵宾区）', 12000],
      ['locker', 'Bag locker', '寄存柜', 2000],
      ['seat-cushion', 'Seat cushion rental', '坐垫租用', 1000],
    ],
  },
};

/** EAN-13 check digit (GS1): weights 1,3,1,3… over the first 12 digits. */
export function ean13(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new RangeError('EAN-13 needs 12 digits before the check digit');
  const sum = [...first12].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return first12 + String((10 - (sum % 10)) % 10);
}

/** What the demo's plain rows lack: sizes, deposits, options, tags, age limits. */
const extras: Record<string, Partial<ProductDto>> = {
  'draft-lager': {
    variants: [
      { id: 'regular', name: { en: '500 ml', zh: '500毫升' }, price: 3500, barcode: null },
      { id: 'large', name: { en: 'Large 750 ml', zh: '大杯 750毫升' }, price: 4800, barcode: null, depositId: 'cup-large' },
    ],
  },
  'draft-ipa': {
    variants: [
      { id: 'regular', name: { en: '500 ml', zh: '500毫升' }, price: 4500, barcode: null },
      { id: 'large', name: { en: 'Large 750 ml', zh: '大杯 750毫升' }, price: 6200, barcode: null, depositId: 'cup-large' },
    ],
  },
  'wheat-beer': {},
  cheeseburger: { modifierGroupIds: ['burger-cook', 'burger-extras'] },
  'chicken-burger': { modifierGroupIds: ['burger-extras'] },
  'cola-m': { modifierGroupIds: ['ice'], depositId: 'cup' },
  'cola-l': { modifierGroupIds: ['ice'], depositId: 'cup' },
  'iced-tea': { modifierGroupIds: ['ice'], depositId: 'cup' },
  coffee: { modifierGroupIds: ['coffee-milk'] },
};
const BEER_TAGS = new Set(['draft-lager', 'draft-ipa', 'tsingtao', 'wheat-beer', 'cider']);
const WINE = new Set(['red-wine', 'white-wine']);
const DRAFT_WITH_CUP = new Set(['draft-lager', 'draft-ipa', 'wheat-beer', 'cider']);

function buildProducts(): ProductDto[] {
  const products: ProductDto[] = [];
  let n = 0;
  for (const [categoryId, { tax, items }] of Object.entries(rows)) {
    items.forEach(([id, en, zh, price], i) => {
      n++;
      const alcohol = BEER_TAGS.has(id) || WINE.has(id);
      products.push({
        id,
        categoryId,
        name: { en, zh },
        price,
        taxRateId: tax,
        // 690–699 is China's GS1 prefix; 6901234 stands in for the venue's company code.
        barcode: ean13(`6901234${String(n).padStart(5, '0')}`),
        sort: i + 1,
        tags: BEER_TAGS.has(id) ? ['alcohol', 'beer'] : WINE.has(id) ? ['alcohol', 'wine'] : [],
        minAge: alcohol ? 18 : null,
        depositId: DRAFT_WITH_CUP.has(id) ? 'cup' : null,
        variants: [],
        modifierGroupIds: [],
        combo: null,
        ...extras[id],
      });
    });
  }
  products.push({
    id: 'burger-meal',
    categoryId: 'hot-food',
    name: { en: 'Burger meal', zh: '汉堡套餐' },
    price: 5800,
    taxRateId: 'vat6',
    barcode: ean13(`6901234${String(n + 1).padStart(5, '0')}`),
    sort: 20,
    tags: ['combo'],
    minAge: null,
    depositId: null,
    variants: [],
    modifierGroupIds: [],
    combo: {
      slots: [
        {
          id: 'main',
          name: { en: 'Burger', zh: '汉堡' },
          choices: [
            { productId: 'cheeseburger', variantId: null, priceDelta: 0 },
            { productId: 'chicken-burger', variantId: null, priceDelta: 0 },
          ],
        },
        {
          id: 'side',
          name: { en: 'Side', zh: '配菜' },
          choices: [
            { productId: 'fries', variantId: null, priceDelta: 0 },
            { productId: 'nachos', variantId: null, priceDelta: 600 },
          ],
        },
        {
          id: 'drink',
          name: { en: 'Drink', zh: '饮料' },
          choices: [
            { productId: 'cola-m', variantId: null, priceDelta: 0 },
            { productId: 'iced-tea', variantId: null, priceDelta: 0 },
            { productId: 'water', variantId: null, priceDelta: 0 },
          ],
        },
      ],
    },
  });
  return products;
}

const modifierGroups: ModifierGroupDto[] = [
  {
    id: 'burger-cook',
    name: { en: 'Cooked', zh: '熟度' },
    min: 1,
    max: 1,
    options: [
      { id: 'medium', name: { en: 'Medium', zh: '五分熟' }, priceDelta: 0 },
      { id: 'well-done', name: { en: 'Well done', zh: '全熟' }, priceDelta: 0 },
    ],
  },
  {
    id: 'burger-extras',
    name: { en: 'Extras', zh: '加料' },
    min: 0,
    max: 3,
    options: [
      { id: 'extra-cheese', name: { en: 'Extra cheese', zh: '加芝士' }, priceDelta: 500 },
      { id: 'bacon', name: { en: 'Bacon', zh: '加培根' }, priceDelta: 800 },
      { id: 'no-onion', name: { en: 'No onion', zh: '不要洋葱' }, priceDelta: 0 },
      { id: 'jalapenos', name: { en: 'Jalapeños', zh: '加辣椒' }, priceDelta: 300 },
    ],
  },
  {
    id: 'ice',
    name: { en: 'Ice', zh: '冰' },
    min: 0,
    max: 1,
    options: [
      { id: 'no-ice', name: { en: 'No ice', zh: '去冰' }, priceDelta: 0 },
      { id: 'light-ice', name: { en: 'Light ice', zh: '少冰' }, priceDelta: 0 },
    ],
  },
  {
    id: 'coffee-milk',
    name: { en: 'Milk', zh: '奶' },
    min: 0,
    max: 1,
    options: [
      { id: 'oat-milk', name: { en: 'Oat milk', zh: '燕麦奶' }, priceDelta: 300 },
      { id: 'no-milk', name: { en: 'No milk', zh: '不加奶' }, priceDelta: 0 },
    ],
  },
];

const deposits: DepositDto[] = [
  { id: 'cup', name: { en: 'Cup deposit', zh: '杯押金' }, amount: 200 },
  { id: 'cup-large', name: { en: 'Large cup deposit', zh: '大杯押金' }, amount: 300 },
];

const reasons: DiscountReasonDto[] = [
  { code: 'promo', name: { en: 'Promotion', zh: '促销' }, kind: 'discount', percentBp: null, minRole: 'cashier' },
  { code: 'damaged', name: { en: 'Damaged item', zh: '商品瑕疵' }, kind: 'discount', percentBp: null, minRole: 'cashier' },
  { code: 'season-ticket', name: { en: 'Season ticket 10%', zh: '季票九折' }, kind: 'discount', percentBp: 1000, minRole: 'cashier' },
  { code: 'staff-meal', name: { en: 'Staff meal', zh: '员工餐' }, kind: 'staff_meal', percentBp: 10_000, minRole: 'cashier' },
  { code: 'comp', name: { en: 'Complimentary', zh: '招待' }, kind: 'comp', percentBp: 10_000, minRole: 'supervisor' },
];

const priceLevels: PriceLevelDto[] = [
  {
    id: 'happy-hour',
    name: { en: 'Happy hour', zh: '欢乐时光' },
    priority: 10,
    eventId: null,
    zones: [],
    from: '16:00',
    to: '18:00',
    prices: [
      { productId: 'draft-lager', variantId: 'regular', price: 2800 },
      { productId: 'draft-lager', variantId: 'large', price: 3900 },
    ],
  },
  {
    id: 'vip-lounge',
    name: { en: 'VIP lounge', zh: '贵宾区' },
    priority: 20,
    eventId: null,
    zones: ['vip'],
    from: null,
    to: null,
    prices: [
      { productId: 'red-wine', variantId: null, price: 6800 },
      { productId: 'white-wine', variantId: null, price: 6800 },
    ],
  },
];

export const demoCatalog: CatalogBody & { currency: string } = {
  currency: demoVenueConfig.currency,
  categories,
  products: buildProducts(),
  taxRates,
  modifierGroups,
  deposits,
  reasons,
  discountLimits: defaultDiscountLimits,
  priceLevels,
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
    pinHash: 'scrypt$16384$8$1$6aAipgkOFvnOexYThDpMxg==$kUiCqLd0Eap4r8V0LXr1Y1nlFH881ptDBzWgmBCY1kk=',
  },
  {
    id: 'demo-supervisor',
    name: 'Wang Wei',
    role: 'supervisor',
    pinHash: 'scrypt$16384$8$1$LQPrRUdnuiRM9MLGH6BnMw==$z7nDeE2Td+plKcrBZA8Ed9l3KT7Je55Hd7GVm/1541g=',
  },
  {
    id: 'demo-admin',
    name: 'Venue admin',
    role: 'admin',
    pinHash: 'scrypt$16384$8$1$zOeizxrgRZic/JFPuVpBUg==$bjdtZVkFia/47dH0zQwhLWUDE7G8xT17KloSUpsjHQs=',
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
