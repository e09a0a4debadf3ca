// The runner's database starts empty every run. What skipping, schema evolution and the catalog need is
// rebuilt from the committed catalog: staging tables with their columns and types, and the load ledger
// (which file, sheet and sha256 was loaded for which table and period, with how many rows). Idempotent, so a
// persistent database given as `database-url` is left as it is.
import type { Catalog } from '../export/index.js';
import { ensureSchema, quoteIdent, type Db } from '../load/index.js';
import { createStagingTable } from '../load/schema.js';

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
/** staging identifiers, provenance `_dw_*` included */
export const STAGING_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export interface RehydrateResult {
  tables: number;
  ledgerRows: number;
}

export async function rehydrate(db: Db, catalog: Catalog): Promise<RehydrateResult> {
  await ensureSchema(db);
  let tables = 0;
  let ledgerRows = 0;
  for (const t of catalog.tables ?? []) {
    if (!STAGING_IDENT.test(t.table)) continue;
    await db.transaction(async (tx) => {
      await createStagingTable(tx, t.table);
      for (const c of t.columns ?? []) {
        if (!STAGING_IDENT.test(c.name) || c.name.startsWith('_dw_') || !RESTORABLE_TYPES.has(c.type))
          continue;
        await tx.query(
          `ALTER TABLE staging.${quoteIdent(t.table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}`,
        );
      }
      for (const f of t.files ?? []) {
        const r = await tx.query(
          `INSERT INTO datawarp.tbl_manifest_files
             (pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'loaded')
           ON CONFLICT (pub, period, file_url, sheet, table_name) DO NOTHING RETURNING 1`,
          [t.publication, t.table, f.period, f.url, f.sheet, t.table, f.sha256, f.rows],
        );
        ledgerRows += r.length;
      }
    });
    tables++;
  }
  return { tables, ledgerRows };
}
