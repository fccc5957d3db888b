// `pos scanner listen` as a user runs it: against sim:scanner in its own process (scans typed on
// stdin), and against `pos sim scanner --pty` through a socat pty and serialport.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { mainScript, repoRoot } from '../test-helpers';
import { scanLine } from './scanner';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function cli(args: string[]) {
  let stderr = '';
  const code = await runCli(args, { stdout: () => undefined, stderr: (t) => void (stderr += t) });
  return { code, stderr };
}

/** `pos ...` as a child with stdin piped; logs at debug so a leak into them would show. */
function pos(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', mainScript, ...args], {
    cwd: repoRoot,
    env: { ...process.env, POS_LOG_LEVEL: 'debug' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const waitFor = (re: RegExp, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (re.test(stdout + stderr)) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - started > timeoutMs || proc.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`no ${re} in output: ${stdout} ${stderr}`));
        }
      }, 20);
    });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc,
    exited,
    waitFor,
    type: (text: string) => proc.stdin?.write(text),
    out: () => stdout,
    err: () => stderr,
  };
}

const WALLET_CODE = '287654321098765432';

describe('pos scanner listen', () => {
  it('usage errors exit 2', async () => {
    expect((await cli(['scanner', 'listen'])).code).toBe(2);
    expect((await cli(['scanner', 'listen', 'sim:scanner', '--count', '0'])).code).toBe(2);
    expect((await cli(['scanner', 'listen', 'sim:scanner', '--timeout', 'x'])).code).toBe(2);
    expect((await cli(['scanner', 'listen', 'tcp:127.0.0.1'])).code).toBe(2);
    expect((await cli(['scanner', 'listen', 'sim:printer'])).code).toBe(2);
    expect((await cli(['scanner', 'listen', 'serial:/dev/x?suffix=tab'])).code).toBe(2);
  });

  it('one line per scan, control characters escaped', () => {
    expect(scanLine({ symbology: 'qr', text: 'a b\r\n\\\u0001' })).toBe('qr a b\\r\\n\\\\\\x01');
  });

  it('sim:scanner: prints each scan in full on stdout, exits 0 after --count, logs none', async () => {
    const p = pos(['scanner', 'listen', 'sim:scanner', '--count', '3', '--timeout', '20']);
    await p.waitFor(/scanner connected/);
    p.type(`ean13 6901234000016\nqr ${'Q'.repeat(150)}\nunknown ${WALLET_CODE}\n`);
    expect(await p.exited).toBe(0);
    expect(p.out()).toBe(`ean13 6901234000016\nqr ${'Q'.repeat(150)}\nunknown ${WALLET_CODE}\n`);
    expect(p.err()).toContain('3 scans from sim:scanner');
    expect(p.err()).not.toContain(WALLET_CODE);
  });

  it('exits 1 with a clear message when the timeout passes first', async () => {
    const p = pos(['scanner', 'listen', 'sim:scanner', '--count', '2', '--timeout', '3']);
    await p.waitFor(/scanner connected/);
    p.type('code39 ONLY1\n');
    expect(await p.exited).toBe(1);
    expect(p.out()).toBe('code39 ONLY1\n');
    expect(p.err()).toContain('timed out after 3 s with 1 of 2 scans');
  });

  it('against `pos sim scanner --pty` through socat and serialport', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pos-sim-scanner-'));
    dirs.push(dir);
    const link = path.join(dir, 'scanner');
    const sim = pos(['sim', 'scanner', '--pty', link, '--suffix', 'crlf']);
    await sim.waitFor(/scanner simulator on serial:/);
    const listen = pos([
      'scanner',
      'listen',
      `serial:${link}?baud=9600&suffix=crlf`,
      '--count',
      '3',
      '--timeout',
      '20',
    ]);
    await listen.waitFor(/scanner connected/);
    sim.type(`ean8 96385074\ndatamatrix ${WALLET_CODE}\nupca 036000291452\n`);
    expect(await listen.exited).toBe(0);
    expect(listen.out()).toBe(`ean8 96385074\ndatamatrix ${WALLET_CODE}\nupca 036000291452\n`);
    expect(listen.err()).not.toContain(WALLET_CODE);
    expect(sim.out() + sim.err()).not.toContain(WALLET_CODE);
    sim.proc.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  });

  it('a scanner that sends no suffix: the inter-character timeout ends each scan', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pos-sim-scanner-'));
    dirs.push(dir);
    const link = path.join(dir, 'scanner');
    const sim = pos(['sim', 'scanner', '--pty', link, '--suffix', 'none', '--no-aim']);
    await sim.waitFor(/scanner simulator on serial:/);
    const listen = pos(['scanner', 'listen', `serial:${link}`, '--count', '2', '--timeout', '20']);
    await listen.waitFor(/scanner connected/);
    sim.type('code128 FIRST\n');
    await listen.waitFor(/unknown FIRST/);
    sim.type('code128 SECOND\n');
    expect(await listen.exited).toBe(0);
    expect(listen.out()).toBe('unknown FIRST\nunknown SECOND\n');
  });
});
