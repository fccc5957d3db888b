// npm run bench [-- NAME...]: runs all or the named benchmarks; prints only JSON lines on stdout.
import { runPostgres as gatewayIngestPostgres, runSqlite as gatewayIngestSqlite } from './gateway-ingest';
import { run as saleComplete } from './sale-complete';

const benchmarks: Record<string, () => Promise<void>> = {
  'sale-complete': saleComplete,
  'gateway-ingest-sqlite': gatewayIngestSqlite,
  'gateway-ingest-postgres': gatewayIngestPostgres,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !(n in benchmarks));
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}\n`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : Object.keys(benchmarks)) {
  await benchmarks[name]!();
}
