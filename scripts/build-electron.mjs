// Bundles the Electron shell (ARCHITECTURE §3): the sandboxed preload can require nothing but
// 'electron', so it becomes one self-contained file; the main process is bundled too, leaving out
// the packages with native or dynamic requires, which ship in node_modules. Silent on success.
//   node scripts/build-electron.mjs [--out-dir DIR] [--only preload|main]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: { 'out-dir': { type: 'string' }, only: { type: 'string' } },
});
const outDir = path.resolve(opts['out-dir'] ?? path.join(root, 'dist', 'electron'));
const targets = opts.only ? [opts.only] : ['preload', 'main'];
if (!targets.every((t) => t === 'preload' || t === 'main')) {
  console.error('usage: build-electron.mjs [--out-dir DIR] [--only preload|main]');
  process.exit(2);
}
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const shipped = new Set(Object.keys(pkg.dependencies ?? {}));

// Native addons (loaded with bindings/node-gyp-build) and packages that require files by
// computed name (pino's transports, ws's optional accelerators) cannot be bundled.
const mainExternals = [
  'electron',
  'better-sqlite3',
  'serialport',
  '@serialport/*',
  'node-hid',
  'pino',
  'ws',
];

for (const name of mainExternals) {
  if (name !== 'electron' && !name.endsWith('/*') && !shipped.has(name)) {
    throw new Error(
      `build-electron: ${name} is left out of the bundle, so it must be in package.json dependencies`,
    );
  }
}

/**
 * Source modules may locate files with `new URL(x, import.meta.url)`. A CommonJS bundle has no
 * import.meta, so each module's own URL is rebuilt from the bundle's location, keeping paths
 * relative to the source tree (which mirrors the packaged app.asar: dist/electron/, terminal/, ...).
 */
const importMetaUrl = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (
        !text.includes('import.meta.url') ||
        args.path.includes(`${path.sep}node_modules${path.sep}`)
      ) {
        return undefined;
      }
      const fromBundle = path.relative(outDir, args.path).split(path.sep).join('/');
      const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(fromBundle)})).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * The preload needs only the contract's command and event names, not zod and every schema (most
 * of a megabyte the window would parse at each start). The names are read from the real
 * contract at build time, so the preload can never drift from it.
 */
async function contractNames() {
  const out = await build({
    absWorkingDir: root,
    entryPoints: ['contract/api.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'warning',
  });
  const mod = { exports: {} };
  new Function('module', 'exports', out.outputFiles[0].text)(mod, mod.exports);
  const { commandNames, eventNames } = mod.exports;
  if (!Array.isArray(commandNames) || !Array.isArray(eventNames)) {
    throw new Error(
      'build-electron: contract/api.ts no longer exports commandNames and eventNames arrays',
    );
  }
  return { commandNames, eventNames };
}

const contractNamesOnly = {
  name: 'contract-names-only',
  setup(b) {
    b.onResolve({ filter: /\/contract\/api$/ }, () => ({
      path: 'contract-names',
      namespace: 'contract-names',
    }));
    b.onLoad({ filter: /.*/, namespace: 'contract-names' }, async () => {
      const { commandNames, eventNames } = await contractNames();
      return {
        contents:
          `export const commandNames = Object.freeze(${JSON.stringify(commandNames)});\n` +
          `export const eventNames = Object.freeze(${JSON.stringify(eventNames)});\n`,
        loader: 'js',
      };
    });
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  outdir: outDir,
  outExtension: { '.js': '.cjs' },
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

const bundles = {
  preload: () =>
    build({
      ...common,
      entryPoints: { preload: 'electron/preload.ts' },
      // Only the renderer-safe 'electron' module exists in a sandboxed preload.
      external: ['electron'],
      plugins: [contractNamesOnly],
    }),
  main: () =>
    build({
      ...common,
      entryPoints: { main: 'electron/main.ts' },
      external: mainExternals,
      plugins: [importMetaUrl],
    }),
};

// Each bundle is tried even when the other fails, so a broken main never hides the preload.
const results = await Promise.allSettled(targets.map((t) => bundles[t]()));
const failed = targets.filter((_t, i) => results[i].status === 'rejected');
if (failed.length > 0) {
  for (const [i, t] of targets.entries()) {
    const r = results[i];
    // esbuild has printed its own errors (file, line, what did not resolve); anything else here.
    if (r.status === 'rejected' && !Array.isArray(r.reason?.errors))
      console.error(`${t}: ${r.reason?.message ?? r.reason}`);
  }
  console.error(`build-electron: the ${failed.join(' and ')} bundle failed`);
  process.exit(1);
}
