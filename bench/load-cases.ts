// Loads of the GPAD-shaped release, timed in alternating pairs: case 2 (`datawarp backfill` into PostgreSQL
// against `psql \copy` of the same unzipped CSVs into a table of the staging shape) and case 5 (the same
// release end to end on PGlite against PostgreSQL). Every database and PGlite data directory is made before
// its clock starts; every sample passes its gate (exit codes, ledger rows, staging count, a re-run that loads
// nothing) before any figure of its case is printed.
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  copyCount,
  datawarp,
  dropDb,
  exited,
  fmt,
  freshDb,
  loadedRows,
  psql,
  psqlQuery,
  psqlTimed,
  stagingNames,
  withDb,
  workspace,
  type Query,
  type Run,
} from './harness.js';
import { GPAD_HEADER, type GpadRelease } from './gpad.js';
import { gate, pairOrder, ratioOfMedians, showSeconds, summarize } from './stats.js';

export interface Ctx {
  /** the server's maintenance database URL (fresh databases are made from it) */
  base: string;
  pairs: number;
  say: (s: string) => void;
  /** the release page served on 127.0.0.1 */
  pageUrl: string;
}

const PUB = ['gpad', 'Appointments in General Practice'] as const;

/** The table `psql \copy` loads: the staging shape (provenance defaults, a row sequence, the provenance index),
 * made before the clock starts. */
function stagingShape(url: string): void {
  const types = new Map([
    ['Appointment_Date', 'date'],
    ['COUNT_OF_APPOINTMENTS', 'bigint'],
  ]);
  const cols = GPAD_HEADER.map((h) => `${h.toLowerCase()} ${types.get(h) ?? 'text'}`).join(', ');
  psql(
    url,
    `CREATE SEQUENCE bench_rows START 2; CREATE TABLE bench_psql (
       _dw_period text NOT NULL DEFAULT '2024-01', _dw_file_url text NOT NULL DEFAULT 'http://127.0.0.1/files/gpad.zip',
       _dw_sha256 text NOT NULL DEFAULT '${'0'.repeat(64)}', _dw_sheet text NOT NULL DEFAULT 'Regional_CSV.csv#1',
       _dw_row integer DEFAULT nextval('bench_rows'), _dw_loaded_at timestamptz NOT NULL DEFAULT now(), ${cols});
     CREATE INDEX ON bench_psql (_dw_file_url, _dw_period, _dw_sheet);`,
  );
}

/** One `psql \copy` sample: a fresh database and table, then the seven CSVs copied, timed together. */
async function psqlLoad(c: Ctx, rel: GpadRelease, i: number): Promise<Run> {
  const name = `bench_psql_${i}`;
  const url = freshDb(c.base, name);
  stagingShape(url);
  const list = GPAD_HEADER.map((h) => h.toLowerCase()).join(', ');
  const runs: Run[] = [];
  const t0 = performance.now();
  for (const csv of rel.csvs)
    runs.push(
      await psqlTimed(url, `\\copy bench_psql (${list}) FROM '${csv}' WITH (FORMAT csv, HEADER true)`),
    );
  const s = (performance.now() - t0) / 1000;
  const sample = `psql \\copy, pair ${i + 1}`;
  gate(
    sample,
    runs.map((r, k) => exited(`psql \\copy of ${basename(rel.csvs[k])}`, r)),
  );
  gate(sample, [
    {
      what: 'rows psql reported copied',
      want: rel.rows,
      got: runs.reduce((n, r) => n + (copyCount(r.out) ?? 0), 0),
    },
    {
      what: 'count(*) of bench_psql',
      want: rel.rows,
      got: Number(psql(url, 'SELECT count(*) FROM bench_psql')),
    },
  ]);
  dropDb(c.base, name);
  return { s, rssMb: 0, code: 0, out: '' };
}

/** The gate of a DataWarp load: exit 0, the ledger's N rows, the staging tables' N rows; then a re-run of the
 * same workspace that exits 0 and loads nothing (the ledger unchanged). */
async function gateLoad(
  sample: string,
  rows: number,
  run: Run,
  rerun: () => Promise<Run>,
  query: () => Promise<{ q: Query; close: () => Promise<void> }>,
): Promise<void> {
  gate(sample, [exited('datawarp backfill', run)]);
  let db = await query();
  const first = await loadedRows(db.q).finally(db.close);
  gate(sample, [
    {
      what: 'rows in the ledger (datawarp.tbl_manifest_files, loaded, 2024-01)',
      want: rows,
      got: first.ledger,
    },
    {
      what: `count(*) of the period in ${stagingNames(first.tables)}`,
      want: rows,
      got: first.staging,
    },
  ]);
  const again = await rerun();
  gate(sample, [exited('the re-run of datawarp backfill', again)]);
  db = await query();
  const after = await loadedRows(db.q).finally(db.close);
  gate(sample, [
    { what: 'the ledger after the re-run (it must load 0 rows)', want: first.stamp, got: after.stamp },
    { what: 'staging rows after the re-run', want: rows, got: after.staging },
  ]);
}

