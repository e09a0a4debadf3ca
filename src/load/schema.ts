// DDL: the datawarp/staging schemas, the ledger, staging tables and their (widen-only) evolution.
import { createHash } from 'node:crypto';
import type { ColumnType } from '../model.js';
import type { Db, Tx } from './db.js';
import { assertIdent, qualified, quoteIdent } from './ident.js';
import { SQL_TYPE, joinTypes, kindOfSqlType } from './values.js';

export const META_SCHEMA = 'datawarp';
export const STAGING_SCHEMA = 'staging';
export const LEDGER = `${quoteIdent(META_SCHEMA)}."tbl_manifest_files"`;
export const TOTALS_VIEW = `${quoteIdent(META_SCHEMA)}."v_publication_totals"`;

/** Provenance columns every staging table carries, in COPY order (`_dw_loaded_at` comes from its default). */
export const PROVENANCE_COLUMNS = [
  '_dw_period',
  '_dw_file_url',
  '_dw_sha256',
  '_dw_sheet',
  '_dw_row',
] as const;

const SCHEMA_DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(META_SCHEMA)}`,
  `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(STAGING_SCHEMA)}`,
  `CREATE TABLE IF NOT EXISTS ${LEDGER} (
     pub text NOT NULL,
     source_code text NOT NULL,
     period text NOT NULL,
     file_url text NOT NULL,
     sheet text NOT NULL,
     table_name text NOT NULL,
     sha256 text NOT NULL,
     rows_loaded bigint NOT NULL DEFAULT 0,
     status text NOT NULL,
     loaded_at timestamptz NOT NULL DEFAULT now(),
     error text,
     CONSTRAINT tbl_manifest_files_key UNIQUE (pub, period, file_url, sheet, table_name)
   )`,
  `CREATE TABLE IF NOT EXISTS ${quoteIdent(META_SCHEMA)}.tbl_llm_calls (
     pub text NOT NULL,
     period text NOT NULL,
     table_id text NOT NULL,
     model text NOT NULL,
     prompt_tokens integer NOT NULL DEFAULT 0,
     completion_tokens integer NOT NULL DEFAULT 0,
     cost_usd numeric NOT NULL DEFAULT 0,
     ok boolean NOT NULL,
     called_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE OR REPLACE VIEW ${TOTALS_VIEW} AS
     SELECT pub,
            count(DISTINCT period)::bigint AS periods_loaded,
            count(DISTINCT source_code)::bigint AS sources,
            coalesce(sum(rows_loaded), 0)::bigint AS total_rows
       FROM ${LEDGER}
      WHERE status = 'loaded'
      GROUP BY pub`,
];

/** Serialise concurrent DDL on the same object (a no-op cost when there is no contention). */
export async function advisoryLock(tx: Tx, key: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

/**
 * Take the schema-change locks of several staging tables in one fixed (sorted) order, so that transactions
 * loading overlapping sets of tables cannot deadlock. Held until the transaction ends.
 */
export async function lockTables(tx: Tx, tables: string[]): Promise<void> {
  for (const t of [...new Set(tables)].sort()) await advisoryLock(tx, `datawarp:staging.${t}`);
}

/** Create schemas, ledger and view. Idempotent. */
export async function ensureSchema(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await advisoryLock(tx, 'datawarp:ensureSchema');
    for (const sql of SCHEMA_DDL) await tx.query(sql);
  });
}

export interface ExistingColumn {
  name: string;
  data_type: string;
}

export async function columnsOf(
  q: Pick<Tx, 'query'>,
  schema: string,
  table: string,
): Promise<ExistingColumn[]> {
  return q.query<ExistingColumn>(
    `SELECT column_name AS name, data_type
       FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2
      ORDER BY ordinal_position`,
    [schema, table],
  );
}

function provenanceIndexName(table: string): string {
  return `dw_prov_${createHash('sha1').update(table).digest('hex').slice(0, 16)}`;
}

/** CREATE staging.<table> if it is missing (provenance columns + an index to find one file's rows). */
export async function createStagingTable(tx: Tx, table: string): Promise<void> {
  assertIdent(table, 'table name');
  const t = qualified(STAGING_SCHEMA, table);
  await tx.query(`CREATE TABLE IF NOT EXISTS ${t} (
     "_dw_period" text NOT NULL,
     "_dw_file_url" text NOT NULL,
     "_dw_sha256" text NOT NULL,
     "_dw_sheet" text NOT NULL,
     "_dw_row" integer,
     "_dw_loaded_at" timestamptz NOT NULL DEFAULT now()
   )`);
  await tx.query(
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(provenanceIndexName(table))} ON ${t} ("_dw_file_url", "_dw_period", "_dw_sheet")`,
  );
}

function usingExpr(col: string, fromDataType: string, to: ColumnType): string {
  const c = quoteIdent(col);
  if (to === 'text' && fromDataType === 'date') return `to_char(${c}, 'YYYY-MM-DD')`;
  return `${c}::${SQL_TYPE[to]}`;
}

export interface ColumnChange {
  column: string;
  action: 'add' | 'widen';
  from?: string;
  to: string;
}

/**
 * Make staging.<table> able to take `wanted` columns: add the missing ones, widen those whose current
 * type is narrower. Never narrows. Returns the final ColumnType of every wanted column plus the changes.
 */
export async function evolveColumns(
  tx: Tx,
  table: string,
  wanted: { name: string; type: ColumnType }[],
): Promise<{ types: Map<string, ColumnType>; changes: ColumnChange[] }> {
  const t = qualified(STAGING_SCHEMA, table);
  const existing = new Map((await columnsOf(tx, STAGING_SCHEMA, table)).map((c) => [c.name, c.data_type]));
  const types = new Map<string, ColumnType>();
  const changes: ColumnChange[] = [];
  for (const { name, type } of wanted) {
    const current = existing.get(name);
    if (current === undefined) {
      await tx.query(`ALTER TABLE ${t} ADD COLUMN ${quoteIdent(name)} ${SQL_TYPE[type]}`);
      changes.push({ column: name, action: 'add', to: SQL_TYPE[type] });
      types.set(name, type);
      continue;
    }
    const final = joinTypes(kindOfSqlType(current), type);
    if (SQL_TYPE[final] !== current) {
      await tx.query(
        `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(name)} TYPE ${SQL_TYPE[final]} USING ${usingExpr(name, current, final)}`,
      );
      changes.push({ column: name, action: 'widen', from: current, to: SQL_TYPE[final] });
    }
    types.set(name, final);
  }
  return { types, changes };
}
