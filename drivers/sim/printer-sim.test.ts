import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryPair } from '../transport/memory';
import { PrinterSim, simOptionsFromAddress, type PrinterSimOptions } from './printer-sim';
import { renderText } from './render';

function b(...parts: (number | string | Uint8Array)[]): Uint8Array {
  return Uint8Array.from(
    parts.flatMap((p) =>
      typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : typeof p === 'number' ? [p] : [...p],
    ),
  );
}

const ESC = 0x1b;
const GS = 0x1d;
const LF = 0x0a;
const dleEot = (n: number) => b(0x10, 0x04, n);
const processId = (id: string) => b(GS, 0x28, 0x48, 6, 0, 0x30, 0x30, id);
const partialCut = b(GS, 0x56, 0x42, 0);

function withOutput(options: PrinterSimOptions = {}) {
  const sim = new PrinterSim(options);
  const out: number[][] = [];
  sim.onOutput((bytes) => out.push(Array.from(bytes)));
  const status = () =>
    [1, 2, 3, 4].map((n) => {
      out.length = 0;
      sim.receive(dleEot(n));
      return out.flat()[0];
    });
  return { sim, out, status };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DLE EOT replies', () => {
  it('answers each n with the reference bits for each state', () => {
    const cases: [string, (s: PrinterSim) => void, number[]][] = [
      ['ready', () => undefined, [0x12, 0x12, 0x12, 0x12]],
      ['paper near end', (s) => s.setPaper('near_end'), [0x12, 0x12, 0x12, 0x1e]],
      ['paper out', (s) => s.setPaper('out'), [0x1a, 0x32, 0x12, 0x7e]],
      ['cover open', (s) => s.openCover(), [0x1a, 0x16, 0x12, 0x12]],
      ['offline', (s) => s.setOffline(true), [0x1a, 0x12, 0x12, 0x12]],
      ['drawer open', (s) => s.openDrawer(), [0x16, 0x12, 0x12, 0x12]],
      ['autocutter error', (s) => s.setError('autocutter'), [0x1a, 0x52, 0x1a, 0x12]],
      ['unrecoverable error', (s) => s.setError('unrecoverable'), [0x1a, 0x52, 0x32, 0x12]],
      ['auto-recoverable error', (s) => s.setError('auto_recoverable'), [0x1a, 0x52, 0x52, 0x12]],
    ];
    for (const [name, setup, expected] of cases) {
      const { sim, status } = withOutput();
      setup(sim);
      expect(status(), name).toEqual(expected);
    }
  });

  it('keeps the fixed bits (bit 1 and 4 set, 0 and 7 clear) in every state', () => {
    const state = fc.record({
      paper: fc.constantFrom('ok' as const, 'near_end' as const, 'out' as const),
      cover: fc.boolean(),
      offline: fc.boolean(),
      drawer: fc.boolean(),
      error: fc.constantFrom(
        null,
        'autocutter' as const,
        'unrecoverable' as const,
        'auto_recoverable' as const,
      ),
    });
    fc.assert(
      fc.property(state, (st) => {
        const { sim, status } = withOutput();
        sim.setPaper(st.paper);
        if (st.cover) sim.openCover();
        sim.setOffline(st.offline);
        if (st.drawer) sim.openDrawer();
        sim.setError(st.error);
        for (const byte of status()) expect((byte ?? 0) & 0x93).toBe(0x12);
      }),
    );
  });

  it('the drawer level follows the configured open level', () => {
    const { sim, status } = withOutput({ drawerOpenLevel: 'low' });
    expect(status()[0]).toBe(0x16); // closed = high
    sim.openDrawer();
    expect(status()[0]).toBe(0x12);
  });

  it('answers a request split across writes and one inside image data, and ignores n = 5', () => {
    const { sim, out } = withOutput();
    sim.receive(b(0x10));
    sim.receive(b(0x04, 0x02));
    sim.receive(b(GS, 0x76, 0x30, 0, 1, 0, 3, 0, 0x10, 0x04, 0x04));
    sim.receive(dleEot(5));
    expect(out).toEqual([[0x12], [0x12]]);
  });

  it('address options set the initial state', () => {
    const { status } = withOutput(simOptionsFromAddress({ paper: 'out' }));
    expect(status()[3]).toBe(0x7e);
    const cover = withOutput(simOptionsFromAddress({ cover: 'open', offline: true }));
    expect(cover.sim.state()).toMatchObject({ coverOpen: true, offline: true, paper: 'ok' });
  });
});

