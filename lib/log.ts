// One pino logger per module. Never log card data, wallet codes or PINs (ARCHITECTURE §9).
import { pino, type Logger } from 'pino';

const level = process.env.POS_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');

// Logs go to stderr: stdout belongs to the CLI's results (a `--json` line must be the last one).
const root: Logger = pino(
  {
    level,
    base: undefined,
    redact: { paths: ['*.pin', '*.pan', '*.track2', '*.paymentCode'], censor: '[redacted]' },
  },
  pino.destination({ dest: 2, sync: true }),
);

export function logger(module: string): Logger {
  return root.child({ module });
}
