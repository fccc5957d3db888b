import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJsonLine, runPos } from './test-helpers';

const empty = mkdtempSync(path.join(tmpdir(), 'pos-cli-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('pos command line', () => {
  it('prints help listing the commands, and exits 0', async () => {
    const r = await runPos(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pos <command>/);
    for (const cmd of ['start', 'terminal', 'journal verify']) expect(r.stdout).toContain(cmd);
  });

  it('prints the package version', async () => {
    const r = await runPos(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints a command’s own help', async () => {
    const r = await runPos(['journal', 'verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: pos journal verify --data-dir D');
  });

  it.each([
    [[], /no command given/],
    [['sell-everything'], /unknown command "sell-everything"/],
    [['journal'], /pos journal needs a sub-command: journal verify/],
    [['journal', 'rewrite'], /unknown command "journal rewrite"/],
    [['--frobnicate'], /unknown option "--frobnicate"/],
    [['start', '--port', 'eighty'], /--port must be 0-65535/],
    [['start', '--port', '70000'], /--port must be 0-65535/],
    [['terminal', '--kiosk-mode'], /--kiosk-mode/],
    [['journal', 'verify'], /--data-dir is required/],
    [['journal', 'verify', '--data-dir'], /--data-dir/],
  ])('exits 2 with usage text for %j', async (args, message) => {
    const r = await runPos(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage: pos');
    expect(r.stdout).toBe('');
  });

  it('journal verify on a missing data dir exits 1 and says so', async () => {
    const missing = path.join(empty, 'nope');
    const r = await runPos(['journal', 'verify', '--data-dir', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no data dir at ${missing}`);
  });

  it('journal verify on a folder without a terminal database exits 1 naming the file', async () => {
    const r = await runPos(['journal', 'verify', '--data-dir', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no terminal database at ${path.join(empty, 'terminal.db')}`);
  });

  it('with --json, a failure still ends stdout with one JSON object carrying the error', async () => {
    const r = await runPos(['journal', 'verify', '--data-dir', path.join(empty, 'nope'), '--json']);
    expect(r.code).toBe(1);
    expect(lastJsonLine(r.stdout)).toEqual({
      ok: false,
      error: { code: 'not_found', message: `no data dir at ${path.join(empty, 'nope')}` },
    });
  });

  it('with --json, a usage error ends stdout with a JSON object and exits 2', async () => {
    const r = await runPos(['journal', 'verify', '--json']);
    expect(r.code).toBe(2);
    expect(lastJsonLine(r.stdout)).toMatchObject({ ok: false, error: { code: 'usage' } });
  });
});
