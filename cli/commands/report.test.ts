// `pos report x|shift|z` on a real till's day: text with bilingual labels and aligned amounts, the
// ReportDto with --json, read-only on a copied terminal.db, clear errors.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countFor, ReportDto } from '../../contract/shifts';
import { createTerminal } from '../../terminal/create-terminal';
import { must, openTill } from '../../terminal/testing';
import { runCli } from '../cli';
import { lastJsonLine, runPos } from '../test-helpers';

const CNY = [10000, 5000, 2000, 1000, 500, 100, 50, 10];
let root = '';
let live = '';
/** A copy of the till's terminal.db alone, as a technician would bring it. */
let copy = '';
/** The X the till itself gave at the end of the day (shift 2 open with one sale). */
let tillX: ReportDto;

async function pos(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'pos-report-'));
  live = path.join(root, 'till');
  copy = path.join(root, 'copy');
  const t = await createTerminal({ dataDir: live, demo: true });
  try {
    // Shift 1: two hot dogs, counted 5.00 short; Z 1. Shift 2: one hot dog, still open.
    await openTill(t);
    await must(t, 'sale.addItem', { productId: 'hot-dog', quantity: 2 });
    await must(t, 'payment.payCash', { tendered: 10000 });
    await must(t, 'sale.complete');
    const x = await must<ReportDto>(t, 'report.x');
    await must(t, 'shift.count', { counts: countFor(x.expectedCash - 500, CNY) });
    await must(t, 'day.close', { supervisorPin: '2222' });
    await openTill(t);
    await must(t, 'sale.addItem', { productId: 'hot-dog', quantity: 1 });
    await must(t, 'payment.payCash', { tendered: 10000 });
    await must(t, 'sale.complete');
    tillX = await must<ReportDto>(t, 'report.x');
  } finally {
    t.close();
  }
  mkdirSync(copy);
  copyFileSync(path.join(live, 'terminal.db'), path.join(copy, 'terminal.db'));
}, 30_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pos report', () => {
  it('z: the latest Z as text, bilingual, amounts right-aligned in the venue currency; the database unchanged', async () => {
    const before = sha(path.join(copy, 'terminal.db'));
    const r = await pos('report', 'z', '--data-dir', copy);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const row = (re: RegExp): string => lines.find((l) => re.test(l)) ?? '';
    expect(r.stdout).toContain('Z 日结报表 Z REPORT');
    expect(row(/^日结号 Z number/)).toMatch(/ 1$/);
    expect(row(/^营业额 Revenue \(1\)/)).toMatch(/ 50\.00$/);
    expect(row(/^长短款 Over\/short/)).toMatch(/ -5\.00$/);
    expect(row(/^累计总额 Grand total/)).toMatch(/ CNY 50\.00$/);
    // Amount rows end in one column.
    const ends = ['营业额 Revenue', '应有现金 Expected cash', '实点现金 Counted cash'].map((l) => row(new RegExp(`^${l}`)));
    expect(new Set(ends.map((l) => l.replace(/[\u4e00-\u9fff]/g, 'xx').length))).toEqual(new Set([48]));
    expect(r.stderr).toMatch(/^Z 1, business date \d{4}-\d{2}-\d{2}\n$/);
    expect(sha(path.join(copy, 'terminal.db'))).toBe(before);
  });

  it('--json: the ReportDto with the gateway summary shape plus expected, counted and over/short in minor units', async () => {
    const r = await pos('report', 'shift', '--number', '1', '--data-dir', copy, '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = lastJsonLine(r.stdout);
    const { ok, message, ...rest } = json;
    expect(ok).toBe(true);
    expect(message).toMatch(/shift .* \(#1\)/);
    const report = ReportDto.parse(rest);
    expect(report).toMatchObject({
      kind: 'shift',
      currency: 'CNY',
      sales: { count: 1, amount: 5000 },
      refunds: { count: 0, amount: 0 },
      overShort: -500,
    });
    expect(report.countedCash).toBe(report.expectedCash - 500);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('x: recomputes the open shift read-only, the same figures the till gives', async () => {
    const before = sha(path.join(copy, 'terminal.db'));
    const r = await pos('report', 'x', '--data-dir', copy, '--json');
    expect(r.code, r.stderr).toBe(0);
    const { ok: _ok, message: _m, ...x } = lastJsonLine(r.stdout);
    const cli = ReportDto.parse(x);
    const strip = ({ generatedAt: _g, to: _t, ...rest }: ReportDto) => rest;
    expect(strip(cli)).toEqual(strip(tillX));
    expect(cli).toMatchObject({ kind: 'x', sales: { count: 1, amount: 2500 }, countedCash: null, overShort: null });
    expect(sha(path.join(copy, 'terminal.db'))).toBe(before);
  });

  it('shift: the latest closed by default, by position or by id; an open one is refused with a pointer to x', async () => {
    const latest = lastJsonLine((await pos('report', 'shift', '--data-dir', copy, '--json')).stdout);
    const first = lastJsonLine((await pos('report', 'shift', '--number', '1', '--data-dir', copy, '--json')).stdout);
    expect(latest.shiftId).toBe(first.shiftId);
    const byId = lastJsonLine((await pos('report', 'shift', '--shift', String(first.shiftId), '--data-dir', copy, '--json')).stdout);
    expect(byId.shiftId).toBe(first.shiftId);
    const open = await pos('report', 'shift', '--number', '2', '--data-dir', copy, '--json');
    expect(open.code).toBe(1);
    expect(lastJsonLine(open.stdout)).toMatchObject({ ok: false, error: { code: 'report.shift_open' } });
    expect(open.stderr).toMatch(/still open.*pos report x/);
  });

  it.each([
    [['z', '--number', '9'], 1, 'report.not_found', /no such report: Z 9/],
    [['shift', '--number', '5'], 1, 'report.not_found', /has 2 shift\(s\), not 5/],
    [['shift', '--shift', 'NOPE'], 1, 'report.not_found', /no shift NOPE/],
    [['y'], 2, 'usage', /unknown report "y"/],
    [['shift', '--number', '0'], 2, 'usage', /--number must be a positive integer/],
    [['x', '--number', '1'], 2, 'usage', /--number does not apply/],
  ])('refuses %j clearly', async (args, code, errorCode, message) => {
    const [kind, ...rest] = args;
    const r = await pos('report', kind!, ...rest, '--data-dir', copy, '--json');
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(lastJsonLine(r.stdout)).toMatchObject({ ok: false, error: { code: errorCode } });
  });

  it('says when the folder is not a data dir, or the database is from a newer release', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    const notDir = await pos('report', 'z', '--data-dir', empty);
    expect(notDir.code).toBe(1);
    expect(notDir.stderr).toMatch(/no terminal database at .*terminal\.db \(is .* a terminal data dir\?\)/);
    const newer = path.join(root, 'newer');
    mkdirSync(newer);
    copyFileSync(path.join(copy, 'terminal.db'), path.join(newer, 'terminal.db'));
    const db = new Database(path.join(newer, 'terminal.db'));
    db.pragma('user_version = 999');
    db.close();
    const r = await pos('report', 'z', '--data-dir', newer, '--json');
    expect(r.code).toBe(1);
    expect(lastJsonLine(r.stdout)).toMatchObject({ ok: false, error: { code: 'db.newer_version' } });
    expect(r.stderr).toMatch(/schema version 999.*newer release/);
  });

  it('is listed in pos --help and has its own --help (as a real process)', async () => {
    const help = await runPos(['--help']);
    expect(help.stdout).toMatch(/report +print a terminal's X, shift or Z report/);
    const own = await runPos(['report', '--help']);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('Usage: pos report x|shift|z --data-dir D');
  });
});

describe('registered commands', () => {
  it.each([
    [['gateway', 'stop-sale', '--help'], 'Usage: pos gateway stop-sale --tag TAG'],
    [['gateway', 'sold-out', '--help'], 'Usage: pos gateway sold-out --product ID'],
    [['report', '--help'], 'Usage: pos report x|shift|z'],
  ])('%j shows its own usage', async (argv, text) => {
    const r = await pos(...argv);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(text)).toBe(true);
  });

  it('pos --help lists report, gateway stop-sale and gateway sold-out', async () => {
    const r = await pos('--help');
    for (const line of [/^ {2}report {14}\S/m, /^ {2}gateway stop-sale {3}\S/m, /^ {2}gateway sold-out {4}\S/m]) expect(r.stdout).toMatch(line);
  });
});
