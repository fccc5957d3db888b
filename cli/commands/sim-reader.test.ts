// `pos sim reader --pty PATH` as a separate process, reached through the socat pty exactly as the
// reader driver reaches a real RS-232 reader: framed (SLIP) MMS messages both ways.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BDK, decryptData } from '../../lib/dukpt';
import { decodeTlvs, findTlv, fromHex, hex } from '../../drivers/reader/tlv';
import { SerialDeframer, frameSerial } from '../../drivers/sim/reader-sim';
import { runCli } from '../cli';
import { lastJsonLine, mainScript, repoRoot } from '../test-helpers';

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

function startSim(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', mainScript, 'sim', 'reader', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
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
  return { proc, exited, waitFor, out: () => stdout };
}

describe('pos sim reader', () => {
  it('usage errors exit 2', async () => {
    expect((await cli(['sim', 'reader'])).code).toBe(2);
    const r = await cli(['sim', 'reader', '--pty', '/tmp/x', '--card', 'gold']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('visa-approve');
    expect((await cli(['sim', 'reader', '--pty', '/tmp/x', '--tap-ms', '-1'])).code).toBe(2);
  });

  it('--pty: Echo and a transaction over the serial framing; card data decrypts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pos-sim-reader-'));
    dirs.push(dir);
    const link = path.join(dir, 'reader');
    const sim = startSim(['--pty', link, '--card', 'mc-par', '--tap-ms', '0', '--json']);
    await sim.waitFor(/reader simulator on serial:/);
    const port = new SerialPort({ path: link, baudRate: 115_200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    const deframer = new SerialDeframer();
    const messages: Uint8Array[] = [];
    port.on('data', (d: Buffer) => messages.push(...deframer.push(d)));
    const waitMessages = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while (messages.length < n && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(messages.length).toBeGreaterThanOrEqual(n);
    };

    port.write(Buffer.from(frameSerial(fromHex('AA0081040101DF018407DF018103010203'), 0x00)));
    await waitMessages(1);
    expect(hex(messages[0] ?? new Uint8Array())).toBe(
      'AA0081048201DF018204000000008407DF018103010203',
    );

    // Manual Table 74, the contactless-only Start Transaction example (1.00 USD).
    port.write(
      Buffer.from(
        frameSerial(
          fromHex(
            'AA0081040100100184 3D 1001 82013C A309810100820100830101 84020003 8627 9C0100 ' +
              '9F0206000000000100 9F0306000000000000 5F2A020840 5F360102 9F15020000 9F530100',
          ),
          0x00,
        ),
      ),
    );
    await waitMessages(6);
    const details = messages.slice(1).map((m) => {
      const d = decodeTlvs(m.subarray(2));
      return d.ok ? hex(findTlv(d.value, '82')?.value ?? new Uint8Array()) : 'bad';
    });
    expect(details).toEqual(['01000000', '20010400', '20080202', '20080302', '20020700']);

    const arqc = decodeTlvs((messages[3] ?? new Uint8Array()).subarray(2));
    if (!arqc.ok) throw new Error(arqc.error);
    const payload = findTlv(arqc.value, '84')?.value ?? new Uint8Array();
    const inner = decodeTlvs(payload.subarray(2));
    if (!inner.ok) throw new Error(inner.error);
    const blob = findTlv(inner.value, '84')?.value ?? new Uint8Array();
    const f9 = decodeTlvs(blob.subarray(2, 2 + (((blob[0] ?? 0) << 8) | (blob[1] ?? 0))));
    if (!f9.ok) throw new Error(f9.error);
    const f8 = findTlv(f9.value, 'F9', 'FA', '70', 'F8')?.children ?? [];
    const plain = decryptData(
      TEST_BDK,
      findTlv(f8, 'DFDF56')?.value ?? new Uint8Array(),
      findTlv(f8, 'DFDF59')?.value ?? new Uint8Array(),
      { padding: findTlv(f8, 'DFDF58')?.value[0] ?? 0 },
    );
    const secret = decodeTlvs(plain);
    if (!secret.ok) throw new Error(secret.error);
    expect(hex(findTlv(secret.value, 'FC', '5A')?.value ?? new Uint8Array())).toBe(
      '5555555555554444',
    );

    await new Promise<void>((r) => port.close(() => r()));
    sim.proc.kill('SIGINT');
    expect(await sim.exited).toBe(0);
    const result = lastJsonLine(sim.out());
    expect(result).toMatchObject({ ok: true, transactions: 1 });
    expect(result.ksn).toMatch(/^FFFF987654[0-9A-F]{5}00002$/);
    expect(JSON.stringify(result)).not.toContain('5555555555554444');
    expect(sim.out()).not.toContain('5555555555554444');
  });
});
