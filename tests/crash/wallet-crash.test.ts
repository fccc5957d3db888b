// Wallet payments through SIGKILL (issue 8, ARCHITECTURE §5): a child terminal (tests/crash/
// wallet-loop.ts, bundled like card-loop) sells by wallet payment code against a real gateway
// (SQLite, the built-in test wallet with compressed timings) and is killed at random moments and,
// to land exactly in each wallet state (created, authorizing, awaiting_customer, unknown, approved
// before the sale completes, cancelling), by itself in the wallet.updated listener. Each restart
// lets recovery run and resolves "approved, not completed" by complete or void, alternately. At
// the end both sides' books must agree: every wallet payment approved at the gateway is the wallet
// tender of exactly one completed sale, or was reversed or cancelled; nothing stays undecided at
// the terminal; no code was charged twice.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { enrollCardTill, startCardGateway, type CardGateway } from '../support/card-rig';
import { fastWallet } from '../wallets/wallet-rig';

const KILLS = Number(process.env.POS_WALLET_CRASH_KILLS ?? 30);
const ADMIN = 'wallet-crash-admin-token-0123456789';
const repo = resolve(import.meta.dirname, '../..');
const bundle = join(repo, 'node_modules/.cache/venue-pos-tests/wallet-loop.mjs');
const root = mkdtempSync(join(tmpdir(), 'pos-wallet-crash-'));
const dataDir = join(root, 'terminal');
const gatewayDir = join(root, 'gateway');
let gw: CardGateway;

beforeAll(async () => {
  mkdirSync(join(repo, 'node_modules/.cache/venue-pos-tests'), { recursive: true });
  await build({
    entryPoints: [join(repo, 'tests/crash/wallet-loop.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  gw = await startCardGateway({
    dir: gatewayDir,
    adminToken: ADMIN,
    acquirerTimeoutMs: 2000,
    wallet: fastWallet(),
  });
  await enrollCardTill(gw, dataDir, 'wallet crash till');
}, 30_000);

afterAll(async () => {
  await gw?.close();
  rmSync(root, { recursive: true, force: true });
});

const SELF_STATES = [
  'created',
  'authorizing',
  'awaiting_customer',
  'unknown',
  'approved',
  'cancelling',
] as const;

type KillPlan =
  | { by: 'parent'; delayMs: number }
  | { by: 'self'; state: (typeof SELF_STATES)[number]; nth: number; afterMs: number };

interface Run {
  /** State of the last payment the child reported before it died ('none' if none yet). */
  lastState: string;
  started: { paymentId: string; codeDigest: string }[];
  done: { saleId: string; paymentId: string }[];
  resolved: { paymentId: string; action: string }[];
  unresolved: unknown[] | null;
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
    const run: Run = { lastState: 'none', started: [], done: [], resolved: [], unresolved: null };
    let buffer = '';
    let stderr = '';
    const lines: string[] = [];
    // A child that outlives its plan (self-kill state never reached) is killed by the parent.
    const guard = setTimeout(() => child.kill('SIGKILL'), 8000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        const [word, a, b] = line.split(' ');
        if (word === 'unresolved') {
          run.unresolved = JSON.parse(line.slice('unresolved '.length)) as unknown[];
          if (plan !== 'settle' && plan.by === 'parent')
            setTimeout(() => child.kill('SIGKILL'), plan.delayMs);
        } else if (word === 'state') run.lastState = b!;
        else if (word === 'start') run.started.push({ paymentId: a!, codeDigest: b! });
        else if (word === 'done') run.done.push({ saleId: a!, paymentId: b! });
        else if (word === 'resolved') run.resolved.push({ paymentId: a!, action: b! });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (plan === 'settle' ? code !== 0 : signal !== 'SIGKILL')
        reject(new Error(`child exited ${code ?? signal}: ${stderr}\nlast lines:\n${lines.slice(-30).join('\n')}`));
      else resolvePromise(run);
    });
  });
}

function planFor(i: number): KillPlan {
  // Three in five: exact self-kills cycling through the wallet states (the child's sales cycle
  // through approve, confirm, confirm-then-cancel, lost answer, approve, so each state comes
  // within its first five sales); the rest at random moments.
  if (i % 5 < 3) {
    const k = Math.floor(i / 5) * 3 + (i % 5);
    return {
      by: 'self',
      state: SELF_STATES[k % SELF_STATES.length]!,
      nth: 1 + Math.floor(Math.random() * 2),
      afterMs: k % 12 < 6 ? 0 : Math.floor(Math.random() * 20),
    };
  }
  return { by: 'parent', delayMs: Math.floor(Math.random() * 600) };
}

interface GatewayRow {
  key: string;
  status: string;
  refunded: number;
}

