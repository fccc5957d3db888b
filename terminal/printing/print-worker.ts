// Sends print jobs to the printer one at a time, in seq order. The sale never waits for it: jobs
// are rows committed with the sale, and a printer fault only makes them wait.
//
// Durability order per job: status clean → commit 'printing' → send bytes → commit 'printed'.
// A fault reported after bytes left puts the job back as COPY (some of it may be on paper); a
// crash in between is found as 'printing' at the next start and treated the same way.
import type { CompletedSaleDto, PrinterStatusDto } from '../../contract/api';
import type { ReportDto } from '../../contract/shifts';
import type { VenueConfig } from '../../contract/venue';
import { renderReceipt } from '../../drivers/escpos/render';
import type { Db } from '../../db/open';
import {
  cancelPrintJob,
  enqueuePrintJob,
  lastPrintedJob,
  markInterrupted,
  markNotStarted,
  markPrinted,
  markPrinting,
  nextWaitingJob,
  recoverPrintJobs,
  waitingJobCount,
  type PrintJob,
} from '../../db/print-jobs';
import { isoUtc, type Clock } from '../../lib/clock';
import { logger } from '../../lib/log';
import type { PrinterPort, PrinterStatus } from './printer-port';
import { receiptDocument, testPageDocument, type ReceiptLanguage } from './receipt-layout';
import { reportDocument } from './report-layout';
import { refundDocument, type RefundSlip } from './refund-layout';

const log = logger('print-worker');

export interface PrintWorkerConfig {
  /** How often to ask the printer while a job waits or a problem lasts. */
  retryMs: number;
  /** How often to ask an idle printer (so paper-out shows before the next sale). */
  idlePollMs: number;
  /**
   * A drawer kick waiting longer than this is dropped: opening the drawer minutes after the sale,
   * when the paper is changed, would leave cash open to whoever stands there.
   */
  drawerMaxAgeMs: number;
}

export const defaultPrintWorkerConfig: PrintWorkerConfig = {
  retryMs: 2000,
  idlePollMs: 10_000,
  drawerMaxAgeMs: 60_000,
};

export interface ReceiptJobPayload {
  sale: CompletedSaleDto;
}

/** A refund slip (the refund service queues it in the refund's completing commit). */
export interface RefundJobPayload {
  refund: RefundSlip;
}

/** An X, shift or Z report as it was when taken (the shift service queues it in its commit). */
export interface ReportJobPayload {
  report: ReportDto;
}

export interface PrintWorkerDeps {
  db: Db;
  clock: Clock;
  port: PrinterPort;
  /** Profile name for the status DTO. */
  profileName: string;
  venue: () => VenueConfig;
  terminalShortId: string;
  gatewayUrl: () => string | null;
  language: ReceiptLanguage;
  config?: Partial<PrintWorkerConfig>;
  onChange: (status: PrinterStatusDto) => void;
}

