import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureElectronSqliteBinding,
  NativeBindingError,
  type CommandRunner,
} from './native-binding';
import { electronSqliteBindingPath } from './native-path';

let root: string;
let tmpDir: string;
const nodeBuild = () =>
  path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pos-native-'));
  tmpDir = path.join(root, 'tmp');
  await mkdir(tmpDir);
  const pkg = path.join(root, 'node_modules', 'better-sqlite3');
  await mkdir(path.join(pkg, 'build', 'Release'), { recursive: true });
  await writeFile(path.join(pkg, 'package.json'), '{"name":"better-sqlite3","version":"12.11.1"}');
  await writeFile(nodeBuild(), 'NODE ABI BUILD');
  for (const bin of ['prebuild-install/bin.js', 'node-gyp/bin/node-gyp.js']) {
    await mkdir(path.dirname(path.join(root, 'node_modules', bin)), { recursive: true });
    await writeFile(path.join(root, 'node_modules', bin), '');
  }
});
afterEach(() => rm(root, { recursive: true, force: true }));

interface Call {
  tool: string;
  args: readonly string[];
  cwd: string;
}

/** A runner that plays prebuild-install and node-gyp: each either writes the addon or fails. */
function runner(
  outcome: { prebuild: 'ok' | 'fail'; gyp: 'ok' | 'fail' },
  calls: Call[],
): CommandRunner {
  return async (_command, args, { cwd }) => {
    const tool = args[0]?.includes('prebuild-install') ? 'prebuild' : 'gyp';
    calls.push({ tool, args, cwd });
    // The scratch copy must not carry the Node build along.
    if (existsSync(path.join(cwd, 'build', 'Release', 'better_sqlite3.node')))
      throw new Error('stale build copied');
    if (outcome[tool] === 'fail') {
      return {
        code: 1,
        output:
          tool === 'prebuild'
            ? 'prebuild-install warn install No prebuilt binaries found'
            : 'gyp ERR! connect ETIMEDOUT',
      };
    }
    await mkdir(path.join(cwd, 'build', 'Release'), { recursive: true });
    await writeFile(
      path.join(cwd, 'build', 'Release', 'better_sqlite3.node'),
      `ELECTRON BUILD via ${tool}`,
    );
    return { code: 0, output: '' };
  };
}

describe('ensureElectronSqliteBinding', () => {
  it('keeps one build per Electron version and arch under .native/', () => {
    expect(electronSqliteBindingPath('/repo', '42.11.18', 'x64')).toBe(
      path.join('/repo', '.native', 'electron-42.11.18-x64', 'better_sqlite3.node'),
    );
  });

  it('returns a build that is already there without running anything', async () => {
    const target = electronSqliteBindingPath(root, '42.11.18', 'x64');
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, 'ELECTRON BUILD');
    const calls: Call[] = [];
    expect(
      await ensureElectronSqliteBinding('42.11.18', {
        root,
        arch: 'x64',
        tmpDir,
        run: runner({ prebuild: 'fail', gyp: 'fail' }, calls),
      }),
    ).toBe(target);
    expect(calls).toEqual([]);
  });

  it('downloads a prebuilt for Electron in a scratch copy, leaving the Node build alone', async () => {
    const calls: Call[] = [];
    const result = await ensureElectronSqliteBinding('42.11.18', {
      root,
      arch: 'arm64',
      tmpDir,
      run: runner({ prebuild: 'ok', gyp: 'fail' }, calls),
    });
    expect(result).toBe(electronSqliteBindingPath(root, '42.11.18', 'arm64'));
    expect(await readFile(result, 'utf8')).toBe('ELECTRON BUILD via prebuild');
    expect(await readFile(nodeBuild(), 'utf8')).toBe('NODE ABI BUILD');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args.slice(1)).toEqual([
      '--runtime',
      'electron',
      '--target',
      '42.11.18',
      '--arch',
      'arm64',
    ]);
    expect(calls[0]?.cwd.startsWith(tmpDir)).toBe(true);
    expect(await readdir(tmpDir)).toEqual([]);
  });

  it('falls back to a source build against the Electron headers', async () => {
    const calls: Call[] = [];
    const result = await ensureElectronSqliteBinding('42.11.18', {
      root,
      arch: 'x64',
      tmpDir,
      run: runner({ prebuild: 'fail', gyp: 'ok' }, calls),
    });
    expect(await readFile(result, 'utf8')).toBe('ELECTRON BUILD via gyp');
    expect(calls.map((c) => c.tool)).toEqual(['prebuild', 'gyp']);
    expect(calls[1]?.args).toEqual(
      expect.arrayContaining([
        'rebuild',
        '--target=42.11.18',
        '--arch=x64',
        '--dist-url=https://electronjs.org/headers',
      ]),
    );
    expect(await readFile(nodeBuild(), 'utf8')).toBe('NODE ABI BUILD');
  });

  it('says what failed and what to do when neither works (no internet)', async () => {
    const calls: Call[] = [];
    const attempt = ensureElectronSqliteBinding('42.11.18', {
      root,
      arch: 'x64',
      tmpDir,
      run: runner({ prebuild: 'fail', gyp: 'fail' }, calls),
    });
    await expect(attempt).rejects.toThrow(NativeBindingError);
    const message = await attempt.then(
      () => '',
      (err: Error) => err.message,
    );
    expect(message).toContain('Electron 42.11.18 (x64)');
    expect(message).toContain('No prebuilt binaries found');
    expect(message).toContain('ETIMEDOUT');
    expect(message).toContain('POS_SQLITE_BINDING');
    expect(message).toContain(electronSqliteBindingPath(root, '42.11.18', 'x64'));
    expect(existsSync(path.dirname(electronSqliteBindingPath(root, '42.11.18', 'x64')))).toBe(
      false,
    );
    expect(await readdir(tmpDir)).toEqual([]);
  });

  it('does not count a successful exit without the addon as success', async () => {
    const lying: CommandRunner = () => Promise.resolve({ code: 0, output: 'done' });
    await expect(
      ensureElectronSqliteBinding('42.11.18', { root, arch: 'x64', tmpDir, run: lying }),
    ).rejects.toThrow(NativeBindingError);
  });

  it('refuses a version that is not plain semver before touching anything', async () => {
    const calls: Call[] = [];
    await expect(
      ensureElectronSqliteBinding('42; rm -rf /', {
        root,
        tmpDir,
        run: runner({ prebuild: 'ok', gyp: 'ok' }, calls),
      }),
    ).rejects.toThrow(/not an Electron version/);
    expect(calls).toEqual([]);
  });
});
