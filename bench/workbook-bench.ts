// The workbook case of `npm run bench`: a generated NHS-shaped xlsx (bench/workbook.ts) served on 127.0.0.1 as a
// data-file URL, loaded by `datawarp backfill` into PostgreSQL (timed from process start to exit, peak RSS summed
// over DataWarp's processes — the CLI and any workbook child — sampled from /proc), beside exceljs 4.4.0's
// streaming WorkbookReader reading every cell of the same local file in its own process; the two alternate,
// median of BENCH_WORKBOOK_RUNS (default 3) each.
import { spawn } from 'node:child_process';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorkbook, type Workbook } from './workbook.js';

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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
  /** rows loaded, read from the ledger */
  loaded: (url: string) => number;
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
      const order = i % 2 ? ['exceljs', 'dw'] : ['dw', 'exceljs'];
      for (const who of order) {
        if (who === 'exceljs') {
          const r = await timed(process.execPath, [probe, book.path], {});
          if (r.code !== 0) throw new Error(`exceljs exited ${r.code}: ${r.out.slice(-2000)}`);
          xl.push(r);
          continue;
        }
        const ws = mkdtempSync(join(tmpdir(), 'datawarp-bench-wb-'));
        mkdirSync(join(ws, 'config'));
        writeFileSync(
          join(ws, 'config/publications.yaml'),
          `allowed_hosts: ['127.0.0.1']\npublications:\n  appts:\n    name: Appointments by practice\n` +
            `    frequency: monthly\n    urls:\n      - period: 2024-01\n        url: ${url}\n`,
        );
        const db = c.database(`bench_wb_${i}`);
        const r = await timed(process.execPath, [c.cli, 'backfill'], { cwd: ws, env: { DATABASE_URL: db } });
        if (r.code !== 0) throw new Error(`datawarp exited ${r.code}:\n${r.out.slice(-3000)}`);
        const got = c.loaded(db);
        if (got !== book.rows) throw new Error(`datawarp loaded ${got} rows of ${book.rows}`);
        dw.push(r);
      }
    }
  } finally {
    server.close();
    rmSync(probe, { force: true });
  }
  const dwS = median(dw.map((r) => r.s));
  const xlS = median(xl.map((r) => r.s));
  const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
  say(
    `\n6. workbook: ${fmt(book.rows)} rows over ${c.sheets} sheet(s), xlsx ${(book.bytes / 1e6).toFixed(1)} MB, median of ${c.runs}`,
  );
  say(
    `   datawarp backfill (process start to exit): ${dwS.toFixed(1)} s, ${fmt(book.rows / dwS)} rows/s, peak RSS summed ${median(dw.map((r) => r.rssMb)).toFixed(0)} MB (runs: ${dw.map((r) => r.s.toFixed(1)).join(', ')} s)`,
  );
  say(
    `   exceljs 4.4.0 WorkbookReader, every cell:  ${xlS.toFixed(1)} s, ${fmt(book.rows / xlS)} rows/s, peak RSS ${median(xl.map((r) => r.rssMb)).toFixed(0)} MB (runs: ${xl.map((r) => r.s.toFixed(1)).join(', ')} s)`,
  );
  say(`   ratio datawarp / exceljs (rows/s): ${(xlS / dwS).toFixed(2)}x`);
}
