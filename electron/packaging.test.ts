// The packaging inputs (electron-builder.yml and build/): mistakes here surface only on a counter
// PC during installation, so they are checked where they are written.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const require = createRequire(path.join(root, 'package.json'));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema, with the bundled main process as entry', async () => {
    const { getConfig, validateConfiguration } =
      require('app-builder-lib/out/util/config/config') as {
        getConfig: (
          dir: string,
          file: string | null,
          extra: null,
        ) => Promise<Record<string, unknown>>;
        validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
      };
    const { DebugLogger } = require('builder-util') as {
      DebugLogger: new (enabled: boolean) => unknown;
    };
    const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config).toMatchObject({
      productName: 'Venue POS',
      extraMetadata: { main: 'dist/electron/main.cjs' },
      directories: { output: 'out' },
      npmRebuild: false,
    });
  });
});

describe('the .deb scripts', () => {
  // What electron-builder substitutes; any other ${...} makes packaging fail.
  const macros = {
    executable: 'venue-pos',
    sanitizedProductName: 'Venue POS',
    productFilename: 'Venue POS',
  };

  for (const script of ['after-install.sh', 'after-remove.sh']) {
    it(`${script} uses only known macros and is valid bash once expanded`, async () => {
      const text = await readFile(path.join(root, 'build', 'linux', script), 'utf8');
      const used = [...text.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1] ?? '');
      expect(used.filter((name) => !(name in macros))).toEqual([]);
      const expanded = text.replace(
        /\$\{([a-zA-Z]+)\}/g,
        (_m, name: keyof typeof macros) => macros[name],
      );
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pos-deb-'));
      try {
        await writeFile(path.join(dir, script), expanded);
        const check = spawnSync('bash', ['-n', path.join(dir, script)], { encoding: 'utf8' });
        expect(check.stderr).toBe('');
        expect(check.status).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('installs the udev rule the package ships', async () => {
    const install = await readFile(path.join(root, 'build', 'linux', 'after-install.sh'), 'utf8');
    const yml = await readFile(path.join(root, 'electron-builder.yml'), 'utf8');
    expect(install).toContain('resources/udev/99-venue-pos.rules');
    expect(yml).toContain('to: udev/99-venue-pos.rules');
    expect(install).toMatch(/udevadm control --reload-rules/);
  });
});

describe('99-venue-pos.rules', () => {
  it('opens serial, MagTek HID and USB printers to the venuepos group only', async () => {
    const text = await readFile(path.join(root, 'build', 'linux', '99-venue-pos.rules'), 'utf8');
    const rules = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    for (const rule of rules) {
      for (const part of rule.split(/,\s*/)) {
        expect(part, rule).toMatch(/^[A-Z]+(\{[A-Za-z_]+\})?(==|=|\+=)"[^"]*"$/);
      }
      expect(rule).toContain('GROUP="venuepos"');
      expect(rule).toContain('MODE="0660"');
    }
    const matching = (...parts: string[]) => rules.filter((r) => parts.every((p) => r.includes(p)));
    expect(matching('KERNEL=="ttyUSB[0-9]*"')).toHaveLength(1);
    expect(matching('KERNEL=="ttyACM[0-9]*"')).toHaveLength(1);
    expect(matching('SUBSYSTEM=="hidraw"', 'ATTRS{idVendor}=="0801"')).toHaveLength(1);
    expect(matching('SUBSYSTEM=="usbmisc"', 'KERNEL=="lp[0-9]*"')).toHaveLength(1);
  });
});

describe('build/icon.png', () => {
  it('is the 512x512 RGBA image build/make-icon.mjs draws', async () => {
    const committed = await readFile(path.join(root, 'build', 'icon.png'));
    expect(committed.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(committed.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([
      committed.readUInt32BE(16),
      committed.readUInt32BE(20),
      committed[24],
      committed[25],
    ]).toEqual([512, 512, 8, 6]);
    const { iconPng } = (await import(
      pathToFileURL(path.join(root, 'build', 'make-icon.mjs')).href
    )) as {
      iconPng: () => Buffer;
    };
    expect(iconPng().equals(committed)).toBe(true);
  });
});
