// Entry point of `pos` (npm run pos -- ..., npx pos ..., bin/pos.js).
// Logs go to stdout as JSON lines; a command's own output matters more, so only warnings show
// unless POS_LOG_LEVEL says otherwise. Set before any module creates its logger.
export {};

process.env.POS_LOG_LEVEL ??= 'warn';

const { runCli } = await import('./cli');
const { processIo } = await import('./output');
process.exitCode = await runCli(process.argv.slice(2), processIo);
