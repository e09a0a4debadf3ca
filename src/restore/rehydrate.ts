// The runner's database starts empty every run. What skipping, schema evolution and the catalog need is
// rebuilt from the committed catalog: staging tables with their columns and types, and the load ledger
// (which file, sheet and sha256 was loaded for which table and period, with how many rows). Idempotent, so a
// persistent database given as `database-url` is left as it is. Safe when several runs rehydrate one database at
// once: each table is created and extended under its schema-change lock (see src/load/schema.ts).
import { isStagingName } from '../ident.js';
import type { Catalog } from '../export/index.js';
import {
  ensureSchema,
  insertCatalogFile,
  isValidIdent,
  markVersionComplete,
  quoteIdent,
  type Db,
  type Tx,
} from '../load/index.js';
import { STAGING_SCHEMA, columnsOf, createStagingTable, evolveColumns, lockTables } from '../load/schema.js';
import { FLAGS_COLUMN, kindOfSqlType } from '../load/values.js';

/** Column types a catalog or Parquet file may ask for (anything else is refused as text). */
export const RESTORABLE_TYPES = new Set([
  'text',
  'bigint',
  'integer',
  'numeric',
  'double precision',
  'date',
  'boolean',
  'timestamp with time zone',
  'timestamp without time zone',
]);
/** A staging table or data column name (src/load/ident.ts decides), or one of the loader's `_dw_*` columns. */
export { isStagingName };

export interface RehydrateResult {
  tables: number;
  ledgerRows: number;
}

/**
 * Give staging.<table> at least `columns` (unknown types and `_dw_*` names are left out), creating it if
 * missing; a column it has with a narrower type is widened as the loader does (bigint -> numeric -> text).
 * Takes the table's schema-change lock first, so call it before any other lock of the transaction.
 */
export async function restoreTable(
  tx: Tx,
  table: string,
  columns: { name: string; type: string }[],
): Promise<void> {
  await lockTables(tx, [table]);
  await createStagingTable(tx, table);
  const existing = new Map((await columnsOf(tx, STAGING_SCHEMA, table)).map((c) => [c.name, c.data_type]));
  const wanted = columns.filter((c) => isValidIdent(c.name) && RESTORABLE_TYPES.has(c.type));
  for (const c of wanted.filter((x) => !existing.has(x.name)))
    await tx.query(`ALTER TABLE staging.${quoteIdent(table)} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`);
  // the row flags (symbols and annotations kept beside their values) come back with their rows
  if (columns.some((c) => c.name === FLAGS_COLUMN) && !existing.has(FLAGS_COLUMN))
    await tx.query(`ALTER TABLE staging.${quoteIdent(table)} ADD COLUMN ${quoteIdent(FLAGS_COLUMN)} jsonb`);
  const differing = wanted.filter((c) => existing.has(c.name) && existing.get(c.name) !== c.type);
  await evolveColumns(
    tx,
    table,
    differing.map((c) => ({ name: c.name, type: kindOfSqlType(c.type) })),
  );
}

export async function rehydrate(db: Db, catalog: Catalog): Promise<RehydrateResult> {
  await ensureSchema(db);
  let tables = 0;
  let ledgerRows = 0;
  for (const t of catalog.tables ?? []) {
    if (!isValidIdent(t.table)) continue;
    await db.transaction(async (tx) => {
      await restoreTable(tx, t.table, t.columns ?? []);
      for (const f of t.files ?? []) {
        const added = await insertCatalogFile(tx, {
          pub: t.publication,
          table: t.table,
          period: f.period,
          url: f.url,
          sheet: f.sheet,
          sha256: f.sha256,
          rows: f.rows,
          version: f.version ?? null,
          extractor: f.extractor ?? null,
        });
        if (added) ledgerRows++;
      }
      // the versions the files belong to stay complete, so the next revision of a period numbers on from them
      for (const [period, version] of latestVersions(t))
        await markVersionComplete(tx, { pub: t.publication, period }, version);
    });
    tables++;
  }
  return { tables, ledgerRows };
}

/** Per period of a catalog table, the highest version its files or revisions name. */
function latestVersions(t: Catalog['tables'][number]): Map<string, number> {
  const out = new Map<string, number>();
  const see = (period: string, v: number | undefined) => {
    if (v && v > (out.get(period) ?? 0)) out.set(period, v);
  };
  for (const f of t.files ?? []) see(f.period, f.version);
  for (const v of t.versions ?? []) see(v.period, v.version);
  return out;
}
