import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli';
import { lastJsonLine, mainScript, repoRoot } from '../test-helpers';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `pos sim printer ...`; resolves once it prints its address. */
function startSim(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', mainScript, 'sim', 'printer', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const waitFor = (re: RegExp, stream: () => string, timeoutMs = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const m = stream().match(re);
        if (m) {
          clearInterval(poll);
          resolve(m);
        } else if (Date.now() - started > timeoutMs || proc.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`no ${re} in output: ${stdout} ${stderr}`));
        }
      }, 20);
    });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, exited, waitFor, out: () => stdout, err: () => stderr };
}

describe('pos sim printer', () => {
  it('usage errors exit 2', async () => {
    expect((await cli(['sim', 'printer'])).code).toBe(2);
    expect((await cli(['sim', 'printer', '--tcp', '1', '--pty', '/tmp/x'])).code).toBe(2);
    expect((await cli(['sim', 'printer', '--tcp', '0', '--paper', 'empty'])).code).toBe(2);
    expect((await cli(['sim', 'printer', '--tcp', '0', '--width', '40'])).code).toBe(2);
    const r = await cli(['sim']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sim printer');
  });

  it('--tcp: prints each cut receipt and exits 0 on SIGTERM with --json', async () => {
    const sim = startSim(['--tcp', '0', '--width', '32', '--json']);
    const [, port] = await sim.waitFor(/tcp:127\.0\.0\.1:(\d+)/, sim.err);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      Uint8Array.from([
        0x1b,
        0x40,
        0x1b,
        0x61,
        0x01,
        ...Buffer.from('VENUE'),
        0x0a,
        0x1c,
        0x26,
        0xc8,
        0xc8,
        0xb9,
        0xb7,
        0x0a,
        0x1d,
        0x56,
        0x00,
      ]),
    );
    await sim.waitFor(/receipt 1 \(full cut\)[\s\S]*热狗/, sim.err);
    expect(sim.err()).toContain(`${' '.repeat(13)}VENUE\n${' '.repeat(14)}热狗`);
    socket.destroy();
    sim.proc.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
    expect(lastJsonLine(sim.out())).toMatchObject({ ok: true, receipts: 1 });
  });

  it('--pty with --paper out: status through the pty, nothing printed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pos-sim-cli-'));
    dirs.push(dir);
    const link = path.join(dir, 'printer');
    const sim = startSim(['--pty', link, '--paper', 'out']);
    await sim.waitFor(/printer simulator on serial:/, sim.out);
    const port = new SerialPort({ path: link, baudRate: 115_200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    const got: number[] = [];
    port.on('data', (d: Buffer) => got.push(...d));
    port.write(Buffer.from([0x1b, 0x40, 0x41, 0x0a, 0x1d, 0x56, 0x00, 0x10, 0x04, 0x04]));
    const deadline = Date.now() + 5000;
    while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([0x7e]);
    await new Promise<void>((r) => port.close(() => r()));
    sim.proc.kill('SIGINT');
    expect(await sim.exited).toBe(0);
    expect(sim.out()).toContain('0 receipts');
  });
});
