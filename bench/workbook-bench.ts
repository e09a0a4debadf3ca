// The workbook case of `npm run bench`: a generated NHS-shaped xlsx (bench/workbook.ts) served on 127.0.0.1 as a
// data-file URL, loaded by `datawarp backfill` into PostgreSQL (timed from process start to exit, peak RSS summed
// over DataWarp's processes — the CLI and any workbook child — sampled from /proc), beside exceljs 4.4.0's
// streaming WorkbookReader reading every cell of the same local file in its own process; the two alternate,
// median and spread of BENCH_WORKBOOK_RUNS (default BENCH_PAIRS, 3) each. Every sample is gated before any
// figure: exit codes 0, the ledger's and the staging tables' row counts, the sum of the Appointments column,
// and exceljs's count of the rows it read.
import { spawn } from 'node:child_process';
import { createReadStream, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { exited, loadedRows, stagingNames, type Query } from './harness.js';
import { gate, pairOrder, ratioOfMedians, showSeconds, summarize } from './stats.js';
import { generateWorkbook, workbookWorkspace, type Workbook } from './workbook.js';

/** BENCH_WORKBOOK_ENV: variables for DataWarp's runs only, as `NAME=value` separated by spaces (e.g.
 * `MALLOC_MMAP_THRESHOLD_=65536`, as the shipped backfill workflow sets it). */
const DW_ENV: Record<string, string> = Object.fromEntries(
  (process.env.BENCH_WORKBOOK_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

export interface Timed {
  s: number;
  /** MB: the peak of each process summed over the tree */
  rssMb: number;
  code: number | null;
  out: string;
}

/** Peak VmHWM of a process and its descendants, summed (MB), polled every 50 ms. */
function sampleTree(pid: number): () => number {
  const peaks = new Map<number, number>();
  const tree = (p: number): number[] => {
    try {
      const kids = readdirSync(`/proc/${p}/task`)
        .flatMap((t) => readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/))
        .filter(Boolean)
        .map(Number);
      return [p, ...kids.flatMap(tree)];
    } catch {
      return [p];
    }
  };
  const timer = setInterval(() => {
    for (const p of tree(pid))
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
        if (m) peaks.set(p, Math.max(peaks.get(p) ?? 0, Number(m[1]) / 1024));
      } catch {
        /* exited */
      }
  }, 50);
  return () => {
    clearInterval(timer);
    return [...peaks.values()].reduce((a, b) => a + b, 0);
  };
}

function timed(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Timed> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env, NO_COLOR: '1' } });
    const stop = sampleTree(child.pid!);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => ok({ s: (performance.now() - t0) / 1000, rssMb: stop(), code, out }));
  });
}

const EXCELJS = `
import ExcelJS from 'exceljs';
const r = new ExcelJS.stream.xlsx.WorkbookReader(process.argv[2], { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore' });
let rows = 0, cells = 0;
for await (const ws of r) for await (const row of ws) { rows++; row.eachCell({ includeEmpty: false }, (c) => { if (c.value !== undefined) cells++; }); }
console.log(rows + ' rows ' + cells + ' cells');
`;

