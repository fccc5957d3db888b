// Puts a simulated printer on a real pseudo-terminal (through socat) or a TCP port, so a driver
// reaches it exactly as it reaches hardware: `serial:PATH` or `tcp:127.0.0.1:PORT`.
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { SerialPort } from 'serialport';
import type { PrinterSim } from './printer-sim';

export interface SimServer {
  /** Where a driver connects, e.g. "serial:/tmp/printer" or "tcp:127.0.0.1:9100". */
  readonly address: string;
  /** Resolves when the server stops on its own (socat died); rejects never. */
  readonly closed: Promise<string>;
  close(): Promise<void>;
}

export class SimServeError extends Error {
  constructor(
    readonly code: 'sim.socat_missing' | 'sim.pty_failed' | 'sim.path_taken' | 'sim.listen_failed',
    message: string,
  ) {
    super(message);
    this.name = 'SimServeError';
  }
}

function isLink(path: string): boolean | null {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return null;
  }
}

function removeLink(path: string): void {
  if (isLink(path)) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
}

/**
 * What servePty needs of a simulator: bytes in and bytes out (the printer itself, or the reader
 * behind its serial framing, drivers/sim/reader-sim's serialEndpoint).
 */
export type PtySim = Pick<PrinterSim, 'receive' | 'onOutput'>;

/**
 * Creates a pty pair with socat: the host opens `path`, the simulator serves `path.sim`. Stale
 * links from an earlier run are replaced; a regular file at either path is refused.
 */
export async function servePty(
  sim: PtySim,
  path: string,
  options: { socat?: string; readyTimeoutMs?: number } = {},
): Promise<SimServer & { path: string; simPath: string }> {
  // socat parses its address options on , : ! and spaces.
  if (/[,:!\s]/.test(path))
    throw new SimServeError('sim.pty_failed', `pty path must not contain , : ! or spaces: ${path}`);
  const simPath = `${path}.sim`;
  for (const p of [path, simPath]) {
    if (isLink(p) === false)
      throw new SimServeError(
        'sim.path_taken',
        `${p} exists and is not a link from an earlier run`,
      );
    removeLink(p);
  }
  const socat = spawn(
    options.socat ?? 'socat',
    [`pty,raw,echo=0,link=${path}`, `pty,raw,echo=0,link=${simPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  socat.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<string>((resolve) => {
    socat.on('error', (err: NodeJS.ErrnoException) =>
      resolve(
        err.code === 'ENOENT'
          ? 'socat is not installed (apt-get install socat)'
          : `socat failed: ${err.message}`,
      ),
    );
    socat.on('exit', (code, signal) =>
      resolve(`socat exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`),
    );
  });
  let exitReason: string | null = null;
  void exited.then((r) => (exitReason = r));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 5000);
  while (!(isLink(path) && isLink(simPath))) {
    if (exitReason !== null) {
      const reason: string = exitReason;
      throw new SimServeError(
        reason.startsWith('socat is not') ? 'sim.socat_missing' : 'sim.pty_failed',
        reason,
      );
    }
    if (Date.now() > deadline) {
      kill(socat);
      throw new SimServeError('sim.pty_failed', `socat did not create ${path} in time`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }

  const port = new SerialPort({ path: simPath, baudRate: 115_200, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(err) : resolve())),
    );
  } catch (err) {
    kill(socat);
    throw new SimServeError('sim.pty_failed', `cannot open ${simPath}: ${(err as Error).message}`);
  }
  port.on('data', (d: Buffer) => sim.receive(new Uint8Array(d)));
  port.on('error', () => undefined);
  const offOutput = sim.onOutput((bytes) => {
    if (port.isOpen) port.write(Buffer.from(bytes));
  });

  let closing = false;
  const closed = exited.then((reason) => {
    offOutput();
    if (port.isOpen) port.close(() => undefined);
    removeLink(path);
    removeLink(simPath);
    return closing ? 'closed' : reason;
  });

  return {
    address: `serial:${path}`,
    path,
    simPath,
    closed,
    async close() {
      closing = true;
      offOutput();
      if (port.isOpen) await new Promise<void>((r) => port.close(() => r()));
      kill(socat);
      await closed;
    },
  };
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/**
 * A raw TCP port like a network printer's 9100, on 127.0.0.1 unless told otherwise. Replies go
 * to every open connection; a connection that ends mid-command drops that command.
 */
export async function serveTcp(
  sim: PrinterSim,
  port: number,
  host = '127.0.0.1',
): Promise<SimServer & { port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => sim.receive(new Uint8Array(d)));
    const off = sim.onOutput((bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      off();
      sim.connectionClosed();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new SimServeError('sim.listen_failed', `cannot listen on ${host}:${port}: ${err.message}`),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as net.AddressInfo).port;
  let resolveClosed: (reason: string) => void = () => undefined;
  const closed = new Promise<string>((r) => (resolveClosed = r));
  return {
    address: `tcp:${host}:${actual}`,
    port: actual,
    closed,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      resolveClosed('closed');
    },
  };
}
