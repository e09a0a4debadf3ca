// `npm run bench`: the whole path as a user runs it, beside `psql \copy` of the same data in the same run.
//   1. extraction of the NHS corpus (test/fixtures/nhs): time and peak RSS
//   2. a GPAD-shaped zipped release (BENCH_ROWS rows, default 5,000,000) served on 127.0.0.1, loaded by
//      `datawarp backfill` (a child process under /usr/bin/time -v) into PostgreSQL; `psql \copy` of the same
//      unzipped CSVs into a table of the staging shape; rows/s, ratio, peak RSS
//   3. Parquet alone: re-export of the loaded period
//   4. a plain re-run over 200 processed items (no network, no database writes)
//   5. PGlite end to end on BENCH_PGLITE_ROWS (default 1,000,000) against the PostgreSQL path on the same rows
//   6. workbooks (bench/workbook-bench.ts): a generated 200,000-row xlsx and a 2,000,000-row one (two sheets of
//      1,000,000) end to end on PostgreSQL beside exceljs's streaming reader; BENCH_WORKBOOK_ROWS (rows,sheets
//      pairs: default `200000x1,2000000x2`), BENCH_WORKBOOK_RUNS (default 3); BENCH_ONLY=workbook runs only this
// BENCH_CLI: the CLI entry to run (default bin/datawarp.js, the built dist)
// DATABASE_URL is used when set, else a throwaway cluster is started (Debian's postgresql).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { exportPeriod } from '../src/export/index.js';
import { openDb } from '../src/load/index.js';
import { extractFile } from '../src/manifest/extract/index.js';
import { startCluster } from '../scripts/pg-cluster.js';
import { GPAD_HEADER, generateGpad, serveGpad, type GpadRelease } from './gpad.js';
import { benchWorkbook } from './workbook-bench.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'bin/datawarp.js');
const ONLY = process.env.BENCH_ONLY;
const N = Number(process.env.BENCH_ROWS ?? 5_000_000);
const N_PGLITE = Number(process.env.BENCH_PGLITE_ROWS ?? 1_000_000);
const DATA = process.env.BENCH_DATA ?? join(tmpdir(), 'datawarp-bench');
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return () => {
    clearInterval(t);
    return Math.max(peak, process.memoryUsage().rss) / 1e6;
  };
}

// ------------------------------------------------------------------ 1. extraction
async function benchExtraction(): Promise<void> {
  const dir = join(ROOT, 'test/fixtures/nhs');
  const files = readdirSync(dir).filter((f) => /\.(xlsx|xls|csv|zip|ods)$/i.test(f));
  const stop = rssSampler();
  const t0 = performance.now();
  let rows = 0;
  for (const f of files) {
    const x = await extractFile(join(dir, f), { ext: extname(f).slice(1).toLowerCase() as 'xlsx', name: f });
    rows += x.tables.reduce((n, t) => n + t.rows.length, 0);
  }
  const s = (performance.now() - t0) / 1000;
  say(
    `1. corpus extraction: ${files.length} files, ${fmt(rows)} rows in ${s.toFixed(1)} s; peak RSS ${stop().toFixed(0)} MB`,
  );
}

// ------------------------------------------------------------------ helpers
interface Run {
  s: number;
  rssMb: number;
  code: number | null;
  out: string;
}

/** Run `datawarp <args>` as a user would (bin/datawarp.js), under /usr/bin/time -v for its peak RSS. */
function datawarp(cwd: string, args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-v', process.execPath, CLI, ...args], {
      cwd,
      env: { ...process.env, ...env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(out)?.[1] ?? 0);
      ok({ s: (performance.now() - t0) / 1000, rssMb: kb / 1024, code, out });
    });
  });
}

