// ParquetTap: Parquet written from the rows while they load, in a worker thread (tap-worker.ts runs a LocalTap
// there). Parsing the fast path's bytes and encoding row groups is most of the CPU of a load; off the main thread
// it runs beside the COPY instead of between its chunks, and its garbage lives in a heap of its own whose young
// generation is sized for row groups (they die young instead of being promoted: the process stays small).
// One worker per process, started at the first table and kept while any item's tap is open. If the worker dies
// (out of memory, a crash) every open table is treated as not seen whole: the export streams it back.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RawCsv, RowBatch } from '../model.js';
import type { LoadTap, TableSink, TapTable } from '../load/tap.js';
import type { ExportTable } from './parquet.js';
import type { RawShape } from './tap.js';
import type { FromWorker, ToWorker } from './tap-worker.js';

/** V8's young generation of the worker: a row group's objects die there instead of being promoted (with V8's
 * default most of them reach the old generation, which then grows to hundreds of MB before it is collected).
 * 48-192 MB measured in docs/benchmarks.md. */
const YOUNG_MB = 96;
/** V8's old generation of the worker: live it holds a row group per open table and its dictionaries (tens of
 * MB); capped, the garbage of finished row groups is collected early instead of piling up. A table that needs
 * more ends the worker, and the export streams that item's tables back from the database. */
const OLD_MB = 128;
/** unacknowledged batches per table part before the loader waits */
const IN_FLIGHT = 4;
/** unacknowledged messages of the fast path's bytes (8 MB) per table part before the loader waits: enough for
 * the worker to go on parsing while the main thread is busy (PGlite runs COPY on the main thread) */
const RAW_IN_FLIGHT = 16;
/** bytes of the fast path's chunks sent to the worker in one message (fewer, larger messages cost less) */
const GATHER = 512 * 1024;

/** How to start the worker: tap-worker.ts under tsx (development, tests), or the bundle's tap-worker.js. */
function workerScript(): { url: URL | string; evalCode?: string } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) {
    const api = path.resolve(path.dirname(self), '../../node_modules/tsx/dist/esm/api/index.mjs');
    const target = pathToFileURL(path.join(path.dirname(self), 'tap-worker.ts')).href;
    const evalCode = `const { register } = await import(${JSON.stringify(pathToFileURL(api).href)});
register(); await import(${JSON.stringify(target)});`;
    return { url: evalCode, evalCode };
  }
  // dist/index.js and dist/cli/index.js: the worker is built to dist/tap-worker/index.js
  const dir = path.dirname(self);
  const found = [path.join(dir, 'tap-worker/index.js'), path.join(dir, '../tap-worker/index.js')].find((f) =>
    fs.existsSync(f),
  );
  if (!found) throw new Error(`the Parquet worker is missing beside ${self}: rebuild with npm run build`);
  return { url: pathToFileURL(found) };
}

class TapWorker {
  readonly worker: Worker;
  dead = false;
  private nextReq = 1;
  private readonly replies = new Map<number, (m: FromWorker & { op: 'reply' }) => void>();
  private readonly inFlight = new Map<number, number>();
  private readonly waiting = new Map<number, () => void>();
  /** open taps: the worker keeps the process alive only while there are some */
  private open = 0;

  constructor() {
    const { url, evalCode } = workerScript();
    this.worker = new Worker(url, {
      eval: Boolean(evalCode),
      workerData: { datawarpTap: true },
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB, maxOldGenerationSizeMb: OLD_MB },
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.receive(m));
    this.worker.on('error', () => this.die());
    this.worker.on('exit', () => this.die());
  }

  private receive(m: FromWorker): void {
    if (m.op === 'ack') {
      this.inFlight.set(m.sink, (this.inFlight.get(m.sink) ?? 1) - 1);
      this.waiting.get(m.sink)?.();
      return;
    }
    const done = this.replies.get(m.req);
    this.replies.delete(m.req);
    done?.(m);
  }

  /** The worker is gone: nothing waits for it any more; every table it held is streamed back. */
  private die(): void {
    this.dead = true;
    for (const done of this.replies.values()) done({ op: 'reply', req: 0, stopped: true });
    this.replies.clear();
    for (const wake of this.waiting.values()) wake();
    if (shared === this) shared = undefined;
  }

  opened(): void {
    if (this.open++ === 0) this.worker.ref();
  }

  closed(): void {
    if (--this.open === 0) this.worker.unref();
  }

