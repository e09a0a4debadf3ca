// After the load (case 2's first DataWarp database): case 3, Parquet export of the loaded period against
// `psql \copy (SELECT … WHERE _dw_period = …) TO '/dev/null'` of the same rows and columns (an export against
// an export), alternating; case 4, a plain re-run over 200 processed items. Gated before any figure.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { exportPeriod } from '../src/export/index.js';
import { openDb } from '../src/load/index.js';
import {
  copyCount,
  datawarp,
  exited,
  fmt,
  loadedRows,
  psql,
  psqlQuery,
  psqlTimed,
  type Run,
} from './harness.js';
import { gate, pairOrder, ratioOfMedians, showSeconds, summarize, type Check } from './stats.js';
import type { Ctx } from './load-cases.js';

const PERIOD = '2024-01';
/** The columns DataWarp's export fills from the part it reads rather than from each row (src/export/index.ts). */
const CONSTANT = new Set(['_dw_period', '_dw_file_url', '_dw_sha256', '_dw_sheet']);

/** `\copy (SELECT <the columns the export reads> FROM staging."t" WHERE _dw_period = '2024-01') TO '/dev/null'`. */
function psqlExport(url: string, table: string): string {
  const cols = psql(
    url,
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'staging' AND table_name = '${table}' ORDER BY ordinal_position`,
  )
    .trim()
    .split('\n')
    .filter((c) => !CONSTANT.has(c))
    .map((c) => `"${c}"`);
  return `\\copy (SELECT ${cols.join(', ')} FROM staging."${table}" WHERE _dw_period = '${PERIOD}') TO '/dev/null' WITH (FORMAT csv)`;
}

/** One DataWarp export sample: connect, export the period's tables to Parquet, close, all inside the clock (as
 * psql's process start and connection are inside its); gated on the row count read back from the files. */
async function parquetExport(url: string, tables: string[], rows: number, i: number): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'datawarp-bench-parquet-'));
  try {
    const t0 = performance.now();
    const db = await openDb({ databaseUrl: url });
    const files = await exportPeriod(db, {
      outDir: out,
      period: PERIOD,
      tables: tables.map((t) => ({ pub: 'gpad', tableName: t, columns: [] })),
    }).finally(() => db.close());
    const s = (performance.now() - t0) / 1000;
    let read = 0;
    for (const f of files)
      read += Number((await parquetMetadataAsync(await asyncBufferFromFile(f.path))).num_rows);
    gate(`Parquet export, pair ${i + 1}`, [
      { what: 'rows the export reported', want: rows, got: files.reduce((n, f) => n + f.rows, 0) },
      { what: "rows in the Parquet files' metadata", want: rows, got: read },
    ]);
    return s;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** One psql export sample: the tables' `\copy ... TO '/dev/null'`, gated on exit codes and `COPY n`. */
async function psqlExportSample(url: string, tables: string[], rows: number, i: number): Promise<number> {
  const commands = tables.map((t) => psqlExport(url, t)); // reads the columns: before the clock
  const runs: Run[] = [];
  const t0 = performance.now();
  for (const cmd of commands) runs.push(await psqlTimed(url, cmd));
  const s = (performance.now() - t0) / 1000;
  gate(`psql \\copy export, pair ${i + 1}`, [
    ...runs.map((r, k) => exited(`psql \\copy (SELECT … FROM staging.${tables[k]} …)`, r)),
    {
      what: 'rows psql reported copied out',
      want: rows,
      got: runs.reduce((n, r) => n + (copyCount(r.out) ?? 0), 0),
    },
  ]);
  return s;
}

/** Case 3 on `url` (a database holding `rows` rows of the period). */
export async function exportPairs(c: Ctx, url: string, rows: number): Promise<void> {
  const { tables } = await loadedRows(psqlQuery(url), PERIOD);
  const dw: number[] = [];
  const ps: number[] = [];
  for (let i = 0; i < c.pairs; i++)
    for (const who of pairOrder(i, 'psql', 'datawarp')) {
      console.error(`   case 3, pair ${i + 1}/${c.pairs}: ${who} ...`);
      if (who === 'psql') ps.push(await psqlExportSample(url, tables, rows, i));
      else dw.push(await parquetExport(url, tables, rows, i));
    }
  const d = summarize(dw);
  const p = summarize(ps);
  c.say(`   gate passed: every exit code 0; ${fmt(rows)} rows out of each export (Parquet read back)`);
  c.say(
    `   Parquet export (connect, exportPeriod, close):     ${showSeconds(d)}, ${fmt(rows / d.median)} rows/s`,
  );
  c.say(
    `   psql \\copy (SELECT … WHERE _dw_period) TO /dev/null: ${showSeconds(p)}, ${fmt(rows / p.median)} rows/s`,
  );
  c.say(`   ratio of medians Parquet export / psql export: ${ratioOfMedians(d, p).toFixed(2)}x`);
}

/** Case 4: `pairs` plain re-runs over 200 items all processed in state.json, against `url`: each must exit 0
 * without touching the network or writing to the database (the ledger unchanged). */
export async function plainReruns(c: Ctx, url: string): Promise<void> {
  const before = await loadedRows(psqlQuery(url), PERIOD);
  const runs: Run[] = [];
  for (let i = 0; i < c.pairs; i++) {
    const ws = rerunWorkspace();
    try {
      const run = await datawarp(ws, ['backfill'], { DATABASE_URL: url });
      const after = await loadedRows(psqlQuery(url), PERIOD);
      const checks: Check[] = [
        exited('the plain re-run', run),
        { what: 'the ledger after the re-run (it must write nothing)', want: before.stamp, got: after.stamp },
      ];
      gate(`plain re-run ${i + 1}`, checks);
      runs.push(run);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }
  c.say(`   gate passed: every exit code 0; the ledger unchanged`);
  c.say(`   ${showSeconds(summarize(runs.map((r) => r.s)), 2)}`);
}

function rerunWorkspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 'datawarp-bench-rerun-'));
  mkdirSync(join(ws, 'config'));
  mkdirSync(join(ws, 'state'));
  const pubs: string[] = [];
  const processed: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
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
  return ws;
}
