// A quicker driver than the workbook case of `npm run bench`: only `datawarp backfill` of the generated workbooks
// (no exceljs), several CLI builds alternating run by run, each against a fresh PostgreSQL database, gated on the
// rows loaded. Per run: the peak summed over DataWarp's processes as the bench measures it (VmHWM of every
// process, summed), the highest summed VmRSS of one sample and when it came, wall time and CPU time (user + system
// of the whole tree, from /usr/bin/time).
//   npx tsx bench/workbook-peaks.ts
// PEAKS_CLIS: CLI entries, comma-separated (default bin/datawarp.js); PEAKS_ROWS: cases as `rows x sheets`
// (default 200000x1,2000000x2); PEAKS_RUNS: runs per build and case (default 3); PEAKS_NODE_ARGS: node's flags
// (e.g. --trace-gc); PEAKS_LOG: a file for the last run's output; PEAKS_TRACE: a file for its summed VmRSS every
// 50 ms; DATABASE_URL: a server to use (else a throwaway cluster); BENCH_DATA: where the workbooks are generated.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from '../scripts/pg-cluster.js';
import { ROOT, dropDb, freshDb, loadedRows, psql, psqlQuery } from './harness.js';
import { generateWorkbook, workbookWorkspace } from './workbook.js';

const DATA = process.env.BENCH_DATA ?? join(tmpdir(), 'datawarp-bench');
const CLIS = (process.env.PEAKS_CLIS ?? join(ROOT, 'bin/datawarp.js')).split(',');
const CASES = (process.env.PEAKS_ROWS ?? '200000x1,2000000x2').split(',');
const RUNS = Number(process.env.PEAKS_RUNS ?? 3);

function descendants(p: number): number[] {
  try {
    const kids = readdirSync(`/proc/${p}/task`)
      .flatMap((t) => readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/))
      .filter(Boolean)
      .map(Number);
    return kids.flatMap((k) => [k, ...descendants(k)]);
  } catch {
    return [];
  }
}

interface Sampled {
  hwm: number;
  /** each process's peak, MB, in the order they were seen */
  each: number[];
  rss: number;
  at: number;
}

/** Every 50 ms: the peak VmHWM of each descendant of `pid` (not pid itself, /usr/bin/time), and summed VmRSS. */
function sample(pid: number, t0: number): () => Sampled {
  const peaks = new Map<number, number>();
  let rss = 0;
  let at = 0;
  const trace: string[] = [];
  const timer = setInterval(() => {
    let sum = 0;
    for (const p of descendants(pid))
      try {
        const status = readFileSync(`/proc/${p}/status`, 'utf8');
        const h = /VmHWM:\s+(\d+) kB/.exec(status);
        const r = /VmRSS:\s+(\d+) kB/.exec(status);
        if (h) peaks.set(p, Math.max(peaks.get(p) ?? 0, Number(h[1]) / 1024));
        if (r) sum += Number(r[1]) / 1024;
      } catch {
        /* exited */
      }
    if (sum > rss) [rss, at] = [sum, (performance.now() - t0) / 1000];
    if (process.env.PEAKS_TRACE)
      trace.push(`${((performance.now() - t0) / 1000).toFixed(2)} ${sum.toFixed(0)}`);
  }, 50);
  return () => {
    clearInterval(timer);
    if (process.env.PEAKS_TRACE) writeFileSync(process.env.PEAKS_TRACE, trace.join('\n') + '\n');
    return { hwm: [...peaks.values()].reduce((a, b) => a + b, 0), each: [...peaks.values()], rss, at };
  };
}

async function run(cli: string, url: string, db: string) {
  const ws = workbookWorkspace(url, 'datawarp-peaks-');
  const t0 = performance.now();
  const flags = (process.env.PEAKS_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = ['-f', 'CPU %U %S', process.execPath, ...flags, cli, 'backfill'];
  const child = spawn('/usr/bin/time', args, {
    cwd: ws,
    env: { ...process.env, DATABASE_URL: db, NO_COLOR: '1' },
  });
  const stop = sample(child.pid!, t0);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  const s = (performance.now() - t0) / 1000;
  const got = stop();
  rmSync(ws, { recursive: true, force: true });
  if (process.env.PEAKS_LOG) writeFileSync(process.env.PEAKS_LOG, out);
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(out);
  if (code !== 0 || !cpu) throw new Error(`run failed (${code}):\n${out.slice(-2000)}`);
  return { s, cpu: Number(cpu[1]) + Number(cpu[2]), ...got };
}

async function main() {
  const cluster = process.env.DATABASE_URL ? undefined : startCluster();
  const base = process.env.DATABASE_URL ?? cluster!.databaseUrl;
  if (cluster) {
    // little WAL kept (a full disk stopped a 2,000,000-row run): the server's memory is not measured here
    psql(base, `ALTER SYSTEM SET max_wal_size = '96MB'`);
    psql(base, `ALTER SYSTEM SET min_wal_size = '32MB'`);
    psql(base, 'SELECT pg_reload_conf()');
  }
  try {
    for (const c of CASES) {
      const [rows, sheets = 1] = c.split('x').map(Number);
      const book = generateWorkbook(DATA, rows / sheets, sheets);
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-length': statSync(book.path).size });
        createReadStream(book.path).pipe(res);
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/files/appointments.xlsx`;
      try {
        for (let i = 0; i < RUNS; i++)
          for (const [k, cli] of CLIS.entries()) {
            const db = freshDb(base, `peaks_${k}`);
            const r = await run(cli, url, db);
            const got = await loadedRows(psqlQuery(db));
            if (got.staging !== book.rows) throw new Error(`${cli}: ${got.staging} rows, not ${book.rows}`);
            dropDb(base, `peaks_${k}`);
            console.log(
              `${c} run ${i + 1} ${cli}: peak ${r.hwm.toFixed(0)} MB (${r.each.map((m) => m.toFixed(0)).join(' + ')}; summed RSS ${r.rss.toFixed(0)} MB at ` +
                `${r.at.toFixed(1)} s), ${r.s.toFixed(1)} s, CPU ${r.cpu.toFixed(1)} s`,
            );
          }
      } finally {
        server.close();
      }
    }
  } finally {
    cluster?.stop();
  }
}

await main();
