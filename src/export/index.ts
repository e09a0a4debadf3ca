// Export: Parquet per table and period, descriptions and provenance in the key-value metadata, and a catalog.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import type { Db } from '../load/index.js';

export interface ExportColumn {
  name: string;
  header?: string;
  description?: string;
}

export interface ExportTable {
  pub: string;
  tableName: string;
  description?: string;
  columns: ExportColumn[];
}

export interface ExportedFile {
  table: string;
  period: string;
  path: string;
  rows: number;
}

interface DbColumn {
  column_name: string;
  data_type: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
/** rows per cursor fetch and Parquet row group */
const EXPORT_BATCH = 100_000;

export function parquetPath(outDir: string, table: string, period: string): string {
  return join(outDir, 'parquet', table, `${period}.parquet`);
}

/** Write output/parquet/<table>/<period>.parquet for every table given, from the rows of that period. */
export async function exportPeriod(
  db: Db,
  opts: { outDir: string; period: string; tables: ExportTable[]; pubName?: string },
): Promise<ExportedFile[]> {
  const out: ExportedFile[] = [];
  for (const t of opts.tables) {
    if (!IDENT.test(t.tableName))
      throw new Error(`refusing to export table "${t.tableName}": not a legal identifier`);
    const cols = await db.query<DbColumn>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'staging' AND table_name = $1 ORDER BY ordinal_position`,
      [t.tableName],
    );
    if (!cols.length) continue;
    const select = cols.map((c) => selectExpr(c)).join(', ');
    const described = new Map(t.columns.map((c) => [c.name, c]));
    const schema = [
      { name: 'root', num_children: cols.length },
      ...cols.map((c) => ({
        name: c.column_name,
        repetition_type: 'OPTIONAL' as const,
        ...parquetType(c.data_type),
      })),
    ];
    const files = (
      await db.query<{ f: string }>(
        `SELECT DISTINCT _dw_file_url AS f FROM staging."${t.tableName}" WHERE _dw_period = $1 ORDER BY 1`,
        [opts.period],
      )
    ).map((r) => r.f);
    if (!files.length) continue;
    const kvMetadata = [
      { key: 'datawarp.publication', value: t.pub },
      { key: 'datawarp.table', value: t.tableName },
      { key: 'datawarp.period', value: opts.period },
      { key: 'datawarp.description', value: t.description ?? '' },
      { key: 'datawarp.source_files', value: JSON.stringify(files) },
      {
        key: 'datawarp.columns',
        value: JSON.stringify(
          cols.map((c) => ({
            name: c.column_name,
            type: c.data_type,
            header: described.get(c.column_name)?.header ?? null,
            description:
              described.get(c.column_name)?.description ?? provenanceDescription(c.column_name) ?? null,
          })),
        ),
      },
    ];
    const path = parquetPath(opts.outDir, t.tableName, opts.period);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    // Stream the period's rows through a cursor, one row group per batch: memory stays bounded by the batch.
    const writer = new ParquetWriter({
      writer: fileWriter(tmp),
      schema: schema as never,
      kvMetadata,
      createdBy: 'datawarp',
    });
    let total = 0;
    try {
      const sql = `SELECT ${select} FROM staging."${t.tableName}" WHERE _dw_period = '${opts.period.replace(/'/g, "''")}'`;
      await periodRows(db, sql, cols.length, async (rows) => {
        total += rows[0]?.length ?? 0;
        const columnData = cols.map((c, j) => ({
          name: c.column_name,
          data: rows[j].map((v) => toParquet(c.data_type, v)),
        }));
        await writer.write({ columnData, rowGroupSize: rows[0].length });
      });
      writer.finish();
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    renameSync(tmp, path);
    out.push({ table: t.tableName, period: opts.period, path, rows: total });
  }
  return out;
}

/** The rows of a query as column arrays of text (null for NULL), EXPORT_BATCH rows at a time, handed to `onBatch`
 * in the table's physical order (no sort). The server streams `COPY ... TO STDOUT` (paused while `onBatch`
 * works); PGlite pages through a cursor. */
