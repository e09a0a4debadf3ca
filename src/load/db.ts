// The one database interface the loader (and the rest of the app) talks to. Two engines sit behind it:
// a real PostgreSQL server (node-postgres + pg-copy-streams) or an embedded PGlite data directory.
import type { CsvFileFormat } from './csv-file.js';

export type DbKind = 'pg' | 'pglite';

export interface Tx {
  query<R = any>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * COPY CSV text (no header, NULL = unquoted empty) into `table` (already quoted, e.g. `"staging"."x"`).
   * `columns` are unquoted names (validated + quoted here). Returns the number of rows copied.
   */
  copyCsv(
    table: string,
    columns: string[],
    chunks: AsyncIterable<string> | Iterable<string>,
  ): Promise<number>;
  /**
   * COPY a CSV file's own bytes (`format` says how it is written) into `columns` of `table`; the table's other
   * columns take their defaults, an empty field is NULL. Returns the rows copied.
   */
  copyFile(
    table: string,
    columns: string[],
    format: CsvFileFormat,
    data: AsyncIterable<Uint8Array>,
  ): Promise<number>;
  /** Run a whole `COPY ... TO STDOUT` statement; its output as a stream (server only). */
  copyOut?(sql: string): AsyncIterable<Buffer>;
}

export interface Db {
  readonly kind: DbKind;
  /** where the database is, for messages: host:port/database of a server (never its credentials) */
  readonly target?: string;
  query<R = any>(sql: string, params?: unknown[]): Promise<R[]>;
  /** BEGIN; fn; COMMIT — or ROLLBACK and rethrow when fn throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres://... — when set, the real server is used. */
  databaseUrl?: string;
  /** PGlite data directory used when databaseUrl is unset (default `.datawarp/pglite`). */
  dataDir?: string;
}

export const DEFAULT_PGLITE_DIR = '.datawarp/pglite';

/** The database server could not be reached (or refused us). The CLI maps this to exit code 2. */
export class DbUnavailableError extends Error {
  readonly target: string;
  readonly reason: string;
  constructor(target: string, reason: string, options?: { cause?: unknown }) {
    super(`PostgreSQL at ${target} is unavailable: ${reason}`, options);
    this.name = 'DbUnavailableError';
    this.target = target;
    this.reason = reason;
  }
}

/** The run stops: the database (`target`, host:port/database) went away while `item` was in progress. */
export function lostDuring(target: string | undefined, item: string, err: unknown): DbUnavailableError {
  let inner: unknown = err;
  while (inner && !(inner instanceof DbUnavailableError)) inner = (inner as { cause?: unknown }).cause;
  const why = inner instanceof DbUnavailableError ? inner.reason : ((err as Error)?.message ?? String(err));
  return new DbUnavailableError(
    target ?? 'DATABASE_URL',
    `lost the connection while processing ${item} (it stays pending; run again once the database is back): ` +
      why.replace(/postgres(ql)?:\/\/[^@\s]*@/gi, 'postgres://***@'),
    { cause: err },
  );
}

/** SQLSTATEs and socket errors that mean the connection to the server is gone (not a fault of the data). */
const LOST = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
]);

/** The database went away under a running load: the run stops (exit 2); the item stays pending. */
export function lostConnection(err: unknown): boolean {
  for (
    let e = err as { code?: string; message?: string; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e instanceof DbUnavailableError) return true;
    // a network error of an HTTP request (a release page, a download) is the item's, not the database's
    if ((e as Error).name === 'HttpError') return false;
    if (e.code && LOST.has(e.code)) return true;
    if (
      /Connection terminated|terminating connection|server closed the connection|write EPIPE/i.test(
        e.message ?? '',
      )
    )
      return true;
  }
  return false;
}
