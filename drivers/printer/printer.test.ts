// The Printer device against a tiny fake printer written here from the reference (not the
// simulator): it answers DLE EOT 1..4 from its state, answers GS ( H when it has "printed" what
// came before, and records everything else as printed bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { concat, drawerPulse, encodeText, newline } from '../escpos/commands';
import { createMemoryPair } from '../transport/memory';
import type { Transport } from '../transport/transport';
import { Printer, type PrinterOptions } from './printer';
import { resolveProfile, type ProfileOverrides } from './profiles';
import type { PrinterStatus } from './status';

class FakePrinter {
  paperOut = false;
  coverOpen = false;
  drawerHigh = false;
  /** Answers nothing at all (a printer that is not listening). */
  silent = false;
  processId = false;
  /** Answer DLE EOT this much later (a slow link). */
  replyDelayMs = 0;
  /** Pull the cable right after answering the next DLE EOT 4 (between status and job). */
  unplugAfterStatus = false;
  /** Hold process-ID replies until release() (a job still printing). */
  holdPid = false;
  printed: number[] = [];
  requests: number[] = [];
  connections = 0;
  private end: Transport | undefined;
  private buf: number[] = [];
  private heldPids: number[][] = [];

  connect = (): Transport => {
    const [near, far] = createMemoryPair('fake printer');
    this.end = far;
    this.connections++;
    void far.open();
    far.onData((chunk) => this.receive(chunk));
    return near;
  };

  unplug(): Promise<void> {
    return this.end!.close();
  }

  release(): void {
    for (const r of this.heldPids.splice(0)) void this.end!.write(Uint8Array.from(r));
  }

  private get offline() {
    return this.paperOut || this.coverOpen;
  }

  private rt(n: number): number {
    let b = 0x12; // fixed bits
    if (n === 1) b |= (this.drawerHigh ? 0x04 : 0) | (this.offline ? 0x08 : 0);
    if (n === 2) b |= (this.coverOpen ? 0x04 : 0) | (this.paperOut ? 0x20 : 0);
    if (n === 4) b |= this.paperOut ? 0x60 : 0;
    return b;
  }

  private receive(chunk: Uint8Array): void {
    this.buf.push(...chunk);
    for (;;) {
      const i = this.buf.findIndex(
        (b, k) =>
          (b === 0x10 && this.buf[k + 1] === 0x04) ||
          (b === 0x1d && this.buf[k + 1] === 0x28 && this.buf[k + 2] === 0x48),
      );
      if (i < 0) {
        this.printed.push(...this.buf);
        this.buf = [];
        return;
      }
      this.printed.push(...this.buf.slice(0, i));
      if (this.buf[i] === 0x10) {
        if (this.buf.length < i + 3) return;
        const n = this.buf[i + 2]!;
        this.requests.push(n);
        if (!this.silent) {
          const reply = Uint8Array.from([this.rt(n)]);
          const end = this.end!;
          if (this.replyDelayMs) setTimeout(() => void end.write(reply), this.replyDelayMs);
          else void end.write(reply);
        }
        if (n === 4 && this.unplugAfterStatus) {
          this.unplugAfterStatus = false;
          void this.end!.close();
        }
        this.buf = this.buf.slice(i + 3);
      } else {
        if (this.buf.length < i + 11) return;
        const id = this.buf.slice(i + 7, i + 11);
        this.buf = this.buf.slice(i + 11);
        if (!this.processId || this.silent) continue;
        const reply = [0x37, 0x22, ...id, 0x00];
        if (this.holdPid || this.offline) this.heldPids.push(reply);
        else void this.end!.write(Uint8Array.from(reply));
      }
    }
  }
}

const printers: Printer[] = [];
afterEach(async () => {
  await Promise.all(printers.splice(0).map((p) => p.stop()));
});

function setup(overrides: ProfileOverrides = {}, options: Partial<PrinterOptions> = {}) {
  const fake = new FakePrinter();
  fake.processId = overrides.supports?.processId ?? false;
  const printer = new Printer({
    connect: fake.connect,
    profile: resolveProfile('80mm', overrides),
    statusTimeoutMs: 50,
    settleMs: 5,
    faultCheckMs: 10,
    jobTimeoutMs: 200,
    pollIntervalMs: 0,
    reconnect: { backoffBaseMs: 5, backoffCapMs: 10 },
    ...options,
  });
  printers.push(printer);
  return { fake, printer };
}

async function connected(printer: Printer) {
  printer.start();
  for (let i = 0; i < 100 && !printer.connected; i++) await new Promise((r) => setTimeout(r, 2));
  expect(printer.connected).toBe(true);
}

const receipt = concat([encodeText('Beer 5.00', 'cp858'), newline()]);

