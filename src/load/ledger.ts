// Reading the load ledger (datawarp.tbl_manifest_files) and its per-publication totals.
import type { Db } from './db.js';
import { STAGING_SCHEMA, LEDGER, TOTALS_VIEW, columnsOf } from './schema.js';

export type LedgerStatus = 'loaded' | 'failed' | (string & {});

export interface LedgerRow {
  pub: string;
  source_code: string;
  period: string;
  file_url: string;
  sheet: string;
  table_name: string;
  sha256: string;
  rows_loaded: number;
  status: LedgerStatus;
  /** ISO 8601 timestamp */
  loaded_at: string;
  error: string | null;
  /** the extractor version of the loaded values (null: loaded before versions were recorded) */
  extractor: string | null;
}

export interface PublicationTotals {
  pub: string;
  /** distinct periods with at least one loaded table */
  periods: number;
  /** distinct source codes (staging tables) loaded */
  sources: number;
  rows: number;
}

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

export async function ledgerRows(
  db: Db,
  filter: { pub?: string; period?: string } = {},
): Promise<LedgerRow[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status, loaded_at, error,
            extractor
       FROM ${LEDGER}
      WHERE ($1::text IS NULL OR pub = $1) AND ($2::text IS NULL OR period = $2)
      ORDER BY pub, period, file_url, sheet, table_name`,
    [filter.pub ?? null, filter.period ?? null],
  );
  return rows.map((r) => ({
    pub: String(r.pub),
    source_code: String(r.source_code),
    period: String(r.period),
    file_url: String(r.file_url),
    sheet: String(r.sheet),
    table_name: String(r.table_name),
    sha256: String(r.sha256),
    rows_loaded: Number(r.rows_loaded),
    status: String(r.status),
    loaded_at: iso(r.loaded_at),
    error: r.error == null ? null : String(r.error),
    extractor: r.extractor == null ? null : String(r.extractor),
  }));
}

export async function ledgerTotals(db: Db): Promise<PublicationTotals[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT pub, periods_loaded, sources, total_rows FROM ${TOTALS_VIEW} ORDER BY pub`,
  );
  return rows.map((r) => ({
    pub: String(r.pub),
    periods: Number(r.periods_loaded),
    sources: Number(r.sources),
    rows: Number(r.total_rows),
  }));
}

/** Columns of a table in schema `staging` (or `schema.table`), in table order. */
export async function tableColumns(db: Db, table: string): Promise<{ name: string; data_type: string }[]> {
  const dot = table.indexOf('.');
  const schema = dot >= 0 ? table.slice(0, dot) : STAGING_SCHEMA;
  const name = dot >= 0 ? table.slice(dot + 1) : table;
  return columnsOf(db, schema.replace(/"/g, ''), name.replace(/"/g, ''));
}
