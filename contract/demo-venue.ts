// The demo venue: a stadium's counters (food, drinks, beer, merchandise, parking, programmes),
// loaded into a new terminal data dir by `pos start` and into a new gateway by `pos gateway`.
// Pure data, here in contract/ so both the terminal and the gateway can use it. Prices are CNY in
// fen; Chinese VAT is included in shelf prices: 6 % for catering served at the counter, 13 % for
// goods.
import type { CatalogDto, CategoryDto, ProductDto, TaxRateDto } from './api';
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

function buildProducts(): ProductDto[] {
  const products: ProductDto[] = [];
  let n = 0;
  for (const [categoryId, { tax, items }] of Object.entries(rows)) {
    items.forEach(([id, en, zh, price], i) => {
      n++;
      products.push({
        id,
        categoryId,
        name: { en, zh },
        price,
        taxRateId: tax,
        // 690–699 is China's GS1 prefix; 6901234 stands in for the venue's company code.
        barcode: ean13(`6901234${String(n).padStart(5, '0')}`),
        sort: i + 1,
      });
    });
  }
  return products;
}

export const demoCatalog: CatalogDto = {
  currency: demoVenueConfig.currency,
  categories,
  products: buildProducts(),
  taxRates,
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