function psql(url: string, sql: string): string {
  return execFileSync('psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
}

function dbUrl(base: string, name: string): string {
  psql(base, `DROP DATABASE IF EXISTS ${name}`);
  psql(base, `CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

function workspace(name: string, pageUrl: string): string {
  const ws = mkdtempSync(join(tmpdir(), `datawarp-bench-${name}-`));
  mkdirSync(join(ws, 'config'));
  writeFileSync(
    join(ws, 'config/publications.yaml'),
    `allowed_hosts: ['127.0.0.1']\npublications:\n  gpad:\n    name: Appointments in General Practice\n` +
      `    frequency: monthly\n    urls:\n      - period: 2024-01\n        url: ${pageUrl}\n`,
  );
  return ws;
}

/** `psql \copy` of the unzipped CSVs into one table of the staging shape (provenance defaults, row sequence,
 * provenance index). */
function psqlCopy(url: string, rel: GpadRelease): number {
  const types: Record<string, string> = { Appointment_Date: 'date', COUNT_OF_APPOINTMENTS: 'bigint' };
  const cols = GPAD_HEADER.map((h) => `${h.toLowerCase()} ${types[h] ?? 'text'}`).join(', ');
  psql(
    url,
    `CREATE SEQUENCE bench_rows START 2; CREATE TABLE bench_psql (
       _dw_period text NOT NULL DEFAULT '2024-01', _dw_file_url text NOT NULL DEFAULT 'http://127.0.0.1/files/gpad.zip',
       _dw_sha256 text NOT NULL DEFAULT '${'0'.repeat(64)}', _dw_sheet text NOT NULL DEFAULT 'Regional_CSV.csv#1',
       _dw_row integer DEFAULT nextval('bench_rows'), _dw_loaded_at timestamptz NOT NULL DEFAULT now(), ${cols});
     CREATE INDEX ON bench_psql (_dw_file_url, _dw_period, _dw_sheet);`,
  );
  const list = GPAD_HEADER.map((h) => h.toLowerCase()).join(', ');
  const t0 = performance.now();
  for (const csv of rel.csvs)
    execFileSync('psql', [
      url,
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `\\copy bench_psql (${list}) FROM '${csv}' WITH (FORMAT csv, HEADER true)`,
    ]);
  return (performance.now() - t0) / 1000;
}

async function endToEnd(base: string, rel: GpadRelease, tag: string, pglite: boolean) {
  const { url, server } = await serveGpad(rel);
  try {
    const ws = workspace(tag, url);
    const db = pglite ? undefined : dbUrl(base, `bench_dw_${tag}`);
    const run = await datawarp(ws, ['backfill'], { DATABASE_URL: db });
    if (run.code !== 0) throw new Error(`datawarp exited ${run.code}:\n${run.out.slice(-3000)}`);
    return { run, db, ws };
  } finally {
    server.close();
  }
}

// ------------------------------------------------------------------ main
async function main(): Promise<void> {
  say(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  if (!process.env.BENCH_SKIP_CORPUS && !ONLY) await benchExtraction();

  const cluster = process.env.DATABASE_URL ? undefined : startCluster();
  const base = process.env.DATABASE_URL ?? cluster!.databaseUrl;
  say(`PostgreSQL: ${psql(base, 'SHOW server_version').trim()}`);
  try {
    if (ONLY === 'workbook') return await workbooks(base);
    const rel = generateGpad(DATA, N);
    say(`\n2. GPAD-shaped release: ${fmt(N)} rows, zip ${(statSync(rel.zip).size / 1e6).toFixed(0)} MB`);
    const psqlS = psqlCopy(dbUrl(base, 'bench_psql'), rel);
    const e2e = await endToEnd(base, rel, 'pg', false);
    const dwRate = N / e2e.run.s;
    const psqlRate = N / psqlS;
    const got = psql(
      e2e.db!,
      `SELECT sum(rows_loaded) FROM datawarp.tbl_manifest_files WHERE status = 'loaded'`,
    ).trim();
    say(
      `   datawarp backfill (process start to exit): ${e2e.run.s.toFixed(1)} s, ${fmt(dwRate)} rows/s, peak RSS ${e2e.run.rssMb.toFixed(0)} MB, ledger rows ${fmt(Number(got))}`,
    );
    say(`   psql \\copy (staging shape):               ${psqlS.toFixed(1)} s, ${fmt(psqlRate)} rows/s`);
    say(`   ratio datawarp / psql: ${(dwRate / psqlRate).toFixed(2)}x`);

    // 3. Parquet alone
    const db = await openDb({ databaseUrl: e2e.db });
    const tables = psql(e2e.db!, `SELECT DISTINCT table_name FROM datawarp.tbl_manifest_files`)
      .trim()
      .split('\n');
    const out = mkdtempSync(join(tmpdir(), 'datawarp-bench-parquet-'));
    const t0 = performance.now();
    const files = await exportPeriod(db, {
      outDir: out,
      period: '2024-01',
      tables: tables.map((t) => ({ pub: 'gpad', tableName: t, columns: [] })),
    });
    const ps = (performance.now() - t0) / 1000;
    await db.close();
    const prow = files.reduce((n, f) => n + f.rows, 0);
    say(
      `\n3. Parquet re-export of the period: ${fmt(prow)} rows in ${ps.toFixed(1)} s, ${fmt(prow / ps)} rows/s (${(prow / ps / psqlRate).toFixed(2)}x psql \\copy)`,
    );
    rmSync(out, { recursive: true, force: true });

    // 4. plain re-run over 200 processed items
    const rerun = await plainRerun(e2e.db!);
    say(`\n4. plain re-run over 200 processed items: ${rerun.s.toFixed(2)} s (exit ${rerun.code})`);

    // 5. PGlite vs PostgreSQL on the same rows
    const small = generateGpad(DATA, N_PGLITE);
    const pg1 = await endToEnd(base, small, 'pg1', false);
    const lite = await endToEnd(base, small, 'lite', true);
    say(
      `\n5. ${fmt(N_PGLITE)} rows end to end: PostgreSQL ${pg1.run.s.toFixed(1)} s (${fmt(N_PGLITE / pg1.run.s)} rows/s, ${pg1.run.rssMb.toFixed(0)} MB); PGlite ${lite.run.s.toFixed(1)} s (${fmt(N_PGLITE / lite.run.s)} rows/s, ${lite.run.rssMb.toFixed(0)} MB); PGlite/PostgreSQL ${(pg1.run.s / lite.run.s).toFixed(2)}x`,
    );
    await workbooks(base);
  } finally {
    cluster?.stop();
    writeFileSync(join(DATA, 'last-run.txt'), lines.join('\n') + '\n');
  }
}

async function workbooks(base: string): Promise<void> {
  for (const pair of (process.env.BENCH_WORKBOOK_ROWS ?? '200000x1,2000000x2').split(',')) {
    const [rows, sheets = 1] = pair.split('x').map(Number);
    await benchWorkbook(
      {
        root: ROOT,
        cli: CLI,
        dataDir: DATA,
        rows,
        sheets,
        runs: Number(process.env.BENCH_WORKBOOK_RUNS ?? 3),
        database: (tag) => dbUrl(base, tag),
        loaded: (url) =>
          Number(
            psql(
              url,
              `SELECT sum(rows_loaded) FROM datawarp.tbl_manifest_files WHERE status = 'loaded'`,
            ).trim(),
          ),
      },
      say,
    );
  }
}

/** 200 items all processed in state.json: the run must not touch the network or write to the database. */
async function plainRerun(db: string): Promise<Run> {
  const ws = mkdtempSync(join(tmpdir(), 'datawarp-bench-rerun-'));
  mkdirSync(join(ws, 'config'));
  mkdirSync(join(ws, 'state'));
  const pubs: string[] = [];
  const processed: Record<string, unknown> = {};
  for (let p = 0; p < 10; p++) {
    pubs.push(`  p${p}:\n    name: Publication ${p}\n    frequency: monthly\n    urls:`);
    for (let m = 0; m < 20; m++) {
      const period = `${2010 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      pubs.push(`      - period: ${period}\n        url: http://127.0.0.1:9/p${p}/${period}`);
      processed[`p${p}/${period}`] = { completed_at: '2026-01-01T00:00:00.000Z', rows_loaded: 1 };
    }
  }
  writeFileSync(
    join(ws, 'config/publications.yaml'),
    `allowed_hosts: ['127.0.0.1']\npublications:\n${pubs.join('\n')}\n`,
  );
  writeFileSync(join(ws, 'state/state.json'), JSON.stringify({ processed, failed: {} }, null, 2));
  return datawarp(ws, ['backfill'], { DATABASE_URL: db });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
