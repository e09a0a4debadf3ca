// Workbooks are parsed in a child process with a heap limit (limits.max_parser_memory). SheetJS reads a workbook
// whole, and a V8 fatal error (out of memory, a crash) ends its whole process, worker threads included: in a child
// it fails that workbook's item with a clear reason and the run goes on.
//
// The child is this very module run as a script (tsx in development, the ncc bundle's entry — dist/index.js or
// dist/cli/index.js — when bundled) with DATAWARP_WORKBOOK_CHILD set. Importing this module then serves jobs
// synchronously — a JSON line on stdin, blocking reads — so the entry point's own code never runs past its first
// call (the start-up restart, a no-op here: the parent marked the environment, src/runtime/restart.ts): it parses the
// workbook, writes each table's rows to a temp file (an NDJSON line per row) and a summary, and answers a line
// on stdout. One child serves a run's workbooks (its start-up is paid once) until it dies; the parent streams the
// rows back from the files and starts a new child for the next workbook after a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { envName, formatSize } from '../../config/limits.js';
import type {
  CellValue,
  DocSheet,
  RowBatch,
  RowFlags,
  SourceFile,
  TableSource,
  TableSpec,
} from '../../model.js';
import { faultPoint } from '../../faults.js';
import { readWorkbook } from './workbook.js';

const FLAG = 'DATAWARP_WORKBOOK_CHILD';

interface Summary {
  error?: string;
  tables?: { spec: TableSpec; sample: CellValue[][]; rows: string }[];
  docs?: DocSheet[];
  skipped?: { name: string; reason: string }[];
  legend?: Record<string, string>;
}

interface Job {
  /** the workbook's bytes */
  input: string;
  /** a zip member's name, for table ids */
  member?: string;
  /** only these sheets (the ones a streamed read left to the grid path) */
  sheets?: string[];
  summary: string;
  /** the rows file of table i: this with {i} replaced */
  rows: string;
}

const rowFileOf = (pattern: string) => (i: number) => pattern.replace('{i}', String(i));

/** One job: parse, write every table's rows and the summary. Synchronous throughout. */
function runJob(job: Job): void {
  let summary: Summary;
  try {
    const x = readWorkbook(new Uint8Array(fs.readFileSync(job.input)), job.member, job.sheets);
    summary = { tables: [], docs: x.docs, skipped: x.skipped, ...(x.legend ? { legend: x.legend } : {}) };
    x.tables.forEach((t, i) => {
      const file = rowFileOf(job.rows)(i);
      const fd = fs.openSync(file, 'w');
      let lines: string[] = [];
      t.rows.forEach((r, k) => {
        lines.push(JSON.stringify([t.sourceRows[k], t.flags?.[k] ?? null, ...r]));
        if (lines.length === 5000) {
          fs.writeSync(fd, lines.join('\n') + '\n');
          lines = [];
        }
      });
      if (lines.length) fs.writeSync(fd, lines.join('\n') + '\n');
      fs.closeSync(fd);
      summary.tables!.push({ spec: t.spec, sample: t.rows.slice(0, 5), rows: file });
    });
  } catch (e) {
    summary = { error: e instanceof Error ? e.message : String(e) };
  }
  fs.writeFileSync(job.summary, JSON.stringify(summary));
}

/** The child: jobs from stdin, a line each, read with blocking reads (the event loop never turns); exits at EOF. */
function serveJobs(): never {
  const buf = Buffer.alloc(1 << 16);
  let pending = '';
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') process.exit(1);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (n === 0) process.exit(0);
    pending += buf.toString('utf8', 0, n);
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.trim()) continue;
      runJob(JSON.parse(line) as Job);
      fs.writeSync(1, 'done\n');
    }
  }
}

if (process.env[FLAG]) serveJobs();

/** How to start the child: this module's file under tsx when it is TypeScript (development and tests); when
 * bundled, the bundle's entry, whose imports reach this module: ncc's `index.js` beside the chunk this module is in
 * (a chunk run on its own runs nothing), else the one-file bundle this module is in (the tests' esbuild CLI). */