  post(m: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!this.dead) this.worker.postMessage(m, transfer);
  }

  /** Post a chunk or batch of a table part; wait while `limit` of that part are unacknowledged. */
  async send(sink: number, m: ToWorker, limit: number, transfer?: ArrayBuffer[]): Promise<void> {
    if (this.dead) return;
    this.post(m, transfer);
    this.inFlight.set(sink, (this.inFlight.get(sink) ?? 0) + 1);
    while (!this.dead && (this.inFlight.get(sink) ?? 0) >= limit)
      await new Promise<void>((r) => this.waiting.set(sink, r));
    this.waiting.delete(sink);
  }

  request(m: ToWorker & { req: number }): Promise<FromWorker & { op: 'reply' }> {
    if (this.dead) return Promise.resolve({ op: 'reply', req: m.req, stopped: true });
    return new Promise((resolve) => {
      this.replies.set(m.req, resolve);
      this.post(m);
    });
  }

  req(): number {
    return this.nextReq++;
  }

  forget(sink: number): void {
    this.inFlight.delete(sink);
  }
}

let shared: TapWorker | undefined;

/** End the shared worker (when no item's tap is open); the next table starts a new one. */
export async function stopParquetWorker(): Promise<void> {
  const w = shared;
  shared = undefined;
  await w?.worker.terminate();
}

let nextTap = 1;
let nextSink = 1;

/** One per item: Parquet files of the item's period, written in the worker while the rows load. */
export class ParquetTap implements LoadTap {
  private readonly id = nextTap++;
  private w?: TapWorker;
  private broken = false;

  constructor(
    private readonly outDir: string,
    private readonly period: string,
  ) {}

  private worker(): TapWorker | undefined {
    if (this.broken) return undefined;
    if (!this.w) {
      try {
        shared ??= new TapWorker();
      } catch {
        this.broken = true; // no worker (a missing bundle file): the export streams every table back
        return undefined;
      }
      this.w = shared;
      this.w.opened();
    }
    if (this.w.dead) this.broken = true;
    return this.broken ? undefined : this.w;
  }

  begin(t: TapTable): TableSink | undefined {
    if (t.period !== this.period) return undefined;
    const w = this.worker();
    if (!w) return undefined;
    const sink = nextSink++;
    w.post({ op: 'begin', tap: this.id, sink, outDir: this.outDir, period: this.period, t });
    return new ThreadSink(w, this.id, sink);
  }

  /** The finished file when exactly `parts` were seen whole, else undefined (the caller streams back). */
  async finish(
    t: ExportTable,
    parts: [string, string][],
    files: string[],
  ): Promise<{ path: string; rows: number } | undefined> {
    if (!this.w || this.broken) return undefined;
    const r = await this.w.request({ op: 'finish', tap: this.id, req: this.w.req(), t, parts, files });
    if (r.error) throw new Error(`writing the Parquet of ${t.tableName} ${this.period}: ${r.error}`);
    return r.value;
  }

  /** Remove every unfinished file (the item is done or failed) and let the worker go. */
  async abort(): Promise<void> {
    const w = this.w;
    if (!w) return;
    this.w = undefined;
    await w.request({ op: 'abort', tap: this.id, req: w.req() });
    w.closed();
  }
}

class ThreadSink implements TableSink {
  /** the fast path's chunks (tens of KB) gathered into one message of about GATHER bytes */
  private gathered: Uint8Array[] = [];
  private gatheredBytes = 0;
  private shape?: RawShape;

  constructor(
    private readonly w: TapWorker,
    private readonly tap: number,
    private readonly sink: number,
  ) {}

  async raw(raw: RawCsv, chunk: Uint8Array): Promise<void> {
    this.shape ??= {
      delimiter: raw.delimiter,
      newline: raw.newline,
      header: raw.header,
      firstRow: raw.firstRow,
      encoding: raw.encoding,
    };
    // copied when sent: the loader's chunk also goes to COPY, and may be a view of a pooled buffer
    this.gathered.push(chunk);
    this.gatheredBytes += chunk.length;
    if (this.gatheredBytes >= GATHER) await this.sendGathered();
  }

  private async sendGathered(): Promise<void> {
    if (!this.gathered.length || !this.shape) return;
    const chunk = new Uint8Array(this.gatheredBytes); // its own buffer, to transfer (never a pooled Buffer's)
    let at = 0;
    for (const c of this.gathered) {
      chunk.set(c, at);
      at += c.length;
    }
    this.gathered = [];
    this.gatheredBytes = 0;
    const m: ToWorker = { op: 'raw', tap: this.tap, sink: this.sink, raw: this.shape, chunk };
    await this.w.send(this.sink, m, RAW_IN_FLIGHT, [chunk.buffer as ArrayBuffer]);
  }

  async rows(batch: RowBatch): Promise<void> {
    await this.w.send(this.sink, { op: 'rows', tap: this.tap, sink: this.sink, batch }, IN_FLIGHT);
  }

  async end(copied: number): Promise<void> {
    await this.sendGathered();
    const r = await this.w.request({ op: 'end', tap: this.tap, sink: this.sink, copied, req: this.w.req() });
    this.w.forget(this.sink);
    if (r.error) this.fail();
  }

  fail(): void {
    this.gathered = [];
    this.gatheredBytes = 0;
    this.w.post({ op: 'fail', tap: this.tap, sink: this.sink });
    this.w.forget(this.sink);
  }
}
