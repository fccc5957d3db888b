// `pos gateway import catalog` with the three catalog forms (JSON file, CSV file, CSV directory),
// run in process against a real gateway: what the gateway stores afterwards, and what a refused
// import says (file and line, or JSON path) while the stored catalog stays as it was.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogBody } from '../../contract/api';
import { demoCatalog } from '../../contract/demo-venue';
import { startGateway, type RunningGateway } from '../../gateway/start';
import { runCli } from '../cli';
import { lastJsonLine } from '../test-helpers';

const TOKEN = 'import-test-admin-token-0123456789';
const examples = fileURLToPath(new URL('../../docs/examples/', import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'pos-gateway-import-'));
let gw: RunningGateway;

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

async function importCatalog(target: string, ...extra: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    [
      'gateway',
      'import',
      'catalog',
      target,
      '--gateway',
      gw.url,
      '--admin-token',
      TOKEN,
      '--json',
      ...extra,
    ],
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
  );
  return { code, stdout, stderr, json: lastJsonLine(stdout) };
}

async function stored(): Promise<{ version: number; catalog: CatalogBody }> {
  const ref = await gw.store.getReference('catalog');
  if (!ref) throw new Error('no catalog stored');
  return { version: ref.version, catalog: CatalogBody.parse(JSON.parse(ref.body)) };
}

const { currency: _currency, ...demoBody } = demoCatalog;

describe('pos gateway import catalog', () => {
  it('publishes the demo example from its JSON file and from its CSV directory: the same catalog', async () => {
    const before = (await stored()).version;
    const fromJson = await importCatalog(path.join(examples, 'demo-catalog.json'));
    expect(fromJson.stderr).toBe('');
    expect(fromJson.code).toBe(0);
    expect(fromJson.json).toMatchObject({
      ok: true,
      kind: 'catalog',
      format: 'json',
      version: before + 1,
    });
    expect((await stored()).catalog).toEqual(demoBody);

    // the directory's money is read in the venue currency the gateway reports (CNY)
    const fromDir = await importCatalog(path.join(examples, 'demo-catalog-csv'));
    expect(fromDir.stderr).toBe('');
    expect(fromDir.code).toBe(0);
    expect(fromDir.json).toMatchObject({ ok: true, format: 'csv-dir', version: before + 2 });
    expect(fromDir.json.message).toMatch(/from demo-catalog-csv\/, 10 CSV files, 60 products/);
    expect((await stored()).catalog).toEqual(demoBody);
  });

  it('takes a catalog without the kind: pos gateway import DIR', async () => {
    let stdout = '';
    const code = await runCli(
      [
        'gateway',
        'import',
        path.join(examples, 'demo-catalog-csv'),
        '--gateway',
        gw.url,
        '--admin-token',
        TOKEN,
        '--json',
      ],
      { stdout: (t) => void (stdout += t), stderr: () => undefined },
    );
    expect(code).toBe(0);
    expect(lastJsonLine(stdout)).toMatchObject({ ok: true, kind: 'catalog', format: 'csv-dir' });
    const missing = await runCli(
      ['gateway', 'import', 'staff', '--gateway', gw.url, '--admin-token', TOKEN],
      {
        stdout: () => undefined,
        stderr: () => undefined,
      },
    );
    expect(missing).toBe(2);
  });

  it('reads a directory in the currency given with --currency', async () => {
    const dir = path.join(root, 'jpy');
    cpSync(path.join(examples, 'demo-catalog-csv'), dir, { recursive: true });
    const r = await importCatalog(dir, '--currency', 'JPY');
    // CNY prices have two decimals; yen have none
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'catalog.csv_invalid' } });
    expect(r.stderr).toMatch(
      /products\.csv:2: product hot-dog: price: "25\.00" has more decimals than JPY/,
    );
  });

  it('refuses a directory with a broken row, naming file and line; nothing changes', async () => {
    const before = await stored();
    const dir = path.join(root, 'broken');
    cpSync(path.join(examples, 'demo-catalog-csv'), dir, { recursive: true });
    // a size whose deposit the catalog does not define (line 4 of variants.csv)
    writeFileSync(
      path.join(dir, 'variants.csv'),
      'product_id,variant_id,name_en,name_zh,price,barcode,deposit\n' +
        'draft-lager,regular,500 ml,500毫升,35.00,,\n' +
        'draft-lager,large,Large 750 ml,大杯 750毫升,48.00,,cup-large\n' +
        'draft-ipa,large,Large 750 ml,大杯 750毫升,62.00,,glass\n',
    );
    writeFileSync(path.join(dir, 'README.txt'), 'not a catalog file: left alone');
    const r = await importCatalog(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('variants.csv:4: product draft-ipa size large: no deposit glass');
    expect(r.json).toMatchObject({ ok: false, error: { code: 'catalog.csv_invalid' } });
    expect(await stored()).toEqual(before);
  });

  it('checks a JSON catalog before sending it, problems with their JSON path', async () => {
    const before = await stored();
    const file = path.join(root, 'dangling.json');
    const products = demoBody.products.map((p) =>
      p.id === 'burger-meal'
        ? {
            ...p,
            combo: {
              slots: [
                {
                  id: 'x',
                  name: { en: 'X', zh: '叉' },
                  choices: [{ productId: 'draft-lager', variantId: null, priceDelta: 0 }],
                },
              ],
            },
          }
        : p,
    );
    writeFileSync(file, JSON.stringify({ ...demoBody, products }));
    const r = await importCatalog(file);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'catalog.invalid' } });
    expect(r.stderr).toMatch(
      /products\[\d+\]\.combo\.slots\[0\]\.choices\[0\]\.variantId: combo burger-meal slot x: draft-lager has sizes; name one/,
    );
    expect(await stored()).toEqual(before);
  });

  it('keeps the one-file CSV going to the gateway, which checks it with checkCatalog too', async () => {
    const before = await stored();
    const file = path.join(root, 'menu.csv');
    writeFileSync(
      file,
      'product_id,category_id,category_en,category_zh,name_en,name_zh,price,tax_rate_id,tax_rate_bp,tax_inclusive,barcode,deposit\n' +
        'dog,hot-food,Hot food,热食,Hot dog,热狗,25.00,vat6,600,true,,\n' +
        'beer,beer,Beer,啤酒,Lager,生啤,35.00,vat6,600,true,,cup\n',
    );
    const r = await importCatalog(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /gateway refused \(HTTP 400 catalog\.csv_invalid\): line 3: product beer: no deposit cup/,
    );
    expect(await stored()).toEqual(before);
  });

  it('the gateway refuses a JSON catalog sent past the CLI that fails checkCatalog (400 catalog.invalid)', async () => {
    const res = await gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/catalog',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: {
        ...demoBody,
        priceLevels: [
          { id: 'x', name: { en: 'X', zh: '叉' }, prices: [{ productId: 'draft-ipa', price: 1 }] },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'catalog.invalid',
        message:
          'priceLevels[0].prices[0].variantId: price level x: draft-ipa is sold by size; price one of its sizes',
      },
    });
  });
});
