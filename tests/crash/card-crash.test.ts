// Card payments through SIGKILL (issue 5, ARCHITECTURE §5): a child terminal (tests/crash/card-loop.ts,
// bundled like sell-loop) sells by card against a real gateway (SQLite, test acquirer with a 30 ms
// latency so the authorizing window is wide enough to be hit) and is killed at random moments and,
// to land exactly in states that last microseconds ('created'), by itself in the payment listener.
// Each restart lets recovery run and resolves "approved, not completed" by complete or void,
// alternately. At the end the gateway's books and the terminal's must agree: every payment approved
// at the gateway is the card tender of exactly one completed sale, or was reversed; nothing stays
// undecided; no sale holds two approved card payments.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestAcquirer } from '../../gateway/acquirer/test-acquirer';
import type { GatewayStore } from '../../gateway/store';
import { enrollCardTill, startCardGateway } from '../support/card-rig';

const KILLS = Number(process.env.POS_CARD_CRASH_KILLS ?? 100);
const ADMIN = 'card-crash-admin-token-0123456789';
const repo = resolve(import.meta.dirname, '../..');
const bundle = join(repo, 'node_modules/.cache/venue-pos-tests/card-loop.mjs');
const root = mkdtempSync(join(tmpdir(), 'pos-card-crash-'));
const dataDir = join(root, 'terminal');
let app: FastifyInstance;
let store: GatewayStore;

beforeAll(async () => {
  mkdirSync(join(repo, 'node_modules/.cache/venue-pos-tests'), { recursive: true });
  await build({
    entryPoints: [join(repo, 'tests/crash/card-loop.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  const gw = await startCardGateway({
    dir: join(root, 'gateway'),
    adminToken: ADMIN,
    acquirer: new TestAcquirer({ latencyMs: 30 }),
    acquirerTimeoutMs: 2000,
  });
  app = gw.app;
  store = gw.store;
  await enrollCardTill(gw, dataDir, 'crash till');
}, 30_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(root, { recursive: true, force: true });
});

type KillPlan =
  | { by: 'parent'; delayMs: number }
  | {
      by: 'self';
      state: 'created' | 'reading' | 'authorizing' | 'approved';
      nth: number;
      afterMs: number;
    };

interface Run {
  /** State of the last payment the child reported before it died ('none' if none yet). */
  lastState: string;
  done: { saleId: string; paymentId: string }[];
  resolved: { paymentId: string; action: string }[];
  unresolved: unknown[] | null;
  exit: string;
}

function runChild(parity: number, plan: KillPlan | 'settle'): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, POS_LOG_LEVEL: 'silent' };
    if (plan === 'settle') env.SETTLE = '1';
    else if (plan.by === 'self')
      Object.assign(env, {
        KILL_AT: plan.state,
        KILL_NTH: String(plan.nth),
        KILL_AFTER_MS: String(plan.afterMs),
      });
    const child = spawn(process.execPath, [bundle, dataDir, String(parity)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const run: Run = { lastState: 'none', done: [], resolved: [], unresolved: null, exit: '' };
    let buffer = '';
    let stderr = '';
    // A child that outlives its plan (self-kill state never reached) is killed by the parent.
    const guard = setTimeout(() => child.kill('SIGKILL'), 8000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const [word, a, b] = line.split(' ');
        if (word === 'unresolved') {
          run.unresolved = JSON.parse(line.slice('unresolved '.length)) as unknown[];
          if (plan !== 'settle' && plan.by === 'parent')
            setTimeout(() => child.kill('SIGKILL'), plan.delayMs);
        } else if (word === 'state') run.lastState = b!;
        else if (word === 'done') run.done.push({ saleId: a!, paymentId: b! });
        else if (word === 'resolved') run.resolved.push({ paymentId: a!, action: b! });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      run.exit = signal ?? String(code);
      if (plan === 'settle' ? code !== 0 : signal !== 'SIGKILL')
        reject(new Error(`child exited ${code ?? signal}: ${stderr}`));
      else resolvePromise(run);
    });
  });
}

function planFor(i: number): KillPlan {
  // Two in five exact self-kills cycling through the short states; the rest at random moments.
  const states = ['created', 'reading', 'authorizing', 'approved'] as const;
  if (i % 5 < 2) {
    const k = Math.floor(i / 5) * 2 + (i % 5);
    return {
      by: 'self',
      state: states[k % 4]!,
      nth: 1 + Math.floor(Math.random() * 3),
      afterMs: k % 8 < 4 ? 0 : Math.floor(Math.random() * 20),
    };
  }
  return { by: 'parent', delayMs: Math.floor(Math.random() * 250) };
}

