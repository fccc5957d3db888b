// electron-builder beforePack hook. electron-builder only warns when an extraResources source is
// missing, which would ship an app that cannot open its database on the counter; refuse instead.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import builderUtil from 'builder-util';

export default function beforePack(context) {
  const projectDir = context.packager.projectDir;
  const version = process.env.POS_ELECTRON_VERSION;
  const electronPkg = path.join(projectDir, 'node_modules', 'electron', 'package.json');
  const installed = JSON.parse(readFileSync(electronPkg, 'utf8')).version;
  if (version !== installed) {
    throw new Error(
      `POS_ELECTRON_VERSION must be the installed electron version (${installed}), is ${version ?? 'unset'}`,
    );
  }
  const arch = builderUtil.Arch[context.arch];
  const binding = path.join(
    projectDir,
    '.native',
    `electron-${version}-${arch}`,
    'better_sqlite3.node',
  );
  if (!existsSync(binding)) {
    throw new Error(
      `missing ${binding}: produce it with ensureElectronSqliteBinding('${version}', { arch: '${arch}' }) ` +
        '(electron/native-binding.ts) on a machine with internet access before packaging',
    );
  }
}
