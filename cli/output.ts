// Exit codes and output for every `pos` command (ARCHITECTURE §8): 0 ok, 1 failed (reason on
// stderr), 2 usage error (with usage text). With --json the last line of stdout is one
// single-line JSON object, and nothing is written to either stream after it, so scripts can
// read it with `tail -n 1`.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A command failed for a reason the user can act on (exit 1). */
export class CliError extends Error {
  readonly exitCode: number = EXIT_FAILED;
  constructor(
    message: string,
    /** Stable, for --json readers. */
    readonly code = 'failed',
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong (exit 2); the usage text is printed with the message. */
export class UsageError extends CliError {
  override readonly exitCode = EXIT_USAGE;
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message, 'usage');
    this.name = 'UsageError';
  }
}

export interface Outcome {
  /** One line for people. */
  message: string;
  /** Merged into the --json object. */
  data?: Record<string, unknown>;
  /**
   * The command's product (a CSV, a report), printed verbatim on stdout instead of the message,
   * which then goes to stderr so the product can be piped. Ignored with --json (put it in data).
   */
  output?: string;
}

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Text the user sees while a command runs (never in --json mode, where stdout is for the result). */
export interface Reporter {
  readonly json: boolean;
  info(line: string): void;
  warn(line: string): void;
}

export function reporter(io: Io, json: boolean): Reporter {
  return {
    json,
    info: (line) => (json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`)),
    warn: (line) => io.stderr(`${line}\n`),
  };
}

export function printOutcome(io: Io, json: boolean, outcome: Outcome): number {
  if (json)
    io.stdout(`${JSON.stringify({ ok: true, message: outcome.message, ...outcome.data })}\n`);
  else if (outcome.output !== undefined) {
    io.stdout(outcome.output);
    io.stderr(`${outcome.message}\n`);
  } else io.stdout(`${outcome.message}\n`);
  return EXIT_OK;
}

export function printFailure(io: Io, json: boolean, err: unknown): number {
  if (err instanceof CliError) {
    io.stderr(`pos: ${err.message}\n`);
    if (err instanceof UsageError && err.usage) io.stderr(`\n${err.usage}\n`);
    if (json) {
      io.stdout(
        `${JSON.stringify({ ok: false, ...err.data, error: { code: err.code, message: err.message } })}\n`,
      );
    }
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`pos: unexpected error: ${message}\n`);
  if (err instanceof Error && err.stack && process.env.POS_DEBUG) io.stderr(`${err.stack}\n`);
  if (json) io.stdout(`${JSON.stringify({ ok: false, error: { code: 'internal', message } })}\n`);
  return EXIT_FAILED;
}

/** node:util parseArgs, with its errors turned into usage errors (exit 2). */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
}

export function parsePort(value: string | undefined, usage: string): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new UsageError(`--port must be 0-65535, got "${value}"`, usage);
  return port;
}
