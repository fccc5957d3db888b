import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronVersion, findElectronBinary } from './binary';

let root: string;
const pkgDir = () => path.join(root, 'node_modules', 'electron');

async function fakeExecutable(file: string, mode = 0o755): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, mode);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pos-electron-'));
  await mkdir(pkgDir(), { recursive: true });
  await writeFile(
    path.join(pkgDir(), 'package.json'),
    JSON.stringify({ name: 'electron', version: '42.11.18' }),
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('findElectronBinary', () => {
  const env = {};

  it('is null when the package is installed but its binary was never downloaded', () => {
    expect(findElectronBinary({ root, env, platform: 'linux' })).toBeNull();
  });

  it('is null when path.txt names a file that is not there', async () => {
    await writeFile(path.join(pkgDir(), 'path.txt'), 'electron');
    expect(findElectronBinary({ root, env, platform: 'linux' })).toBeNull();
  });

  it('is null when the file is there but cannot be executed (an interrupted download)', async () => {
    await writeFile(path.join(pkgDir(), 'path.txt'), 'electron');
    await fakeExecutable(path.join(pkgDir(), 'dist', 'electron'), 0o644);
    expect(findElectronBinary({ root, env, platform: 'linux' })).toBeNull();
  });

  it('finds the downloaded binary through path.txt', async () => {
    await writeFile(path.join(pkgDir(), 'path.txt'), 'electron');
    await fakeExecutable(path.join(pkgDir(), 'dist', 'electron'));
    expect(findElectronBinary({ root, env, platform: 'linux' })).toBe(
      path.join(pkgDir(), 'dist', 'electron'),
    );
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH, even without path.txt', async () => {
    const override = path.join(root, 'custom-electron');
    await fakeExecutable(path.join(override, 'electron'));
    expect(
      findElectronBinary({
        root,
        env: { ELECTRON_OVERRIDE_DIST_PATH: override },
        platform: 'linux',
      }),
    ).toBe(path.join(override, 'electron'));
    await rm(override, { recursive: true });
    expect(
      findElectronBinary({
        root,
        env: { ELECTRON_OVERRIDE_DIST_PATH: override },
        platform: 'linux',
      }),
    ).toBeNull();
  });

  it('is null when electron is not installed at all', async () => {
    await rm(path.join(root, 'node_modules'), { recursive: true });
    expect(findElectronBinary({ root, env, platform: 'linux' })).toBeNull();
  });
});

describe('electronVersion', () => {
  it('reads the installed package’s version', () => {
    expect(electronVersion({ root })).toBe('42.11.18');
  });

  it('is null when the package is missing or its package.json is broken', async () => {
    await writeFile(path.join(pkgDir(), 'package.json'), '{ not json');
    expect(electronVersion({ root })).toBeNull();
    await rm(path.join(root, 'node_modules'), { recursive: true });
    expect(electronVersion({ root })).toBeNull();
  });

  it('defaults to this checkout, whose electron package is installed for its types', () => {
    expect(electronVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
