// `pos gateway` and its admin subcommands, run as a user runs them (a child process), against a
// real gateway: one started by the command itself, or one started in this test process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogDto, SaleDto } from '../contract/api';
import { demoCatalog } from '../contract/demo-venue';
import type { ReferenceReply } from '../contract/gateway';
import { startGateway, type RunningGateway } from '../gateway/start';
import { signRequest } from '../lib/http-signature';
import { createTerminalSync } from '../terminal/create-terminal';
import { httpRequest } from '../terminal/http-client';
import { loadTerminalKey } from '../terminal/terminal-key';
import type { Terminal } from '../terminal/terminal';
import { lastJsonLine, mainScript, repoRoot, runPos } from './test-helpers';
import { openTill } from '../terminal/testing';

const TOKEN = 'cli-test-admin-token-0123456789';
const root = mkdtempSync(path.join(tmpdir(), 'pos-gateway-cli-'));
let gw: RunningGateway;
/** Nothing from the developer's shell leaks into what the commands see. */
const clean = {
  POS_GATEWAY_URL: undefined,
  POS_GATEWAY_ADMIN_TOKEN: undefined,
  DATABASE_URL: undefined,
};
const admin = (): string[] => ['--gateway', gw.url, '--admin-token', TOKEN];

beforeAll(async () => {
  gw = await startGateway({
    dataDir: path.join(root, 'gw'),
    port: 0,
    adminToken: TOKEN,
    logger: false,
  });
});
afterAll(async () => {
  await gw.close();
  rmSync(root, { recursive: true, force: true });
});

async function enrollNew(name: string): Promise<{ dataDir: string; terminalId: string }> {
  const code = await runPos(['gateway', 'code', '--name', name, ...admin(), '--json'], clean);
  expect(code.code).toBe(0);
  const dataDir = path.join(root, name.replace(/\W+/g, '-'));
  const enrolled = await runPos(
    [
      'enroll',
      '--gateway',
      gw.url,
      '--code',
      String(lastJsonLine(code.stdout).code),
      '--data-dir',
      dataDir,
      '--json',
    ],
    clean,
  );
  expect(enrolled.stderr).not.toContain('pos:');
  expect(enrolled.code).toBe(0);
  return { dataDir, terminalId: String(lastJsonLine(enrolled.stdout).terminalId) };
}

/** GET /v1/reference/catalog as the enrolled terminal in dataDir (a signed request). */
async function referenceCatalog(dataDir: string, terminalId: string): Promise<CatalogDto> {
  const url = `${gw.url}/v1/reference/catalog`;
  const key = loadTerminalKey(dataDir)!;
  const headers = await signRequest({
    method: 'GET',
    url,
    body: Buffer.alloc(0),
    keyId: terminalId,
    privateKey: key.privateKey,
    now: Date.now(),
  });
  const res = await httpRequest({ method: 'GET', url, headers });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body.toString()) as ReferenceReply).body as CatalogDto;
}

async function call<T>(t: Terminal, method: string, input: unknown = {}): Promise<T> {
  const r = (await t.dispatch(method, input)) as
    { ok: true; value: T } | { ok: false; error: unknown };
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
}

