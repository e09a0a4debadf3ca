// DDL: the datawarp/staging schemas, the ledger, staging tables and their (widen-only) evolution, and the
// locks that keep all of it safe when several runs share one database.
import { createHash } from 'node:crypto';
import type { ColumnType } from '../model.js';
import type { Db, Tx } from './db.js';
import { assertIdent, qualified, quoteIdent } from './ident.js';
import { SQL_TYPE, joinTypes, kindOfSqlType } from './values.js';

export const META_SCHEMA = 'datawarp';
export const STAGING_SCHEMA = 'staging';
/** DataWarp's own objects in META_SCHEMA that readers may query (the MCP server's role among them) */
export const META_OBJECTS = {
  /** the load ledger: one row per (file, sheet, table, bytes) loaded */
  ledger: 'tbl_manifest_files',
  /** one row per version of an item (pub, period): when, which files, the diff against the version before */
  versions: 'tbl_item_versions',
  /** rows, periods and sources per publication */
  totals: 'v_publication_totals',
} as const;
export const LEDGER = `${quoteIdent(META_SCHEMA)}.${quoteIdent(META_OBJECTS.ledger)}`;
export const TOTALS_VIEW = `${quoteIdent(META_SCHEMA)}.${quoteIdent(META_OBJECTS.totals)}`;
export const HISTORY_SCHEMA = 'history';
export const VERSIONS = `${quoteIdent(META_SCHEMA)}.${quoteIdent(META_OBJECTS.versions)}`;

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
     version integer,
     superseded_in integer,
     superseded_at timestamptz,
     CONSTRAINT tbl_manifest_files_key UNIQUE (pub, period, file_url, sheet, table_name, sha256)
   )`,
  `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(HISTORY_SCHEMA)}`,
  `CREATE TABLE IF NOT EXISTS ${VERSIONS} (
     pub text NOT NULL,
     period text NOT NULL,
     version integer NOT NULL,
     loaded_at timestamptz NOT NULL DEFAULT now(),
     reason text,
     files text NOT NULL DEFAULT '[]',
     rows_added bigint NOT NULL DEFAULT 0,
     rows_removed bigint NOT NULL DEFAULT 0,
     rows_changed bigint NOT NULL DEFAULT 0,
     cells_changed bigint NOT NULL DEFAULT 0,
     diff text NOT NULL DEFAULT '[]',
     PRIMARY KEY (pub, period, version)
   )`,
  // the extractor version that produced the loaded values (NULL: before versions were recorded)
  `ALTER TABLE ${LEDGER} ADD COLUMN IF NOT EXISTS extractor text`,
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

// ---- Schema-change locks: the one place that decides how concurrent runs change the schema ------------------
// `CREATE ... IF NOT EXISTS` checks the catalog and then inserts, so two runs creating the same table at once
// both insert and one fails on a catalog unique index (pg_type_typname_nsp_index); an ADD COLUMN or widening
// decided from an information_schema read that another run is about to change fails the same way. So every
// schema change runs in a transaction that FIRST takes transaction-scoped advisory locks on what it changes:
//   datawarp:ensureSchema       the datawarp/staging schemas, the ledger, tbl_llm_calls, the totals view
//   datawarp:staging.<table>    one staging table: create, add column, widen type, set/drop defaults, and
//                               the reads those decisions rest on (loader, rehydrate, restore); also its
//                               history.<table> (rows of superseded versions, src/load/history.ts)
// A transaction takes all its locks in one call, in sorted order, so transactions wanting overlapping sets
// of tables cannot wait on each other in a cycle (no deadlock, however many runs). PostgreSQL releases them
// at COMMIT or ROLLBACK. A hashtext collision only adds serialisation. The key strings must not change: runs
// of older and newer versions against one database have to agree on them.

const SCHEMA_LOCK = 'datawarp:ensureSchema';
const tableLock = (table: string) => `datawarp:staging.${table}`;

/** lock keys each open transaction holds, in the order taken (always ascending) */
const held = new WeakMap<Tx, string[]>();

/**
 * Take advisory locks on `keys` in sorted order, held until the transaction ends. Refuses a key that sorts
 * before one the transaction already holds: all locks of a transaction must be asked for at once.
 */
export async function lockKeys(tx: Tx, keys: string[]): Promise<void> {
  const taken = held.get(tx) ?? [];
  const fresh = [...new Set(keys)].filter((k) => !taken.includes(k)).sort();
  const last = taken.at(-1);
  if (last !== undefined && fresh.length > 0 && fresh[0] < last)
    throw new Error(`lock ${fresh[0]} asked for after ${last}: take every lock of a transaction at once`);
  held.set(tx, taken);
  for (const k of fresh) {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [k]);
    taken.push(k);
  }
}

/** Lock the staging tables a transaction will create or change (all of them, in one call, up front). */
export async function lockTables(tx: Tx, tables: string[]): Promise<void> {
  await lockKeys(tx, tables.map(tableLock));
}

export function assertLocked(tx: Tx, table: string): void {
  if (!held.get(tx)?.includes(tableLock(table)))
    throw new Error(`schema change of staging.${table} without its lock: call lockTables first`);
}

/** Create schemas, ledger and view. Idempotent. */
export async function ensureSchema(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await lockKeys(tx, [SCHEMA_LOCK]);
    for (const sql of SCHEMA_DDL) await tx.query(sql);
    await migrateLedger(tx);
  });
}

/**
 * A ledger made before versions: add the version columns, and give the key the sha256 (so a file's replaced
 * bytes and its new ones are both recorded). Looked up first, so an up-to-date ledger is never ALTERed (an
 * ALTER waits for every open load of another run). At most one row per source is `loaded`.
 */
async function migrateLedger(tx: Tx): Promise<void> {
  const have = new Set((await columnsOf(tx, META_SCHEMA, 'tbl_manifest_files')).map((c) => c.name as string));
  const add = (['version integer', 'superseded_in integer', 'superseded_at timestamptz'] as const).filter(
    (c) => !have.has(c.split(' ')[0]),
  );
  if (add.length) await tx.query(`ALTER TABLE ${LEDGER} ${add.map((c) => `ADD COLUMN ${c}`).join(', ')}`);
  const [key] = await tx.query<{ def: string }>(
    `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
      WHERE c.conname = 'tbl_manifest_files_key' AND c.conrelid = '${META_SCHEMA}.tbl_manifest_files'::regclass`,
  );
  if (!key || !/sha256/.test(key.def))
    await tx.query(
      `ALTER TABLE ${LEDGER} ${key ? 'DROP CONSTRAINT tbl_manifest_files_key, ' : ''}
         ADD CONSTRAINT tbl_manifest_files_key UNIQUE (${LEDGER_KEY.join(', ')})`,
    );
  const [idx] = await tx.query(
    `SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'tbl_manifest_files_current'`,
    [META_SCHEMA],
  );
  if (!idx)
    await tx.query(
      `CREATE UNIQUE INDEX tbl_manifest_files_current ON ${LEDGER} (pub, period, file_url, sheet, table_name)
        WHERE status = 'loaded'`,
    );
}

/** The ledger's unique key (ON CONFLICT targets name these columns). */
export const LEDGER_KEY = ['pub', 'period', 'file_url', 'sheet', 'table_name', 'sha256'] as const;

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

/**
 * CREATE staging.<table> if it is missing (provenance columns + an index to find one file's rows).
 * The transaction must hold the table's lock (lockTables).
 */
export async function createStagingTable(tx: Tx, table: string): Promise<void> {
  assertIdent(table, 'table name');
  assertLocked(tx, table);
  const t = qualified(STAGING_SCHEMA, table);
  await tx.query(`CREATE TABLE IF NOT EXISTS ${t} (
     "_dw_period" text NOT NULL,
     "_dw_file_url" text NOT NULL,
     "_dw_sha256" text NOT NULL,
     "_dw_sheet" text NOT NULL,
     "_dw_row" integer,
     "_dw_loaded_at" timestamptz NOT NULL DEFAULT now(),
     "_dw_row_kind" text
   )`);
  // detail / total / subtotal (src/load/row-kind.ts); rows of a table made before it hold NULL
  const [kind] = await tx.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`,
    [STAGING_SCHEMA, table, '_dw_row_kind'],
  );
  if (!kind) await tx.query(`ALTER TABLE ${t} ADD COLUMN "_dw_row_kind" text`);
  await tx.query(
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(provenanceIndexName(table))} ON ${t} ("_dw_file_url", "_dw_period", "_dw_sheet")`,
  );
}

export function usingExpr(col: string, fromDataType: string, to: ColumnType): string {
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
 * The transaction must hold the table's lock (lockTables), taken before the columns are read.
 */
export async function evolveColumns(
  tx: Tx,
  table: string,
  wanted: { name: string; type: ColumnType }[],
): Promise<{ types: Map<string, ColumnType>; changes: ColumnChange[] }> {
  assertLocked(tx, table);
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
