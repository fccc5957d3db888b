// Schema 7: which Z reported a refused card payment. A refusal of an offline payment can arrive
// after its shift and day closed; the next Z lists it as a venue loss of that shift, once. The
// mark replaces comparing times, which a clock correction can reorder.
import type { Migration } from '../migrate';

export const migration007: Migration = {
  version: 7,
  name: 'refusals-on-z',
  up(db) {
    db.exec(`
      ALTER TABLE card_payments ADD COLUMN reported_z INTEGER;
      CREATE INDEX card_payments_unreported ON card_payments (state) WHERE reported_z IS NULL;
    `);
  },
};
