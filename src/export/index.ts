// Public entry of the export stage: Parquet per table and period, and the catalog. A period's Parquet always
// equals the table's rows of that period: written from the rows while they load when the whole period loaded in
// this run (see tap.ts), else streamed back out of the database in row groups, never sorted.
import { rmSync } from 'node:fs';
import { isValidIdent } from '../ident.js';
import { loadedPartsOf, type Db } from '../load/index.js';
import { ParquetFile, parquetPath, type DbColumn, type ExportTable } from './parquet.js';
import { selectExpr, streamRows } from './rows.js';
import type { ParquetTap } from './tap-thread.js';
import { faultPoint } from '../faults.js';

export type { ExportColumn, ExportTable } from './parquet.js';
export { provenanceDescription } from './parquet.js';
export { parquetDir, parquetPath, versionedParquetPath } from './parquet-layout.js';
export { ParquetTap } from './tap-thread.js';
export { appendCatalogJournal, catalogJournalPath } from './catalog-journal.js';
export { catalogWrites, flushCatalog, readCatalog, writeCatalog, writeCatalogFile } from './catalog.js';
export { parseCatalog, serializeCatalog } from './catalog-format.js';
export type { Catalog, CatalogAsset, CatalogReconciliation, CatalogTable } from './catalog-format.js';

export interface ExportedFile {
  table: string;
  period: string;
  path: string;
  rows: number;
  /** written from the rows as they loaded (no second read of the database) */
  tapped?: boolean;
  /** an earlier version of the period kept beside the current one (<period>__v<n>.parquet) */
  version?: number;
}

/** rows per Parquet row group (and per cursor fetch) */
export const ROW_GROUP = 32_768;

/** Write output/parquet/<table>/<period>.parquet for every table given, from the rows of that period. */
export async function exportPeriod(
  db: Db,
  opts: { outDir: string; period: string; tables: ExportTable[]; tap?: ParquetTap },
): Promise<ExportedFile[]> {
  const out: ExportedFile[] = [];
  for (const t of opts.tables) {
    await faultPoint('export');
    if (!isValidIdent(t.tableName))
      throw new Error(`refusing to export table "${t.tableName}": not a legal identifier`);
    // the source files from the ledger (a scan of the period's rows would cost seconds on a big table)
    const loaded = (await loadedPartsOf(db, t.tableName, opts.period)).map((p) => ({
      f: p.file_url,
      s: p.sheet,
      sha: p.sha256,
    }));
    if (!loaded.length) {
      // no current rows of the period (a new version dropped the table): no Parquet says otherwise
      rmSync(parquetPath(opts.outDir, t.tableName, opts.period), { force: true });
      continue;
    }
    const files = [...new Set(loaded.map((r) => r.f))];
    const tapped = await opts.tap?.finish(
      t,
      loaded.map((r) => [r.f, r.s]),
      files,
    );
    if (tapped) {
      out.push({
        table: t.tableName,
        period: opts.period,
        path: tapped.path,
        rows: tapped.rows,
        tapped: true,
      });
      continue;
    }
    const done = await streamBack(db, opts.outDir, opts.period, t, loaded);
    if (done) out.push(done);
  }
  return out;
}

/** Columns constant within one (file, sheet) part of a period: filled here rather than read back per row. */
const CONSTANT = ['_dw_period', '_dw_file_url', '_dw_sha256', '_dw_sheet'];

async function streamBack(
  db: Db,
  outDir: string,
  period: string,
  t: ExportTable,
  parts: { f: string; s: string; sha: string }[],
): Promise<ExportedFile | undefined> {
  const cols = await db.query<DbColumn>(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'staging' AND table_name = $1 ORDER BY ordinal_position`,
    [t.tableName],
  );
  if (!cols.length || !parts.length) return undefined;
  const file = new ParquetFile(outDir, t.tableName, period, cols);
  const read = file.columns.filter((c) => !CONSTANT.includes(c.name));
  const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
  try {
    // part by part (the provenance index finds each), in load order within a part; never a sort
    for (const p of parts) {
      // a Map, never an object keyed by column name: `'constructor' in {}` is true
      const fixed = new Map<string, string>([
        ['_dw_period', period],
        ['_dw_file_url', p.f],
        ['_dw_sha256', p.sha],
        ['_dw_sheet', p.s],
      ]);
      const sql = `SELECT ${read.map(selectExpr).join(', ')} FROM staging."${t.tableName}"
        WHERE "_dw_file_url" = ${lit(p.f)} AND "_dw_period" = ${lit(period)} AND "_dw_sheet" = ${lit(p.s)}`;
      await streamRows(db, sql, read, ROW_GROUP, (rows) => {
        const n = rows[0]?.length ?? 0;
        let k = 0;
        return file.write(
          file.columns.map((c) => (fixed.has(c.name) ? new Array(n).fill(fixed.get(c.name)) : rows[k++])),
        );
      });
    }
    if (file.rows === 0) {
      // nothing of the period is in this database (an emptied service container): keep any Parquet there is
      file.abort();
      return undefined;
    }
    file.finish(t, [...new Set(parts.map((p) => p.f))]);
  } catch (e) {
    file.abort();
    throw e;
  }
  return { table: t.tableName, period, path: file.path, rows: file.rows };
}
