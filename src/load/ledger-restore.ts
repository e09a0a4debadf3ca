// Ledger rows written back when a database is rebuilt from what was published (src/restore): from the committed
// catalog (rehydrate) or from released Parquet files (restore). The loader's own ledger writes are in loader.ts.
import type { Tx } from './db.js';
import { LEDGER, VERSIONS } from './schema.js';

type Query = Pick<Tx, 'query'>;

/** A loaded file of a catalog table, as the catalog recorded it. */
export interface CatalogLedgerFile {
  pub: string;
  table: string;
  period: string;
  url: string;
  sheet: string;
  sha256: string;
  rows: number;
  version: number | null;
  extractor: string | null;
}

/** Record a catalog's loaded file in the ledger unless it is there. Returns whether a row was added. */
export async function insertCatalogFile(tx: Query, f: CatalogLedgerFile): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO ${LEDGER}
       (pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status, version, extractor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'loaded', $9, $10)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [f.pub, f.table, f.period, f.url, f.sheet, f.table, f.sha256, f.rows, f.version, f.extractor],
  );
  return r.length > 0;
}

/** Record that version `version` of an item is complete (files and diff unknown), unless it is recorded. */
export async function markVersionComplete(
  tx: Query,
  item: { pub: string; period: string },
  version: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${VERSIONS} (pub, period, version) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [item.pub, item.period, version],
  );
}

/** A (file, sheet, bytes) of a table's period restored from a Parquet file, with the rows it held. */
export interface RestoredSource {
  pub: string;
  table: string;
  period: string;
  url: string;
  sheet: string;
  sha256: string;
  rows: number;
}

/**
 * The ledger says what a restored Parquet file holds: other bytes of the same source recorded as loaded give way
 * (superseded), and the source is recorded loaded with the rows the file held.
 */
export async function recordRestoredSource(tx: Query, s: RestoredSource): Promise<void> {
  await tx.query(
    `UPDATE ${LEDGER} SET status = 'superseded', superseded_at = now()
      WHERE pub = $1 AND period = $3 AND file_url = $4 AND sheet = $5 AND table_name = $2 AND sha256 <> $6
        AND status = 'loaded'`,
    [s.pub, s.table, s.period, s.url, s.sheet, s.sha256],
  );
  await tx.query(
    `INSERT INTO ${LEDGER} (pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status)
     VALUES ($1, $2, $3, $4, $5, $2, $6, $7, 'loaded')
     ON CONFLICT (pub, period, file_url, sheet, table_name, sha256) DO UPDATE SET rows_loaded = EXCLUDED.rows_loaded, status = 'loaded'`,
    [s.pub, s.table, s.period, s.url, s.sheet, s.sha256, s.rows],
  );
}