async function serve(book: Workbook) {
  const server = createServer((req, res) => {
    if (req.url !== '/files/appointments.xlsx') return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-length': statSync(book.path).size,
    });
    createReadStream(book.path).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/files/appointments.xlsx` };
}

export interface WorkbookCase {
  root: string;
  /** the CLI entry (bin/datawarp.js, or BENCH_CLI) */
  cli: string;
  dataDir: string;
  rows: number;
  sheets: number;
  runs: number;
  /** a fresh database URL per DataWarp run */
  database: (tag: string) => string;
  /** drop a database made by `database` once its gate passed */
  drop: (tag: string) => void;
  /** SQL against a database URL, for the gate */
  query: (url: string) => Query;
}

/** The gate of a DataWarp sample: the ledger's rows, the staging rows and the Appointments column's sum. */
async function gateLoad(sample: string, q: Query, book: Workbook): Promise<void> {
  const got = await loadedRows(q);
  let total: number | null = null;
  for (const t of got.tables) {
    const col = await q(
      `SELECT column_name AS c FROM information_schema.columns
        WHERE table_schema = 'staging' AND table_name = '${t}' AND column_name = 'appointments'`,
    );
    if (!col.length) continue;
    const [r] = await q(
      `SELECT sum(appointments)::bigint AS s FROM staging."${t}" WHERE _dw_period = '2024-01'`,
    );
    total = (total ?? 0) + Number(r.s);
  }
  gate(sample, [
    { what: 'rows in the ledger (datawarp.tbl_manifest_files)', want: book.rows, got: got.ledger },
    {
      what: `count(*) of the period in ${stagingNames(got.tables)}`,
      want: book.rows,
      got: got.staging,
    },
    { what: 'sum of staging.*.appointments', want: book.total, got: total },
  ]);
}

export async function benchWorkbook(c: WorkbookCase, say: (s: string) => void): Promise<void> {
  const book = generateWorkbook(c.dataDir, c.rows / c.sheets, c.sheets);
  const probe = join(c.root, '.bench-exceljs.mjs'); // beside node_modules, where exceljs resolves
  writeFileSync(probe, EXCELJS);
  const { server, url } = await serve(book);
  const dw: Timed[] = [];
  const xl: Timed[] = [];
  try {
    for (let i = 0; i < c.runs; i++) {
      for (const who of pairOrder(i, 'dw', 'exceljs')) {
        if (who === 'exceljs') {
          const r = await timed(process.execPath, [probe, book.path], {});
          gate(`exceljs, run ${i + 1}`, [
            exited('the exceljs reader', r),
            // every data row, the header and the two title rows of each sheet, and the notes sheet's two rows
            {
              what: 'rows exceljs read',
              want: book.rows + 3 * c.sheets + 2,
              got: Number(/^(\d+) rows/m.exec(r.out)?.[1]),
            },
          ]);
          xl.push(r);
          continue;
        }
        const ws = workbookWorkspace(url, 'datawarp-bench-wb-');
        const db = c.database(`bench_wb_${i}`);
        const r = await timed(process.execPath, [c.cli, 'backfill'], {
          cwd: ws,
          env: { ...DW_ENV, DATABASE_URL: db },
        });
        rmSync(ws, { recursive: true, force: true });
        gate(`datawarp backfill of the workbook, run ${i + 1}`, [exited('datawarp backfill', r)]);
        await gateLoad(`datawarp backfill of the workbook, run ${i + 1}`, c.query(db), book);
        c.drop(`bench_wb_${i}`);
        dw.push(r);
      }
    }
  } finally {
    server.close();
    rmSync(probe, { force: true });
  }
  const dwS = summarize(dw.map((r) => r.s));
  const xlS = summarize(xl.map((r) => r.s));
  const mb = (rs: Timed[]) => {
    const m = summarize(rs.map((r) => r.rssMb));
    return `${m.median.toFixed(0)} MB (${m.min.toFixed(0)}–${m.max.toFixed(0)})`;
  };
  const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
  say(
    `\n6. workbook: ${fmt(book.rows)} rows over ${c.sheets} sheet(s), xlsx ${(book.bytes / 1e6).toFixed(1)} MB; ${c.runs} runs each, alternating`,
  );
  say(
    `   gate passed: every exit code 0; ledger and staging ${fmt(book.rows)} rows, Appointments sum ${fmt(book.total)}`,
  );
  say(
    `   datawarp backfill (process start to exit${process.env.BENCH_WORKBOOK_ENV ? `, with ${process.env.BENCH_WORKBOOK_ENV}` : ''}): ${showSeconds(dwS)}, ${fmt(book.rows / dwS.median)} rows/s, peak RSS summed ${mb(dw)}`,
  );
  say(
    `   exceljs 4.4.0 WorkbookReader, every cell:  ${showSeconds(xlS)}, ${fmt(book.rows / xlS.median)} rows/s, peak RSS ${mb(xl)}`,
  );
  say(`   ratio of medians datawarp / exceljs (rows/s): ${ratioOfMedians(dwS, xlS).toFixed(2)}x`);
}
