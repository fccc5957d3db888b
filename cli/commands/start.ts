// `pos start`: the demo. One till with the demo venue (browser mode when Electron is missing) and,
// beside it, the venue's gateway in this process, with the till enrolled so its sales upload.
import { adminTargetFrom, type AdminTarget } from '../admin-client';
import { DEMO_SYNC, enrollDemoTerminal, startEmbeddedGateway } from '../demo-gateway';
import { UsageError, parsePort, type Outcome, type Reporter } from '../output';
import {
  parseTillArgsWith,
  runUntilSignal,
  startTill,
  tillOptionsHelp,
  trapSignals,
  type RunningService,
} from '../till';
import { DEFAULT_GATEWAY_PORT } from './gateway';

export const usage = `Usage: pos start [--data-dir D] [--port P] [--no-open] [--browser]
                 [--gateway-port P | --gateway URL --admin-token T | --no-gateway]

Starts the demo: a till with the demo venue's catalog, in Electron when its binary is
installed, otherwise in browser mode (the UI on 127.0.0.1, opened in Chromium), and the venue's
gateway beside it (data in D/gateway). The till is enrolled with the gateway on its first start,
so its sales upload; the top bar shows the sync state.

Options:
  --data-dir D        where the demo keeps its data (default ./.data/demo)
  --gateway-port P    the embedded gateway's port (default ${DEFAULT_GATEWAY_PORT}; a free one if busy; 0: any)
  --gateway URL       use a gateway started with \`pos gateway\` instead of the embedded one
                      (stop and restart it to watch the till sell offline and then drain)
  --admin-token T     that gateway's admin token (or POS_GATEWAY_ADMIN_TOKEN)
  --ca FILE           trust this certificate for an https gateway
  --no-gateway        the till alone (standalone unless its data dir is enrolled)
${tillOptionsHelp}`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const { till, values } = parseTillArgsWith(
    argv,
    usage,
    { dataDir: '.data/demo', demo: true },
    {
      'no-gateway': { type: 'boolean' },
      gateway: { type: 'string' },
      'admin-token': { type: 'string' },
      ca: { type: 'string' },
      'gateway-port': { type: 'string' },
    },
  );
  const v = values as {
    'no-gateway'?: boolean;
    gateway?: string;
    'admin-token'?: string;
    ca?: string;
    'gateway-port'?: string;
  };
  if (v['no-gateway'] && (v.gateway !== undefined || v['gateway-port'] !== undefined))
    throw new UsageError('--no-gateway cannot go with --gateway or --gateway-port', usage);
  if (v.gateway !== undefined && v['gateway-port'] !== undefined)
    throw new UsageError('--gateway-port is for the embedded gateway; not with --gateway', usage);
  const external: AdminTarget | undefined =
    v.gateway === undefined
      ? undefined
      : adminTargetFrom({ gateway: v.gateway, 'admin-token': v['admin-token'], ca: v.ca }, usage);
  const gatewayPort =
    v['gateway-port'] === undefined ? DEFAULT_GATEWAY_PORT : parsePort(v['gateway-port'], usage);
  const adminToken = v['admin-token'] ?? process.env.POS_GATEWAY_ADMIN_TOKEN;
  if (!external && adminToken !== undefined && adminToken.length < 16)
    throw new UsageError('the admin token must be at least 16 characters', usage);

  const trap = trapSignals(out);
  const services: RunningService[] = [];
  try {
    let gateway: AdminTarget | undefined;
    if (!v['no-gateway']) {
      if (external) gateway = external;
      else {
        const gw = await startEmbeddedGateway(till.dataDir, gatewayPort, adminToken, out);
        services.push(gw);
        gateway = { url: gw.url, token: gw.adminToken };
      }
      await enrollDemoTerminal(till.dataDir, gateway, out);
      out.info(`gateway: ${gateway.url}${external ? '' : ' (embedded)'}`);
      out.info(`admin-token: ${gateway.token}`);
      out.info(
        `Watch sales arrive: pos gateway summary --gateway ${gateway.url} --admin-token ${gateway.token}`,
      );
      till.sync = DEMO_SYNC;
    }
    services.push(await startTill(till, out));
    const why = await runUntilSignal(services, out, trap);
    return {
      message: `stopped (${why})`,
      data: { dataDir: till.dataDir, ...(gateway ? { gateway: gateway.url } : {}) },
    };
  } catch (err) {
    // A failed start must not leave the gateway listening (the process would never exit).
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    throw err;
  } finally {
    trap.release();
  }
}
