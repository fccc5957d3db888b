// The `pos` command: finds the command named by the first words of argv and runs it. Command
// modules load lazily, so `pos --help` or a usage error never opens SQLite or native modules.
import { readFileSync } from 'node:fs';
import {
  EXIT_OK,
  UsageError,
  printFailure,
  printOutcome,
  reporter,
  type Io,
  type Outcome,
  type Reporter,
} from './output';

interface CommandModule {
  usage: string;
  run(argv: string[], out: Reporter): Promise<Outcome>;
}

interface CommandEntry {
  /** The words that name it: ['journal', 'verify']. */
  words: string[];
  summary: string;
  load: () => Promise<CommandModule>;
}

const COMMANDS: CommandEntry[] = [
  {
    words: ['start'],
    summary: 'start the demo (till with the demo venue)',
    load: () => import('./commands/start'),
  },
  {
    words: ['terminal'],
    summary: 'start a till without demo data',
    load: () => import('./commands/terminal'),
  },
  {
    words: ['enroll'],
    summary: 'enroll a terminal with a gateway (one-time code)',
    load: () => import('./commands/enroll'),
  },
  {
    words: ['sync'],
    summary: "upload a terminal's events to its gateway (also from a copied data dir)",
    load: () => import('./commands/sync'),
  },
  {
    words: ['gateway'],
    summary: "run the venue's gateway (uploads, reference data, reports)",
    load: () => import('./commands/gateway'),
  },
  {
    words: ['gateway', 'code'],
    summary: 'create a one-time enrollment code for a till',
    load: () => import('./commands/gateway-code'),
  },
  {
    words: ['gateway', 'terminals'],
    summary: 'list the enrolled terminals',
    load: () => import('./commands/gateway-terminals'),
  },
  {
    words: ['gateway', 'revoke'],
    summary: 'revoke a terminal',
    load: () => import('./commands/gateway-revoke'),
  },
  {
    words: ['gateway', 'import'],
    summary: 'publish a catalog (JSON or CSV), staff list or risk policy',
    load: () => import('./commands/gateway-import'),
  },
  {
    words: ['gateway', 'export'],
    summary: 'settlement rows as CSV',
    load: () => import('./commands/gateway-export'),
  },
  {
    words: ['gateway', 'summary'],
    summary: 'the sales summary across terminals (JSON)',
    load: () => import('./commands/gateway-summary'),
  },
  {
    words: ['gateway', 'stop-sale'],
    summary: "stop (or resume) a tag's products at every till; --status shows who confirmed",
    load: () => import('./commands/gateway-stop-sale'),
  },
  {
    words: ['gateway', 'sold-out'],
    summary: 'a product sold out (or back in stock) venue-wide',
    load: () => import('./commands/gateway-sold-out'),
  },
  {
    words: ['loadtest'],
    summary: 'enroll N simulated tills that sell M sales each; measure the gateway',
    load: () => import('./commands/loadtest'),
  },
  {
    words: ['sim', 'printer'],
    summary: 'a simulated ESC/POS receipt printer on a pty or TCP port',
    load: () => import('./commands/sim'),
  },
  {
    words: ['sim', 'reader'],
    summary: 'a simulated MagTek MMS contactless reader on a pty (serial framing)',
    load: () => import('./commands/sim').then((m) => m.reader),
  },
  {
    words: ['sim', 'scanner'],
    summary: 'a simulated serial barcode scanner on a pty; scans the lines typed on stdin',
    load: () => import('./commands/sim').then((m) => m.scanner),
  },
  {
    words: ['scanner', 'listen'],
    summary: 'print each barcode a scanner reads as "<symbology> <text>"',
    load: () => import('./commands/scanner').then((m) => m.listen),
  },
  {
    words: ['printer', 'test'],
    summary: 'print a test page on a receipt printer; exit 0 if it reports no fault after',
    load: () => import('./commands/printer').then((m) => m.test),
  },
  {
    words: ['printer', 'status'],
    summary: "a receipt printer's decoded status; exit 1 naming why it cannot print",
    load: () => import('./commands/printer').then((m) => m.status),
  },
  {
    words: ['reader', 'test'],
    summary: "a contactless reader's Echo and a transaction up to the card's ARQC",
    load: () => import('./commands/reader').then((m) => m.test),
  },
  {
    words: ['report'],
    summary: "print a terminal's X, shift or Z report (read-only; --json)",
    load: () => import('./commands/report'),
  },
  {
    words: ['journal', 'verify'],
    summary: "check a terminal's hash-chained journal",
    load: () => import('./commands/journal-verify'),
  },
];

export const mainUsage = `Usage: pos <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(20)}${c.summary}`).join('\n')}

Options:
  -h, --help        show help (also: pos <command> --help)
  -v, --version     print the version

Exit codes: 0 ok, 1 failed (reason on stderr), 2 usage error.
With --json, a command's last line on stdout is one JSON object.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | null {
  const matches = COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w));
  const entry = matches.sort((a, b) => b.words.length - a.words.length)[0];
  return entry ? { entry, rest: argv.slice(entry.words.length) } : null;
}

function unknownCommand(argv: string[]): UsageError {
  // `pos journal` alone or with a wrong sub-command: list what that group has.
  const group = COMMANDS.filter((c) => c.words.length > 1 && c.words[0] === argv[0]);
  if (group.length > 0) {
    const sub = argv[1];
    const what =
      sub === undefined || sub.startsWith('-')
        ? `pos ${argv[0]} needs a sub-command`
        : `unknown command "${argv[0]} ${sub}"`;
    return new UsageError(`${what}: ${group.map((c) => c.words.join(' ')).join(', ')}`, mainUsage);
  }
  return new UsageError(`unknown command "${argv[0]}"`, mainUsage);
}

/** Runs `pos` with argv (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  // Options after `--` are data, not ours.
  const ownArgs = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const json = ownArgs.includes('--json');
  const first = argv[0];
  if (first === undefined)
    return printFailure(io, json, new UsageError('no command given', mainUsage));
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(`${mainUsage}\n`);
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${version()}\n`);
    return EXIT_OK;
  }
  const found = findCommand(argv);
  if (!found)
    return printFailure(
      io,
      json,
      first.startsWith('-')
        ? new UsageError(`unknown option "${first}"`, mainUsage)
        : unknownCommand(argv),
    );
  try {
    const command = await found.entry.load();
    if (found.rest.includes('--help') || found.rest.includes('-h')) {
      io.stdout(`${command.usage}\n`);
      return EXIT_OK;
    }
    const outcome = await command.run(found.rest, reporter(io, json));
    return printOutcome(io, json, outcome);
  } catch (err) {
    return printFailure(io, json, err);
  }
}