describe('Printer', () => {
  it('asks DLE EOT 1..4 and decodes a clean printer, with the drawer level per profile', async () => {
    const { fake, printer } = setup({ drawer: { model: 'open-high' } });
    await connected(printer);
    fake.drawerHigh = true;
    const s = await printer.status();
    expect(s).toMatchObject({
      reachable: true,
      ready: true,
      fault: undefined,
      drawer: { pin3: 'high', open: true },
    });
    expect(fake.requests.slice(-4)).toEqual([1, 2, 3, 4]);
  });

  it('reports offline when nothing answers, and recovers the next time', async () => {
    const { fake, printer } = setup();
    await connected(printer);
    fake.silent = true;
    expect(await printer.status()).toMatchObject({
      reachable: false,
      fault: 'offline',
      ready: false,
    });
    fake.silent = false;
    expect(await printer.status()).toMatchObject({ reachable: true, ready: true });
  });

  it('without process ID: prints, then counts the job as printed on a clean status after it', async () => {
    const { fake, printer } = setup();
    await connected(printer);
    expect(await printer.print(receipt, { jobId: 'job-1' })).toEqual({
      printed: true,
      jobId: 'job-1',
    });
    expect(Uint8Array.from(fake.printed)).toEqual(receipt);
  });

  it.each([
    ['paper out', (f: FakePrinter): void => void (f.paperOut = true), 'paper-out', 'paper out'],
    ['cover open', (f: FakePrinter): void => void (f.coverOpen = true), 'cover-open', 'cover open'],
    ['silent', (f: FakePrinter): void => void (f.silent = true), 'offline', 'offline'],
  ] as const)(
    'refuses a job before sending when %s, naming the reason',
    async (_n, fault, reason, words) => {
      const { fake, printer } = setup();
      await connected(printer);
      fault(fake);
      const r = await printer.print(receipt, { jobId: 'job-2' });
      expect(r).toMatchObject({ printed: false, reason, sent: false });
      expect(r.printed === false && r.message).toMatch(new RegExp(`^${words}`));
      expect(fake.printed).toEqual([]);
    },
  );

  it('without process ID: a fault that appears during the job means not printed', async () => {
    const { fake, printer } = setup(
      {},
      { sleep: () => Promise.resolve(void (fake.coverOpen = true)) },
    );
    await connected(printer);
    expect(await printer.print(receipt, { jobId: 'job-3' })).toMatchObject({
      printed: false,
      reason: 'cover-open',
      sent: true,
    });
  });

  it('a link that drops and comes back during the job is not printed, though the new link is clean', async () => {
    const fake = new FakePrinter();
    const printer = new Printer({
      connect: fake.connect,
      profile: resolveProfile('80mm'),
      statusTimeoutMs: 50,
      settleMs: 5,
      pollIntervalMs: 0,
      reconnect: { backoffBaseMs: 1, backoffCapMs: 2 },
      // The settle wait after the job: the cable is pulled and plugged back in meanwhile.
      sleep: async () => {
        await fake.unplug();
        for (let i = 0; i < 200 && fake.connections < 2; i++)
          await new Promise((r) => setTimeout(r, 2));
        for (let i = 0; i < 200 && !printer.connected; i++)
          await new Promise((r) => setTimeout(r, 2));
      },
    });
    printers.push(printer);
    await connected(printer);
    const r = await printer.print(receipt, { jobId: 'job-relink' });
    expect(fake.connections).toBe(2);
    expect(r).toMatchObject({ printed: false, reason: 'offline', sent: true });
    expect(r.printed === false && r.message).toMatch(/link lost during the job/);
  });

  it('a link lost after the status check but before the job is refused as not sent', async () => {
    const { fake, printer } = setup();
    await connected(printer);
    fake.unplugAfterStatus = true;
    const r = await printer.print(receipt, { jobId: 'job-3b' });
    expect(r).toMatchObject({ printed: false, reason: 'offline', sent: false });
    expect(r.printed === false && r.message).toMatch(/link lost before sending/);
    expect(fake.printed).toEqual([]);
  });

  it('a write that fails part-way counts as sent: some of the job may be on the paper', async () => {
    const fake = new FakePrinter();
    const { printer } = setup(
      {},
      {
        connect: () => {
          const near = fake.connect();
          const write = near.write.bind(near);
          // status requests pass; the job's bytes go out and then the link reports an error
          near.write = async (data) => {
            if (data[0] === 0x10 && data[1] === 0x04) return write(data);
            await write(data);
            throw new Error('EIO');
          };
          return near;
        },
      },
    );
    await connected(printer);
    const r = await printer.print(receipt, { jobId: 'job-3c' });
    expect(r).toMatchObject({ printed: false, reason: 'offline', sent: true });
    expect(r.printed === false && r.message).toMatch(/while sending/);
    await new Promise((r) => setTimeout(r, 5));
    expect(Uint8Array.from(fake.printed)).toEqual(receipt);
  });

  it('with process ID: printed only when the job’s ID comes back', async () => {
    const { fake, printer } = setup({ supports: { processId: true } });
    await connected(printer);
    fake.holdPid = true;
    let settled = false;
    const job = printer.print(receipt, { jobId: 'job-4' }).then((r) => ((settled = true), r));
    await new Promise((r) => setTimeout(r, 40));
    expect(settled).toBe(false); // status is clean, but the printer has not said it is done
    fake.release();
    expect(await job).toEqual({ printed: true, jobId: 'job-4' });
    // the GS ( H request followed the job's bytes
    expect(Uint8Array.from(fake.printed)).toEqual(receipt);
  });

  it('with process ID: paper running out mid-job ends the wait with the reason', async () => {
    const { fake, printer } = setup({ supports: { processId: true } });
    await connected(printer);
    fake.holdPid = true;
    const job = printer.print(receipt, { jobId: 'job-5' });
    await new Promise((r) => setTimeout(r, 20));
    fake.paperOut = true;
    expect(await job).toMatchObject({ printed: false, reason: 'paper-out', sent: true });
  });

  it('with process ID: no reply in time is "not confirmed", not "printed"', async () => {
    const { fake, printer } = setup({ supports: { processId: true } });
    await connected(printer);
    fake.processId = false; // firmware ignores GS ( H
    expect(await printer.print(receipt, { jobId: 'job-6' })).toMatchObject({
      printed: false,
      reason: 'not-confirmed',
      sent: true,
    });
  });

  it('runs one job at a time, in order', async () => {
    const { fake, printer } = setup();
    await connected(printer);
    const a = concat([encodeText('A'.repeat(20), 'cp437'), newline()]);
    const b = concat([encodeText('B'.repeat(20), 'cp437'), newline()]);
    const results = await Promise.all([
      printer.print(a, { jobId: 'a' }),
      printer.print(b, { jobId: 'b' }),
    ]);
    expect(results.map((r) => r.printed)).toEqual([true, true]);
    expect(Buffer.from(fake.printed).toString('latin1')).toBe(
      'A'.repeat(20) + '\n' + 'B'.repeat(20) + '\n',
    );
  });

  it('opens the drawer on the profile pin or the one asked for', async () => {
    const { fake, printer } = setup({ drawer: { pin: 5 } });
    await connected(printer);
    await printer.openDrawer();
    await printer.openDrawer(2);
    await new Promise((r) => setTimeout(r, 5));
    expect(Uint8Array.from(fake.printed)).toEqual(concat([drawerPulse(5), drawerPulse(2)]));
  });

  it('reconnects after an unplug, reporting offline in between, and prints again', async () => {
    const { fake, printer } = setup();
    const seen: string[] = [];
    printer.onConnection((c) => seen.push(c ? 'connected' : 'disconnected'));
    await connected(printer);
    await fake.unplug();
    await new Promise((r) => setTimeout(r, 1));
    expect(printer.lastStatus).toMatchObject({ reachable: false, fault: 'offline' });
    for (let i = 0; i < 100 && fake.connections < 2; i++)
      await new Promise((r) => setTimeout(r, 2));
    await connected(printer);
    expect(seen).toEqual(['connected', 'disconnected', 'connected']);
    expect(await printer.print(receipt, { jobId: 'job-7' })).toMatchObject({ printed: true });
  });

  it('polls on a schedule and emits status changes only', async () => {
    const { fake, printer } = setup({}, { pollIntervalMs: 10 });
    const statuses: PrinterStatus[] = [];
    printer.onStatus((s) => statuses.push(s));
    await connected(printer);
    await new Promise((r) => setTimeout(r, 60));
    fake.paperOut = true;
    await new Promise((r) => setTimeout(r, 60));
    expect(statuses.map((s) => s.fault ?? 'ready')).toEqual(['ready', 'paper-out']);
  });

  it('with ASB enabled, turns it on at connect and takes pushed blocks as status', async () => {
    const { fake, printer } = setup({ supports: { asb: true } });
    const statuses: PrinterStatus[] = [];
    printer.onStatus((s) => statuses.push(s));
    await connected(printer);
    await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.from(fake.printed).toString('hex')).toContain('1d610f');
    // the printer pushes: cover open (byte 1 bit 5), offline (bit 3)
    await (fake as unknown as { end: Transport }).end.write(
      Uint8Array.from([0x38, 0x00, 0x00, 0x00]),
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(printer.lastStatus).toMatchObject({ fault: 'cover-open' });
  });

  it('a late reply to a timed-out request is not taken for the next answer', async () => {
    const { fake, printer } = setup();
    await connected(printer);
    fake.silent = true;
    await printer.status(); // 4 requests time out
    fake.silent = false;
    // the 4 owed answers (paper out) arrive just after the next status() was asked for; the
    // fresh answers (clean) must not be confused with them
    fake.replyDelayMs = 10;
    const end = (fake as unknown as { end: Transport }).end;
    const next = printer.status();
    await new Promise((r) => setTimeout(r, 1));
    await end.write(Uint8Array.from([0x1a, 0x32, 0x12, 0x72]));
    expect(await next).toMatchObject({ ready: true });
  });
});
