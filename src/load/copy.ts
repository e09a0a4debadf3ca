// COPY of one table's rows into staging, inside the file's transaction. Two ways in:
// - rows: batches typed by the extractor become CSV text; a batch whose types are wider than the table's widens
//   the table first (between two COPY statements), so a late `12.5` or `abc` never fails the load; the first
//   batch carrying flags (cell texts kept beside their values) adds the `_dw_flags` jsonb column the same way;
//   each row's `_dw_row_kind` is read off its values here (row-kind.ts), so no UPDATE passes over the rows after;
// - raw (the fast path): the file's own bytes go straight to COPY, PostgreSQL parses
//   them, provenance and row numbers come from column defaults. When PostgreSQL rejects a value, everything of
//   the fast attempt is rolled back to a savepoint and the caller replays the rows.
import { randomBytes } from 'node:crypto';
import type { CellValue, ColumnType, RawCsv, RowBatch, RowKindRule } from '../model.js';
import type { Tx } from './db.js';
import type { TableSink } from './tap.js';
import { qualified, quoteIdent } from './ident.js';
import { META_SCHEMA, STAGING_SCHEMA, evolveColumns } from './schema.js';
import { ROW_KIND_COLUMN, rowKindOf } from './row-kind.js';
import { FLAGS_COLUMN, columnTypeFor, csvField, csvText, flagsJson, joinTypes } from './values.js';
import { faultPoint } from '../faults.js';
import { youngCollections } from '../gc.js';

export interface CopyHooks {
  /** sees what is copied (the export writes Parquet from it) */
  sink?: TableSink;
  /** rows copied so far for this file */
  onRows?(rows: number): void;
  /** after each batch has been handed to the database (chunk is 1-based per table) */
  onChunk?(chunk: number): void | Promise<void>;
}

export interface CopyTarget {
  table: string;
  columns: string[];
  /** the table's current type of each column; updated when a column widens */
  types: ColumnType[];
  /** the table has the `_dw_flags` column (added when a batch first carries flags) */
  flags?: boolean;
  /** the table's row-kind rule: typed rows carry their `_dw_row_kind` in the COPY (else the column's default) */
  rowKinds?: RowKindRule;
  /** typed rows copied so far marked `total` (reconciliation needs exactly one) */
  totalRows?: number;
}

/** A batch's column types widened by its own values (for rows that did not come from the typing extractor). */
export function checkedTypes(batch: RowBatch): ColumnType[] {
  return batch.types.map((t, j) =>
    columnTypeFor(
      t,
      (function* () {
        for (const row of batch.rows) yield (row[j] ?? null) as CellValue;
      })(),
    ),
  );
}

/** Distinct strings whose fields `Fields` keeps, over all columns, and the longest it keeps: at most ~8 MB held
 * however many rows or long texts go by. */
export const FIELDS_KEPT = 2 ** 15;
export const FIELD_KEPT_LENGTH = 64;

/**
 * Each column's string fields by value, for one COPY (its column types fixed): a workbook's strings are its shared
 * strings, the same few thousand codes, names and categories row after row, so each is quoted once instead of once
 * per row (a new string per field and per row, and the quoting's search). Longer strings, and any past FIELDS_KEPT
 * values, are quoted as they come.
 */
export class Fields {
  private readonly kept: Map<string, string>[];
  private size = 0;

  constructor(private readonly types: readonly ColumnType[]) {
    this.kept = types.map(() => new Map());
  }

  /** strings kept, over all columns */
  get count(): number {
    return this.size;
  }

  of(v: CellValue | undefined, j: number): string {
    if (typeof v !== 'string' || v.length > FIELD_KEPT_LENGTH) return csvField(v, this.types[j]);
    let f = this.kept[j].get(v);
    if (f !== undefined) return f;
    f = csvField(v, this.types[j]);
    if (this.size < FIELDS_KEPT) {
      this.kept[j].set(v, f);
      this.size++;
    }
    return f;
  }
}

/** The batch as COPY text, one string. Made in pieces of a few thousand fields instead (young garbage), the
 * 200,000-row workbook's peak fell (338 -> 310 MB) but the 2,000,000-row one rose (363 -> 449 MB): the pieces' garbage
 * brought collections while each batch's rows were alive, so the rows were promoted instead (docs/benchmarks.md). */
function encode(batch: RowBatch, t: CopyTarget, fields: Fields): string {
  const width = t.types.length;
  const rule = t.rowKinds;
  const line = width + 1 + (t.flags ? 1 : 0) + (rule ? 1 : 0);
  const parts: string[] = new Array(batch.rows.length * line);
  let k = 0;
  for (let i = 0; i < batch.rows.length; i++) {
    const row = batch.rows[i];
    const srcRow = batch.sourceRows[i];
    parts[k++] = Number.isInteger(srcRow) && Math.abs(srcRow) < 2 ** 31 ? String(srcRow) : '';
    for (let j = 0; j < width; j++) parts[k++] = fields.of(row[j], j);
    if (t.flags) {
      const json = flagsJson(batch.flags?.[i], t.columns);
      parts[k++] = json === undefined ? '' : csvText(json);
    }
    if (rule) {
      const kind = rowKindOf(rule, row);
      if (kind === 'total') t.totalRows = (t.totalRows ?? 0) + 1;
      parts[k++] = kind;
    }
  }
  // fields joined by ',' and lines by '\n', in one join per line
  const lines: string[] = new Array(batch.rows.length);
  for (let i = 0, s = 0; i < lines.length; i++, s += line) lines[i] = parts.slice(s, s + line).join(',');
  return lines.join('\n') + '\n';
}

