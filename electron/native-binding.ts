// better-sqlite3 for Electron (ARCHITECTURE §3). Its Node build in node_modules serves tests, the
// CLI and browser mode and must never be replaced, so the Electron build is produced in a
// temporary copy of the package and kept under .native/, passed to the terminal as nativeBinding.
// Needs the internet (GitHub for a prebuilt, electronjs.org for headers); never run at install.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronSqliteBindingPath, SQLITE_BINDING_FILE } from './native-path';

export interface CommandResult {
  code: number;
  /** stdout and stderr interleaved, possibly only the tail. */
  output: string;
}

export type CommandRunner = (
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
) => Promise<CommandResult>;

export interface EnsureBindingOptions {
  /** Checkout holding node_modules and .native; defaults to this one. */
  root?: string;
  arch?: string;
  /** Runs prebuild-install and node-gyp; injected by tests. */
  run?: CommandRunner;
  /** Where the scratch copy of better-sqlite3 goes; defaults to the OS temp dir. */
  tmpDir?: string;
  /**
   * Electron's NODE_MODULE_VERSION, to check the result against; defaults to the installed
   * electron package's abi_version when that package is the requested version.
   */
  abi?: number;
}

export class NativeBindingError extends Error {
  override readonly name = 'NativeBindingError';
}

const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';
const OUTPUT_TAIL = 64 * 1024;

const checkoutRoot = (): string => fileURLToPath(new URL('..', import.meta.url));

/**
 * npm hands its config to child processes as npm_config_* variables; a user's `nodedir` (or a
 * stray target) makes node-gyp build against Node's headers and report success with an addon
 * Electron refuses. These are dropped and only ours are set.
 */
const BUILD_CONFIG =
  /^npm_config_(nodedir|target|arch|runtime|disturl|dist_url|build_from_source|platform)$/i;

function buildEnv(electronVersion: string, arch: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!BUILD_CONFIG.test(key)) env[key] = value;
  return {
    ...env,
    npm_config_runtime: 'electron',
    npm_config_target: electronVersion,
    npm_config_arch: arch,
  };
}

/** The NODE_MODULE_VERSION a non-N-API addon was built for, from its registration symbol. */
export async function addonAbi(file: string): Promise<number | null> {
  const bytes = await readFile(file);
  const match = /node_register_module_v(\d+)/.exec(bytes.toString('latin1'));
  return match?.[1] === undefined ? null : Number(match[1]);
}

function installedAbi(root: string, electronVersion: string): number | null {
  try {
    const dir = path.join(root, 'node_modules', 'electron');
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    if (pkg.version !== electronVersion) return null;
    const abi = Number(readFileSync(path.join(dir, 'abi_version'), 'utf8').trim());
    return Number.isInteger(abi) && abi > 0 ? abi : null;
  } catch {
    return null;
  }
}

/** Why `file` is not an addon for `abi`, or null when it is (or cannot be told). */
async function abiProblem(file: string, abi: number | null): Promise<string | null> {
  if (abi === null) return null;
  const found = await addonAbi(file);
  return found === null || found === abi
    ? null
    : `it was built for ABI ${found}, not Electron's ${abi}`;
}

