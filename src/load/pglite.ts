// Embedded adapter: PGlite (WASM PostgreSQL) with a persistent data directory. The package is imported
// dynamically so it is only loaded (and only needs to be present) when no DATABASE_URL is configured.
import fs from 'node:fs';
import path from 'node:path';
import type { Db, Tx } from './db.js';
import { quoteIdent } from './ident.js';
import { copyFileOptions, recordChunks, type CsvFileFormat } from './csv-file.js';

interface PgliteQueryable {
  query<T>(
    sql: string,
    params?: any[],
    options?: { blob?: Blob },
  ): Promise<{ rows: T[]; rowCount?: number; affectedRows?: number }>;
}

class PgliteTx implements Tx {
  constructor(private readonly tx: PgliteQueryable) {}

  async query<R = any>(sql: string, params?: unknown[]): Promise<R[]> {
    const res = await this.tx.query<R>(sql, params as any[] | undefined);
    return res.rows;
  }

  async copyCsv(
    table: string,
    columns: string[],
    chunks: AsyncIterable<string> | Iterable<string>,
  ): Promise<number> {
    const sql = `COPY ${table} (${columns.map(quoteIdent).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;
    let total = 0;
    // One COPY per chunk, all inside the caller's transaction.
    for await (const chunk of chunks) {
      if (!chunk) continue;
      const res = await this.tx.query(sql, [], { blob: new Blob([chunk]) });
      total += res.rowCount ?? res.affectedRows ?? 0;
    }
    return total;
  }

  /** PGlite COPYs from a blob per statement: the file goes in pieces that each end with a record, the header
   * skipped by the first, WIN1252 re-encoded (PGlite has no encoding conversions). */
  async copyFile(
    table: string,
    columns: string[],
    format: CsvFileFormat,
    data: AsyncIterable<Uint8Array>,
  ): Promise<number> {
    const cols = columns.map(quoteIdent).join(', ');
    let header = format.header;
    let total = 0;
    for await (const piece of recordChunks(data, format)) {
      const options = copyFileOptions(columns, { ...format, header, encoding: 'UTF8' });
      const sql = `COPY ${table} (${cols}) FROM '/dev/blob' WITH (${options})`;
      const res = await this.tx.query(sql, [], { blob: new Blob([piece as Uint8Array<ArrayBuffer>]) });
      total += res.rowCount ?? res.affectedRows ?? 0;
      header = false;
    }
    return total;
  }
}

/** PGlite's runtime files beside the bundle (dist/pglite/, copied by scripts/build.mjs; the CLI bundle is in
 * dist/cli/), else the package (running from src/). webpackIgnore and the non-literal URLs keep both imports
 * out of the ncc bundle: a runner has no node_modules beside dist/. */
async function importPglite(): Promise<typeof import('@electric-sql/pglite')> {
  for (const rel of ['./pglite/index.js', '../pglite/index.js']) {
    const url = new URL(rel, import.meta.url);
    if (fs.existsSync(url)) return import(/* webpackIgnore: true */ url.href);
  }
  return import(/* webpackIgnore: true */ '@electric-sql/pglite');
}

export async function openPglite(dataDir: string): Promise<Db> {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const { PGlite } = await importPglite();
  const pgl = await PGlite.create({ dataDir: dir });
  let closed = false;
  return {
    kind: 'pglite',
    target: `PGlite ${dir}`,
    async query<R = any>(sql: string, params?: unknown[]): Promise<R[]> {
      const res = await pgl.query<R>(sql, params as any[] | undefined);
      return res.rows;
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      // PGlite rolls back and rethrows when the callback throws.
      return pgl.transaction((tx) => fn(new PgliteTx(tx as unknown as PgliteQueryable)));
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pgl.close();
    },
  };
}
