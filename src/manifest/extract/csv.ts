// CSV files as streamed tables: the head (first HEAD_ROWS records) decides header, names and column types; the
// rest is read again on demand, in batches, each value typed as it passes and a column widened (never failed)
// when a later value does not fit. When the head is clean, the bytes themselves go to COPY (RawCsv).
import * as XLSX from 'xlsx';
import type {
  CellValue,
  ColumnSpec,
  ColumnType,
  RowBatch,
  RowFlags,
  SourceFile,
  TableSource,
} from '../../model.js';
import { columnNames } from './names.js';
import { columnNotes } from './describe.js';
import { withRowKinds } from './row-kinds.js';
import { parseText, rowFlags, typeColumn } from './types.js';
import { TypedRows } from './typed-rows.js';
import { looksLikeHeader } from './header-rows.js';
import type { Parsed } from './types.js';
import { makeFingerprint } from '../fingerprint.js';
import { TOTAL } from './rows.js';
import { bomOf, decodeStream, type DecodeInfo } from './decode.js';
import { CsvParseError, csvRecords, type CsvDialect } from './csv-parse.js';
import { isCleanHead } from './csv-clean.js';
import { checkColumns, extractLimits, type ExtractLimits } from './caps.js';

/** Records that decide a CSV's header and column types. */
export const HEAD_ROWS = 20_000;

export type ByteSource = () => AsyncIterable<Uint8Array>;

function isTotal(rec: string[]): boolean {
  let seen = 0;
  for (let j = 0; j < rec.length && seen < 3; j++) {
    const v = rec[j];
    if (v === '' || v.trim() === '') continue;
    seen++;
    if (TOTAL.test(v)) return true;
  }
  return false;
}

interface Head {
  records: string[][];
  complete: boolean;
  blankLines: number;
  dialect: CsvDialect;
  info: DecodeInfo;
}

async function readHead(open: ByteSource, maxRecordChars: number): Promise<Head> {
  const info: DecodeInfo = { encoding: 'utf-8', bom: false };
  const opts: { dialect?: CsvDialect; maxRecordChars: number } = { maxRecordChars };
  const records: string[][] = [];
  let blankLines = 0;
  let complete = true;
  const it = csvRecords(decodeStream(open(), info), opts)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      for (const rec of r.value.records) records.push(rec);
      blankLines += r.value.blankLines;
      if (records.length > HEAD_ROWS) {
        complete = false;
        break;
      }
    }
  } finally {
    if (!complete) await it.return?.(undefined);
  }
  return { records, complete, blankLines, dialect: opts.dialect ?? { delimiter: ',', newline: '\n' }, info };
}

async function* withoutBom(open: ByteSource): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const b of open()) {
    if (first) {
      first = false;
      const bom = bomOf(b);
      if (bom) {
        if (b.length > bom.length) yield b.subarray(bom.length);
        continue;
      }
    }
    yield b;
  }
}

