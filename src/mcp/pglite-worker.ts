// The worker thread that runs `datawarp mcp` queries on PGlite. It opens its own copy of the data folder (made
// by engine-pglite.ts from a snapshot), gives the reader role SELECT on the readable objects, reopens as that
// role and answers one query at a time, each in a READ ONLY transaction that is always rolled back. The main
// thread terminates it when a query outlives its timeout (PGlite's statement_timeout does not stop pg_sleep).
import { parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import {
  grantSql,
  jsonValue,
  READER_ROLE,
  runStatement,
  transactionSettings,
  type QueryLimits,
} from './engine.js';

export type ToPgliteWorker = { id: number; sql: string; params: unknown[]; limits: QueryLimits };
export type FromPgliteWorker =
  | { id: 0; ready: true }
  | { id: number; ok: true; columns: string[]; rows: unknown[][]; cut: 'max_rows' | 'max_bytes' | null }
  | { id: number; ok: false; code: string; message: string };

/** PGlite beside the bundle (dist/pglite/), else the package (as src/load/pglite.ts finds it). */
async function importPglite(): Promise<typeof import('@electric-sql/pglite')> {
  for (const rel of ['./pglite/index.js', '../pglite/index.js']) {
    const url = new URL(rel, import.meta.url);
    if (fs.existsSync(url)) return import(/* webpackIgnore: true */ url.href);
  }
  return import(/* webpackIgnore: true */ '@electric-sql/pglite');
}

async function setUp(dataDir: string): Promise<PGlite> {
  const { PGlite } = await importPglite();
  const admin = await PGlite.create({ dataDir });
  await admin.exec(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READER_ROLE}') THEN CREATE ROLE ${READER_ROLE} LOGIN; END IF;
  END $$`);
  // a folder that never saw a backfill has none of the schemas: nothing to grant, every query says so
  const have = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_namespace WHERE nspname IN ('staging', 'history', 'datawarp')`,
  );
  if (have.rows[0].n === 3) for (const sql of grantSql(READER_ROLE)) await admin.exec(sql);
  await admin.close();
  return PGlite.create({ dataDir, username: READER_ROLE });
}

async function main(): Promise<void> {
  const port = parentPort!;
  const db = await setUp((workerData as { dataDir: string }).dataDir);
  const session = {
    async exec(sql: string, params?: unknown[]) {
      const r = await db.query<unknown[]>(sql, params ?? [], { rowMode: 'array' });
      return { fields: r.fields.map((f) => f.name), rows: r.rows };
    },
  };
  port.on('message', async (m: ToPgliteWorker) => {
    let reply: FromPgliteWorker;
    try {
      await db.exec('BEGIN READ ONLY');
      for (const s of transactionSettings(m.limits.timeoutMs)) await db.exec(s);
      if (m.params.length) {
        const r = await session.exec(m.sql, m.params);
        const rows = r.rows.map((row) => row.map(jsonValue));
        reply = { id: m.id, ok: true, columns: r.fields, rows, cut: null };
      } else {
        const out = await runStatement(session, m.sql, m.limits);
        reply = { id: m.id, ok: true, ...out };
      }
    } catch (e) {
      const err = e as { code?: string; message?: string };
      reply = { id: m.id, ok: false, code: err.code ?? 'XX000', message: err.message ?? String(e) };
    } finally {
      await db.exec('ROLLBACK').catch(() => {});
    }
    port.postMessage(reply);
  });
  port.postMessage({ id: 0, ready: true } satisfies FromPgliteWorker);
}

void main().catch((e) => {
  parentPort!.postMessage({ id: -1, ok: false, code: 'XX000', message: (e as Error).message });
});
