// `pos reader test`: against the in-process simulator, and through socat to `pos sim reader --pty`
// in its own process, exactly as a technician reaches an RS-232 reader.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../drivers/sim/test-cards';
import { startGateway } from '../../gateway/start';
import { enrollTerminal } from '../../terminal/enroll';
import { httpRequest } from '../../terminal/http-client';
import { runCli } from '../cli';
import { lastJsonLine, mainScript, repoRoot } from '../test-helpers';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** No full PAN of any test card, and no expiry or encrypted blob, ever reaches the output. */
function expectMaskedOnly(text: string): void {
  for (const card of TEST_CARDS) expect(text).not.toContain(card.pan);
  expect(text).not.toContain(TEST_CARDS.find((c) => c.par)?.par ?? 'no-par');
  expect(text).not.toMatch(/encrypted|ksn|expiry/i);
}

describe('pos reader test', () => {
  it('sim:reader, approve card: Echo, ARQC with masked data only, cancelled, exit 0', async () => {
    const r = await cli(['reader', 'test', 'sim:reader?card=visa-approve', '--amount', '2.50', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = lastJsonLine(r.stdout);
    expect(json).toMatchObject({
      ok: true,
      address: 'sim:reader?card=visa-approve',
      amount: '2.50',
      currency: 'EUR',
      echo: true,
      arqc: true,
      cancelled: true,
      card: { maskedPan: '424242******4242', last4: '4242', brand: 'visa' },
    });
    expectMaskedOnly(r.stdout + r.stderr);
  });

  it('sim:reader, a card that never taps: exit 1 with the reason', async () => {
    const r = await cli(['reader', 'test', 'sim:reader?card=no-tap', '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no card was presented before the reader timed out/);
    expect(r.stdout).toMatch(/echo ok/);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['reader', 'test'])).code).toBe(2);
    const gw = await cli(['reader', 'test', 'sim:reader', '--gateway', 'http://127.0.0.1:1']);
    expect(gw.code).toBe(2);
    expect(gw.stderr).toMatch(/--gateway needs --data-dir/);
    expect((await cli(['reader', 'test', 'sim:reader', '--data-dir', '/tmp/x'])).code).toBe(2);
    expect((await cli(['reader', 'test', 'sim:reader', '--amount', 'ten'])).code).toBe(2);
    expect((await cli(['reader', 'test', 'sim:reader', '--amount', '0'])).code).toBe(2);
    expect((await cli(['reader', 'test', 'sim:reader', '--currency', 'XYZ'])).code).toBe(2);
    expect((await cli(['reader', 'test', 'sim:reader?card=gold'])).code).toBe(2);
    expect((await cli(['reader', 'test', 'sim:printer'])).code).toBe(2);
    expect((await cli(['reader', 'test', 'bogus:thing'])).code).toBe(2);
    expect((await cli(['reader', 'test', 'sim:reader', 'extra'])).code).toBe(2);
  });

  it('a serial reader that is not there: exit 1 naming the address', async () => {
    const r = await cli(['reader', 'test', 'serial:/dev/pos-no-such-reader']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/serial:\/dev\/pos-no-such-reader/);
  }, 15_000);

  it('through socat to `pos sim reader --pty`: Echo and an ARQC over the RS-232 framing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pos-reader-test-'));
    dirs.push(dir);
    const link = path.join(dir, 'reader');
    const proc = spawn(process.execPath, ['--import', 'tsx', mainScript, 'sim', 'reader', '--pty', link, '--card', 'mc-par', '--tap-ms', '0'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(proc);
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!/reader simulator on serial:/.test(output)) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`simulator did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await cli(['reader', 'test', `serial:${link}`, '--currency', 'CNY', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ ok: true, echo: true, arqc: true, currency: 'CNY', card: { last4: '4444', brand: 'mastercard' } });
    expectMaskedOnly(r.stdout + r.stderr);
  }, 30_000);

  it('with an enrolled terminal and its gateway: authorizes, then reverses; a declined card exits 1 with the reason', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pos-reader-gw-'));
    dirs.push(root);
    const adminToken = 'reader-test-admin-token-0123456789';
    const gw = await startGateway({ dataDir: path.join(root, 'gateway'), port: 0, adminToken, logger: false });
    try {
      const res = await httpRequest({
        method: 'POST',
        url: `${gw.url}/v1/admin/enrollment-codes`,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'reader bench' }),
      });
      expect(res.status, res.body.toString()).toBeLessThan(300);
      const { code } = JSON.parse(res.body.toString()) as { code: string };
      const termDir = path.join(root, 'terminal');
      await enrollTerminal({ dataDir: termDir, gatewayUrl: gw.url, code });

      const ok = await cli(['reader', 'test', 'sim:reader?card=visa-approve', '--currency', 'CNY', '--data-dir', termDir, '--gateway', gw.url, '--json']);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(lastJsonLine(ok.stdout)).toMatchObject({ ok: true, arqc: true, authorization: 'approved', reversal: 'reversed' });
      expectMaskedOnly(ok.stdout + ok.stderr);

      const declined = await cli(['reader', 'test', 'sim:reader?card=visa-decline', '--currency', 'CNY', '--data-dir', termDir, '--gateway', gw.url]);
      expect(declined.code).toBe(1);
      expect(declined.stderr).toMatch(/not approved: declined \(do_not_honour\)/);
      expectMaskedOnly(declined.stdout + declined.stderr);

      const notEnrolled = await cli(['reader', 'test', 'sim:reader', '--data-dir', path.join(root, 'nowhere'), '--gateway', gw.url]);
      expect(notEnrolled.code).toBe(1);
      expect(notEnrolled.stderr).toMatch(/no terminal database/);
    } finally {
      await gw.close();
    }
  }, 30_000);
});
