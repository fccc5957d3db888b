// Fixtures are hand-written bytes from the ESC/POS command reference, not produced by our encoder.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEscPos, type Block, type Page } from './document';
import { EscPosParser, RealtimeScanner, type EscPosEvent } from './escpos-decoder';

/** Bytes from numbers, Latin-1 strings and byte arrays. */
function b(...parts: (number | string | Uint8Array)[]): Uint8Array {
  return Uint8Array.from(
    parts.flatMap((p) =>
      typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : typeof p === 'number' ? [p] : [...p],
    ),
  );
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

function lines(page: Page): { align: string; text: string }[] {
  return page.blocks
    .filter((x): x is Extract<Block, { kind: 'line' }> => x.kind === 'line')
    .map((l) => ({ align: l.align, text: l.runs.map((r) => r.text).join('') }));
}

function current(bytes: Uint8Array): Page {
  return decodeEscPos(bytes).current;
}

describe('text, styles and alignment', () => {
  it('ESC @ resets styles and drops an unfinished line', () => {
    const page = current(b(ESC, 0x45, 1, 'lost', ESC, 0x40, 'plain', LF));
    expect(lines(page)).toEqual([{ align: 'left', text: 'plain' }]);
    const run = (page.blocks[0] as Extract<Block, { kind: 'line' }>).runs[0];
    expect(run?.style.bold).toBe(false);
  });

  it('ESC E, ESC -, GS ! and ESC ! set the style of the runs that follow', () => {
    const page = current(
      b(
        ESC,
        0x45,
        1,
        'A',
        ESC,
        0x45,
        0,
        ESC,
        0x2d,
        2,
        'B',
        ESC,
        0x2d,
        0,
        GS,
        0x21,
        0x11,
        'C',
        GS,
        0x21,
        0x00,
        ESC,
        0x21,
        0x38,
        'D',
        ESC,
        0x21,
        0x00,
        GS,
        0x21,
        0x70,
        'E',
        LF,
      ),
    );
    const runs = (page.blocks[0] as Extract<Block, { kind: 'line' }>).runs;
    expect(
      runs.map((r) => [r.text, r.style.bold, r.style.underline, r.style.width, r.style.height]),
    ).toEqual([
      ['A', true, 0, 1, 1],
      ['B', false, 2, 1, 1],
      ['C', false, 0, 2, 2],
      ['D', true, 0, 2, 2],
      ['E', false, 0, 8, 1],
    ]);
  });

  it('ESC a applies to a line only when it comes at the line start', () => {
    const page = current(b(ESC, 0x61, 1, 'X', ESC, 0x61, 0x32, 'Y', LF, 'Z', LF));
    expect(lines(page)).toEqual([
      { align: 'center', text: 'XY' },
      { align: 'right', text: 'Z' },
    ]);
  });

  it('LF on an empty buffer feeds a blank line; ESC d n prints and feeds n lines', () => {
    const page = current(b('a', LF, LF, 'b', ESC, 0x64, 3, ESC, 0x4a, 60));
    expect(page.blocks.map((x) => (x.kind === 'line' ? x.runs.length : x.kind))).toEqual([
      1,
      0,
      1,
      0,
      0,
      'feed',
    ]);
    expect(page.blocks[5]).toEqual({ kind: 'feed', dots: 60 });
  });

  it('CR and NUL are ignored; HT moves to the next multiple of 8', () => {
    expect(lines(current(b('ab', 0x0d, 0x00, 0x09, 'c', LF)))).toEqual([
      { align: 'left', text: 'ab      c' },
    ]);
  });
});

describe('character sets', () => {
  it('PC437 by default, ESC t selects another table', () => {
    // 0x9C is £ in PC437; 0x80 is € in WPC1252 (ESC t 16).
    expect(lines(current(b(0x9c, LF, ESC, 0x74, 16, 0x80, LF)))).toEqual([
      { align: 'left', text: '£' },
      { align: 'left', text: '€' },
    ]);
  });

  it('FS & decodes GB18030 (热狗 = C8 C8 B9 B7) as wide text until FS .', () => {
    const page = current(b(FS, 0x26, 0xc8, 0xc8, 0xb9, 0xb7, ' x2', FS, 0x2e, 0x82, LF));
    const runs = (page.blocks[0] as Extract<Block, { kind: 'line' }>).runs;
    expect(runs.map((r) => [r.text, r.wide])).toEqual([
      ['热狗', true],
      [' x2é', false], // 0x82 is é in PC437 again after FS .
    ]);
  });

  it('decodes four-byte GB18030 and turns invalid sequences into U+FFFD without losing what follows', () => {
    // 81 30 81 30 = U+0080; 81 0A is a lead byte followed by LF.
    const page = current(b(FS, 0x26, 0x81, 0x30, 0x81, 0x30, 'A', 0x81, LF, 'B', LF));
    expect(lines(page).map((l) => l.text)).toEqual(['\u0080A\ufffd', 'B']);
  });

  it('ESC @ leaves Hanzi mode unless the printer starts in it', () => {
    const bytes = b(FS, 0x26, ESC, 0x40, 0xc8, 0xc8, LF);
    expect(lines(decodeEscPos(bytes).current)[0]?.text).toBe('╚╚');
    expect(lines(decodeEscPos(bytes, { hanziByDefault: true }).current)[0]?.text).toBe('热');
  });
});

describe('symbols, images, cuts, pulses', () => {
  const qrData = 'https://x/r/AB'; // 14 bytes: pL = 14 + 3
  const qr = b(
    GS,
    0x28,
    0x6b,
    4,
    0,
    0x31,
    0x41,
    0x32,
    0x00, // fn 165: model 2
    GS,
    0x28,
    0x6b,
    3,
    0,
    0x31,
    0x43,
    6, // fn 167: module size 6
    GS,
    0x28,
    0x6b,
    3,
    0,
    0x31,
    0x45,
    0x33, // fn 169: level H
    GS,
    0x28,
    0x6b,
    17,
    0,
    0x31,
    0x50,
    0x30,
    qrData, // fn 180: store
    GS,
    0x28,
    0x6b,
    3,
    0,
    0x31,
    0x51,
    0x30, // fn 181: print
  );

  it('QR: model, size, level, store (length in pL pH) and print', () => {
    const page = current(b(ESC, 0x61, 1, qr));
    expect(page.blocks).toEqual([
      {
        kind: 'qr',
        align: 'center',
        data: qrData,
        bytes: b(qrData),
        model: 2,
        moduleSize: 6,
        errorLevel: 'H',
      },
    ]);
  });

  it('QR data longer than 255 bytes uses pH', () => {
    const data = 'x'.repeat(300); // 303 = 0x012F
    const page = current(
      b(
        GS,
        0x28,
        0x6b,
        0x2f,
        0x01,
        0x31,
        0x50,
        0x30,
        data,
        GS,
        0x28,
        0x6b,
        3,
        0,
        0x31,
        0x51,
        0x30,
        'after',
        LF,
      ),
    );
    expect(page.blocks[0]).toMatchObject({ kind: 'qr', data });
    expect(lines(page)).toEqual([{ align: 'left', text: 'after' }]);
  });

  it('printing with nothing stored prints nothing; ESC @ clears the store', () => {
    expect(current(b(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30)).blocks).toEqual([]);
    const stored = b(GS, 0x28, 0x6b, 4, 0, 0x31, 0x50, 0x30, 'A');
    expect(current(b(stored, ESC, 0x40, GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30)).blocks).toEqual(
      [],
    );
  });

  it('GS V: every cut form ends a page', () => {
    const cuts = [
      b(GS, 0x56, 0x00),
      b(GS, 0x56, 0x01),
      b(GS, 0x56, 0x30),
      b(GS, 0x56, 0x31),
      b(GS, 0x56, 0x41, 3),
      b(GS, 0x56, 0x42, 0),
      b(GS, 0x56, 0x61, 5),
      b(GS, 0x56, 0x68, 1),
    ];
    const { pages, current: rest } = decodeEscPos(
      b(...cuts.flatMap((c, i) => [String(i), LF, ...c]), 'x'),
    );
    expect(pages.map((p) => p.cut)).toEqual([
      'full',
      'partial',
      'full',
      'partial',
      'full',
      'partial',
      'full',
      'partial',
    ]);
    expect(pages.map((p) => lines(p)[0]?.text)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(rest.blocks).toEqual([]); // 'x' is still in the line buffer
  });

  it('GS v 0: raster bitmap, MSB is the leftmost dot, m=1 doubles the width', () => {
    const raster = b(GS, 0x76, 0x30, 0x00, 2, 0, 2, 0, 0x80, 0x01, 0xff, 0x00);
    const [img] = current(raster).blocks;
    expect(img).toMatchObject({ kind: 'image', width: 16, height: 2 });
    const dots = (img as Extract<Block, { kind: 'image' }>).dots;
    expect(Array.from(dots.subarray(0, 16))).toEqual([
      1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);
    expect(Array.from(dots.subarray(16))).toEqual([
      ...Array<number>(8).fill(1),
      ...Array<number>(8).fill(0),
    ]);
    const wide = current(b(GS, 0x76, 0x30, 0x31, 1, 0, 1, 0, 0x80)).blocks[0];
    expect(wide).toMatchObject({ kind: 'image', width: 16, height: 1 });
  });

  it('ESC p: drawer pulse on pin 2 or 5 with on/off times in 2 ms units', () => {
    const { events } = decodeEscPos(b(ESC, 0x70, 0x00, 25, 250, ESC, 0x70, 0x31, 50, 50));
    expect(events).toEqual([
      { kind: 'pulse', pin: 2, onMs: 50, offMs: 500 },
      { kind: 'pulse', pin: 5, onMs: 100, offMs: 100 },
    ]);
  });

  it('GS k in both forms, with HRI position and height; CODE128 code sets', () => {
    const page = current(
      b(
        GS,
        0x48,
        0x02,
        GS,
        0x68,
        80,
        GS,
        0x77,
        2,
        GS,
        0x6b,
        0x04,
        'ABC-1',
        0x00, // form 1 CODE39
        GS,
        0x6b,
        73,
        5,
        0x7b,
        0x42,
        '123', // form 2 CODE128 set B
        GS,
        0x6b,
        73,
        4,
        0x7b,
        0x43,
        12,
        34, // set C: one byte per digit pair
        GS,
        0x6b,
        67,
        12,
        '401234567890', // EAN13
      ),
    );
    expect(page.blocks).toEqual([
      {
        kind: 'barcode',
        align: 'left',
        symbology: 'CODE39',
        m: 4,
        data: 'ABC-1',
        hri: 'below',
        height: 80,
        moduleWidth: 2,
      },
      {
        kind: 'barcode',
        align: 'left',
        symbology: 'CODE128',
        m: 73,
        data: '123',
        hri: 'below',
        height: 80,
        moduleWidth: 2,
      },
      {
        kind: 'barcode',
        align: 'left',
        symbology: 'CODE128',
        m: 73,
        data: '1234',
        hri: 'below',
        height: 80,
        moduleWidth: 2,
      },
      {
        kind: 'barcode',
        align: 'left',
        symbology: 'EAN13',
        m: 67,
        data: '401234567890',
        hri: 'below',
        height: 80,
        moduleWidth: 2,
      },
    ]);
  });
});

describe('requests and skipped commands', () => {
  it('DLE EOT, GS a and GS ( H are events in the data path', () => {
    const { events } = decodeEscPos(
      b(0x10, 0x04, 1, 0x10, 0x04, 4, GS, 0x61, 0x0f, GS, 0x28, 0x48, 6, 0, 0x30, 0x30, '1234'),
    );
    expect(events).toEqual([
      { kind: 'status-request', n: 1 },
      { kind: 'status-request', n: 4 },
      { kind: 'asb', mask: 15 },
      { kind: 'process-id', id: b('1234') },
    ]);
  });

  it('documented commands we do not model are skipped by their length', () => {
    const { events, current: page } = decodeEscPos(
      b(
        ESC,
        0x33,
        0x40, // line spacing 64
        GS,
        0x4c,
        0x10,
        0x00, // left margin
        GS,
        0x28,
        0x4c,
        4,
        0,
        0x30,
        0x45,
        0x41,
        0x42, // GS ( L with 4 bytes of data ('AB' must not print)
        ESC,
        0x2a,
        0x21,
        2,
        0,
        1,
        2,
        3,
        4,
        5,
        6, // ESC * 24-dot: 3 x 2 bytes
        ESC,
        0x44,
        8,
        16,
        0, // tab positions
        'ok',
        LF,
      ),
    );
    expect(events.filter((e) => e.kind === 'unknown')).toEqual([]);
    expect(lines(page)).toEqual([{ align: 'left', text: 'ok' }]);
  });

  it('an undefined command is reported and parsing resyncs right after it', () => {
    const { events, current: page } = decodeEscPos(b(ESC, 0x07, 'A', 0x01, GS, 0x01, 'B', LF));
    expect(
      events
        .filter((e) => e.kind === 'unknown')
        .map((e) => Array.from((e as { bytes: Uint8Array }).bytes)),
    ).toEqual([[0x1b, 0x07], [0x01], [0x1d, 0x01]]);
    expect(lines(page)).toEqual([{ align: 'left', text: 'AB' }]);
  });
});

describe('RealtimeScanner', () => {
  it('finds DLE EOT n anywhere, split across chunks, even inside image data', () => {
    const s = new RealtimeScanner();
    expect(s.push(b(GS, 0x76, 0x30, 0, 1, 0, 3, 0, 0x10))).toEqual([]);
    expect(s.push(b(0x04))).toEqual([]);
    expect(s.push(b(0x02, 0x10, 0x10, 0x04, 0x03))).toEqual([2, 3]);
  });
});

// ---- properties ----

/** Merges adjacent text events so event lists from different splits compare equal. */
function normalise(events: EscPosEvent[]): EscPosEvent[] {
  const out: EscPosEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.kind === 'text' && last?.kind === 'text' && last.wide === e.wide)
      out[out.length - 1] = { ...last, text: last.text + e.text };
    else out.push(e);
  }
  return out;
}

/** Streams made of real commands and random bytes, so splits land inside commands. */
const pieces = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 12 }),
  fc.string({ maxLength: 10 }).map((s) => b(s.replace(/[^\x20-\x7e]/g, ''))),
  fc.constantFrom(
    b(ESC, 0x40),
    b(ESC, 0x45, 1),
    b(GS, 0x21, 0x11),
    b(ESC, 0x61, 1),
    b(LF),
    b(ESC, 0x64, 2),
    b(FS, 0x26),
    b(FS, 0x2e),
    b(0xc8, 0xc8, 0xb9, 0xb7),
    b(0x81, 0x30, 0x81, 0x30),
    b(GS, 0x28, 0x6b, 6, 0, 0x31, 0x50, 0x30, 'abc'),
    b(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30),
    b(GS, 0x56, 0x42, 0),
    b(GS, 0x56, 0x00),
    b(GS, 0x76, 0x30, 0, 1, 0, 2, 0, 0xaa, 0x55),
    b(GS, 0x6b, 0x04, 'AB', 0),
    b(GS, 0x6b, 73, 3, 0x7b, 0x42, 'Z'),
    b(0x10, 0x04, 1),
    b(GS, 0x28, 0x48, 6, 0, 0x30, 0x30, '0001'),
    b(ESC, 0x70, 0, 25, 250),
  ),
);
const stream = fc
  .array(pieces, { maxLength: 30 })
  .map((ps) => b(...ps.flatMap((p) => Array.from(p))));

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe('properties', () => {
  it('any split of a stream decodes to the same document', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        const whole = decodeEscPos(bytes);
        const parts = decodeEscPos(splitAt(bytes, cuts));
        expect(parts.pages).toEqual(whole.pages);
        expect(parts.current).toEqual(whole.current);
        expect(normalise(parts.events)).toEqual(normalise(whole.events));
      }),
      { numRuns: 500 },
    );
  });

  it('byte-by-byte feeding gives the same document as one chunk', () => {
    fc.assert(
      fc.property(stream, (bytes) => {
        const one = decodeEscPos(bytes);
        const each = decodeEscPos(Array.from(bytes, (x) => Uint8Array.of(x)));
        expect(each.pages).toEqual(one.pages);
        expect(each.current).toEqual(one.current);
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes never throw, in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }),
        fc.boolean(),
        (chunks, hanzi) => {
          const p = new EscPosParser({ hanziByDefault: hanzi });
          for (const c of chunks) p.push(c);
          decodeEscPos(chunks, { hanziByDefault: hanzi });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('the parser holds no more than an unfinished command', () => {
    const p = new EscPosParser();
    p.push(b('text', GS, 0x28, 0x6b, 10, 0));
    expect(p.pendingBytes).toBe(5);
    p.push(b(0x31, 0x50, 0x30, 'abcdefg'));
    expect(p.pendingBytes).toBe(0);
  });
});

describe('against a third-party encoder', () => {
  it('decodes @point-of-sale/receipt-printer-encoder output into the receipt it describes', async () => {
    const { default: Encoder } = await import('@point-of-sale/receipt-printer-encoder');
    const bytes = new Encoder({ language: 'esc-pos', columns: 48 })
      .initialize()
      .align('center')
      .bold(true)
      .line('VENUE')
      .bold(false)
      .align('left')
      .line('Hot dog  5.00')
      .qrcode('https://x/r/AB')
      .cut('partial')
      .encode();
    const { pages, events } = decodeEscPos(bytes);
    expect(events.filter((e) => e.kind === 'unknown')).toEqual([]);
    expect(pages).toHaveLength(1);
    const page = pages[0]!;
    expect(page.cut).toBe('partial');
    // The encoder ends the QR with LF, which feeds one blank line.
    expect(lines(page).map((l) => l.text.trim())).toEqual(['VENUE', 'Hot dog  5.00', '']);
    const venue = page.blocks[0] as Extract<Block, { kind: 'line' }>;
    expect(venue.runs.find((r) => r.text === 'VENUE')?.style.bold).toBe(true);
    expect(page.blocks[2]).toMatchObject({ kind: 'qr', data: 'https://x/r/AB', model: 2 });
  });
});
