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
  env: NodeJS.ProcessEnv;
}

const ELECTRON_ABI = 146;
/** What a real addon carries: its registration symbol names the ABI it was built for. */
const addon = (abi: number, note: string) => `\x7fELF...node_register_module_v${abi}\0${note}`;

/** ok: writes an Electron addon; fail: exits 1; node-abi: "succeeds" with a Node addon. */
type Outcome = 'ok' | 'fail' | 'node-abi';

/** A runner that plays prebuild-install and node-gyp. */
function runner(outcome: { prebuild: Outcome; gyp: Outcome }, calls: Call[]): CommandRunner {
  return async (_command, args, { cwd, env }) => {
    const tool = args[0]?.includes('prebuild-install') ? 'prebuild' : 'gyp';
    calls.push({ tool, args, cwd, env });
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
    const abi = outcome[tool] === 'node-abi' ? 115 : ELECTRON_ABI;
    await writeFile(
      path.join(cwd, 'build', 'Release', 'better_sqlite3.node'),
      addon(abi, `via ${tool}`),
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
    await writeFile(target, addon(ELECTRON_ABI, 'present'));
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
    expect(await readFile(result, 'utf8')).toContain('via prebuild');
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
    expect(await readFile(result, 'utf8')).toContain('via gyp');
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

  it('rejects an addon built for Node instead of Electron, and replaces a stale one', async () => {
    const target = electronSqliteBindingPath(root, '42.11.18', 'x64');
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, addon(115, 'stale'));
    const calls: Call[] = [];
    const failing = ensureElectronSqliteBinding('42.11.18', {
      root,
      arch: 'x64',
      abi: ELECTRON_ABI,
      tmpDir,
      run: runner({ prebuild: 'fail', gyp: 'node-abi' }, calls),
    });
    await expect(failing).rejects.toThrow(/built for ABI 115, not Electron's 146/);
    expect(calls).toHaveLength(2);

    const fixed = await ensureElectronSqliteBinding('42.11.18', {
      root,
      arch: 'x64',
      abi: ELECTRON_ABI,
      tmpDir,
      run: runner({ prebuild: 'node-abi', gyp: 'ok' }, []),
    });
    expect(await readFile(fixed, 'utf8')).toContain('via gyp');
  });

  it('takes the expected ABI from the installed electron package when it is that version', async () => {
    const electronPkg = path.join(root, 'node_modules', 'electron');
    await mkdir(electronPkg, { recursive: true });
    await writeFile(path.join(electronPkg, 'package.json'), '{"version":"42.11.18"}');
    await writeFile(path.join(electronPkg, 'abi_version'), `${ELECTRON_ABI}`);
    const run = runner({ prebuild: 'node-abi', gyp: 'node-abi' }, []);
    await expect(
      ensureElectronSqliteBinding('42.11.18', { root, arch: 'x64', tmpDir, run }),
    ).rejects.toThrow(/ABI 115/);
  });

  it('keeps npm config such as nodedir from steering the build to Node headers', async () => {
    const saved = process.env.npm_config_nodedir;
    process.env.npm_config_nodedir = '/usr';
    try {
      const calls: Call[] = [];
      await ensureElectronSqliteBinding('42.11.18', {
        root,
        arch: 'x64',
        abi: ELECTRON_ABI,
        tmpDir,
        run: runner({ prebuild: 'fail', gyp: 'ok' }, calls),
      });
      for (const call of calls) {
        expect(call.env.npm_config_nodedir).toBeUndefined();
        expect(call.env).toMatchObject({
          npm_config_runtime: 'electron',
          npm_config_target: '42.11.18',
        });
      }
    } finally {
      if (saved === undefined) delete process.env.npm_config_nodedir;
      else process.env.npm_config_nodedir = saved;
    }
  });

  it('does not count a successful exit without the addon as success', async () => {
    const lying: CommandRunner = () => Promise.resolve({ code: 0, output: 'done' });
    await expect(
      ensureElectronSqliteBinding('42.11.18', {
        root,
        arch: 'x64',
        abi: ELECTRON_ABI,
        tmpDir,
        run: lying,
      }),
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
