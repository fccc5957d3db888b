// Child process for the crash test: sells in a loop and reports each sale the API confirmed,
// one line per sale on stdout ("done <saleId> <receiptNo>"), until it is killed.
import type { CompletedSaleDto } from '../../contract/api';
import { createTerminalSync } from '../../terminal/create-terminal';
import { openTill } from '../../terminal/testing';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: sell-loop DATA_DIR');
const terminal = createTerminalSync({ dataDir, demo: true });
// Every start signs in again; the shift stays open across the kills.
await openTill(terminal);
const products = ['hot-dog', 'cola-m', 'scarf', 'water', 'pretzel', 'programme'];

async function call(method: string, input: unknown = {}): Promise<unknown> {
  const reply = await terminal.dispatch(method, input);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.value;
}

process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  await call('sale.clear');
  for (let j = 0; j < 3; j++) {
    await call('sale.addItem', {
      productId: products[(i + j) % products.length],
      quantity: 1 + (j % 2),
    });
  }
  await call('payment.payCash', { tendered: 100_000 });
  const done = (await call('sale.complete')) as CompletedSaleDto;
  // Only now may the world hear of the sale: the commit has returned.
  process.stdout.write(`done ${done.saleId} ${done.receiptNo}\n`);
}