export const spawnCommand: CommandRunner = (command, args, options) =>
  new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => resolve({ code: -1, output: `${output}${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });

/** node-gyp ends every failure with the same context lines; the cause is above them. */
const BOILERPLATE =
  /(^gyp (info|http) )|ERR! (stack\s+at |System |command |cwd |node -v|node-gyp -v|\$npm_|not ok)/;

function lastLines(text: string, count = 6): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !BOILERPLATE.test(l));
  return lines.length === 0 ? '(no output)' : lines.slice(-count).join('\n    ');
}

/**
 * The path of a better_sqlite3.node built for this Electron version and arch, producing it when
 * missing: a prebuilt binary via prebuild-install, else a source build with node-gyp against the
 * Electron headers. Throws NativeBindingError saying what to do when both fail.
 */
export async function ensureElectronSqliteBinding(
  electronVersion: string,
  opts: EnsureBindingOptions = {},
): Promise<string> {
  // The version goes into a path and a command line, so only a plain semver gets through.
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(electronVersion)) {
    throw new NativeBindingError(`not an Electron version: ${JSON.stringify(electronVersion)}`);
  }
  const root = opts.root ?? checkoutRoot();
  const arch = opts.arch ?? process.arch;
  const run = opts.run ?? spawnCommand;
  const target = electronSqliteBindingPath(root, electronVersion, arch);
  const abi = opts.abi ?? installedAbi(root, electronVersion);
  // A file from an earlier, wrongly configured build is replaced rather than trusted.
  if (existsSync(target) && (await abiProblem(target, abi)) === null) return target;

  const modules = path.join(root, 'node_modules');
  const source = path.join(modules, 'better-sqlite3');
  const prebuildInstall = [
    path.join(modules, 'prebuild-install', 'bin.js'),
    path.join(modules, 'better-sqlite3', 'node_modules', 'prebuild-install', 'bin.js'),
  ].find((file) => existsSync(file));
  const nodeGyp = path.join(modules, 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(path.join(source, 'package.json'))) {
    throw new NativeBindingError(`better-sqlite3 is not installed in ${modules}; run npm ci first`);
  }

  const scratch = await mkdtemp(path.join(opts.tmpDir ?? os.tmpdir(), 'venue-pos-sqlite-'));
  try {
    const work = path.join(scratch, 'better-sqlite3');
    // Without build/, nothing from the Node build can be mistaken for the Electron one.
    await cp(source, work, {
      recursive: true,
      filter: (src) => path.relative(source, src).split(path.sep)[0] !== 'build',
    });
    const env = buildEnv(electronVersion, arch);
    const built = path.join(work, 'build', 'Release', SQLITE_BINDING_FILE);
    const failures: string[] = [];
    /** Null when the tool produced a usable addon, else why not. */
    const check = async (result: CommandResult): Promise<string | null> => {
      if (result.code !== 0) return `exited ${result.code}:\n    ${lastLines(result.output)}`;
      if (!existsSync(built)) return `exited 0 but produced no ${SQLITE_BINDING_FILE}`;
      const problem = await abiProblem(built, abi);
      if (problem !== null) await rm(built, { force: true });
      return problem;
    };

    if (prebuildInstall !== undefined) {
      const args = [
        prebuildInstall,
        '--runtime',
        'electron',
        '--target',
        electronVersion,
        '--arch',
        arch,
      ];
      const problem = await check(await run(process.execPath, args, { cwd: work, env }));
      if (problem === null) return await install(built, target);
      failures.push(`no usable prebuilt binary (prebuild-install ${problem})`);
    } else {
      failures.push('prebuild-install is not installed (it comes with better-sqlite3)');
    }

    if (existsSync(nodeGyp)) {
      const args = [
        nodeGyp,
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        `--arch=${arch}`,
        `--dist-url=${ELECTRON_HEADERS_URL}`,
      ];
      const problem = await check(await run(process.execPath, args, { cwd: work, env }));
      if (problem === null) return await install(built, target);
      failures.push(`building from source failed (node-gyp ${problem})`);
    } else {
      failures.push('node-gyp is not installed, so no source build was tried');
    }

    throw new NativeBindingError(
      `cannot get better-sqlite3 for Electron ${electronVersion} (${arch}).\n  - ${failures.join('\n  - ')}\n` +
        'This needs internet access (GitHub releases, electronjs.org headers) or a C++ toolchain. ' +
        `Alternatively copy a better_sqlite3.node built for Electron ${electronVersion} to ${target}, ` +
        'or point POS_SQLITE_BINDING at one.',
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Copies under a temporary name first, so a half-written file is never taken for a finished one. */
async function install(built: string, target: string): Promise<string> {
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await copyFile(built, partial);
  await rename(partial, target);
  return target;
}