export interface PrintWorker {
  start(): void;
  /** A job was queued (or the cashier asked): run a pass now. */
  nudge(): void;
  status(): PrinterStatusDto;
  /** Bytes of a job as they go to the printer (for the preview). */
  render(job: PrintJob): Uint8Array;
  /** Resolves when the queue is empty and no pass runs (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** A printer that is not set up: jobs wait in the table until one is. */
export function notConfiguredPrinterStatus(queued: number): PrinterStatusDto {
  return {
    state: 'not_configured',
    address: null,
    profile: null,
    problem: null,
    paperNearEnd: false,
    drawerOpen: null,
    queued,
    detail: null,
    lastPrintedAt: null,
  };
}

export function createPrintWorker(deps: PrintWorkerDeps): PrintWorker {
  const { db, port } = deps;
  const config = { ...defaultPrintWorkerConfig, ...deps.config };
  let last: PrinterStatus | null = null;
  let running = false;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let idleWaiters: (() => void)[] = [];
  let lastEmitted = '';

  const now = (): string => isoUtc(deps.clock.now());

  const status = (): PrinterStatusDto => {
    const problem = last?.problem ?? null;
    return {
      state: last === null ? 'warning' : problem ? 'error' : last.paperNearEnd ? 'warning' : 'ok',
      address: port.address,
      profile: deps.profileName,
      problem,
      paperNearEnd: last?.paperNearEnd ?? false,
      drawerOpen: last?.drawerOpen ?? null,
      queued: stopped ? 0 : waitingJobCount(db),
      detail: last === null ? 'not asked yet' : last.detail,
      lastPrintedAt: lastPrintedJob(db, ['receipt', 'reprint', 'test', 'report'])?.printedAt ?? null,
    };
  };

  const publish = (): void => {
    if (stopped) return;
    const s = status();
    const key = JSON.stringify(s);
    if (key === lastEmitted) return;
    lastEmitted = key;
    deps.onChange(s);
  };

  // Status the driver sees on its own (unplug, reconnect, ASB): shown at once, and a problem that
  // clears lets waiting jobs go without waiting for the next retry. During a pass the pass itself
  // publishes and decides, so a refusal there cannot turn into a tight retry loop.
  const offStatus = port.onStatus((s) => {
    const hadProblem = last?.problem ?? null;
    last = s;
    if (running || stopped) return;
    publish();
    if (hadProblem && !s.problem) nudge();
  });

  function render(job: PrintJob): Uint8Array {
    switch (job.kind) {
      case 'receipt':
      case 'reprint': {
        const { sale } = job.payload as ReceiptJobPayload;
        const doc = receiptDocument(sale, {
          venue: deps.venue(),
          terminalShortId: deps.terminalShortId,
          gatewayUrl: deps.gatewayUrl(),
          language: deps.language,
          copy: job.copy,
        });
        return renderReceipt(doc, port.profile);
      }
      case 'test':
        return renderReceipt(testPageDocument({ title: 'Terminal test print', address: port.address, at: job.createdAt }), port.profile);
      case 'report': {
        // 'report' jobs carry an X / shift / Z report, or a refund slip.
        const payload = job.payload as ReportJobPayload | RefundJobPayload;
        if ('refund' in payload) {
          return renderReceipt(
            refundDocument(payload.refund, { venue: deps.venue(), language: deps.language, copy: job.copy }),
            port.profile,
          );
        }
        const { report } = payload;
        const doc = reportDocument(report, {
          venue: deps.venue(),
          terminalShortId: deps.terminalShortId,
          language: deps.language,
          copy: job.copy,
        });
        return renderReceipt(doc, port.profile);
      }
      case 'drawer':
        throw new Error(`a ${job.kind} job has no page to render`);
    }
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      nudge();
    }, ms);
    timer.unref?.();
  }

  /** One job; returns true when the next may follow at once. */
  async function runJob(job: PrintJob): Promise<boolean> {
    if (job.kind === 'drawer' && deps.clock.now() - Date.parse(job.createdAt) > config.drawerMaxAgeMs) {
      cancelPrintJob(db, job.jobId, 'drawer kick expired while the printer could not take it');
      log.warn({ jobId: job.jobId }, 'drawer kick expired');
      return true;
    }
    let bytes: Uint8Array | null = null;
    if (job.kind !== 'drawer') {
      try {
        bytes = render(job);
      } catch (err) {
        // A job that cannot be rendered would block every receipt behind it.
        log.error({ err, jobId: job.jobId }, 'print job cannot be rendered; cancelled');
        cancelPrintJob(db, job.jobId, `cannot render: ${(err as Error).message}`);
        return true;
      }
    }
    const before = await port.status();
    if (stopped) return false;
    last = before;
    if (before.problem) return false;
    if (job.status === 'queued') markPrinting(db, job.jobId);
    publish();
    const outcome = bytes ? await port.print(bytes, job.jobId) : await port.openDrawer(pinOf(job));
    if (stopped) return false;
    if (outcome.printed) {
      markPrinted(db, job.jobId, now());
      return true;
    }
    const reason = outcome.detail ? `${outcome.reason}: ${outcome.detail}` : outcome.reason;
    if (outcome.started) markInterrupted(db, job.jobId, reason);
    else markNotStarted(db, job.jobId, reason);
    log.warn({ jobId: job.jobId, kind: job.kind, reason, started: outcome.started }, 'print job waits for the printer');
    return false;
  }

  async function pass(): Promise<void> {
    for (;;) {
      if (stopped) return;
      const job = nextWaitingJob(db);
      if (!job) {
        // Nothing to print: still ask, so a problem shows before the next sale.
        last = await port.status();
        publish();
        schedule(last.problem ? config.retryMs : config.idlePollMs);
        return;
      }
      // A job left 'printing' here was started by this process and not finished (stop mid-job):
      // it is treated like a crash.
      if (job.status === 'printing') {
        markInterrupted(db, job.jobId, 'interrupted');
        continue;
      }
      const ok = await runJob(job);
      publish();
      if (!ok) {
        schedule(config.retryMs);
        return;
      }
    }
  }

  function nudge(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void pass()
      .catch((err: unknown) => {
        log.error({ err }, 'print pass failed');
        schedule(config.retryMs);
      })
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          nudge();
        } else if (stopped || waitingJobCount(db) === 0) {
          const w = idleWaiters;
          idleWaiters = [];
          for (const r of w) r();
        }
      });
  }

  return {
    start() {
      const recovered = recoverPrintJobs(db);
      if (recovered > 0) log.warn({ recovered }, 'print jobs interrupted by a restart will print again as COPY');
      nudge();
    },
    nudge,
    status,
    render,
    idle() {
      if (!running && waitingJobCount(db) === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      offStatus();
      for (const r of idleWaiters) r();
      idleWaiters = [];
      await port.close();
    },
  };
}

function pinOf(job: PrintJob): 2 | 5 | undefined {
  const pin = (job.payload as { pin?: unknown }).pin;
  return pin === 2 || pin === 5 ? pin : undefined;
}

/** Queues a copy of a sale's receipt (from its original job's snapshot). Returns the job. */
export function enqueueReprint(db: Db, saleId: string, at: string): PrintJob | undefined {
  const original = db
    .prepare("SELECT payload FROM print_jobs WHERE sale_id = ? AND kind = 'receipt'")
    .get(saleId) as { payload: string } | undefined;
  if (!original) return undefined;
  return enqueuePrintJob(db, { kind: 'reprint', saleId, copy: true, payload: JSON.parse(original.payload) as unknown, at });
}

/**
 * Queues a drawer kick. Cash sales get theirs inside sale.complete's transaction; "no sale"
 * (open the drawer without a sale) belongs to the supervisor issue, which must call this inside
 * the transaction that journals the override, then nudge the worker.
 */
export function enqueueDrawerKick(
  db: Db,
  at: string,
  options: { saleId?: string; pin?: 2 | 5; cancelledReason?: string } = {},
): PrintJob {
  return enqueuePrintJob(db, {
    kind: 'drawer',
    saleId: options.saleId ?? null,
    payload: options.pin ? { pin: options.pin } : {},
    at,
    ...(options.cancelledReason !== undefined ? { cancelledReason: options.cancelledReason } : {}),
  });
}
