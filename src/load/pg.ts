// PostgreSQL server adapter: a pg Pool; COPY streamed through pg-copy-streams.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { DbUnavailableError, type Db, type Tx } from './db.js';
import { quoteIdent } from './ident.js';
import { copyFileOptions, type CsvFileFormat } from './csv-file.js';

/** host:port/database of a connection string, never the credentials. */
export function describeTarget(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    const socketHost = u.searchParams.get('host');
    const host = u.hostname || socketHost || 'localhost';
    const port = u.port || u.searchParams.get('port') || '5432';
    const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
    return `${host}:${port}${db ? `/${db}` : ''}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT', // unix socket missing
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification
  '3D000', // invalid_catalog_name (database does not exist)
]);

function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  return /timeout expired|Connection terminated|connect ECONN|getaddrinfo/i.test(e.message ?? '');
}

function reasonOf(err: unknown, databaseUrl: string): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  let msg =
    e?.message ||
    (Array.isArray(e?.errors) ? e.errors.map((x) => (x as Error).message).join('; ') : '') ||
    String(err);
  // Belt and braces: never echo a password that may appear inside a driver message.
  try {
    const pw = new URL(databaseUrl).password;
    if (pw) msg = msg.split(decodeURIComponent(pw)).join('***').split(pw).join('***');
  } catch {
    /* not a URL */
  }
  return e?.code && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}

async function connect(pool: pg.Pool, databaseUrl: string, target: string): Promise<pg.PoolClient> {
  try {
    const client = await pool.connect();
    // a connection lost mid-query surfaces as that query's error; the client's own 'error' event must not
    // crash the process (Unhandled 'error' event ... EPIPE)
    if (!client.listenerCount('error')) client.on('error', () => {});
    return client;
  } catch (err) {
    if (isConnectionError(err))
      throw new DbUnavailableError(target, reasonOf(err, databaseUrl), { cause: err });
    throw err;
  }
}

class PgTx implements Tx {
  constructor(private readonly client: pg.PoolClient) {}

  async query<R = any>(sql: string, params?: unknown[]): Promise<R[]> {
    const res = await this.client.query(sql, params as any[] | undefined);
    return (res.rows ?? []) as R[];
  }

  async copyCsv(
    table: string,
    columns: string[],
    chunks: AsyncIterable<string> | Iterable<string>,
  ): Promise<number> {
    const cols = columns.map(quoteIdent).join(', ');
    const stream = this.client.query(
      copyStreams.from(`COPY ${table} (${cols}) FROM STDIN WITH (FORMAT csv)`),
    );
    // pipeline() honours the socket's backpressure and, if the chunk source throws, destroys the COPY
    // stream, which sends CopyFail so the server aborts the COPY (the caller then rolls back).
    await pipeline(Readable.from(chunks, { objectMode: false }), stream);
    return stream.rowCount;
  }

  async copyFile(
    table: string,
    columns: string[],
    format: CsvFileFormat,
    data: AsyncIterable<Uint8Array>,
  ): Promise<number> {
    const cols = columns.map(quoteIdent).join(', ');
    const sql = `COPY ${table} (${cols}) FROM STDIN WITH (${copyFileOptions(columns, format)})`;
    const stream = this.client.query(copyStreams.from(sql));
    await pipeline(Readable.from(data, { objectMode: false }), stream);
    return stream.rowCount;
  }

  async *copyOut(sql: string): AsyncIterable<Buffer> {
    const stream = this.client.query(copyStreams.to(sql));
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } finally {
      stream.destroy();
    }
  }
}

export async function openPg(databaseUrl: string): Promise<Db> {
  const target = describeTarget(databaseUrl);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    connectionTimeoutMillis: 15_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});

  // Fail fast (and clearly) when the server is not there.
  const probe = await connect(pool, databaseUrl, target);
  probe.release();

  let closed = false;
  return {
    kind: 'pg',
    target,
    async query<R = any>(sql: string, params?: unknown[]): Promise<R[]> {
      const client = await connect(pool, databaseUrl, target);
      let broken: Error | undefined;
      try {
        const res = await client.query(sql, params as any[] | undefined);
        return (res.rows ?? []) as R[];
      } catch (err) {
        if (isConnectionError(err)) broken = err as Error;
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const client = await connect(pool, databaseUrl, target);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        let result: T;
        try {
          result = await fn(new PgTx(client));
        } catch (err) {
          try {
            await client.query('ROLLBACK');
          } catch (rbErr) {
            broken = rbErr as Error; // connection unusable: drop it rather than return it to the pool
          }
          throw err;
        }
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (!broken && isConnectionError(err)) broken = err as Error;
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
