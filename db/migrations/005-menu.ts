// Schema 5: what counters really sell (docs/terminal-db.md). Products gain tags, an age limit, a
// deposit, sizes, modifier groups and combos; the other catalog parts (modifier groups, deposits,
// discount reasons and limits, price levels) are kept whole in settings as reference data. Lines
// gain their kind (item, combo, deposit, deposit return), size, modifiers/components, discount and
// the line they belong to; sales gain their price level, sale discount, ID check and the
// discount / comp / deposit totals. Counter sold-out marks get their own table.
import type { Migration } from '../migrate';

export const migration005: Migration = {
  version: 5,
  name: 'menu',
  up(db) {
    db.exec(`
      ALTER TABLE products ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE products ADD COLUMN min_age INTEGER CHECK (min_age IS NULL OR min_age BETWEEN 1 AND 99);
      ALTER TABLE products ADD COLUMN deposit_id TEXT;
      ALTER TABLE products ADD COLUMN variants TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE products ADD COLUMN modifier_group_ids TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE products ADD COLUMN combo TEXT;

      ALTER TABLE sale_lines ADD COLUMN kind TEXT NOT NULL DEFAULT 'item'
        CHECK (kind IN ('item', 'combo', 'deposit', 'deposit_return'));
      ALTER TABLE sale_lines ADD COLUMN variant_id TEXT;
      ALTER TABLE sale_lines ADD COLUMN parent_line_id TEXT;
      -- {"modifiers": [...], "components": [...]} as in SaleLineDto.
      ALTER TABLE sale_lines ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
      -- The line's own discount as given (LineDiscountDto JSON), and the amount it and the line's
      -- share of a sale discount came to, fixed when the sale completes.
      ALTER TABLE sale_lines ADD COLUMN line_discount TEXT;
      ALTER TABLE sale_lines ADD COLUMN discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0);

      ALTER TABLE sales ADD COLUMN price_level_id TEXT;
      ALTER TABLE sales ADD COLUMN sale_discount TEXT;
      -- {"minAge", "by", "at"}: the ID check the cashier confirmed for this sale.
      ALTER TABLE sales ADD COLUMN age_check TEXT;
      ALTER TABLE sales ADD COLUMN discounts INTEGER;
      ALTER TABLE sales ADD COLUMN comps INTEGER;
      ALTER TABLE sales ADD COLUMN deposits INTEGER;

      -- Sold out at this counter (the venue-wide list comes with the gateway's stop-sale data).
      CREATE TABLE sold_out (
        product_id TEXT PRIMARY KEY,
        marked_at  TEXT NOT NULL,
        marked_by  TEXT NOT NULL
      ) STRICT;
    `);
  },
};
