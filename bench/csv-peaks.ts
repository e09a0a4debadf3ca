// The CSV counterpart of bench/workbook-peaks.ts, quicker than `npm run bench` case 2: only `datawarp backfill` of
// the generated GPAD-shaped zipped release (bench/gpad.ts, served on 127.0.0.1), several CLI builds or settings
// alternating run by run, each into a fresh PostgreSQL database, gated on the rows in the ledger. Per run: wall
// time and peak RSS (/usr/bin/time -v).
//   npx tsx bench/csv-peaks.ts
// CSV_CLIS: CLI entries, comma-separated (default bin/datawarp.js); CSV_ROWS (default 3,000,000); CSV_RUNS: runs
// per entry (default 2); CSV_NODE_ARGS: node's flags for every run; DATABASE_URL: a server to use (else a
// throwaway cluster). The Node that runs this script runs DataWarp: run it with another `node` to measure that one.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startCluster } from '../scripts/pg-cluster.js';
import { generateGpad, serveGpad } from './gpad.js';
import { ROOT, dropDb, freshDb, psql, timedRun, workspace } from './harness.js';

const CLIS = (process.env.CSV_CLIS ?? join(ROOT, 'bin/datawarp.js')).split(',');
const ROWS = Number(process.env.CSV_ROWS ?? 3_000_000);
const RUNS = Number(process.env.CSV_RUNS ?? 2);
const FLAGS = (process.env.CSV_NODE_ARGS ?? '').split(' ').filter(Boolean);

const rel = generateGpad(join(process.env.BENCH_DATA ?? join(tmpdir(), 'datawarp-bench')), ROWS);
const { url, server } = await serveGpad(rel);
const cluster = process.env.DATABASE_URL ? undefined : startCluster();
const base = process.env.DATABASE_URL ?? cluster!.databaseUrl;
let failed = false;
try {
  console.log(`${ROWS} rows, ${process.version}, flags [${FLAGS.join(' ')}]`);
  for (let r = 0; r < RUNS; r++)
    for (const [k, cli] of (r % 2 ? [...CLIS].reverse() : CLIS).entries()) {
      const tag = `csv_peaks_${r}_${k}`;
      const db = freshDb(base, tag);
      const ws = workspace(tag, 'gpad', 'Appointments in General Practice', url);
      const run = await timedRun('/usr/bin/time', ['-v', process.execPath, ...FLAGS, cli, 'backfill'], {
        cwd: ws,
        env: { DATABASE_URL: db },
      });
      const rows = Number(
        psql(db, 'SELECT coalesce(sum(rows_loaded), 0) FROM datawarp.tbl_manifest_files').trim(),
      );
      const ok = run.code === 0 && rows === ROWS;
      failed ||= !ok;
      console.log(
        `${cli} run ${r + 1}: ${run.s.toFixed(1)} s, peak ${run.rssMb.toFixed(0)} MB` +
          (ok ? '' : ` GATE FAILED (exit ${run.code}, ${rows} rows in the ledger)\n${run.out}`),
      );
      dropDb(base, tag);
    }
} finally {
  server.close();
  cluster?.stop();
}
process.exitCode = failed ? 1 : 0;
