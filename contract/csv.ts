// RFC 4180 CSV: reading (quoted fields, doubled quotes, CRLF or LF, newlines inside quotes) and
// writing. Pure TS so the gateway's import and export and any UI share one reading of the format.

export type CsvParseResult =
  { ok: true; rows: string[][] } | { ok: false; line: number; message: string };

/**
 * Parses CSV text into rows of fields. A leading UTF-8 BOM is ignored (spreadsheets write one);
 * blank lines are skipped. `line` in an error is 1-based.
 */
export function parseCsv(text: string): CsvParseResult {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  // A quoted field ended: only a separator or a line end may follow.
  let closed = false;
  let line = 1;
  let fieldStarted = false;

  const endRow = (): void => {
    row.push(field);
    if (!(row.length === 1 && row[0] === '' && !fieldStarted)) rows.push(row);
    row = [];
    field = '';
    closed = false;
    fieldStarted = false;
  };

  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          closed = true;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === ',') {
      row.push(field);
      field = '';
      closed = false;
      fieldStarted = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
    } else if (closed) {
      return {
        ok: false,
        line,
        message: 'text after a closing quote; quote the whole field and double inner quotes',
      };
    } else if (c === '"') {
      if (field !== '')
        return {
          ok: false,
          line,
          message: 'a quote inside an unquoted field; quote the whole field',
        };
      quoted = true;
      fieldStarted = true;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) return { ok: false, line, message: 'a quoted field is not closed' };
  if (field !== '' || row.length > 0 || fieldStarted) endRow();
  return { ok: true, rows };
}

/**
 * One CSV field. Quotes when needed (separator, quote, line break, leading/trailing space). With
 * `text: true`, a value a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first)
 * gets a leading apostrophe: exported names come from terminals and admins, not from us.
 */
export function csvField(value: string | number, opts: { text?: boolean } = {}): string {
  let s = String(value);
  if (opts.text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV line with CRLF, as RFC 4180 writes it. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.join(',')}\r\n`;
}
