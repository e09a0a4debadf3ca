// Parquet written from the rows while they load: the loader hands each table's rows (typed batches, or on the
// fast path the file's own bytes, parsed here the way PostgreSQL parses them) to a sink per (file, sheet); the
// sinks of a table append row groups to one Parquet file of the period. At export the file is used only when
// exactly the (file, sheet) parts the ledger holds for the table and period were seen whole; anything else (a
// skipped file, a rollback, a widened column) throws it away and the period is streamed back from the database.
import type { RawCsv, RowBatch } from '../model.js';
import type { LoadTap, TableSink, TapTable } from '../load/tap.js';
import { CsvBytes } from './csv-bytes.js';
import { FieldValues, SMALL_BIGINTS, bigint, days } from './raw-values.js';
import { FLAGS_COLUMN, ROW_KIND_COLUMN, flagsJson, kindText, plainNumber, rowKindOf } from '../load/index.js';
import { ParquetFile, type ExportTable } from './parquet.js';
import type { Kind, Value } from './rows.js';
import { classifyRow } from '../manifest/extract/row-kind-rule.js';

/** What parsing a file's own bytes needs to know of it (what crosses to the worker thread). */
export type RawShape = Pick<RawCsv, 'delimiter' | 'newline' | 'header' | 'firstRow' | 'encoding'>;

/** Rows per row group: at most 16,000, fewer for wide tables (about 320,000 values). A column's values then fit
 * an array under V8's large-object size (128 KiB), so a finished row group is young garbage, collected cheaply,
 * and the worker's memory does not depend on the table's width. */
function rowGroupRows(columns: number): number {
  return Math.max(1_000, Math.min(16_000, Math.floor(320_000 / Math.max(columns, 1))));
}
/** A typed value as the loader's CSV encoding (csvField) stores it in a column of kind `k`. */
function fromTyped(v: unknown, k: Kind): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (k === 'text') return plainNumber(v);
    return k === 'bigint' ? (v >= 0 && v < 65_536 && Number.isInteger(v) ? SMALL_BIGINTS[v] : BigInt(v)) : v;
  }
  const s = String(v);
  if (k === 'text') return s.includes('\u0000') ? s.split('\u0000').join('') : s;
  if (s.trim() === '') return null;
  if (k === 'bigint') return bigint(s);
  return k === 'days' ? days(s) : Number(s);
}

interface TableState {
  file: ParquetFile;
  /** "<file url>\u0000<sheet>" of every part seen whole */
  parts: Set<string>;
  broken: boolean;
  signature: string;
}

/** Where each Parquet column's value comes from: a value of the copied row, the row number, or a constant. */
const ROW = -2;
const CONSTANT = -1;
const FLAGS = -3;
/** `_dw_row_kind`: the table's row-kind rule read over the row's values */
const KIND = -4;

class Sink implements TableSink {
  private buf: Value[][];
  private n = 0;
  private seen = 0;
  private readonly kinds: Kind[];
  private readonly groupRows: number;
  /** per Parquet column: index into the copied row's values, ROW or CONSTANT */
  private readonly from: number[];
  private readonly prov: Value[];
  private rawFeed?: Feed;
  private rawDone?: Promise<void>;

  constructor(
    private readonly t: TapTable,
    private readonly state: TableState,
  ) {
    const cols = state.file.columns;
    this.kinds = cols.map((c) => c.kind);
    this.groupRows = rowGroupRows(cols.length);
    this.buf = cols.map(() => []);
    const at = new Map(t.columns.map((c, j) => [c, j]));
    this.from = cols.map((c) =>
      c.name === '_dw_row'
        ? ROW
        : c.name === FLAGS_COLUMN
          ? FLAGS
          : c.name === ROW_KIND_COLUMN
            ? KIND
            : (at.get(c.name) ?? CONSTANT),
    );
    // a Map, never an object keyed by column name: `fixed['constructor']` would be Object
    const fixed = new Map<string, Value>([
      ['_dw_period', t.period],
      ['_dw_file_url', t.fileUrl],
      ['_dw_sha256', t.sha256],
      ['_dw_sheet', t.sheet],
      ['_dw_loaded_at', t.loadedAtMs],
    ]);
    this.prov = cols.map((c) => fixed.get(c.name) ?? null);
  }

