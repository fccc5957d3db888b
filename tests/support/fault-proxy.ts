// A fault-injecting TCP proxy for sync tests: sits between terminal and gateway on 127.0.0.1 and,
// per connection, passes traffic, refuses it, delays it, resets it after the request reached the
// gateway (so the gateway stored the batch but the terminal never hears), or cuts the response
// half-way. The "after the request" faults are the ones that test idempotency for real.
import net from 'node:net';

export type Fault =
  | 'pass'
  | 'refuse' // accept, then destroy at once: nothing reaches the gateway
  | 'reset-after-request' // the request reaches the gateway; the response is dropped
  | 'half-response' // the response is cut after its first bytes
  | 'delay'; // pass, after `delayMs`

export interface FaultProxy {
  readonly port: number;
  readonly url: string;
  /** Fixed fault for every new connection, or a chooser called per connection. */
  setFault(fault: Fault | (() => Fault)): void;
  /** Connections seen, by the fault applied. */
  readonly stats: Record<Fault, number>;
  close(): Promise<void>;
}

export async function startFaultProxy(opts: {
  targetPort: number;
  targetHost?: string;
  delayMs?: number;
  /** Bytes of the response passed before a half-response cut. */
  halfBytes?: number;
}): Promise<FaultProxy> {
  const targetHost = opts.targetHost ?? '127.0.0.1';
  let choose: () => Fault = () => 'pass';
  const stats: Record<Fault, number> = {
    pass: 0,
    refuse: 0,
    'reset-after-request': 0,
    'half-response': 0,
    delay: 0,
  };
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const fault = choose();
    stats[fault]++;
    if (fault === 'refuse') {
      client.destroy();
      return;
    }
    const connect = (): void => {
      const upstream = net.connect(opts.targetPort, targetHost);
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.on('data', (chunk: Buffer) => upstream.write(chunk));
      let passed = 0;
      upstream.on('data', (chunk: Buffer) => {
        if (fault === 'reset-after-request') {
          // The gateway has answered, so it processed the request: drop the answer.
          client.resetAndDestroy();
          upstream.destroy();
          return;
        }
        if (fault === 'half-response') {
          const room = (opts.halfBytes ?? 40) - passed;
          if (room > 0) client.write(chunk.subarray(0, room));
          passed += Math.min(room, chunk.length);
          if (passed >= (opts.halfBytes ?? 40)) {
            client.destroy();
            upstream.destroy();
          }
          return;
        }
        client.write(chunk);
      });
    };
    if (fault === 'delay') {
      client.pause();
      setTimeout(() => {
        client.resume();
        connect();
      }, opts.delayMs ?? 200);
    } else {
      connect();
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    setFault(fault) {
      choose = typeof fault === 'function' ? fault : () => fault;
    },
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
