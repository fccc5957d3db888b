// `pos report x|shift|z`: a terminal's X, shift or Z report from its data dir, for a technician or
// an auditor. READ-ONLY: the database is opened read-only and nothing of the terminal runs (the
// shift service writes: journal, outbox, print jobs), so it is safe on a live till and works on a
// copied terminal.db.
import { buildReport } from '../../terminal/shifts/report-build';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { VenueConfig } from '../../contract/venue';
import { ReportDto } from '../../contract/shifts';
import type { ReceiptDocument } from '../../drivers/escpos/receipt-model';
import { displayWidth, wrapToWidth } from '../../drivers/escpos/text';
import type { Db } from '../../db/open';
import type { ShiftFigures } from '../../db/reports';
import type { ShiftRow } from '../../db/shifts';
import { CliError, UsageError, parseOptions, type Outcome, type Reporter } from '../output';

export const usage = `Usage: pos report x|shift|z --data-dir D [--number N | --shift ID] [--json]

Prints a report from a terminal's data, read-only (safe on a live till or a copied terminal.db):
  x       the open shift's figures now (X: changes nothing, prints nothing)
  shift   a closed shift's stored report: --number N is the shift's position on this terminal
          (1 = the first shift ever opened), --shift ID picks it by id; the latest closed if neither
  z       a stored Z (business day close) by --number N; the latest if none

The text shows bilingual labels and amounts in the venue's currency. With --json the last line is
the report (contract/shifts.ts ReportDto): the gateway summary's shape ({ currency, sales: { count,
amount }, refunds, deposits, discounts, comps, byTender, byCategory, ... }) plus expectedCash,
countedCash and overShort (counted − expected), all in minor units.

Options:
  --data-dir D   the terminal's data folder (required)
  --number N     shift position or Z number (a positive integer)
  --shift ID     a shift by id (x: which open shift, when several drawers are open)
  --json         print the report as one JSON line
  -h, --help     show this help`;

const KINDS = ['x', 'shift', 'z'] as const;
type Kind = (typeof KINDS)[number];

