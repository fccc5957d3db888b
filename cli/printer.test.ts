// `pos printer test|status` as a technician runs them: against `pos sim printer --pty` through a
// real pseudo-terminal made by socat, and over TCP to the simulator.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrinterSim } from '../drivers/sim/printer-sim';
import { renderText } from '../drivers/sim/render';
import { serveTcp, type SimServer } from '../drivers/sim/serve';
import { lastJsonLine, mainScript, repoRoot, runPos } from './test-helpers';

describe('pos printer over a pty (socat) to `pos sim printer --pty`', () => {
  let dir: string;
  let child: ChildProcess;
  let output = '';
  let ptyPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-printer-cli-'));
    ptyPath = join(dir, 'printer');
    child = spawn(process.execPath, ['--import', 'tsx', mainScript, 'sim', 'printer', '--pty', ptyPath], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const end = Date.now() + 20_000;
    while (!output.includes('printer simulator on')) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`simulator did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 30_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('status: ready, exit 0', async () => {
    const r = await runPos(['printer', 'status', `serial:${ptyPath}`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ ok: true, problem: null });
  }, 30_000);

  it('test: the page comes out of the simulator with the Chinese line and the QR, exit 0', async () => {
    const r = await runPos(['printer', 'test', `serial:${ptyPath}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/test page printed/);
    const end = Date.now() + 5000;
    while (!output.includes('中文：场馆收银测试页') && Date.now() < end) await new Promise((r2) => setTimeout(r2, 50));
    expect(output).toContain('中文：场馆收银测试页');
    expect(output).toContain('[QR');
  }, 30_000);
});

describe('pos printer over TCP to the simulator', () => {
  const sim = new PrinterSim();
  let server: SimServer;

  beforeAll(async () => {
    server = await serveTcp(sim, 0);
  });
  afterAll(async () => {
    await server.close();
    sim.dispose();
  });

  it('test prints the page (profile 58mm) and exits 0', async () => {
    sim.clearPages();
    const r = await runPos(['printer', 'test', server.address, '--profile', '58mm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ ok: true, profile: '58mm' });
    // 58 mm profiles have no cutter: the page stays uncut on the roll.
    expect(renderText(sim.currentPage(), { columns: 32 })).toContain('Venue POS');
  }, 30_000);

  it('status names the reason in words and exits 1: paper out, cover open, offline, error', async () => {
    const cases: [() => void, string][] = [
      [() => sim.setPaper('out'), 'paper out'],
      [() => sim.openCover(), 'cover open'],
      [() => sim.setOffline(true), 'offline'],
      [() => sim.setError('autocutter'), 'error'],
    ];
    for (const [fault, words] of cases) {
      fault();
      const r = await runPos(['printer', 'status', server.address]);
      expect(r.code, words).toBe(1);
      expect(r.stderr).toContain(words);
      sim.setPaper('ok');
      sim.closeCover();
      sim.setOffline(false);
      sim.setError(null);
    }
  }, 60_000);

  it('test exits 1 when the printer runs out of paper during the page', async () => {
    sim.failAfterBytes(200, 'paper_out');
    const r = await runPos(['printer', 'test', server.address]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not confirmed.*paper out/);
    sim.setPaper('ok');
  }, 30_000);

  it('an unreachable printer is offline (exit 1); a bad address is a usage error (exit 2)', async () => {
    const r = await runPos(['printer', 'status', 'tcp:127.0.0.1:1', '--timeout', '500']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('offline');
    const bad = await runPos(['printer', 'status', 'nonsense']);
    expect(bad.code).toBe(2);
  }, 30_000);
});
