// A throwaway PostgreSQL server for tests and benchmarks: its own temp data dir, a free port on
// 127.0.0.1, trust auth for user `pos`, gone after stop(). PostgreSQL refuses to run as root, so
// as root the server runs as the unprivileged `postgres` user (Debian's package creates it), or a
// system user `pos-pg` created on first need.
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresServer {
  /** `postgres://pos@127.0.0.1:<port>/pos` */
  url: string;
  /** A URL for another database on the same server, created on first call. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const NOT_INSTALLED =
  'PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on PATH: ' +
  'run npm test, which installs it, or apt-get install postgresql';

function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(NOT_INSTALLED);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

async function userIds(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const uid = Number((await run('id', ['-u', name])).stdout.trim());
    const gid = Number((await run('id', ['-g', name])).stdout.trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** As root: the unprivileged user to run the server as (created if missing). */
async function serverUser(): Promise<{ name: string; uid: number; gid: number }> {
  for (const name of ['postgres', 'pos-pg']) {
    const ids = await userIds(name);
    if (ids) return { name, ...ids };
  }
  await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'pos-pg']);
  const ids = await userIds('pos-pg');
  if (!ids) throw new Error('could not create the system user pos-pg to run PostgreSQL');
  return { name: 'pos-pg', ...ids };
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? await serverUser() : undefined;
  const argv = (cmd: string, args: string[]): [string, string[]] =>
    user ? ['runuser', ['-u', user.name, '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
  const exec = (cmd: string, args: string[]) => run(...argv(cmd, args));

  const dir = mkdtempSync(join(tmpdir(), 'pos-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  let started = false;
  // A test process that dies or forgets stop() must not leave a server running.
  const onExit = () => {
    if (started) {
      try {
        execFileSync(...argv('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']), {
          stdio: 'ignore',
        });
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const cleanup = async () => {
    process.removeListener('exit', onExit);
    if (started)
      await exec('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']).catch(() => undefined);
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await exec('initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'pos',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    // Two tries: another process may grab the free port between probing and binding.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=on -c max_connections=50`;
      try {
        await exec('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '30', '-o', opts]);
      } catch (err) {
        const tail = existsSync(log)
          ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')
          : '';
        if (attempt < 2 && /could not bind|address already in use/i.test(tail)) continue;
        throw new Error(`pg_ctl start failed: ${(err as Error).message}\n${tail}`);
      }
      started = true;
      const base = `postgres://pos@127.0.0.1:${port}`;
      const createDatabase = async (name: string): Promise<string> => {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
        const admin = new pg.Client({ connectionString: `${base}/postgres` });
        await admin.connect();
        try {
          await admin.query(`create database ${name}`);
        } finally {
          await admin.end();
        }
        return `${base}/${name}`;
      };
      const url = await createDatabase('pos');
      return { url, createDatabase, stop: cleanup };
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
}