async function widen(tx: Tx, t: CopyTarget, wanted: ColumnType[], sink?: TableSink): Promise<void> {
  const changed = t.columns
    .map((name, j) => ({ name, type: joinTypes(t.types[j], wanted[j]), j }))
    .filter((c) => c.type !== t.types[c.j]);
  if (!changed.length) return;
  sink?.fail(); // the rows seen so far were typed for the narrower column
  await evolveColumns(tx, t.table, changed);
  for (const c of changed) t.types[c.j] = c.type;
}

/** Add `_dw_flags` (jsonb) to the table, once. */
export async function addFlagsColumn(tx: Tx, t: CopyTarget, sink?: TableSink): Promise<void> {
  if (t.flags) return;
  sink?.fail(); // the sink's table had no such column
  await tx.query(
    `ALTER TABLE ${qualified(STAGING_SCHEMA, t.table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(FLAGS_COLUMN)} jsonb`,
  );
  t.flags = true;
}

const hasFlags = (b: RowBatch) => !!b.flags?.some((f) => f);

function needsWidening(t: CopyTarget, batch: RowBatch, wanted: ColumnType[]): boolean {
  return (!t.flags && hasFlags(batch)) || wanted.some((w, j) => joinTypes(t.types[j], w) !== t.types[j]);
}

/** COPY every batch; returns the rows copied. `check` re-derives each batch's types from its values. */
export async function copyRows(
  tx: Tx,
  t: CopyTarget,
  batches: AsyncIterable<RowBatch>,
  opts: CopyHooks & { check?: boolean; rowsBefore?: number },
): Promise<number> {
  const target = qualified(STAGING_SCHEMA, t.table);
  const it = batches[Symbol.asyncIterator]();
  let pending: { batch: RowBatch; types: ColumnType[] } | undefined;
  let done = false;
  let copied = 0;
  let chunk = 0;
  const next = async () => {
    const r = await it.next();
    if (r.done) return undefined;
    await faultPoint('parse');
    return { batch: r.value, types: opts.check ? checkedTypes(r.value) : r.value.types };
  };
  while (!done) {
    if (!pending) pending = await next();
    if (!pending) break;
    await widen(tx, t, pending.types, opts.sink);
    if (hasFlags(pending.batch)) await addFlagsColumn(tx, t, opts.sink);
    // One COPY until a batch needs a wider column: then the COPY ends, the column widens, another starts.
    const fields = new Fields([...t.types]);
    const chunks = async function* (): AsyncGenerator<string> {
      while (pending) {
        const b = pending;
        pending = undefined;
        yield encode(b.batch, t, fields);
        await opts.sink?.rows(b.batch);
        copied += b.batch.rows.length;
        opts.onRows?.((opts.rowsBefore ?? 0) + copied);
        await opts.onChunk?.(++chunk);
        await faultPoint('copy');
        pending = await next();
        if (!pending) done = true;
        else if (needsWidening(t, pending.batch, pending.types)) return;
      }
    };
    const extra = [...(t.flags ? [FLAGS_COLUMN] : []), ...(t.rowKinds ? [ROW_KIND_COLUMN] : [])];
    await tx.copyCsv(target, ['_dw_row', ...t.columns, ...extra], chunks());
  }
  return copied;
}

/** SQLSTATEs of values PostgreSQL would not take (data exceptions, bad CSV): the fast path gives way. */
export function isDataRejection(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code.startsWith('22') || code === '0A000';
}

/** The fast path: COPY the file's bytes. Returns the rows copied, or undefined when PostgreSQL refused a value
 * (nothing of the attempt is left). */
export async function copyRawCsv(
  tx: Tx,
  t: CopyTarget,
  raw: RawCsv,
  opts: CopyHooks & { rowsBefore?: number },
): Promise<number | undefined> {
  const target = qualified(STAGING_SCHEMA, t.table);
  const seq = qualified(META_SCHEMA, `dw_rows_${randomBytes(6).toString('hex')}`);
  await tx.query('SAVEPOINT dw_fast');
  try {
    await tx.query(`CREATE SEQUENCE ${seq} START ${raw.firstRow} MINVALUE 0`);
    await tx.query(`ALTER TABLE ${target} ALTER COLUMN "_dw_row" SET DEFAULT nextval('${seq}')`);
    const copied = await tx.copyFile(target, t.columns, raw, counted(raw, opts));
    await tx.query(`ALTER TABLE ${target} ALTER COLUMN "_dw_row" DROP DEFAULT`);
    await tx.query(`DROP SEQUENCE ${seq}`);
    await tx.query('RELEASE SAVEPOINT dw_fast');
    return copied;
  } catch (err) {
    opts.sink?.fail();
    if (!isDataRejection(err)) throw err;
    await tx.query('ROLLBACK TO SAVEPOINT dw_fast');
    return undefined;
  }
}

/** Pass bytes on, reporting approximate rows (line breaks) and a chunk every MB for the hooks. The bytes are read
 * into a new buffer each, freed only when collected, and this path makes little other garbage: young collections
 * keep them from piling up in malloc's heap (`youngCollections`, src/gc.ts). */
export async function* counted(raw: RawCsv, opts: CopyHooks & { rowsBefore?: number }) {
  let lines = 0;
  let bytes = 0;
  let chunk = 0;
  const collect = youngCollections();
  for await (const b of raw.open()) {
    collect(b.length);
    await faultPoint('parse');
    yield b;
    await opts.sink?.raw(raw, b);
    const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
    bytes += b.length;
    if (bytes >= 1 << 20) {
      bytes = 0;
      opts.onRows?.((opts.rowsBefore ?? 0) + lines);
      await opts.onChunk?.(++chunk);
      await faultPoint('copy');
    }
  }
}
