// Runs the real `pos` as a child process, the way a user or a script does.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const mainScript = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface PosResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runPos(args: string[], env: NodeJS.ProcessEnv = {}): Promise<PosResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', mainScript, ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The --json contract: stdout ends with exactly one single-line JSON object. */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  if (!stdout.endsWith('\n'))
    throw new Error(`stdout does not end with a newline: ${JSON.stringify(stdout)}`);
  const lines = stdout.slice(0, -1).split('\n');
  const last = lines[lines.length - 1] ?? '';
  const value: unknown = JSON.parse(last);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`not an object: ${last}`);
  return value as Record<string, unknown>;
}
