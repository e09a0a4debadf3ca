// Export: Parquet per table and period, descriptions and provenance in the key-value metadata, and a catalog.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
      await db.transaction(async (tx) => {
        await tx.query(
          `DECLARE dw_export NO SCROLL CURSOR FOR SELECT ${select} FROM staging."${t.tableName}"
          WHERE _dw_period = '${opts.period.replace(/'/g, "''")}' ORDER BY _dw_file_url, _dw_sheet, _dw_row`,
        );
        for (;;) {
          const rows = await tx.query<Record<string, unknown>>(`FETCH ${EXPORT_BATCH} FROM dw_export`);
          if (!rows.length) break;
          total += rows.length;
          const columnData = cols.map((c) => ({
            name: c.column_name,
            data: rows.map((r) => toParquet(c.data_type, r[c.column_name])),
          }));
          await writer.write({ columnData, rowGroupSize: rows.length });
        }
        await tx.query('CLOSE dw_export');
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

function provenanceDescription(name: string): string | undefined {
  return {
    _dw_period: 'DataWarp: canonical period of the release this row came from',
    _dw_file_url: 'DataWarp: URL of the source file',
    _dw_sha256: 'DataWarp: sha256 of the source file',
    _dw_sheet: 'DataWarp: sheet, zip member or table id within the source file',
    _dw_row: 'DataWarp: 1-based row number in the source sheet or CSV',
    _dw_loaded_at: 'DataWarp: when the row was loaded',
  }[name];
}

// ---------------------------------------------------------------- catalog

export interface CatalogTable {
  table: string;
  publication: string;
  description: string;
  periods: string[];
  rows: number;
  columns: { name: string; type: string; header?: string; description?: string }[];
  files: { period: string; url: string; sheet: string; sha256: string; rows: number }[];
}

export interface Catalog {
  generated_at: string;
  tables: CatalogTable[];
}

export function readCatalog(path: string): Catalog {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Catalog;
  } catch {
    return { generated_at: new Date(0).toISOString(), tables: [] };
  }
}

/** Rebuild the catalog from the ledger and the database; descriptions come from `described` or the old catalog. */
export async function writeCatalog(
  db: Db,
  path: string,
  described: ExportTable[],
  now = new Date(),
): Promise<Catalog> {
  const old = readCatalog(path);
  const oldByTable = new Map(old.tables.map((t) => [t.table, t]));
  const newByTable = new Map(described.map((t) => [t.tableName, t]));
  const ledger = await db.query<{
    pub: string;
    table_name: string;
    period: string;
    file_url: string;
    sheet: string;
    sha256: string;
    rows_loaded: string | number;
  }>(
    `SELECT pub, table_name, period, file_url, sheet, sha256, rows_loaded FROM datawarp.tbl_manifest_files
      WHERE status = 'loaded' ORDER BY table_name, period, file_url, sheet`,
  );
  const cols = await db.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'staging' ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, CatalogTable>();
  for (const l of ledger) {
    let t = tables.get(l.table_name);
    if (!t) {
      const d = newByTable.get(l.table_name);
      const o = oldByTable.get(l.table_name);
      t = {
        table: l.table_name,
        publication: l.pub,
        description: d?.description ?? o?.description ?? '',
        periods: [],
        rows: 0,
        columns: [],
        files: [],
      };
      tables.set(l.table_name, t);
    }
    const n = Number(l.rows_loaded);
    t.rows += n;
    if (!t.periods.includes(l.period)) t.periods.push(l.period);
    t.files.push({ period: l.period, url: l.file_url, sheet: l.sheet, sha256: l.sha256, rows: n });
  }
  for (const c of cols) {
    const t = tables.get(c.table_name);
    if (!t) continue;
    const d = newByTable.get(c.table_name)?.columns.find((x) => x.name === c.column_name);
    const o = oldByTable.get(c.table_name)?.columns.find((x) => x.name === c.column_name);
    t.columns.push({
      name: c.column_name,
      type: c.data_type,
      header: d?.header ?? o?.header,
      description: d?.description ?? o?.description ?? provenanceDescription(c.column_name),
    });
  }
  const catalog: Catalog = {
    generated_at: now.toISOString(),
    tables: [...tables.values()].sort((a, b) => a.table.localeCompare(b.table)),
  };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(catalog, null, 2) + '\n');
  renameSync(tmp, path);
  return catalog;
}
