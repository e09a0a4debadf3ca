// The database stopped (`pg_ctl stop -m immediate`) under a running backfill, during a COPY and during the
// export: the run stops with exit 2 naming host:port (never the password), nothing is marked failed, and once the
// server is back the next run loads exactly the rows. Needs a PostgreSQL cluster of its own (it is stopped);
// skipped only when PostgreSQL's binaries are not installed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadata } from 'hyparquet';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedBinDir, postgresInstalled, startCluster, type Cluster } from '../scripts/pg-cluster.js';
import { writeCsv, type WrittenCsv } from './support/big-csv.js';
import { serveDir, spawnCli, waitForPause, writeConfig, type Served } from './support/faults.js';

const PASSWORD = 'Sekr1t-pw-9731';
const BIG = 80_000; // ~3 MB: the fast path's COPY reports a chunk per MB
const SMALL = 3_000;

async function sql<R = Record<string, unknown>>(url: string, text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as R[];
  } finally {
    await c.end();
  }
}

describe.skipIf(!postgresInstalled() && !embeddedBinDir())('pg_ctl stop -m immediate under a run', () => {
  let cluster: Cluster;
  let admin: string;
  let served: Served;
  let dir: string;
  let big: WrittenCsv;
  let n = 0;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-pgstop-'));
    fs.mkdirSync(path.join(dir, 'files'));
    const row = (i: number) => [String(i + 1), `E${i % 977}`, String(i % 1000), '2024-01-01', `n${i % 9}`];
    big = writeCsv(path.join(dir, 'files', 'big.csv'), BIG, row);
    writeCsv(path.join(dir, 'files', 'small.csv'), SMALL, row);
    served = await serveDir(path.join(dir, 'files'));
    cluster = startCluster();
    await sql(cluster.databaseUrl, `ALTER ROLE datawarp PASSWORD '${PASSWORD}'`);
    const u = new URL(cluster.databaseUrl);
    u.password = PASSWORD;
    admin = u.toString();
  });

  afterAll(async () => {
    await served?.close();
    cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** a fresh database and workspace on the cluster */
  async function workspace() {
    const name = `pgstop_${++n}`;
    await sql(admin, `CREATE DATABASE ${name}`);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    const ws = path.join(dir, name);
    writeConfig(ws, { pa: `${served.url}/big.csv`, pb: `${served.url}/small.csv` });
    return { ws, url: u.toString(), name };
  }

  async function stopAt(point: string) {
    const { ws, url, name } = await workspace();
    const pause = path.join(ws, 'paused');
    const run = spawnCli(ws, ['backfill'], {
      DATABASE_URL: url,
      DATAWARP_FAULT_AT: point,
      DATAWARP_FAULT_ACTION: `pause:${pause}`,
    });
    await waitForPause(run, pause);
    const copying = await sql<{ n: number }>(admin, `SELECT count(*)::int AS n FROM pg_stat_progress_copy`);
    cluster.halt();
    fs.rmSync(pause);
    const res = await run.done;
    cluster.start();
    if (process.env.DATAWARP_TEST_VERBOSE) console.log(res.out);
    return { ws, url, name, res, copying: copying[0].n };
  }

  async function expectExactAfterRerun(ws: string, url: string) {
    const again = spawnCli(ws, ['backfill'], { DATABASE_URL: url });
    const res = await again.done;
    expect(res.code, res.out).toBe(0);
    const ledger = await sql<{ pub: string; table_name: string; rows_loaded: number; status: string }>(
      url,
      `SELECT pub, table_name, rows_loaded::int AS rows_loaded, status FROM datawarp.tbl_manifest_files ORDER BY pub`,
    );
    expect(ledger.map((l) => [l.pub, l.rows_loaded, l.status])).toEqual([
      ['pa', BIG, 'loaded'],
      ['pb', SMALL, 'loaded'],
    ]);
    const [t] = await sql<{ n: number; d: number; s: string }>(
      url,
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, sum(amount)::text AS s
         FROM staging."${ledger[0].table_name}"`,
    );
    expect(t).toEqual({ n: BIG, d: BIG, s: String(big.sum(2)) });
    const pq = fs.readFileSync(path.join(ws, 'output/parquet', ledger[0].table_name, '2024-01.parquet'));
    expect(Number(parquetMetadata(pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.length)).num_rows)).toBe(
      BIG,
    );
    const state = JSON.parse(fs.readFileSync(path.join(ws, 'state/state.json'), 'utf8'));
    expect(Object.keys(state.processed).sort()).toEqual(['pa/2024-01', 'pb/2024-01']);
    expect(state.failed ?? {}).toEqual({});
  }

  function expectStopped(res: { code: number | null; out: string }, name: string) {
    const port = new URL(admin).port;
    expect(res.code, res.out).toBe(2);
    expect(res.out).toContain(`PostgreSQL at 127.0.0.1:${port}/${name} is unavailable`);
    expect(res.out).toMatch(/lost the connection while processing pa\/2024-01 \(it stays pending/);
    expect(res.out).not.toContain(PASSWORD);
    expect(res.out.match(/is unavailable/g)).toHaveLength(1);
    expect(res.out).not.toMatch(/Unhandled|\n\s+at /);
  }

  function pendingState(ws: string) {
    const file = path.join(ws, 'state/state.json');
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { processed: {}, failed: {} };
  }

  it('during a COPY: exit 2 naming host:port, nothing failed, the next run loads exact rows', async () => {
    const { ws, url, name, res, copying } = await stopAt('copy:2');
    expect(copying, 'a COPY was running when the server stopped').toBe(1);
    expectStopped(res, name);
    const state = pendingState(ws);
    expect(state.failed ?? {}).toEqual({});
    expect(state.processed ?? {}).toEqual({});
    const ledger = await sql(url, `SELECT * FROM datawarp.tbl_manifest_files`);
    expect(ledger).toEqual([]);
    await expectExactAfterRerun(ws, url);
  });

  it('during the export: exit 2, nothing failed, the next run exports exact rows', async () => {
    const { ws, url, name, res } = await stopAt('export:1');
    expectStopped(res, name);
    const state = pendingState(ws);
    expect(state.failed ?? {}).toEqual({});
    expect(state.processed ?? {}).toEqual({});
    await expectExactAfterRerun(ws, url);
  });
});
