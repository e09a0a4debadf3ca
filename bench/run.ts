// `npm run bench`: the whole path as a user runs it, beside a baseline doing the same work in the same run.
// Every comparison runs in BENCH_PAIRS pairs (default 3) whose order alternates (pair 1 baseline first, pair 2
// DataWarp first, ...); each case prints medians, the spread (min–max) and the ratio of medians, and only
// after every sample of the case passed its gate (exit codes 0, the ledger's rows, the staging count, a
// re-run that loads nothing). A failed gate prints what failed and exits 1 without the case's figures.
//   1. extraction of the NHS corpus (test/fixtures/nhs): time and peak RSS (one sample)
//   2. a GPAD-shaped zipped release (BENCH_ROWS rows, default 5,000,000) served on 127.0.0.1, loaded by
//      `datawarp backfill` (a child process under /usr/bin/time -v) into a fresh PostgreSQL database, against
//      `psql \copy` of the same unzipped CSVs into a table of the staging shape in a fresh database
//   3. Parquet export of the loaded period against `psql \copy (SELECT … WHERE _dw_period = …) TO '/dev/null'`
//   4. a plain re-run over 200 processed items (no network, no database writes), BENCH_PAIRS runs
//   5. PGlite end to end on BENCH_PGLITE_ROWS (default 1,000,000) against PostgreSQL on the same rows, each
//      one's database (a PGlite data directory, a PostgreSQL database) made before its clock starts
//   6. workbooks (bench/workbook-bench.ts): a generated 200,000-row xlsx and a 2,000,000-row one (two sheets of
//      1,000,000) end to end on PostgreSQL beside exceljs's streaming reader; BENCH_WORKBOOK_ROWS (rows,sheets
//      pairs: default `200000x1,2000000x2`), BENCH_WORKBOOK_RUNS (default BENCH_PAIRS), BENCH_WORKBOOK_ENV
//      (variables for DataWarp's runs, e.g. `MALLOC_MMAP_THRESHOLD_=65536`); BENCH_ONLY=workbook runs only this case
// BENCH_ONLY=pglite runs only case 5
// BENCH_CLI: the CLI entry to run (default bin/datawarp.js, the built dist)
// DATABASE_URL is used when set, else a throwaway cluster is started (Debian's postgresql).
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { extname, join } from 'node:path';
import { extractFile } from '../src/manifest/extract/index.js';
import { startCluster } from '../scripts/pg-cluster.js';
import { generateGpad, serveGpad } from './gpad.js';
import { CLI, ROOT, dropDb, fmt, freshDb, psql, psqlQuery } from './harness.js';
import { exportPairs, plainReruns } from './export-case.js';
import { loadPairs, pglitePairs, type Ctx } from './load-cases.js';
import { GateError, pairsFrom } from './stats.js';
import { benchWorkbook } from './workbook-bench.js';

const ONLY = process.env.BENCH_ONLY;
const N = Number(process.env.BENCH_ROWS ?? 5_000_000);
const N_PGLITE = Number(process.env.BENCH_PGLITE_ROWS ?? 1_000_000);
const DATA = process.env.BENCH_DATA ?? join(tmpdir(), 'datawarp-bench');
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

// ------------------------------------------------------------------ main
async function gpadCases(base: string, pairs: number): Promise<void> {
  const rel = generateGpad(DATA, N);
  const order = `${pairs} pairs, psql first in odd pairs, DataWarp first in even ones`;
  say(
    `\n2. GPAD-shaped release: ${fmt(N)} rows, zip ${(statSync(rel.zip).size / 1e6).toFixed(0)} MB; ${order}`,
  );
  const served = await serveGpad(rel);
  try {
    const c: Ctx = { base, pairs, say, pageUrl: served.url };
    const db = await loadPairs(c, rel);
    say(`\n3. Parquet export of the loaded period against psql's export of the same rows; ${order}`);
    await exportPairs(c, db, N);
    say(`\n4. plain re-run over 200 processed items`);
    await plainReruns(c, db);
    dropDb(base, 'bench_dw_0');
    await pgliteCase(base, pairs);
  } finally {
    served.server.close();
  }
}

async function pgliteCase(base: string, pairs: number): Promise<void> {
  const small = generateGpad(DATA, N_PGLITE);
  const served = await serveGpad(small);
  try {
    say(`\n5. ${fmt(N_PGLITE)} rows end to end, PGlite against PostgreSQL; ${pairs} pairs, alternating`);
    await pglitePairs({ base, pairs, say, pageUrl: served.url }, N_PGLITE);
  } finally {
    served.server.close();
  }
}

async function main(): Promise<void> {
  const pairs = pairsFrom(process.env);
  say(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  if (pairs < 3) say(`BENCH_PAIRS=${pairs}: fewer than 3 pairs, not figures to quote`);
  if (!process.env.BENCH_SKIP_CORPUS && !ONLY) await benchExtraction();

  const cluster = process.env.DATABASE_URL ? undefined : startCluster();
  const base = process.env.DATABASE_URL ?? cluster!.databaseUrl;
  say(`PostgreSQL: ${psql(base, 'SHOW server_version').trim()}`);
  try {
    if (ONLY === 'pglite') await pgliteCase(base, pairs);
    else if (ONLY !== 'workbook') await gpadCases(base, pairs);
    if (!ONLY || ONLY === 'workbook') await workbooks(base, pairs);
  } finally {
    cluster?.stop();
    writeFileSync(join(DATA, 'last-run.txt'), lines.join('\n') + '\n');
  }
}

async function workbooks(base: string, pairs: number): Promise<void> {
  for (const pair of (process.env.BENCH_WORKBOOK_ROWS ?? '200000x1,2000000x2').split(',')) {
    const [rows, sheets = 1] = pair.split('x').map(Number);
    await benchWorkbook(
      {
        root: ROOT,
        cli: CLI,
        dataDir: DATA,
        rows,
        sheets,
        runs: Number(process.env.BENCH_WORKBOOK_RUNS ?? pairs),
        database: (tag) => freshDb(base, tag),
        drop: (tag) => dropDb(base, tag),
        query: psqlQuery,
      },
      say,
    );
  }
}

main().catch((e: unknown) => {
  if (e instanceof GateError) {
    console.error(`\nGATE FAILED: no figure printed for this case.\n  ${e.failures.join('\n  ')}`);
    lines.push(`GATE FAILED:\n  ${e.failures.join('\n  ')}`);
    try {
      writeFileSync(join(DATA, 'last-run.txt'), lines.join('\n') + '\n');
    } catch {
      /* the data folder may not exist yet */
    }
  } else console.error(e);
  process.exit(1);
});
