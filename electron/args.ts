// The shell's command line. Chromium adds switches of its own to argv, so unknown arguments are
// ignored rather than refused.

export interface ShellArgs {
  /** Folder holding terminal.db; null means the per-user default. */
  dataDir: string | null;
  /** Seed a new data dir with the demo venue. */
  demo: boolean;
  /** Full-screen counter mode. */
  kiosk: boolean;
  /** Receipt printer address (ARCHITECTURE §8), its profile and receipt language. */
  printer: string | null;
  printerProfile: string | null;
  receiptLanguage: 'both' | 'zh' | 'en' | null;
  /** Contactless card reader address (ARCHITECTURE §8), e.g. serial:/dev/ttyUSB0 or sim:reader. */
  reader: string | null;
  /** Barcode scanner address, e.g. hid:05e0:1200, serial:/dev/ttyACM0?suffix=cr or sim:scanner. */
  scanner: string | null;
  /** This counter's zone for price levels (kept in the data dir once given). */
  zone: string | null;
}

function valueOf(argv: readonly string[], i: number, flag: string, example: string): string {
  const value = argv[i];
  if (value === undefined || value === '' || value.startsWith('--')) {
    throw new ShellUsageError(`${flag} needs a value, e.g. ${flag} ${example}`);
  }
  return value;
}

export class ShellUsageError extends Error {
  override readonly name = 'ShellUsageError';
}

export function parseShellArgs(argv: readonly string[]): ShellArgs {
  const args: ShellArgs = {
    dataDir: null,
    demo: false,
    kiosk: false,
    printer: null,
    printerProfile: null,
    receiptLanguage: null,
    reader: null,
    scanner: null,
    zone: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--demo') args.demo = true;
    else if (arg === '--kiosk') args.kiosk = true;
    else if (arg === '--printer')
      args.printer = valueOf(argv, ++i, '--printer', 'serial:/dev/ttyUSB0');
    else if (arg === '--reader') args.reader = valueOf(argv, ++i, '--reader', 'serial:/dev/ttyUSB0');
    else if (arg === '--scanner') args.scanner = valueOf(argv, ++i, '--scanner', 'hid:05e0:1200');
    else if (arg === '--zone') args.zone = valueOf(argv, ++i, '--zone', 'north-stand');
    else if (arg === '--printer-profile')
      args.printerProfile = valueOf(argv, ++i, '--printer-profile', '80mm');
    else if (arg === '--receipt-language') {
      const value = valueOf(argv, ++i, '--receipt-language', 'both');
      if (value !== 'both' && value !== 'zh' && value !== 'en') {
        throw new ShellUsageError(`--receipt-language must be both, zh or en, not "${value}"`);
      }
      args.receiptLanguage = value;
    } else if (arg === '--data-dir') {
      const value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) {
        throw new ShellUsageError('--data-dir needs a folder, e.g. --data-dir /var/lib/venue-pos');
      }
      args.dataDir = value;
    } else if (arg?.startsWith('--data-dir=')) {
      const value = arg.slice('--data-dir='.length);
      if (value === '') throw new ShellUsageError('--data-dir= needs a folder');
      args.dataDir = value;
    }
  }
  return args;
}
