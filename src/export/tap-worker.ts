// The worker thread that writes Parquet while rows load (started by tap-thread.ts). It holds one LocalTap per item
// and a sink per (file, sheet), and does what they would do on the main thread — parse the fast path's bytes,
// build row groups, encode them — so the main thread only inflates and feeds COPY. Messages are handled one at a
// time, in the order sent; each chunk or batch is acknowledged once taken, which is the main thread's
// back-pressure.
import { parentPort, workerData } from 'node:worker_threads';
import type { RowBatch } from '../model.js';
import type { TableSink, TapTable } from '../load/tap.js';
import type { ExportTable } from './parquet.js';
import { LocalTap, type RawShape } from './tap.js';

export type ToWorker =
  | { op: 'begin'; tap: number; sink: number; outDir: string; period: string; t: TapTable }
  | { op: 'raw'; tap: number; sink: number; raw: RawShape; chunk: Uint8Array }
  | { op: 'rows'; tap: number; sink: number; batch: RowBatch }
  | { op: 'end'; tap: number; sink: number; copied: number; req: number }
  | { op: 'fail'; tap: number; sink: number }
  | { op: 'finish'; tap: number; req: number; t: ExportTable; parts: [string, string][]; files: string[] }
  | { op: 'abort'; tap: number; req: number };

export type FromWorker =
  | { op: 'ack'; sink: number }
  | {
      op: 'reply';
      req: number;
      value?: { path: string; rows: number };
      error?: string;
      /** the worker is gone (made up on the main thread) */
      stopped?: boolean;
    };

interface TapOfItem {
  tap: LocalTap;
  sinks: Map<number, TableSink | undefined>;
}

const taps = new Map<number, TapOfItem>();

function tapOf(id: number, outDir = '', period = ''): TapOfItem {
  let t = taps.get(id);
  if (!t) {
    t = { tap: new LocalTap(outDir, period), sinks: new Map() };
    taps.set(id, t);
  }
  return t;
}

async function handle(m: ToWorker): Promise<FromWorker | undefined> {
  switch (m.op) {
    case 'begin': {
      const t = tapOf(m.tap, m.outDir, m.period);
      t.sinks.set(m.sink, t.tap.begin(m.t));
      return undefined;
    }
    case 'raw':
      await taps
        .get(m.tap)
        ?.sinks.get(m.sink)
        ?.raw(m.raw as never, m.chunk);
      return { op: 'ack', sink: m.sink };
    case 'rows':
      await taps.get(m.tap)?.sinks.get(m.sink)?.rows(m.batch);
      return { op: 'ack', sink: m.sink };
    case 'end':
      await taps.get(m.tap)?.sinks.get(m.sink)?.end(m.copied);
      return { op: 'reply', req: m.req };
    case 'fail':
      taps.get(m.tap)?.sinks.get(m.sink)?.fail();
      return undefined;
    case 'finish':
      return { op: 'reply', req: m.req, value: taps.get(m.tap)?.tap.finish(m.t, m.parts, m.files) };
    case 'abort':
      taps.get(m.tap)?.tap.abort();
      taps.delete(m.tap);
      return { op: 'reply', req: m.req };
  }
}

/** A failed message fails its sink (the period is then streamed back); a request gets the error back. */
function failed(m: ToWorker, e: unknown): FromWorker | undefined {
  if ('sink' in m) taps.get(m.tap)?.sinks.get(m.sink)?.fail();
  const error = e instanceof Error ? e.message : String(e);
  if ('req' in m) return { op: 'reply', req: m.req, error };
  return m.op === 'raw' || m.op === 'rows' ? { op: 'ack', sink: m.sink } : undefined;
}

export function serveTap(): void {
  const port = parentPort!;
  let chain = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    chain = chain.then(async () => {
      let answer: FromWorker | undefined;
      try {
        answer = await handle(m);
      } catch (e) {
        answer = failed(m, e);
      }
      if (answer) port.postMessage(answer);
    });
  });
}

// only in the worker started for it (a test runner's own worker threads import nothing of this)
if (parentPort && (workerData as { datawarpTap?: boolean } | undefined)?.datawarpTap) serveTap();