function childArgs(): string[] {
  const self = fileURLToPath(import.meta.url);
  const entry = path.join(path.dirname(self), 'index.js');
  if (!self.endsWith('.ts')) return [fs.existsSync(entry) ? entry : self];
  const tsx = path.resolve(path.dirname(self), '../../../node_modules/tsx/dist/loader.mjs');
  return ['--import', pathToFileURL(tsx).href, self];
}

interface Worker {
  child: ChildProcess;
  heapMb: number;
  stderr: string;
  ended?: { code: number | null; signal: NodeJS.Signals | null };
  /** the job in progress: resolved by its answer, or when the child ends */
  waiting?: () => void;
}

let worker: Worker | undefined;
let queue: Promise<unknown> = Promise.resolve();

function startWorker(heapMb: number): Worker {
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, ...childArgs()], {
    env: { ...process.env, [FLAG]: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const w: Worker = { child, heapMb, stderr: '' };
  child.stderr!.on('data', (d) => (w.stderr = (w.stderr + d).slice(-8192)));
  readline.createInterface({ input: child.stdout! }).on('line', () => w.waiting?.());
  child.on('error', (e) => (w.stderr += `\n${e.message}`));
  child.on('close', (code, signal) => {
    w.ended = { code, signal };
    if (worker === w) worker = undefined;
    w.waiting?.();
  });
  idle(w);
  return w;
}

/** An idle child does not keep this process alive (it exits at EOF when this process ends). */
function idle(w: Worker): void {
  w.child.unref();
  for (const s of [w.child.stdin, w.child.stdout, w.child.stderr])
    (s as unknown as { unref?(): void } | null)?.unref?.();
}
function busy(w: Worker): void {
  w.child.ref();
  for (const s of [w.child.stdin, w.child.stdout, w.child.stderr])
    (s as unknown as { ref?(): void } | null)?.ref?.();
}

/** Run one job in the child; the child's end (code, signal, stderr) when it died doing it. */
async function inChild(
  job: Job,
  heapMb: number,
): Promise<(Worker['ended'] & { stderr: string }) | undefined> {
  if (worker && worker.heapMb !== heapMb) {
    worker.child.stdin!.end();
    worker = undefined;
  }
  const w = (worker ??= startWorker(heapMb));
  busy(w);
  try {
    await new Promise<void>((resolve) => {
      w.waiting = resolve;
      if (w.ended) resolve();
      else w.child.stdin!.write(`${JSON.stringify(job)}\n`);
    });
  } finally {
    w.waiting = undefined;
    idle(w);
  }
  return w.ended ? { ...w.ended, stderr: w.stderr } : undefined;
}

/** Temp files of a parse, named <base>.<what>.<pid>.<random>.part so a later run removes what a kill left. */
function tempNames(dir: string, base: string) {
  const tag = `${process.pid}.${randomBytes(6).toString('hex')}`;
  const stem = path.join(dir, base.replace(/[^\w.-]+/g, '_').slice(0, 80));
  return { summary: `${stem}.summary.${tag}.part`, rows: `${stem}.t{i}.${tag}.part` };
}

const live = new Set<string>();
let exitHook = false;
/** A temp file removed when its item is done (releaseParsedRows) or the process exits. */
export function track(file: string): void {
  live.add(file);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const f of live) fs.rmSync(f, { force: true });
  });
}
/** Remove the rows files under `dir` not read (yet): an item is done with its workbooks (a table skipped as
 * unchanged is never read). Only that item's: another run in this process may be reading its own. */
export function releaseParsedRows(dir: string): void {
  const under = path.resolve(dir) + path.sep;
  for (const f of live) if (path.resolve(f).startsWith(under)) untrack(f);
}
function untrack(file: string): void {
  live.delete(file);
  fs.rmSync(file, { force: true });
}

