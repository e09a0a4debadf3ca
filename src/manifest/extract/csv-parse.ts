// CSV text -> records, as a stream of batches. papaparse's Parser does the parsing; this keeps the last,
// unfinished record of each chunk for the next one, skips blank lines, counts physical lines for error messages,
// and refuses what papaparse only reports (unterminated or malformed quotes) instead of loading a corrupt file.
import Papa from 'papaparse';

export interface CsvDialect {
  delimiter: string;
  newline: '\n' | '\r\n' | '\r';
}

export interface RecordBatch {
  records: string[][];
  /** 1-based record number (blank lines not counted) of records[0] */
  firstRecord: number;
  /** blank lines skipped in this batch */
  blankLines: number;
}

/** A CSV that cannot be read as written; `line` is the 1-based physical line where the problem starts. */
export class CsvParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvParseError';
  }
}

/** Delimiter and line break of a CSV from its first text (papaparse's guess; `,` and `\n` by default). */
export function sniffDialect(head: string): CsvDialect {
  const sample = head.slice(0, 256 * 1024);
  const meta = Papa.parse<string[]>(sample, { preview: 200 }).meta;
  const delimiter = [',', '\t', ';', '|'].includes(meta.delimiter) ? meta.delimiter : ',';
  const newline = (['\r\n', '\n', '\r'] as const).find((n) => n === meta.linebreak) ?? '\n';
  return { delimiter, newline };
}

function countLines(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export interface CsvRecordOptions {
  /** the dialect when known; else sniffed from the first text and written here */
  dialect?: CsvDialect;
  /** characters parsed at a time (default 1M) */
  chunkChars?: number;
  /** longest unfinished record carried between chunks before the file is refused (default 32M characters) */
  maxRecordChars?: number;
}

/** Records of a CSV text stream, in batches of about `chunkChars` characters. */
export async function* csvRecords(
  text: AsyncIterable<string>,
  opts: CsvRecordOptions = {},
): AsyncGenerator<RecordBatch> {
  const chunkChars = opts.chunkChars ?? 1 << 20;
  const maxRecord = opts.maxRecordChars ?? 32 << 20;
  let parser: InstanceType<typeof Papa.Parser> | undefined;
  let pending: string[] = [];
  let pendingLen = 0;
  let carry = '';
  let line = 1; // physical line at the start of `carry`
  let record = 1;

  function parse(last: boolean): RecordBatch | undefined {
    const input = carry + pending.join('');
    pending = [];
    pendingLen = 0;
    if (!opts.dialect) opts.dialect = sniffDialect(input);
    parser ??= new Papa.Parser({ delimiter: opts.dialect.delimiter, newline: opts.dialect.newline });
    const res = parser.parse(input, 0, !last) as {
      data: string[][];
      errors: { code: string; row: number; index?: number }[];
      meta: { cursor: number };
    };
    // an error in the unfinished last record is looked at again with the next chunk
    const errors = last ? res.errors : res.errors.filter((e) => e.row < res.data.length);
    if (errors.length) {
      const e = errors[0];
      const at = e.index ?? res.meta.cursor;
      const what =
        e.code === 'MissingQuotes'
          ? 'a quoted field is never closed (unterminated quote)'
          : 'a quoted field has text after its closing quote (malformed quote)';
      throw new CsvParseError(line + countLines(input, at), what);
    }
    const cursor = last ? input.length : res.meta.cursor;
    carry = input.slice(cursor);
    if (carry.length > maxRecord)
      throw new CsvParseError(
        line + countLines(input, cursor),
        `a record runs past ${maxRecord.toLocaleString('en-GB')} characters (probably an unterminated quote)`,
      );
    line += countLines(input, cursor);
    const blank = (r: string[]) => r.length === 1 && r[0] === '';
    // the line break that ends the file is not a blank line after it
    if (last && res.data.length && blank(res.data[res.data.length - 1]) && /[\r\n]$/.test(input))
      res.data.pop();
    const blankLines = res.data.reduce((n, r) => n + Number(blank(r)), 0);
    const records = blankLines ? res.data.filter((r) => !blank(r)) : res.data;
    const batch = { records, firstRecord: record, blankLines };
    record += records.length;
    return records.length || blankLines ? batch : undefined;
  }

  for await (const t of text) {
    pending.push(t);
    pendingLen += t.length;
    if (pendingLen < chunkChars) continue;
    const b = parse(false);
    if (b) yield b;
  }
  if (pendingLen || carry) {
    const b = parse(true);
    if (b) yield b;
  }
}
