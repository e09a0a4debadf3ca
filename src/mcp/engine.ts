// The read-only query engine behind `datawarp mcp`: one interface over PostgreSQL (a SELECT-only login role)
// and PGlite (a worker thread on a snapshot of the data folder), and the statement runner both share.
import { HISTORY_SCHEMA, META_OBJECTS, META_SCHEMA, STAGING_SCHEMA } from '../load/index.js';

export interface QueryLimits {
  /** rows returned at most (the rest are not fetched) */
  maxRows: number;
  /** bytes of the rows as JSON at most */
  maxBytes: number;
  /** statement timeout in milliseconds */
  timeoutMs: number;
}

export interface QueryOutput {
  columns: string[];
  rows: unknown[][];
  /** why the rows stop short of the result: max_rows or max_bytes; null when every row came back */
  cut: 'max_rows' | 'max_bytes' | null;
}

export interface ReadEngine {
  readonly kind: 'pg' | 'pglite';
  /** one statement in its own READ ONLY transaction, always rolled back */
  run(sql: string, params: unknown[], limits: QueryLimits): Promise<QueryOutput>;
  /** a sentence about what the engine reads (for the server's instructions and errors) */
  describe(): string;
  close(): Promise<void>;
}

/** A query that failed: SQLSTATE (or a DataWarp code) and the database's message. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export const LOCK_TIMEOUT_MS = 2_000;
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The role queries run as, and the objects it may read (schemas whole, three DataWarp objects by name). */
export const READER_ROLE = 'datawarp_mcp_reader';
export const READABLE_SCHEMAS = [STAGING_SCHEMA, HISTORY_SCHEMA];
export const READABLE_OBJECTS = [META_OBJECTS.ledger, META_OBJECTS.versions, META_OBJECTS.totals].map(
  (o) => `"${META_SCHEMA}"."${o}"`,
);

/** A readable DataWarp object as users write it (`datawarp.<object>`), for tool texts. */
export function metaName(o: keyof typeof META_OBJECTS): string {
  return `${META_SCHEMA}.${META_OBJECTS[o]}`;
}

/** GRANTs that give `role` SELECT on the readable objects and nothing else (run by the owner of the tables). */
export function grantSql(role: string): string[] {
  const r = `"${role}"`;
  const schemas = [...READABLE_SCHEMAS, META_SCHEMA].map((s) => `"${s}"`).join(', ');
  const data = READABLE_SCHEMAS.map((s) => `"${s}"`).join(', ');
  return [
    `GRANT USAGE ON SCHEMA ${schemas} TO ${r}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA ${data} TO ${r}`,
    `GRANT SELECT ON ${READABLE_OBJECTS.join(', ')} TO ${r}`,
    // tables a later backfill creates are readable too
    `ALTER DEFAULT PRIVILEGES IN SCHEMA ${data} GRANT SELECT ON TABLES TO ${r}`,
  ];
}

/** One connection (or PGlite handle) inside a transaction: a statement by the extended protocol, rows as arrays. */
export interface SqlSession {
  exec(sql: string, params?: unknown[]): Promise<{ fields: string[]; rows: unknown[][] }>;
}

const CURSOR = 'datawarp_mcp_cursor';
const BATCH = 200;

/** A value as JSON can carry it: dates as ISO text, big integers as numbers when exact, bytes as hex. */
export function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return v.map(jsonValue);
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/**
 * Run the caller's statement in an open READ ONLY transaction: a query is declared as a cursor and fetched in
 * batches until `maxRows` or `maxBytes` (nothing more is read from the database); any other statement is run
 * as it is, so the database itself refuses what a read-only transaction or the role may not do. The caller
 * rolls the transaction back.
 */
export async function runStatement(s: SqlSession, sql: string, limits: QueryLimits): Promise<QueryOutput> {
  await s.exec(`SAVEPOINT datawarp_mcp`);
  let declared = true;
  const prefix = `DECLARE ${CURSOR} NO SCROLL CURSOR FOR `;
  try {
    // extended protocol: one statement only (a second one is refused by the server's parser)
    await s.exec(`${prefix}${sql}\n`);
  } catch (e) {
    const err = e as { code?: string; position?: string | number };
    if (err.code !== '42601') {
      // positions count from the caller's SQL, not from DECLARE
      if (Number(err.position) > prefix.length) err.position = String(Number(err.position) - prefix.length);
      throw e;
    }
    declared = false; // not a query (or a syntax error): run it as written, below
    await s.exec(`ROLLBACK TO SAVEPOINT datawarp_mcp`);
  }
  if (!declared) {
    const r = await s.exec(sql);
    const acc = new Rows(r.fields, limits);
    for (const row of r.rows) if (!acc.add(row)) break;
    return acc.output();
  }
  let acc: Rows | undefined;
  for (;;) {
    const want = Math.min(BATCH, limits.maxRows + 1 - (acc?.rows.length ?? 0));
    const r = await s.exec(`FETCH FORWARD ${want} FROM ${CURSOR}`);
    acc ??= new Rows(r.fields, limits);
    for (const row of r.rows) if (!acc.add(row)) return acc.output();
    if (r.rows.length < want) return acc.output();
  }
}

/** Rows kept until `maxRows` or `maxBytes` (as JSON) would be passed; then `cut` says which. */
class Rows {
  readonly rows: unknown[][] = [];
  private bytes = 0;
  private cut: QueryOutput['cut'] = null;
  constructor(
    private readonly columns: string[],
    private readonly limits: QueryLimits,
  ) {}

  add(row: unknown[]): boolean {
    if (this.rows.length >= this.limits.maxRows) this.cut = 'max_rows';
    else {
      const v = row.map(jsonValue);
      this.bytes += JSON.stringify(v).length;
      if (this.bytes > this.limits.maxBytes) this.cut = 'max_bytes';
      else this.rows.push(v);
    }
    return this.cut === null;
  }

  output(): QueryOutput {
    return { columns: this.columns, rows: this.rows, cut: this.cut };
  }
}

/** Statement-level settings of the transaction: `timeoutMs` for the statement, locks wait at most 2 s. */
export function transactionSettings(timeoutMs: number): string[] {
  return [
    `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`,
    `SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`,
    `SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1, Math.floor(timeoutMs)) + 5_000}`,
  ];
}
