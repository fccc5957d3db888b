#!/usr/bin/env node
// First step of `npm test`: make sure the system packages the suite needs are there.
// Linux: scripts/setup-system.sh installs what is missing (apt), or stops with the exact command
// to run when it cannot. Elsewhere: say what to install by hand and carry on.
// POS_SKIP_SYSTEM_SETUP=1 skips the check (a machine prepared some other way).
// Node's globals come from explicit imports: the lint config gives .mjs files no Node globals.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./setup-system.sh', import.meta.url));

if (process.env.POS_SKIP_SYSTEM_SETUP === '1') {
  console.error('ensure-system: skipped (POS_SKIP_SYSTEM_SETUP=1)');
} else if (process.platform === 'linux') {
  const result = spawnSync('bash', [script], { stdio: 'inherit' });
  if (result.error) {
    console.error(`ensure-system: cannot run ${script}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error('ensure-system: npm test stopped because system packages are missing (see above).');
    process.exit(result.status ?? 1);
  }
} else {
  console.error(
    [
      `ensure-system: automatic setup is for Debian/Ubuntu; on ${process.platform} install these yourself:`,
      '  - Chromium or Google Chrome (browser mode and end-to-end tests)',
      '  - socat (serial simulator tests over pseudo-terminals)',
      '  - libusb 1.0 (USB HID devices)',
      '  - PostgreSQL 15 (gateway storage tests)',
      '  - Noto Sans CJK fonts (Chinese UI)',
      'Continuing; tests that need a missing one will fail or skip.',
    ].join('\n'),
  );
}