describe('printing and faults', () => {
  const job = b(
    ESC,
    0x40,
    ESC,
    0x61,
    1,
    'VENUE',
    LF,
    ESC,
    0x61,
    0,
    'Hot dog  5.00',
    LF,
    partialCut,
  );

  it('accumulates cut pages; lastPage is the latest receipt', () => {
    const { sim } = withOutput();
    const seen: number[] = [];
    sim.onPage((p) => seen.push(p.blocks.length));
    sim.receive(job);
    sim.receive(b('second', LF, GS, 0x56, 0x00));
    expect(sim.pages()).toHaveLength(2);
    expect(sim.lastPage()?.cut).toBe('full');
    expect(renderText(sim.pages()[0]!, { columns: 32 })).toBe('             VENUE\nHot dog  5.00');
    expect(seen).toEqual([2, 1]);
  });

  it('discards what arrives while it cannot print but still answers DLE EOT', () => {
    for (const fault of ['paper', 'cover', 'offline'] as const) {
      const { sim, out } = withOutput();
      if (fault === 'paper') sim.setPaper('out');
      if (fault === 'cover') sim.openCover();
      if (fault === 'offline') sim.setOffline(true);
      sim.receive(b(job, processId('0001'), dleEot(1)));
      expect(sim.pages(), fault).toEqual([]);
      expect(out, fault).toEqual([[0x1a]]); // the status reply, no process-ID reply
      expect(sim.stats().bytesDiscarded).toBeGreaterThan(0);
    }
  });

  it('a mode switch in discarded bytes does not take effect', () => {
    const { sim } = withOutput();
    sim.setOffline(true);
    sim.receive(b(0x1c, 0x26)); // FS &, lost
    sim.setOffline(false);
    sim.receive(b(0xc8, 0xc8, LF, partialCut));
    expect(renderText(sim.lastPage()!)).toBe('╚╚'); // still PC437
  });

  it('failAfterBytes stops a job mid-way; the reprint after recovery prints once', () => {
    const { sim, out, status } = withOutput();
    sim.failAfterBytes(12, 'paper_out');
    sim.receive(b(job, processId('0001')));
    expect(sim.pages()).toEqual([]);
    expect(out).toEqual([]); // no process-ID reply: the driver knows the job did not print
    expect(status()[3]).toBe(0x7e);
    sim.setPaper('ok');
    out.length = 0;
    sim.receive(b(job, processId('0002')));
    expect(sim.pages()).toHaveLength(1);
    expect(out).toEqual([[0x37, 0x22, 0x30, 0x30, 0x30, 0x32, 0x00]]);
  });

  it('a fault injected inside a chunk keeps the bytes before it', () => {
    const { sim } = withOutput();
    const first = b('kept', LF);
    sim.failAfterBytes(first.length, 'cover_open');
    sim.receive(b(first, 'lost', LF, partialCut));
    expect(sim.currentPage().blocks).toHaveLength(1);
    expect(sim.pages()).toEqual([]);
    expect(sim.state().coverOpen).toBe(true);
  });

  it('ESC p opens the drawer on its pin only', () => {
    const { sim } = withOutput({ drawerPin: 2 });
    sim.receive(b(ESC, 0x70, 0x01, 25, 250));
    expect(sim.state().drawerOpen).toBe(false);
    sim.receive(b(ESC, 0x70, 0x00, 25, 250));
    expect(sim.state().drawerOpen).toBe(true);
    expect(sim.stats().pulses).toEqual([
      { pin: 5, onMs: 50, offMs: 500 },
      { pin: 2, onMs: 50, offMs: 500 },
    ]);
  });
});

describe('process ID (GS ( H)', () => {
  it('replies 37 22 d1..d4 00 right after the job when printing is instant', () => {
    const { sim, out } = withOutput();
    sim.receive(b('line', LF, processId('A1b2')));
    expect(out).toEqual([[0x37, 0x22, 0x41, 0x31, 0x62, 0x32, 0x00]]);
  });

  it('waits until everything before it has printed, while DLE EOT is answered at once', () => {
    vi.useFakeTimers();
    const { sim, out } = withOutput({ lineTimeMs: 20 });
    sim.receive(b('1', LF, '2', LF, '3', LF, processId('0007')));
    sim.receive(dleEot(1));
    expect(out).toEqual([[0x12]]);
    vi.advanceTimersByTime(39);
    expect(out).toEqual([[0x12]]);
    expect(sim.currentPage().blocks).toHaveLength(2);
    vi.advanceTimersByTime(30);
    expect(out).toEqual([[0x12], [0x37, 0x22, 0x30, 0x30, 0x30, 0x37, 0x00]]);
  });

  it('never replies when a fault stops the printing before it', () => {
    vi.useFakeTimers();
    const { sim, out } = withOutput({ lineTimeMs: 20 });
    sim.receive(b('1', LF, '2', LF, '3', LF, processId('0007')));
    vi.advanceTimersByTime(25);
    sim.openCover();
    vi.advanceTimersByTime(1000);
    sim.closeCover();
    vi.advanceTimersByTime(1000);
    expect(out).toEqual([]);
    expect(sim.stats().eventsDropped).toBeGreaterThan(0);
  });
});

