import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvLine, parseCsv } from './csv';

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b,c","say ""hi""","two\r\nlines"\r\nx,,z\n')).toEqual({
      ok: true,
      rows: [
        ['a', 'b,c', 'say "hi"', 'two\r\nlines'],
        ['x', '', 'z'],
      ],
    });
  });

  it('ignores a BOM and blank lines, keeps a last line without a line break', () => {
    expect(parseCsv('\uFEFFa,b\n\n1,2')).toEqual({
      ok: true,
      rows: [
        ['a', 'b'],
        ['1', '2'],
      ],
    });
  });

  it('refuses broken quoting with the line', () => {
    expect(parseCsv('a\n"open')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a\nx"y')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('"a"b')).toMatchObject({ ok: false, line: 1 });
  });

  it('reads back whatever csvField writes', () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'é', '热', ',', '"', '\r', '\n', ' ', '='),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const text = rows.map((r) => csvLine(r.map((f) => csvField(f)))).join('');
          expect(parseCsv(text)).toEqual({ ok: true, rows });
        },
      ),
    );
  });

  it('never throws on random text', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseCsv(s)));
  });

  it('defuses spreadsheet formulas in text fields only when asked', () => {
    expect(csvField('=1+1', { text: true })).toBe("'=1+1");
    expect(csvField('-5.00')).toBe('-5.00');
    expect(csvField('@x', { text: true })).toBe("'@x");
  });
});