it(
  `no wallet payment is lost, charged twice or left undecided through ${KILLS} SIGKILLs`,
  { timeout: 170_000 },
  async () => {
    const confirmed = new Map<string, string>(); // paymentId → saleId, from "done" lines
    const resolutions = new Map<string, string>();
    const digestOf = new Map<string, string>(); // paymentId → sha256 of its code
    const killedIn: Record<string, number> = {};
    const record = (run: Run): void => {
      for (const d of run.done) if (d.paymentId !== '-') confirmed.set(d.paymentId, d.saleId);
      for (const r of run.resolved) resolutions.set(r.paymentId, r.action);
      for (const s of run.started) digestOf.set(s.paymentId, s.codeDigest);
    };
    for (let i = 0; i < KILLS; i++) {
      const plan = planFor(i);
      const run = await runChild(i, plan);
      // What recovery left for this start: nothing but what the cashier just resolved.
      expect(run.unresolved, `restart ${i}: unresolved after recovery`).toEqual([]);
      record(run);
      const at =
        plan.by === 'self' && run.lastState === plan.state
          ? `${plan.state} (exact)`
          : run.lastState;
      killedIn[at] = (killedIn[at] ?? 0) + 1;
    }
    const settle = await runChild(KILLS, 'settle');
    expect(settle.unresolved).toEqual([]);
    record(settle);

    const gdb = new Database(join(gatewayDir, 'gateway.db'), { readonly: true });
    const atGateway = new Map(
      (
        gdb
          .prepare('SELECT key, status, refunded_amount AS refunded FROM wallet_payments')
          .all() as GatewayRow[]
      ).map((r) => [r.key, r]),
    );
    gdb.close();
    const db = new Database(join(dataDir, 'terminal.db'), { readonly: true });
    try {
      const wallets = db
        .prepare('SELECT payment_id AS id, sale_id AS saleId, state, needs_resolution AS nr FROM wallet_payments')
        .all() as { id: string; saleId: string; state: string; nr: number }[];
      const tenders = db
        .prepare(
          "SELECT p.payment_id AS id, p.sale_id AS saleId, s.status FROM payments p JOIN sales s USING (sale_id) WHERE p.kind = 'wallet'",
        )
        .all() as { id: string; saleId: string; status: string }[];
      const owed = db.prepare('SELECT payment_id FROM wallet_cancels WHERE acked_at IS NULL').all();
      const byId = new Map(wallets.map((w) => [w.id, w]));
      const tenderOf = new Map<string, typeof tenders>();
      for (const t of tenders) tenderOf.set(t.id, [...(tenderOf.get(t.id) ?? []), t]);

      // Nothing undecided on the terminal: no open state, no cashier decision, no owed cancel.
      expect(
        wallets.filter((w) => ['created', 'authorizing', 'awaiting_customer', 'unknown', 'cancelling'].includes(w.state) || w.nr === 1),
      ).toEqual([]);
      expect(owed).toEqual([]);

      // Every charge the gateway holds is one completed sale's wallet tender.
      const approvedAtGateway = [...atGateway.values()].filter((g) => g.status === 'approved');
      expect(approvedAtGateway.length).toBeGreaterThan(KILLS / 4);
      for (const g of approvedAtGateway) {
        expect(g.refunded).toBe(0);
        expect(byId.get(g.key)?.state, `gateway-approved ${g.key} on the terminal`).toBe('approved');
        const t = tenderOf.get(g.key) ?? [];
        expect(t, `gateway-approved ${g.key}: tenders`).toHaveLength(1);
        expect(t[0]!.status).toBe('completed');
      }
      // Nothing at the gateway the terminal does not know of (recovery never re-sends a code).
      for (const key of atGateway.keys()) expect(byId.has(key), `gateway key ${key}`).toBe(true);
      // Every payment the terminal knows: its state agrees with the gateway's.
      for (const w of wallets) {
        const at = atGateway.get(w.id)?.status ?? 'none';
        if (w.state === 'approved') {
          expect(at, `terminal-approved ${w.id} at the gateway`).toBe('approved');
          expect(tenderOf.get(w.id)?.map((t) => t.status), `tender of ${w.id}`).toEqual(['completed']);
        } else {
          // Not approved on the terminal: never left charged, or open, at the gateway.
          expect(['none', 'declined', 'failed', 'cancelled', 'reversed'], `${w.id} (${w.state}) at the gateway`).toContain(at);
          expect(tenderOf.get(w.id), `tender of non-approved ${w.id}`).toBeUndefined();
        }
      }
      // One code, one charge: of the payments started with a code, at most one is charged.
      const chargedPerCode = new Map<string, number>();
      for (const [paymentId, digest] of digestOf) {
        if (atGateway.get(paymentId)?.status === 'approved')
          chargedPerCode.set(digest, (chargedPerCode.get(digest) ?? 0) + 1);
      }
      expect([...chargedPerCode.values()].filter((n) => n > 1)).toEqual([]);
      // One sale, one wallet charge: every sale was paid in full by one code.
      const perSale = db
        .prepare(
          "SELECT sale_id, COUNT(*) AS n FROM wallet_payments WHERE state = 'approved' GROUP BY sale_id HAVING n > 1",
        )
        .all();
      expect(perSale).toEqual([]);
      // Confirmed sales kept their wallet payment; voids were reversed, completes were kept.
      for (const [paymentId, saleId] of confirmed) expect(tenderOf.get(paymentId)?.[0]?.saleId).toBe(saleId);
      for (const [paymentId, action] of resolutions) {
        expect(byId.get(paymentId)?.state, `${paymentId} resolved by ${action}`).toBe(
          action === 'void' ? 'reversed' : 'approved',
        );
        expect(atGateway.get(paymentId)?.status).toBe(action === 'void' ? 'reversed' : 'approved');
      }
      expect(confirmed.size).toBeGreaterThan(KILLS / 4);
      expect([...resolutions.values()]).toEqual(expect.arrayContaining(['complete', 'void']));
      // Kills landed exactly in every wallet state.
      for (const s of SELF_STATES) expect(killedIn[`${s} (exact)`] ?? 0, `kills in ${s}`).toBeGreaterThan(0);
      console.info(
        `wallet crash: ${KILLS} kills`,
        JSON.stringify(killedIn),
        `${confirmed.size} confirmed, ${resolutions.size} resolved, ${approvedAtGateway.length} approved at the gateway of ${atGateway.size}`,
      );
    } finally {
      db.close();
    }
  },
);
