import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpTransport } from './tcp';
import { withReconnect } from './reconnect';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onSocket: (s: net.Socket) => void, port = 0): Promise<number> {
  const server = net.createServer(onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return (server.address() as net.AddressInfo).port;
}

function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () =>
      cond()
        ? resolve()
        : Date.now() > deadline
          ? reject(new Error('timed out'))
          : setTimeout(tick, 5);
    tick();
  });
}

describe('TcpTransport', () => {
  it('writes to and reads from a server on 127.0.0.1', async () => {
    const atServer: number[] = [];
    const port = await listen((s) => {
      s.on('data', (d) => {
        atServer.push(...d);
        s.write(Buffer.from([0x12]));
      });
    });
    const t = new TcpTransport({ host: '127.0.0.1', port });
    const got: number[] = [];
    t.onData((c) => got.push(...c));
    await t.open();
    expect(t.isOpen).toBe(true);
    expect(t.description).toBe(`tcp 127.0.0.1:${port}`);
    await t.write(Uint8Array.from([0x10, 0x04, 0x01]));
    await waitFor(() => got.length === 1);
    expect(atServer).toEqual([0x10, 0x04, 0x01]);
    expect(got).toEqual([0x12]);
    const disconnects: unknown[] = [];
    t.onDisconnect((e) => disconnects.push(e));
    await t.close();
    expect(t.isOpen).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(disconnects).toEqual([]); // our own close is not a disconnect
  });

  it('reports a reset by the far end through onDisconnect', async () => {
    const port = await listen((s) => setTimeout(() => s.resetAndDestroy(), 10));
    const t = new TcpTransport({ host: '127.0.0.1', port });
    const lost = new Promise<Error | undefined>((r) => t.onDisconnect(r));
    await t.open();
    const err = await lost;
    expect(err?.message).toMatch(/connection lost.*ECONNRESET/);
    expect(t.isOpen).toBe(false);
  });

  it('fails open with a clear error when nothing listens', async () => {
    const port = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const t = new TcpTransport({ host: '127.0.0.1', port });
    const err: unknown = await t.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'transport.open_failed' });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('gives up connecting after the connect timeout', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never routed, so the SYN goes unanswered (or fails at once
    // when there is no route at all; either way open() must settle quickly)
    const t = new TcpTransport({ host: '192.0.2.1', port: 9100, connectTimeoutMs: 100 });
    const started = Date.now();
    const err: unknown = await t.open().catch((e: unknown) => e);
    expect(['transport.timeout', 'transport.open_failed']).toContain(
      (err as { code: string }).code,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reconnects after a reset, through withReconnect, and carries data again', async () => {
    const sockets: net.Socket[] = [];
    const atServer: number[] = [];
    const port = await listen((s) => {
      sockets.push(s);
      s.on('data', (d) => atServer.push(...d));
    });
    const t = withReconnect(
      () => new TcpTransport({ host: '127.0.0.1', port, connectTimeoutMs: 500 }),
      {
        backoffBaseMs: 10,
        backoffCapMs: 50,
      },
    );
    const events: string[] = [];
    t.on('connected', () => events.push('connected'));
    t.on('disconnected', () => events.push('disconnected'));
    await t.open();
    await t.write(Uint8Array.from([1]));
    await waitFor(() => atServer.length === 1);
    sockets[0]!.resetAndDestroy();
    await waitFor(() => events.length === 3);
    expect(events).toEqual(['connected', 'disconnected', 'connected']);
    await t.write(Uint8Array.from([2]));
    await waitFor(() => atServer.length === 2);
    expect(atServer).toEqual([1, 2]);
    await t.close();
    expect(t.isOpen).toBe(false);
  });
});