export interface IsolateOptions {
  /** a zip member's name (table ids, messages) */
  member?: string;
  /** the workbook's name in messages */
  name: string;
  /** heap of the child, bytes */
  heapBytes: number;
  /** only these sheets, by name */
  sheets?: string[];
  /** where the temp files go (default: the system's temp directory) */
  tmpDir?: string;
}

/** Parse the workbook at `input` in a child process; its tables stream from temp files. */
export async function readWorkbookIsolated(input: string, opts: IsolateOptions): Promise<SourceFile> {
  const dir = opts.tmpDir ?? os.tmpdir();
  fs.mkdirSync(dir, { recursive: true });
  const names = tempNames(dir, opts.member ?? path.basename(input));
  const job: Job = {
    input,
    member: opts.member,
    sheets: opts.sheets,
    summary: names.summary,
    rows: names.rows,
  };
  const heapMb = Math.max(16, Math.floor(opts.heapBytes / 2 ** 20));
  track(names.summary);
  // one job at a time (the pipeline opens files one by one; tests may not)
  const run = queue.then(() => inChild(job, heapMb));
  queue = run.catch(() => undefined);
  const died = await run;
  const summary = died ? undefined : readSummary(names.summary);
  untrack(names.summary);
  if (!summary) {
    for (let i = 0; fs.existsSync(rowFileOf(names.rows)(i)); i++) fs.rmSync(rowFileOf(names.rows)(i));
    throw crashError(opts, heapMb, died ?? { code: null, signal: null, stderr: 'no summary written' });
  }
  if (summary.error !== undefined) throw new Error(summary.error);
  await faultPoint('workbook');
  return {
    tables: (summary.tables ?? []).map((t) => fileSource(t.spec, t.sample, t.rows)),
    docs: summary.docs ?? [],
    skipped: summary.skipped ?? [],
    ...(summary.legend ? { legend: summary.legend } : {}),
  };
}

function readSummary(file: string): Summary | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Summary;
  } catch {
    return undefined;
  }
}

function crashError(
  opts: IsolateOptions,
  heapMb: number,
  ended: { code: number | null; signal: NodeJS.Signals | null; stderr: string },
): Error {
  const what = `the workbook "${opts.member ?? opts.name}"`;
  if (
    /heap out of memory|Reached heap limit|Allocation failed|invalid array length|out of memory/i.test(
      ended.stderr,
    )
  )
    return new Error(
      `${what} needs more memory than its parser may use: over the limit max_parser_memory (${formatSize(heapMb * 2 ** 20)}); ` +
        `if the file is genuine, raise limits.max_parser_memory in the config or ${envName('max_parser_memory')}`,
    );
  const how = ended.signal ? `signal ${ended.signal}` : `exit code ${ended.code}`;
  const last = ended.stderr.trim().split('\n').filter(Boolean).slice(-1)[0];
  return new Error(`the parser crashed reading ${what} (${how})${last ? `: ${last.slice(0, 300)}` : ''}`);
}

/** A table whose rows are in an NDJSON file ([sourceRow, flags, ...cells] a line); the file goes once read. */
function fileSource(spec: TableSpec, sample: CellValue[][], file: string): TableSource {
  track(file);
  return {
    spec,
    sample,
    async *batches(n: number): AsyncGenerator<RowBatch> {
      const types = spec.columns.map((c) => c.type);
      const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
      let rows: CellValue[][] = [];
      let sourceRows: number[] = [];
      let flags: (RowFlags | null)[] = [];
      try {
        for await (const line of lines) {
          if (!line) continue;
          const [at, flagged, ...cells] = JSON.parse(line) as [number, RowFlags | null, ...CellValue[]];
          rows.push(cells);
          sourceRows.push(at);
          flags.push(flagged);
          if (rows.length >= n) {
            yield { rows, sourceRows, types, flags };
            rows = [];
            sourceRows = [];
            flags = [];
          }
        }
        if (rows.length) yield { rows, sourceRows, types, flags };
      } finally {
        lines.close();
        untrack(file);
      }
    },
  };
}
