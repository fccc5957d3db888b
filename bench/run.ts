// npm run bench [-- NAME...]: runs all or the named benchmarks; prints only JSON lines on stdout.
// Logs stay quiet unless asked for (POS_LOG_LEVEL): modules are loaded after the level is set.
process.env.POS_LOG_LEVEL ??= 'silent';

export {};

const benchmarks: Record<string, () => Promise<void>> = {
  'sale-complete': async () => (await import('./sale-complete')).run(),
  'gateway-ingest-sqlite': async () => (await import('./gateway-ingest')).runSqlite(),
  'gateway-ingest-postgres': async () => (await import('./gateway-ingest')).runPostgres(),
  'sync-drain': async () => (await import('./sync-drain')).run(),
  'receipt-encode': async () => (await import('./receipt-encode')).run(),
  'card-overhead': async () => (await import('./card-overhead')).run(),
  'wallet-overhead': async () => (await import('./wallet-overhead')).run(),
  'stop-sale': async () => (await import('./stop-sale')).run(),
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