async function periodRows(
  db: Db,
  sql: string,
  width: number,
  onBatch: (columns: (string | null)[][]) => Promise<void>,
): Promise<void> {
  const fresh = () => Array.from({ length: width }, (): (string | null)[] => []);
  await db.transaction(async (tx) => {
    if (!tx.copyOut) {
      await tx.query(`DECLARE dw_export NO SCROLL CURSOR FOR ${sql}`);
      for (;;) {
        const got = await tx.query<Record<string, unknown>>(`FETCH ${EXPORT_BATCH} FROM dw_export`);
        if (!got.length) break;
        const keys = Object.keys(got[0]);
        await onBatch(keys.map((k) => got.map((r) => (r[k] == null ? null : String(r[k])))));
      }
      return;
    }
    let rows = fresh();
    let n = 0;
    let carry = '';
    for await (const buf of tx.copyOut(`COPY (${sql}) TO STDOUT`)) {
      const text = carry + buf.toString('utf8');
      const end = text.lastIndexOf('\n');
      carry = text.slice(end + 1);
      if (end < 0) continue;
      for (const line of text.slice(0, end).split('\n')) {
        const f = line.split('\t');
        for (let j = 0; j < width; j++) rows[j].push(unescapeCopy(f[j]));
        if (++n === EXPORT_BATCH) {
          await onBatch(rows);
          rows = fresh();
          n = 0;
        }
      }
    }
    if (n) await onBatch(rows);
  });
}

/** A field of COPY's text format: \N is NULL, backslash escapes otherwise. */
function unescapeCopy(f: string | undefined): string | null {
  if (f === undefined || f === '\\N') return null;
  if (!f.includes('\\')) return f;
  return f.replace(/\\(.)/g, (_, c: string) =>
    c === 'n'
      ? '\n'
      : c === 't'
        ? '\t'
        : c === 'r'
          ? '\r'
          : c === 'b'
            ? '\b'
            : c === 'f'
              ? '\f'
              : c === 'v'
                ? '\v'
                : c,
  );
}

function selectExpr(c: DbColumn): string {
  const q = `"${c.column_name}"`;
  if (c.data_type === 'bigint' || c.data_type === 'numeric') return `${q}::text AS ${q}`;
  if (c.data_type === 'date') return `to_char(${q}, 'YYYY-MM-DD') AS ${q}`;
  if (c.data_type.startsWith('timestamp')) return `(extract(epoch from ${q}) * 1000)::float8 AS ${q}`;
  return q;
}

function parquetType(dataType: string): Record<string, unknown> {
  switch (dataType) {
    case 'bigint':
      return { type: 'INT64' };
    case 'integer':
      return { type: 'INT32' };
    case 'numeric':
    case 'double precision':
      return { type: 'DOUBLE' };
    case 'date':
      return { type: 'INT32', converted_type: 'DATE' };
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' };
    default:
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8' };
  }
}

function toParquet(dataType: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (dataType) {
    case 'bigint':
      return BigInt(v as string);
    case 'integer':
      return Number(v);
    case 'numeric':
    case 'double precision':
      return Number(v);
    case 'date':
      return new Date(`${v}T00:00:00Z`);
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return BigInt(Math.round(Number(v)));
    default:
      return String(v);
  }
}

export function provenanceDescription(name: string): string | undefined {
  return {
    _dw_period: 'DataWarp: canonical period of the release this row came from',
    _dw_file_url: 'DataWarp: URL of the source file',
    _dw_sha256: 'DataWarp: sha256 of the source file',
    _dw_sheet: 'DataWarp: sheet, zip member or table id within the source file',
    _dw_row: 'DataWarp: 1-based row number in the source sheet or CSV',
    _dw_loaded_at: 'DataWarp: when the row was loaded',
  }[name];
}

export { readCatalog, writeCatalog } from './catalog.js';
export type { Catalog, CatalogTable } from './catalog.js';