/** One `datawarp backfill` sample into a fresh PostgreSQL database; `keep` leaves the database for case 3. */
async function datawarpPg(c: Ctx, rows: number, tag: string, keep = false): Promise<Run> {
  const url = freshDb(c.base, tag);
  const ws = workspace(tag, ...PUB, c.pageUrl);
  try {
    const env = { DATABASE_URL: url };
    const run = await datawarp(ws, ['backfill'], env);
    const q = async () => ({ q: psqlQuery(url), close: async () => {} });
    await gateLoad(
      `datawarp backfill (PostgreSQL), ${tag}`,
      rows,
      run,
      () => datawarp(ws, ['backfill'], env),
      q,
    );
    return run;
  } finally {
    rmSync(ws, { recursive: true, force: true });
    if (!keep) dropDb(c.base, tag);
  }
}

/** One `datawarp backfill` sample on PGlite: its data directory created before the clock starts, as a
 * PostgreSQL database is. */
async function datawarpPglite(c: Ctx, rows: number, tag: string): Promise<Run> {
  const ws = workspace(tag, ...PUB, c.pageUrl);
  const dataDir = join(ws, '.datawarp', 'pglite');
  try {
    mkdirSync(dataDir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    await (await PGlite.create({ dataDir })).close();
    const env = { DATABASE_URL: undefined, DATAWARP_PGLITE_DIR: dataDir };
    const run = await datawarp(ws, ['backfill'], env);
    const q = async () => {
      const db = await PGlite.create({ dataDir });
      return {
        q: async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows,
        close: () => db.close(),
      };
    };
    await gateLoad(`datawarp backfill (PGlite), ${tag}`, rows, run, () => datawarp(ws, ['backfill'], env), q);
    return run;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

const rss = (runs: Run[]) => {
  const s = summarize(runs.map((r) => r.rssMb));
  return `peak RSS ${s.median.toFixed(0)} MB (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
};
const rate = (rows: number, runs: Run[]) => `${fmt(rows / summarize(runs.map((r) => r.s)).median)} rows/s`;

/** Case 2. Returns the database of pair 1's DataWarp load (kept for cases 3 and 4). */
export async function loadPairs(c: Ctx, rel: GpadRelease): Promise<string> {
  const dw: Run[] = [];
  const ps: Run[] = [];
  for (let i = 0; i < c.pairs; i++)
    for (const who of pairOrder(i, 'psql', 'datawarp')) {
      console.error(`   case 2, pair ${i + 1}/${c.pairs}: ${who} ...`);
      if (who === 'psql') ps.push(await psqlLoad(c, rel, i));
      else dw.push(await datawarpPg(c, rel.rows, `bench_dw_${i}`, i === 0));
    }
  const d = summarize(dw.map((r) => r.s));
  const p = summarize(ps.map((r) => r.s));
  c.say(
    `   gate passed: every exit code 0; ledger and staging ${fmt(rel.rows)} rows each load; re-runs loaded 0`,
  );
  c.say(`   datawarp backfill (process start to exit): ${showSeconds(d)}, ${rate(rel.rows, dw)}, ${rss(dw)}`);
  c.say(`   psql \\copy (staging shape):               ${showSeconds(p)}, ${rate(rel.rows, ps)}`);
  c.say(`   ratio of medians datawarp / psql: ${ratioOfMedians(d, p).toFixed(2)}x`);
  return withDb(c.base, 'bench_dw_0');
}

/** Case 5: PGlite against PostgreSQL on the same release, alternating. */
export async function pglitePairs(c: Ctx, rows: number): Promise<void> {
  const pg: Run[] = [];
  const lite: Run[] = [];
  for (let i = 0; i < c.pairs; i++)
    for (const who of pairOrder(i, 'PostgreSQL', 'PGlite')) {
      console.error(`   case 5, pair ${i + 1}/${c.pairs}: ${who} ...`);
      if (who === 'PGlite') lite.push(await datawarpPglite(c, rows, `bench_lite_${i}`));
      else pg.push(await datawarpPg(c, rows, `bench_pg1_${i}`));
    }
  const l = summarize(lite.map((r) => r.s));
  const p = summarize(pg.map((r) => r.s));
  c.say(
    `   gate passed: every exit code 0; ledger and staging ${fmt(rows)} rows each load; re-runs loaded 0`,
  );
  c.say(`   PostgreSQL: ${showSeconds(p)}, ${rate(rows, pg)}, ${rss(pg)}`);
  c.say(`   PGlite:     ${showSeconds(l)}, ${rate(rows, lite)}, ${rss(lite)}`);
  c.say(`   ratio of medians PGlite / PostgreSQL: ${ratioOfMedians(l, p).toFixed(2)}x`);
}