  /** Counts a row gathered; true when the row group is full (flush it). A plain call, not an await per row. */
  private rowDone(): boolean {
    this.n++;
    this.seen++;
    return this.n >= this.groupRows;
  }

  /** The rows gathered so far, as a row group's columns; gathering starts again. */
  private take(): Value[][] {
    const data = this.buf;
    this.buf = this.kinds.map(() => []);
    this.n = 0;
    return data;
  }

  private async write(groups: Value[][][]): Promise<void> {
    for (let g = groups.shift(); g; g = groups.shift())
      if (!this.state.broken) await this.state.file.write(g);
  }

  private async flush(): Promise<void> {
    if (!this.n || this.state.broken) return;
    await this.state.file.write(this.take());
  }

  /** the values are in their final form; the table's kinds decide their Parquet form */
  async rows(batch: RowBatch): Promise<void> {
    const { from, kinds, prov } = this;
    for (let r = 0; r < batch.rows.length && !this.state.broken; r++) {
      const row = batch.rows[r];
      for (let i = 0; i < from.length; i++) {
        const j = from[i];
        this.buf[i].push(
          j >= 0
            ? fromTyped(row[j], kinds[i])
            : j === ROW
              ? batch.sourceRows[r]
              : j === FLAGS
                ? (flagsJson(batch.flags?.[r], this.t.columns) ?? null)
                : j === KIND
                  ? rowKindOf(this.t.rowKinds, row)
                  : prov[i],
        );
      }
      if (this.rowDone()) await this.flush();
    }
  }

  async raw(raw: RawShape, chunk: Uint8Array): Promise<void> {
    if (this.state.broken) return;
    if (!this.rawFeed) {
      this.rawFeed = new Feed();
      this.rawDone = this.parseRaw(raw, this.rawFeed).catch(() => this.fail());
    }
    await this.rawFeed.push(chunk);
  }

  /** The fast path's bytes as PostgreSQL reads them (csv-bytes.ts), each column's values made by a FieldValues
   * (raw-values.ts): a field equal to the one above, or to one seen before, reuses its value. */
  private async parseRaw(raw: RawShape, feed: Feed): Promise<void> {
    const { from, kinds, prov } = this;
    const width = this.t.columns.length;
    const csv = new CsvBytes(raw, width);
    const readers = kinds.map((k) => new FieldValues(k));
    // the Parquet columns read from the file; the others (row number, provenance) are filled per row group
    const read = from.flatMap((j, i) => (j >= 0 ? [i] : []));
    let first = raw.firstRow;
    let skip = raw.header;
    const groups: Value[][][] = [];
    const rule = this.t.rowKinds;
    const kindAt = from.indexOf(KIND);
    // Parquet column of each value of the row (the rule names values by their place in the row)
    const colOf = new Map(from.flatMap((j, i) => (j >= 0 ? [[j, i] as const] : [])));
    const cell = (j: number) => {
      const i = colOf.get(j);
      return i === undefined ? null : kindText(this.buf[i][this.buf[i].length - 1]);
    };
    const cut = () => {
      const n = this.n;
      const data = this.take();
      for (let i = 0; i < from.length; i++) {
        if (from[i] >= 0 || from[i] === KIND) continue;
        const col = new Array<Value>(n);
        if (from[i] === ROW) for (let k = 0; k < n; k++) col[k] = first + k;
        else col.fill(prov[i]);
        data[i] = col;
      }
      first += n;
      groups.push(data);
    };
    const each = (b: Buffer, fields: number) => {
      if (skip) {
        skip = false;
        return;
      }
      if (fields !== width) throw new Error(`${fields} fields where the table has ${width}`);
      const buf = this.buf;
      for (let r = 0; r < read.length; r++) {
        const i = read[r];
        buf[i].push(readers[i].value(csv, b, from[i]));
      }
      if (kindAt >= 0) buf[kindAt].push(classifyRow(rule, cell));
      this.seen++;
      if (++this.n >= this.groupRows) cut();
    };
    for await (const chunk of feed) {
      csv.push(chunk, each);
      // no await per row: a microtask for each of millions of rows costs more than the parsing
      await this.write(groups);
    }
    csv.end(each);
    if (this.n) cut();
    await this.write(groups);
  }

