// Named questions to the load ledger (datawarp.tbl_manifest_files) that the later stages ask: the ledger's SQL
// lives in src/load only (test/house.test.ts keeps it so). Every query here reads; rows count `loaded` ledger
// rows (the current version) unless a name says otherwise.
import type { Db } from './db.js';
import { LEDGER } from './schema.js';

type Query = Pick<Db, 'query'>;

/** A (file, sheet, bytes) of a table's period as the ledger has it loaded. */
export interface LoadedPart {
  file_url: string;
  sheet: string;
  sha256: string;
}

/** A ledger row of a loaded file, as the catalog lists it. */
export interface LoadedFileRow extends LoadedPart {
  pub: string;
  table_name: string;
  period: string;
  rows_loaded: number;
  /** the version that loaded it (null: loaded before versions were recorded) */
  version: number | null;
  /** the extractor version of its values (null: loaded before versions were recorded) */
  extractor: string | null;
}

/** Whether an item (pub, period) has any file loaded now. */
export async function hasLoadedFiles(db: Query, item: { pub: string; period: string }): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM ${LEDGER} WHERE pub = $1 AND period = $2 AND status = 'loaded' LIMIT 1`,
    [item.pub, item.period],
  );
  return rows.length > 0;
}

/** The periods a table has loaded files of, `except` one, in order. */
export async function loadedPeriodsOf(db: Query, table: string, except: string): Promise<string[]> {
  const rows = await db.query<{ period: string }>(
    `SELECT DISTINCT period FROM ${LEDGER}
      WHERE table_name = $1 AND status = 'loaded' AND period <> $2 ORDER BY 1`,
    [table, except],
  );
  return rows.map((r) => r.period);
}

/** The (table, file, bytes) an item has loaded now, each once. */
export async function loadedSourcesOf(
  db: Query,
  item: { pub: string; period: string },
): Promise<{ table_name: string; file_url: string; sha256: string }[]> {
  return db.query<{ table_name: string; file_url: string; sha256: string }>(
    `SELECT DISTINCT table_name, file_url, sha256 FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND status = 'loaded'`,
    [item.pub, item.period],
  );
}

/** Every table with at least one loaded file. */
export async function loadedTableNames(db: Query): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(
    `SELECT DISTINCT table_name FROM ${LEDGER} WHERE status = 'loaded'`,
  );
  return rows.map((r) => r.table_name);
}

/** The loaded files of the named tables, by table, period, file and sheet. */
export async function loadedFilesOf(db: Query, tables: string[]): Promise<LoadedFileRow[]> {
  if (!tables.length) return [];
  const rows = await db.query<Omit<LoadedFileRow, 'rows_loaded'> & { rows_loaded: string | number }>(
    `SELECT pub, table_name, period, file_url, sheet, sha256, rows_loaded, version, extractor FROM ${LEDGER}
      WHERE status = 'loaded' AND table_name = ANY(string_to_array($1, ','))
      ORDER BY table_name, period, file_url, sheet`,
    [tables.join(',')], // table names are identifiers (no commas)
  );
  return rows.map((r) => ({ ...r, rows_loaded: Number(r.rows_loaded) }));
}

/** The loaded (file, sheet, bytes) parts of a table's period, by file and sheet. */
export async function loadedPartsOf(db: Query, table: string, period: string): Promise<LoadedPart[]> {
  return db.query<LoadedPart>(
    `SELECT file_url, sheet, sha256 FROM ${LEDGER}
      WHERE table_name = $1 AND period = $2 AND status = 'loaded' ORDER BY 1, 2`,
    [table, period],
  );
}

/** Rows the ledger records loaded for a table's period. */
export async function loadedRowCount(db: Query, table: string, period: string): Promise<number> {
  const r = await db.query<{ n: string | null }>(
    `SELECT sum(rows_loaded)::text AS n FROM ${LEDGER} WHERE table_name = $1 AND period = $2 AND status = 'loaded'`,
    [table, period],
  );
  return Number(r[0]?.n ?? 0);
}

/** One ledger row in short: the part the MCP server's workspace reads. */
export interface LedgerEntry {
  pub: string;
  table_name: string;
  period: string;
  rows_loaded: number;
  status: string;
}

/** Every ledger row in short, whatever its status. */
export async function ledgerEntries(db: Query): Promise<LedgerEntry[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT pub, table_name, period, rows_loaded, status FROM ${LEDGER}`,
  );
  return rows.map((r) => ({
    pub: String(r.pub),
    table_name: String(r.table_name),
    period: String(r.period),
    rows_loaded: Number(r.rows_loaded),
    status: String(r.status),
  }));
}