describe('pos gateway (the server)', () => {
  it('prints url and admin-token, serves /health, and exits 0 on SIGTERM', async () => {
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        mainScript,
        'gateway',
        '--port',
        '0',
        '--data-dir',
        path.join(root, 'served'),
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, ...clean, POS_GATEWAY_ADMIN_TOKEN: 'from-the-environment-123456' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) =>
      proc.once('exit', (code) => resolve(code)),
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        proc.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          const m = /^url: (\S+)$/m.exec(stdout);
          if (m && /^admin-token: /m.test(stdout)) resolve(m[1]!);
        });
        void exited.then((code) =>
          reject(new Error(`pos gateway exited (${code}): ${stdout}${stderr}`)),
        );
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(stdout).toMatch(/^admin-token: from-the-environment-123456$/m);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, dialect: 'sqlite' });
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('gateway stopped (SIGTERM)');
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });

  it('refuses a port in use with exit 1', async () => {
    const port = new URL(gw.url).port;
    const r = await runPos(
      ['gateway', '--port', port, '--data-dir', path.join(root, 'busy')],
      clean,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${port} is in use`);
  });
});

describe('pos gateway admin subcommands', () => {
  it('code gives a one-time code that pos enroll accepts; terminals lists it; revoke revokes it', async () => {
    const code = await runPos(
      ['gateway', 'code', '--name', 'Gate B bar 3', '--ttl', '600', ...admin()],
      clean,
    );
    expect(code.code).toBe(0);
    expect(code.stdout).toMatch(
      /enrollment code for "Gate B bar 3": [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4} \(expires /,
    );

    const { dataDir, terminalId } = await enrollNew('Gate C bar 1');
    const list = await runPos(['gateway', 'terminals', ...admin(), '--json'], clean);
    expect(list.code).toBe(0);
    const terminals = lastJsonLine(list.stdout).terminals as {
      terminalId: string;
      name: string;
      status: string;
    }[];
    expect(terminals).toContainEqual(
      expect.objectContaining({ terminalId, name: 'Gate C bar 1', status: 'active' }),
    );

    const revoked = await runPos(['gateway', 'revoke', terminalId, ...admin()], clean);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`terminal ${terminalId} revoked`);
    const text = await runPos(['gateway', 'terminals', ...admin()], clean);
    expect(text.stdout).toMatch(new RegExp(`${terminalId}\\s+revoked`));
    // The revoked terminal's signed requests are refused.
    const key = loadTerminalKey(dataDir)!;
    const url = `${gw.url}/v1/reference/catalog`;
    const headers = await signRequest({
      method: 'GET',
      url,
      body: Buffer.alloc(0),
      keyId: terminalId,
      privateKey: key.privateKey,
      now: Date.now(),
    });
    expect((await httpRequest({ method: 'GET', url, headers })).status).toBe(401);

    const unknown = await runPos(
      ['gateway', 'revoke', 'NO-SUCH-TERMINAL', ...admin(), '--json'],
      clean,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no terminal NO-SUCH-TERMINAL');
    expect(lastJsonLine(unknown.stdout)).toMatchObject({
      ok: false,
      error: { code: 'terminal.unknown' },
    });
  }, 30_000);

  it('imports a catalog from CSV and from JSON; terminals get it from GET /v1/reference/catalog', async () => {
    const { dataDir, terminalId } = await enrollNew('Import check');
    const csv = path.join(root, 'menu.csv');
    writeFileSync(
      csv,
      'product_id,category_id,category_en,category_zh,name_en,name_zh,price,tax_rate_id,tax_rate_bp,tax_inclusive,barcode\n' +
        'csv-dog,hot-food,Hot food,热食,CSV dog,热狗,25.00,vat6,600,true,6901234000016\n' +
        'scarf,merch,Merchandise,纪念品,"Scarf ""home""",围巾,128,vat13,1300,true,\n',
    );
    const r1 = await runPos(['gateway', 'import', 'catalog', csv, ...admin(), '--json'], clean);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    expect(lastJsonLine(r1.stdout)).toMatchObject({ ok: true, kind: 'catalog', format: 'csv' });
    let catalog = await referenceCatalog(dataDir, terminalId);
    expect(catalog.products.map((p) => p.id).sort()).toEqual(['csv-dog', 'scarf']);
    expect(catalog.products.find((p) => p.id === 'scarf')?.name.en).toBe('Scarf "home"');

    // JSON, in a file without a telling extension: recognised by its content.
    const { currency: _c, ...body } = demoCatalog;
    const json = path.join(root, 'menu.txt');
    writeFileSync(
      json,
      JSON.stringify({
        ...body,
        products: [
          ...body.products,
          {
            ...body.products[0]!,
            id: 'json-special',
            barcode: null,
            name: { en: 'JSON special', zh: '特价' },
          },
        ],
      }),
    );
    const r2 = await runPos(['gateway', 'import', 'catalog', json, ...admin()], clean);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    expect(r2.stdout).toMatch(/catalog published as version \d+ \(from menu\.txt, JSON\)/);
    catalog = await referenceCatalog(dataDir, terminalId);
    expect(catalog.products.map((p) => p.id)).toContain('json-special');
    expect(catalog.products).toHaveLength(body.products.length + 1);

    // A refused file: the gateway's own message, exit 1, nothing changed.
    const bad = path.join(root, 'bad.csv');
    writeFileSync(bad, 'product_id,name_en\nx,Only a name\n');
    const r3 = await runPos(['gateway', 'import', 'catalog', bad, ...admin()], clean);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/pos: gateway refused \(HTTP 400 catalog\.csv_invalid\): line/);
    expect((await referenceCatalog(dataDir, terminalId)).products.map((p) => p.id)).toContain(
      'json-special',
    );

    // staff must be JSON; a broken file is caught before it is sent.
    const broken = path.join(root, 'staff.json');
    writeFileSync(broken, '{"staff": [');
    const r4 = await runPos(['gateway', 'import', 'staff', broken, ...admin()], clean);
    expect(r4.code).toBe(1);
    expect(r4.stderr).toContain('is not valid JSON');

    // Back to the demo catalog for the tests after this one.
    const demo = path.join(root, 'demo.json');
    writeFileSync(demo, JSON.stringify(body));
    expect((await runPos(['gateway', 'import', 'catalog', demo, ...admin()], clean)).code).toBe(0);
  }, 30_000);

  it('exports the settlement rows of sales as CSV, to stdout and to a file; summary counts them', async () => {
    const { dataDir, terminalId } = await enrollNew('Export check');
    const t = createTerminalSync({
      dataDir,
      sync: { reconnectJitterMs: 0, pollIntervalMs: 20, backoffBaseMs: 10, backoffCapMs: 100 },
    });
    const refs: string[] = [];
    try {
      await expect
        .poll(async () => (await call<CatalogDto>(t, 'catalog.list')).products.length, {
          timeout: 10_000,
        })
        .toBeGreaterThan(0);
      const productId = (await call<CatalogDto>(t, 'catalog.list')).products[0]!.id;
      await openTill(t);
      for (let i = 0; i < 3; i++) {
        const sale = await call<SaleDto>(t, 'sale.addItem', { productId, quantity: i + 1 });
        await call(t, 'payment.payCash', { tendered: sale.cashDue });
        refs.push((await call<{ receiptRef: string }>(t, 'sale.complete')).receiptRef);
      }
      await expect.poll(() => t.sync!.status().pendingEvents, { timeout: 10_000 }).toBe(0);
    } finally {
      t.close();
    }
    const out = await runPos(
      ['gateway', 'export', '--format', 'csv', '--terminal', terminalId, ...admin()],
      clean,
    );
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'business_date,terminal_id,terminal_name,receipt_ref,sale_id,completed_at,tender,currency,amount,rounding',
    );
    expect(lines).toHaveLength(4);
    for (const ref of refs) expect(out.stdout).toContain(ref);
    expect(out.stderr).toContain('3 settlement row(s)');

    const file = path.join(root, 'settlement.csv');
    const toFile = await runPos(
      ['gateway', 'export', '--out', file, '--terminal', terminalId, ...admin(), '--json'],
      clean,
    );
    expect(toFile.code).toBe(0);
    expect(lastJsonLine(toFile.stdout)).toMatchObject({ ok: true, rows: 3, file });
    expect(readFileSync(file, 'utf8')).toBe(out.stdout);

    const summary = await runPos(
      ['gateway', 'summary', '--terminal', terminalId, ...admin()],
      clean,
    );
    expect(summary.code).toBe(0);
    expect(JSON.parse(summary.stdout)).toMatchObject({
      sales: { count: 3 },
      byTerminal: [{ terminalId, count: 3 }],
    });
  }, 30_000);

  it.each([
    [
      ['gateway', 'code', '--name', 'x', '--gateway', 'http://127.0.0.1:9'],
      /--admin-token is required/,
    ],
    [['gateway', 'code', '--name', 'x', '--admin-token', TOKEN], /--gateway URL is required/],
    [
      ['gateway', 'code', '--gateway', 'http://127.0.0.1:9', '--admin-token', TOKEN],
      /--name is required/,
    ],
    [
      [
        'gateway',
        'code',
        '--name',
        'x',
        '--ttl',
        '5',
        '--gateway',
        'http://127.0.0.1:9',
        '--admin-token',
        TOKEN,
      ],
      /--ttl must be/,
    ],
    [
      ['gateway', 'code', '--name', 'x', '--gateway', 'ftp://x', '--admin-token', TOKEN],
      /must be http or https/,
    ],
    [
      ['gateway', 'revoke', '--gateway', 'http://127.0.0.1:9', '--admin-token', TOKEN],
      /missing TERMINAL_ID/,
    ],
    [
      [
        'gateway',
        'import',
        'menu',
        'f.csv',
        '--gateway',
        'http://127.0.0.1:9',
        '--admin-token',
        TOKEN,
      ],
      /cannot import "menu"/,
    ],
    [
      ['gateway', 'import', 'catalog', '--gateway', 'http://127.0.0.1:9', '--admin-token', TOKEN],
      /missing FILE/,
    ],
    [
      [
        'gateway',
        'export',
        '--format',
        'xml',
        '--gateway',
        'http://127.0.0.1:9',
        '--admin-token',
        TOKEN,
      ],
      /--format must be csv/,
    ],
    [['gateway', 'frobnicate'], /unknown command "gateway frobnicate"/],
    [['gateway', '--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
    [['gateway', '--admin-token', 'short'], /at least 16 characters/],
    [
      ['loadtest', '--gateway', 'http://127.0.0.1:9', '--admin-token', TOKEN, '--sales', '3'],
      /--terminals is required/,
    ],
    [
      [
        'loadtest',
        '--gateway',
        'http://127.0.0.1:9',
        '--admin-token',
        TOKEN,
        '--terminals',
        '0',
        '--sales',
        '3',
      ],
      /--terminals must be/,
    ],
    [
      ['loadtest', '--terminals', '1', '--sales', '1', '--gateway', 'http://127.0.0.1:9'],
      /--admin-token is required/,
    ],
  ])('exits 2 with usage for %j', async (args, message) => {
    const r = await runPos(args, clean);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: pos');
  });

  it('reads the gateway and token from the environment', async () => {
    const r = await runPos(['gateway', 'terminals', '--json'], {
      ...clean,
      POS_GATEWAY_URL: gw.url,
      POS_GATEWAY_ADMIN_TOKEN: TOKEN,
    });
    expect(r.code).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ ok: true });
  });

  it('exits 1 with the gateway’s message on a wrong token, and with a clear one when unreachable', async () => {
    const wrong = await runPos(
      ['gateway', 'terminals', '--gateway', gw.url, '--admin-token', 'not-the-token-at-all'],
      clean,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/pos: gateway refused \(HTTP 401 admin\.unauthorized\)/);

    const down = await runPos(
      ['gateway', 'summary', '--gateway', 'http://127.0.0.1:9', '--admin-token', TOKEN, '--json'],
      clean,
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /pos: cannot reach the gateway at http:\/\/127\.0\.0\.1:9: ECONNREFUSED/,
    );
    expect(lastJsonLine(down.stdout)).toMatchObject({
      ok: false,
      error: { code: 'gateway.unreachable' },
    });
  });
});

describe('pos gateway stop-sale and sold-out', () => {
  // A gateway of its own: the tills other tests enrolled were seen recently and would be pending.
  let venue: RunningGateway;
  let till: Terminal | undefined;
  const own = (): string[] => ['--gateway', venue.url, '--admin-token', TOKEN];
  beforeAll(async () => {
    venue = await startGateway({
      dataDir: path.join(root, 'stop-sale-gw'),
      port: 0,
      adminToken: TOKEN,
      logger: false,
    });
  });
  afterAll(async () => {
    till?.close();
    await venue.close();
  });

  async function enrollIn(name: string): Promise<{ dataDir: string; terminalId: string }> {
    const res = await venue.app.inject({
      method: 'POST',
      url: '/v1/admin/enrollment-codes',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { name },
    });
    const dataDir = path.join(root, `stop-sale-${name.replace(/\W+/g, '-')}`);
    const { enrollTerminal } = await import('../terminal/enroll');
    const reply = await enrollTerminal({
      dataDir,
      gatewayUrl: venue.url,
      code: res.json<{ code: string }>().code,
    });
    return { dataDir, terminalId: reply.terminalId };
  }

  it('stops a tag, waits for the tills to confirm, lists them; sold-out and resume', async () => {
    const a = await enrollIn('Bar A');
    till = createTerminalSync({
      dataDir: a.dataDir,
      sync: { reconnectJitterMs: 10, controlPollMs: 100, referencePollMs: 60_000 },
    });
    // A till that is online (it made a signed request) but never confirms anything.
    const silent = await enrollIn('Bar silent');
    await referenceCatalogAt(venue.url, silent.dataDir, silent.terminalId);

    const stop = await runPos(
      ['gateway', 'stop-sale', '--tag', 'alcohol', ...own(), '--json'],
      clean,
    );
    expect(stop.stderr).toBe('');
    expect(stop.code).toBe(0);
    expect(lastJsonLine(stop.stdout)).toMatchObject({ ok: true, tags: ['alcohol'], soldOut: [] });
    const version = lastJsonLine(stop.stdout).version as number;

    const waited = await runPos(
      ['gateway', 'stop-sale', '--status', '--wait', '2', ...own(), '--json'],
      clean,
    );
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain('have not confirmed version');
    expect(waited.stderr).toContain('Bar silent');
    const failed = lastJsonLine(waited.stdout);
    expect(failed).toMatchObject({ ok: false, error: { code: 'stop_sale.unconfirmed' } });
    expect(failed.terminals).toEqual([
      expect.objectContaining({ name: 'Bar A', state: 'confirmed', confirmedVersion: version }),
      expect.objectContaining({ name: 'Bar silent', state: 'pending' }),
    ]);

    await venue.app.inject({
      method: 'POST',
      url: `/v1/admin/terminals/${silent.terminalId}/revoke`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const table = await runPos(
      ['gateway', 'stop-sale', '--status', '--wait', '10', ...own()],
      clean,
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`^confirmed\\s+Bar A\\s+${a.terminalId}\\s+confirmed v${version} at `, 'm'),
    );
    expect(table.stdout).toContain('stopped: alcohol');
    expect(table.stdout).toContain('tills: 1 confirmed, 0 pending, 0 offline');
    expect((await call<CatalogDto>(till, 'catalog.list')).availability.stoppedTags).toEqual([
      'alcohol',
    ]);

    const soldOut = await runPos(
      ['gateway', 'sold-out', '--product', 'hot-dog', '--wait', '10', ...own(), '--json'],
      clean,
    );
    expect(soldOut.code).toBe(0);
    expect(lastJsonLine(soldOut.stdout)).toMatchObject({ soldOut: ['hot-dog'], tags: ['alcohol'] });
    expect((await call<CatalogDto>(till, 'catalog.list')).availability.soldOut).toEqual([
      { productId: 'hot-dog', scope: 'venue' },
    ]);
    const unknown = await runPos(['gateway', 'sold-out', '--product', 'no-such', ...own()], clean);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('catalog.product_not_found');

    const back = await runPos(
      ['gateway', 'sold-out', '--product', 'hot-dog', '--back', ...own()],
      clean,
    );
    expect(back.code).toBe(0);
    const resume = await runPos(
      ['gateway', 'stop-sale', '--tag', 'alcohol', '--resume', '--wait', '10', ...own(), '--json'],
      clean,
    );
    expect(resume.code).toBe(0);
    expect(lastJsonLine(resume.stdout)).toMatchObject({ tags: [], soldOut: [] });
    expect((await call<CatalogDto>(till, 'catalog.list')).availability).toMatchObject({
      stoppedTags: [],
      soldOut: [],
    });
  });

  it.each([
    [['gateway', 'stop-sale'], /give --tag TAG/],
    [['gateway', 'stop-sale', '--tag', 'Alcohol!'], /--tag must be/],
    [['gateway', 'stop-sale', '--status', '--tag', 'alcohol'], /--status only shows/],
    [['gateway', 'stop-sale', '--status', '--wait', 'soon'], /--wait must be/],
    [['gateway', 'sold-out', '--back'], /--product ID is required/],
  ])('exits 2 with usage for %j', async (args, message) => {
    const r = await runPos(
      [...args, '--gateway', 'http://127.0.0.1:9', '--admin-token', TOKEN],
      clean,
    );
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: pos gateway');
  });
});

/** A signed GET /v1/reference/catalog as the terminal in dataDir (so the gateway has seen it). */
async function referenceCatalogAt(
  base: string,
  dataDir: string,
  terminalId: string,
): Promise<void> {
  const url = `${base}/v1/reference/catalog`;
  const headers = await signRequest({
    method: 'GET',
    url,
    body: Buffer.alloc(0),
    keyId: terminalId,
    privateKey: loadTerminalKey(dataDir)!.privateKey,
    now: Date.now(),
  });
  expect((await httpRequest({ method: 'GET', url, headers })).status).toBe(200);
}