  async end(copied: number): Promise<void> {
    if (this.rawFeed) {
      this.rawFeed.end();
      await this.rawDone;
    }
    await this.flush();
    if (this.seen !== copied) this.fail();
    if (!this.state.broken) this.state.parts.add(`${this.t.fileUrl}\u0000${this.t.sheet}`);
  }

  fail(): void {
    this.state.broken = true;
    this.rawFeed?.close();
  }
}

/** Chunks handed over by the loader, read by the parser; the loader waits while two are unread. */
class Feed implements AsyncIterable<Uint8Array> {
  private queue: (Uint8Array | null)[] = [];
  private wakeReader?: () => void;
  private wakeWriter?: () => void;
  private closed = false;

  async push(b: Uint8Array): Promise<void> {
    if (this.closed) return;
    this.queue.push(b);
    this.wakeReader?.();
    while (this.queue.length > 2 && !this.closed) await new Promise<void>((r) => (this.wakeWriter = r));
  }

  /** The reader has gone: let the writer on and drop what is queued. */
  close(): void {
    this.closed = true;
    this.queue = [null];
    this.wakeWriter?.();
    this.wakeReader?.();
  }

  end(): void {
    this.queue.push(null);
    this.wakeReader?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      while (!this.queue.length) await new Promise<void>((r) => (this.wakeReader = r));
      const b = this.queue.shift()!;
      this.wakeWriter?.();
      if (b === null) return;
      yield b;
    }
  }
}

/** One per item: Parquet files of the item's period, written while the rows load — on this thread. The pipeline
 * uses ParquetTap (tap-thread.ts), which runs one of these in a worker thread. */
export class LocalTap implements LoadTap {
  private readonly tables = new Map<string, TableState>();

  constructor(
    private readonly outDir: string,
    private readonly period: string,
  ) {}

  begin(t: TapTable): TableSink | undefined {
    if (t.period !== this.period) return undefined;
    const signature = t.tableColumns.map((c) => `${c.column_name} ${c.data_type}`).join(',');
    let state = this.tables.get(t.table);
    if (!state) {
      state = {
        file: new ParquetFile(this.outDir, t.table, this.period, t.tableColumns),
        parts: new Set(),
        broken: false,
        signature,
      };
      this.tables.set(t.table, state);
    }
    // the table changed shape since its Parquet began: what was written no longer fits
    if (state.signature !== signature) state.broken = true;
    return new Sink(t, state);
  }

  /** The finished file when exactly `parts` were seen whole, else undefined (the caller streams back). */
  finish(
    t: ExportTable,
    parts: [string, string][],
    files: string[],
  ): { path: string; rows: number } | undefined {
    const state = this.tables.get(t.tableName);
    if (!state) return undefined;
    this.tables.delete(t.tableName);
    const same =
      !state.broken &&
      parts.length === state.parts.size &&
      parts.every(([f, s]) => state.parts.has(`${f}\u0000${s}`));
    if (!same || state.file.rows === 0) {
      state.file.abort();
      return undefined;
    }
    state.file.finish(t, files);
    return { path: state.file.path, rows: state.file.rows };
  }

  /** Remove every unfinished file (the item failed). */
  abort(): void {
    for (const s of this.tables.values()) s.file.abort();
    this.tables.clear();
  }
}
