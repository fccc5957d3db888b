// A real pseudo-terminal pair from socat, for tests that must go through the OS serial stack.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  a: string;
  b: string;
  process: ChildProcess;
  /** Kills socat (both ends vanish, as when a USB-serial adapter is pulled) and waits for it. */
  kill(): Promise<void>;
}

export async function startSocat(timeoutMs = 5000): Promise<PtyPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-pty-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const child = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  // socat logs "starting data transfer loop" once both ptys exist and are linked
  while (!(
    fs.existsSync(a) &&
    fs.existsSync(b) &&
    stderr.includes('starting data transfer loop')
  )) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`socat did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    a,
    b,
    process: child,
    async kill() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