export async function openCsv(
  open: ByteSource,
  name: string,
  member?: string,
  limits: ExtractLimits = extractLimits(),
): Promise<SourceFile> {
  const label = member ?? name;
  const head = await readHead(open, limits.maxCellBytes);
  if (head.records.length === 0)
    return { tables: [], docs: [], skipped: [{ name: label, reason: 'empty CSV' }] };
  const first = head.records[0];
  const headerless = !looksLikeHeader(first);
  const start = headerless ? 0 : 1;
  const data = head.complete ? head.records.slice(start) : head.records.slice(start, HEAD_ROWS + start);
  let width = headerless ? 0 : first.length;
  for (const r of data) width = Math.max(width, r.length);
  checkColumns(`"${label}"`, width, limits); // before a single column is named
  const headers = Array.from({ length: width }, (_, j) => (headerless ? '' : (first[j] ?? '').trim()));
  const names = columnNames(headers.map((h, j) => h || `col_${j + 1}`));
  const typed = headers.map((_, j) => typeColumn(data.map((r) => r[j])));
  const columns: ColumnSpec[] = typed.map((t, j) => ({
    name: names[j],
    header: headers[j],
    type: t.type,
    ...(t.markers ? { markers: t.markers } : {}),
    ...(t.flags ? { flagged: t.flags.size } : {}),
    ...columnNotes(headers[j], t),
  }));
  const headRows = data.map((_, i) => typed.map((t) => t.values[i]));
  const headFlags = rowFlags(typed, data.length);
  const totalRows: number[] = [];
  data.forEach((r, i) => isTotal(r) && totalRows.push(i + start + 1));
  const spec = {
    id: `${label}#1`,
    ...(member ? { member } : {}),
    range: rangeOf(data.length + start, width),
    headerRows: headerless ? [] : [1],
    firstDataRow: start + 1,
    ...(headerless ? { headerless: true } : {}),
    columns,
    rowCount: data.length,
    ...(totalRows.length ? { totalRows } : {}),
    ...withRowKinds(columns, headRows),
    fingerprint: makeFingerprint(label.replace(/^.*\//, ''), '', columns),
  };
  const types = columns.map((c) => c.type);
  const source: TableSource = {
    spec,
    sample: headRows.slice(0, 5),
    batches: memoryBatches(headRows, headFlags, start, types),
  };
  if (!head.complete)
    source.batches = rereadBatches(source, {
      open,
      dialect: head.dialect,
      start,
      width,
      types,
      maxRecordChars: limits.maxCellBytes,
    });
  if (isCleanHead({ head, data, width, types, headerless, markers: columns.some((c) => c.markers) })) {
    source.raw = {
      open: bytesWithoutBom(open),
      encoding: head.info.encoding === 'utf-8' ? 'UTF8' : 'WIN1252',
      delimiter: head.dialect.delimiter,
      newline: head.dialect.newline,
      header: !headerless,
      firstRow: start + 1,
      types,
    };
  }
  return { tables: [source], docs: [], skipped: [] };
}

function rangeOf(records: number, width: number): string {
  return `A1:${XLSX.utils.encode_cell({ r: Math.max(records - 1, 0), c: Math.max(width - 1, 0) })}`;
}

/** A longer file's batches: read again from the start. Made here, not in openCsv: a closure there would share
 * openCsv's scope and keep the whole head (records and typed columns) alive for as long as the source. */
function rereadBatches(source: TableSource, r: Reread): TableSource['batches'] {
  return (n: number) => streamBatches(source, r, n);
}

/** The bytes of the file without its BOM, each time they are asked for (made outside openCsv: see above). */
function bytesWithoutBom(open: ByteSource): () => AsyncIterable<Uint8Array> {
  return () => withoutBom(open);
}

/** A file read whole by its head keeps its typed rows; a longer one keeps none (they are read again). */
function memoryBatches(
  rows: CellValue[][],
  flags: (RowFlags | null)[] | undefined,
  start: number,
  types: ColumnType[],
) {
  return (n: number) => fromMemory(rows, flags, start, types, n);
}

async function* fromMemory(
  rows: CellValue[][],
  flags: (RowFlags | null)[] | undefined,
  start: number,
  types: ColumnType[],
  n: number,
): AsyncGenerator<RowBatch> {
  for (let i = 0; i < rows.length; i += n) {
    const slice = rows.slice(i, i + n);
    yield {
      rows: slice,
      sourceRows: slice.map((_, k) => i + k + start + 1),
      types: [...types],
      ...(flags ? { flags: flags.slice(i, i + n) } : {}),
    };
  }
}

interface Reread {
  maxRecordChars: number;
  open: ByteSource;
  dialect: CsvDialect;
  start: number;
  width: number;
  types: ColumnType[];
}

/** Every data record of the file, typed as it passes; the spec is settled when the end is reached. */
async function* streamBatches(src: TableSource, r: Reread, batchRows: number): AsyncGenerator<RowBatch> {
  const typed = new TypedRows(r.types, batchRows);
  const caches = r.types.map(() => new Map<string, Parsed>());
  const opts = { dialect: { ...r.dialect }, maxRecordChars: r.maxRecordChars };
  for await (const b of csvRecords(decodeStream(r.open()), opts)) {
    for (let i = 0; i < b.records.length; i++) {
      const recNo = b.firstRecord + i;
      if (recNo <= r.start) continue;
      const rec = b.records[i];
      if (rec.length > r.width && rec.slice(r.width).some((v) => v.trim() !== ''))
        throw new CsvParseError(
          recNo,
          `${rec.length} fields where the table has ${r.width} columns (record ${recNo})`,
        );
      typed.begin();
      for (let j = 0; j < r.width; j++) {
        const s = rec[j];
        if (s === undefined || s === '') continue;
        const cache = caches[j];
        let p = cache.get(s);
        if (p === undefined) {
          p = parseText(s);
          if (cache.size < 50_000) cache.set(s, p);
        }
        typed.cell(j, p);
      }
      const full = typed.end(recNo, isTotal(rec));
      if (full) yield full;
    }
  }
  const last = typed.rest();
  if (last) yield last;
  src.spec.range = rangeOf(typed.count + r.start, r.width);
  typed.settle(src.spec);
}