export async function run(argv: string[], _out: Reporter): Promise<Outcome> {
  const [kindArg, ...rest] = argv;
  if (kindArg === undefined || kindArg.startsWith('-')) throw new UsageError('which report? x, shift or z', usage);
  if (!(KINDS as readonly string[]).includes(kindArg)) throw new UsageError(`unknown report "${kindArg}": x, shift or z`, usage);
  const kind = kindArg as Kind;
  const { values } = parseOptions(
    rest,
    {
      'data-dir': { type: 'string' },
      number: { type: 'string' },
      shift: { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  );
  if (values['data-dir'] === undefined) throw new UsageError('--data-dir is required', usage);
  let number: number | undefined;
  if (values.number !== undefined) {
    if (!/^[1-9]\d{0,8}$/.test(values.number)) throw new UsageError(`--number must be a positive integer, got "${values.number}"`, usage);
    number = Number(values.number);
  }
  if (number !== undefined && values.shift !== undefined) throw new UsageError('give --number or --shift, not both', usage);
  if (kind === 'z' && values.shift !== undefined) throw new UsageError('a Z is chosen by --number, not --shift', usage);
  if (kind === 'x' && number !== undefined) throw new UsageError('an X is of the open shift: --shift ID picks one, --number does not apply', usage);

  const dataDir = path.resolve(values['data-dir']);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) throw new CliError(`no data dir at ${dataDir}`, 'not_found');
  const [{ openDatabase, DatabaseOpenError }, { terminalDbPath }, { terminalMigrations }, dbShifts, dbReports, settings, layout] =
    await Promise.all([
      import('../../db/open'),
      import('../../db/terminal-db'),
      import('../../db/migrations/index'),
      import('../../db/shifts'),
      import('../../db/reports'),
      import('../../db/settings'),
      import('../../terminal/printing/report-layout'),
    ]);
  const dbPath = terminalDbPath(dataDir);
  if (!existsSync(dbPath)) throw new CliError(`no terminal database at ${dbPath} (is ${dataDir} a terminal data dir?)`, 'not_found');
  let db;
  try {
    db = openDatabase(dbPath, { readonly: true, maxSchemaVersion: terminalMigrations.length });
  } catch (err) {
    if (err instanceof DatabaseOpenError) throw new CliError(err.message, err.code);
    throw new CliError((err as Error).message, 'db_open_failed');
  }
  try {
    const found = findReport(db, kind, { number, shiftId: values.shift }, new Date().toISOString(), {
      ...dbShifts,
      ...dbReports,
      getSetting: settings.getSetting,
    });
    const report = found.report;
    const text = renderDocumentText(
      layout.reportDocument(report, { venue: found.venue, terminalShortId: report.terminalId.slice(-6), language: 'both', copy: false }),
      48,
    );
    const what =
      kind === 'z'
        ? `Z ${report.zNumber ?? ''}`.trim()
        : `${kind === 'x' ? 'X of' : 'report of'} shift ${report.shiftId ?? ''}${found.position ? ` (#${found.position})` : ''}`;
    return {
      message: `${what}, business date ${report.businessDate}`,
      data: { ...report },
      output: text,
    };
  } finally {
    db.close();
  }
}

interface ReadFns {
  listShifts(db: Db): ShiftRow[];
  openShifts(db: Db): ShiftRow[];
  shiftReport(db: Db, shiftId?: string): unknown;
  zReport(db: Db, zNo?: number): unknown;
  shiftFigures(db: Db, shiftIds: readonly string[]): ShiftFigures;
  getSetting<T>(db: Db, key: string): T | undefined;
}

/** Schema 6 brought shifts; an older terminal has no reports to show. */
const SHIFTS_SCHEMA = 6;

/** Finds (x: computes) the report asked for, from reads only. */
export function findReport(
  db: Db,
  kind: Kind,
  sel: { number?: number | undefined; shiftId?: string | undefined },
  now: string,
  fns: ReadFns,
): { report: ReportDto; venue: VenueConfig; position: number | null } {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < SHIFTS_SCHEMA) {
    throw new CliError(`this terminal's database (schema ${version}) is from before shifts: it has no X, shift or Z reports`, 'report.none');
  }
  const venue = VenueConfig.safeParse(fns.getSetting(db, 'venue'));
  if (!venue.success) throw new CliError("the terminal's venue configuration is missing or unreadable", 'report.no_venue');
  const terminalId = fns.getSetting<string>(db, 'terminal_id') ?? '';
  const stored = (value: unknown, what: string): ReportDto => {
    if (value === undefined) throw new CliError(`no such report: ${what}`, 'report.not_found');
    const parsed = ReportDto.safeParse(value);
    if (!parsed.success) throw new CliError(`the stored ${what} is unreadable (${parsed.error.issues[0]?.message ?? 'invalid'})`, 'report.unreadable');
    return parsed.data;
  };
  const all = fns.listShifts(db);
  const positionOf = (shiftId: string): number | null => {
    const i = all.findIndex((s) => s.shiftId === shiftId);
    return i < 0 ? null : i + 1;
  };

  if (kind === 'z') {
    const report = stored(fns.zReport(db, sel.number), sel.number === undefined ? 'no Z has been taken on this terminal' : `Z ${sel.number}`);
    return { report, venue: venue.data, position: null };
  }

  if (kind === 'shift') {
    let shift: ShiftRow | undefined;
    if (sel.shiftId !== undefined) {
      shift = all.find((s) => s.shiftId === sel.shiftId);
      if (!shift) throw new CliError(`no such report: no shift ${sel.shiftId} on this terminal`, 'report.not_found');
    } else if (sel.number !== undefined) {
      shift = all[sel.number - 1];
      if (!shift) throw new CliError(`no such report: this terminal has ${all.length} shift(s), not ${sel.number}`, 'report.not_found');
    }
    if (shift && shift.status !== 'closed') {
      throw new CliError(`shift ${shift.shiftId} is still open: its figures so far are its X (pos report x)`, 'report.shift_open');
    }
    const report = stored(fns.shiftReport(db, shift?.shiftId), shift ? `shift ${shift.shiftId}` : 'no shift has closed on this terminal');
    return { report, venue: venue.data, position: report.shiftId ? positionOf(report.shiftId) : null };
  }

  // X: the figures of the open shift now, computed as the till does (terminal/shifts/shift-service.ts
  // build('x')) from the same sums (db/reports.ts), without writing anything.
  const open = fns.openShifts(db);
  const shift = sel.shiftId === undefined ? open[0] : open.find((s) => s.shiftId === sel.shiftId);
  if (!shift) {
    throw new CliError(
      sel.shiftId === undefined ? 'no such report: no shift is open on this terminal (an X is of the open shift)' : `no such report: no open shift ${sel.shiftId}`,
      'report.not_found',
    );
  }
  return { report: xReport(db, venue.data, terminalId, shift, now, fns), venue: venue.data, position: positionOf(shift.shiftId) };
}

function xReport(db: Db, v: VenueConfig, terminalId: string, shift: ShiftRow, now: string, fns: ReadFns): ReportDto {
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return buildReport({
    kind: 'x',
    shifts: [shift],
    figures: fns.shiftFigures(db, [shift.shiftId]),
    venue: v,
    terminalId,
    now,
    today: shift.businessDate,
    unsynced: count('SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL'),
    unforwarded: count("SELECT COUNT(*) AS n FROM card_payments WHERE state IN ('stored', 'forwarding')"),
  });
}

/**
 * The paper layout (terminal/printing/report-layout.ts) as plain text lines: the same labels and
 * sections as the printed report, right-aligned amounts, Chinese counted as two columns.
 */
export function renderDocumentText(doc: ReceiptDocument, columns: number): string {
  const lines: string[] = [];
  const width = (s: string): number => displayWidth(s);
  const wrap = (text: string, w: number): string[] => wrapToWidth(text, w);
  for (const b of doc.blocks) {
    switch (b.kind) {
      case 'text':
        for (const l of wrap(b.text, columns)) {
          const pad = b.align === 'center' ? Math.max(0, Math.floor((columns - width(l)) / 2)) : 0;
          lines.push(' '.repeat(pad) + l);
        }
        break;
      case 'columns': {
        const right = b.right;
        const room = columns - width(right) - 1;
        const left = wrap(b.left, Math.max(2, room));
        for (const l of left.slice(0, -1)) lines.push(l);
        const last = left.at(-1) ?? '';
        lines.push(last + ' '.repeat(Math.max(1, columns - width(last) - width(right))) + right);
        break;
      }
      case 'separator':
        lines.push((b.char ?? '-').repeat(columns));
        break;
      // Paper-only blocks: nothing to show in a terminal.
      case 'feed':
      case 'qr':
      case 'barcode':
      case 'logo':
      case 'cut':
      case 'drawer':
        break;
    }
  }
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

