// The settlement export: one row per payment, columns SETTLEMENT_COLUMNS, amounts in major units
// with the currency's own number of decimals (JPY 0, CNY 2, KWD 3), never through a float.
import { csvField, csvLine } from '../contract/csv';
import { SETTLEMENT_COLUMNS } from '../contract/gateway';
import { formatMajor } from '../contract/money';
import type { SettlementRow } from './store';

const AMOUNTS = new Set<string>(['amount', 'rounding']);

export function settlementCsv(rows: readonly SettlementRow[]): string {
  let out = csvLine([...SETTLEMENT_COLUMNS]);
  for (const row of rows) {
    out += csvLine(
      SETTLEMENT_COLUMNS.map((col) =>
        AMOUNTS.has(col)
          ? formatMajor(row[col] as number, row.currency)
          : csvField(String(row[col]), { text: true }),
      ),
    );
  }
  return out;
}