it(
  `no card payment is lost, doubled or left undecided through ${KILLS} SIGKILLs`,
  { timeout: 170_000 },
  async () => {
    const confirmed = new Map<string, string>(); // paymentId → saleId, from "done" lines
    const resolutions = new Map<string, string>();
    const killedIn: Record<string, number> = {};
    for (let i = 0; i < KILLS; i++) {
      const plan = planFor(i);
      const run = await runChild(i, plan);
      // What recovery left for this start: nothing but what the cashier just resolved.
      expect(run.unresolved, `restart ${i}: unresolved after recovery`).toEqual([]);
      for (const d of run.done) if (d.paymentId !== '-') confirmed.set(d.paymentId, d.saleId);
      for (const r of run.resolved) resolutions.set(r.paymentId, r.action);
      const at =
        plan.by === 'self' && run.lastState === plan.state
          ? `${plan.state} (exact)`
          : run.lastState;
      killedIn[at] = (killedIn[at] ?? 0) + 1;
    }
    const settle = await runChild(KILLS, 'settle');
    expect(settle.unresolved).toEqual([]);
    for (const d of settle.done) if (d.paymentId !== '-') confirmed.set(d.paymentId, d.saleId);
    for (const r of settle.resolved) resolutions.set(r.paymentId, r.action);

    const db = new Database(join(dataDir, 'terminal.db'), { readonly: true });
    try {
      const cards = db
        .prepare('SELECT payment_id AS id, sale_id AS saleId, state FROM card_payments')
        .all() as { id: string; saleId: string; state: string }[];
      const tenders = db
        .prepare(
          "SELECT p.payment_id AS id, p.sale_id AS saleId, s.status FROM payments p JOIN sales s USING (sale_id) WHERE p.kind = 'card'",
        )
        .all() as { id: string; saleId: string; status: string }[];
      const byId = new Map(cards.map((c) => [c.id, c]));
      const tenderOf = new Map<string, typeof tenders>();
      for (const t of tenders) tenderOf.set(t.id, [...(tenderOf.get(t.id) ?? []), t]);

      // Nothing undecided on the terminal.
      const undecided = cards.filter((c) =>
        [
          'created',
          'reading',
          'authorizing',
          'unknown',
          'reversing',
          'forwarding',
          'stored',
        ].includes(c.state),
      );
      expect(undecided).toEqual([]);

      // Every approval the gateway holds (uncaptured, unreversed) is one completed sale's tender.
      const approvedAtGateway = await store.capturablePayments('9999-12-31');
      expect(approvedAtGateway.length).toBeGreaterThan(KILLS / 4);
      for (const g of approvedAtGateway) {
        expect(byId.get(g.key)?.state, `gateway-approved ${g.key} on the terminal`).toBe(
          'approved',
        );
        const t = tenderOf.get(g.key) ?? [];
        expect(t, `gateway-approved ${g.key}: tenders`).toHaveLength(1);
        expect(t[0]!.status).toBe('completed');
      }
      // Every payment the terminal knows: its state agrees with the gateway's.
      for (const c of cards) {
        const g = await store.getPayment(c.id);
        const at = g?.status ?? 'none';
        if (c.state === 'approved') {
          expect(at, `terminal-approved ${c.id} at the gateway`).toBe('approved');
          expect(
            tenderOf.get(c.id)?.map((t) => t.status),
            `tender of ${c.id}`,
          ).toEqual(['completed']);
        } else {
          // Not approved on the terminal: never left charged at the gateway.
          expect(
            ['none', 'reversed', 'declined', 'failed', 'refused'],
            `${c.id} (${c.state}) at the gateway`,
          ).toContain(at);
          expect(tenderOf.get(c.id), `tender of non-approved ${c.id}`).toBeUndefined();
        }
      }
      // Confirmed sales kept their card payment; voids were reversed, completes were kept.
      for (const [paymentId, saleId] of confirmed)
        expect(tenderOf.get(paymentId)?.[0]?.saleId).toBe(saleId);
      for (const [paymentId, action] of resolutions) {
        expect(byId.get(paymentId)?.state, `${paymentId} resolved by ${action}`).toBe(
          action === 'void' ? 'reversed' : 'approved',
        );
      }
      // One tap, one charge: no sale holds two approved card payments.
      const perSale = db
        .prepare(
          "SELECT sale_id, COUNT(*) AS n FROM card_payments WHERE state = 'approved' GROUP BY sale_id HAVING n > 1",
        )
        .all();
      expect(perSale).toEqual([]);
      expect(confirmed.size).toBeGreaterThan(KILLS / 4);
      expect([...resolutions.values()]).toEqual(expect.arrayContaining(['complete', 'void']));
      // Kills landed in every payment state.
      for (const s of ['created', 'reading', 'authorizing', 'approved'])
        expect(killedIn[`${s} (exact)`] ?? 0, `kills in ${s}`).toBeGreaterThan(0);
      console.info(
        `card crash: ${KILLS} kills`,
        JSON.stringify(killedIn),
        `${confirmed.size} confirmed, ${resolutions.size} resolved, ${approvedAtGateway.length} approved at the gateway`,
      );
    } finally {
      db.close();
    }
  },
);