describe('automatic status back (GS a)', () => {
  it('sends the current status when enabled and a block on every change of an enabled item', () => {
    const { sim, out } = withOutput();
    sim.receive(b(GS, 0x61, 0x0f));
    expect(out).toEqual([[0x10, 0x00, 0x00, 0x00]]);
    sim.openCover();
    sim.closeCover();
    sim.setPaper('near_end');
    sim.setPaper('out');
    sim.setError('autocutter');
    sim.openDrawer();
    expect(out.slice(1)).toEqual([
      [0x38, 0x00, 0x00, 0x00],
      [0x10, 0x00, 0x00, 0x00],
      [0x10, 0x00, 0x03, 0x00],
      [0x18, 0x00, 0x0f, 0x00],
      [0x18, 0x08, 0x0f, 0x00],
      [0x1c, 0x08, 0x0f, 0x00],
    ]);
    // ASB blocks and DLE EOT replies are told apart by their fixed bits.
    for (const block of out) expect((block[0] ?? 0) & 0x93).toBe(0x10);
  });

  it('reports only the enabled items, and ESC @ turns it off', () => {
    const { sim, out } = withOutput();
    sim.receive(b(GS, 0x61, 0x08)); // paper sensor only
    out.length = 0;
    sim.openCover();
    expect(out).toEqual([]);
    sim.setPaper('near_end');
    expect(out).toEqual([[0x38, 0x00, 0x03, 0x00]]);
    sim.closeCover();
    sim.receive(b(ESC, 0x40));
    out.length = 0;
    sim.setPaper('out');
    expect(out).toEqual([]);
  });
});

describe('over a Transport', () => {
  it('serves one end of createMemoryPair', async () => {
    const [host, device] = createMemoryPair();
    await host.open();
    await device.open();
    const sim = new PrinterSim({ paper: 'near_end' });
    sim.attach(device);
    const got: number[] = [];
    host.onData((c) => got.push(...c));
    await host.write(b('hello', LF, partialCut, dleEot(4)));
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([0x1e]);
    expect(sim.pages()).toHaveLength(1);
  });
});

describe('createSimPrinter (sim:printer addresses)', () => {
  it('gives a host Transport to a simulator in the address state', async () => {
    const { createSimPrinter } = await import('./sim-printer');
    const { transport, sim } = await createSimPrinter({ cover: 'open' });
    await transport.open();
    const got: number[] = [];
    transport.onData((c) => got.push(...c));
    await transport.write(b('lost', LF, partialCut, dleEot(2)));
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([0x16]);
    sim.closeCover();
    await transport.write(b('printed', LF, partialCut));
    await new Promise((r) => setTimeout(r, 0));
    expect(sim.pages().map((p) => renderText(p))).toEqual(['printed']);
  });
});

describe('the drawer', () => {
  afterEach(() => vi.useRealTimers());

  it('opens on a pulse on its pin and, with drawer=auto, is closed again by the simulated cashier', () => {
    vi.useFakeTimers();
    const sim = new PrinterSim(simOptionsFromAddress({ drawer: 'auto' }));
    sim.receive(Uint8Array.from([0x1b, 0x70, 0x00, 0x19, 0xfa])); // ESC p 0: pulse pin 2
    expect(sim.statusByte(1)! & 0x04).toBe(0x04);
    vi.advanceTimersByTime(3999);
    expect(sim.statusByte(1)! & 0x04).toBe(0x04);
    vi.advanceTimersByTime(1);
    expect(sim.statusByte(1)! & 0x04).toBe(0);
    sim.dispose();
  });

  it('stays open until closed by hand without drawer=auto', () => {
    vi.useFakeTimers();
    const sim = new PrinterSim(simOptionsFromAddress({}));
    sim.receive(Uint8Array.from([0x1b, 0x70, 0x00, 0x19, 0xfa]));
    vi.advanceTimersByTime(60_000);
    expect(sim.statusByte(1)! & 0x04).toBe(0x04);
    sim.closeDrawer();
    expect(sim.statusByte(1)! & 0x04).toBe(0);
  });
});
