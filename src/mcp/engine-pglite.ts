// PGlite: its session is a superuser, statement_timeout does not interrupt pg_sleep and it runs on the thread
// that calls it. So queries never touch the user's data folder: the server copies it to a snapshot in a
// temporary folder, each worker thread gets its own copy of that snapshot, and a query that outlives its
// timeout is ended by terminating the worker (the server goes on; the next query starts a fresh worker).
// Whatever a query writes or reads as a file stays inside the worker's copy, which is deleted afterwards.
// A backfill running meanwhile writes to the real folder; the server takes a new snapshot on the next call
// after `output/catalog.json` changes (the backfill writes it when it ends), so answers lag until then.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { QueryError, type QueryLimits, type QueryOutput, type ReadEngine } from './engine.js';
import type { FromPgliteWorker, ToPgliteWorker } from './pglite-worker.js';

/** How to start the worker: pglite-worker.ts under tsx (development, tests), or the bundle's copy. */
function workerScript(): { url: URL | string; evalCode?: boolean } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) {
    const api = path.resolve(path.dirname(self), '../../node_modules/tsx/dist/esm/api/index.mjs');
    const target = pathToFileURL(path.join(path.dirname(self), 'pglite-worker.ts')).href;
    const code = `const { register } = await import(${JSON.stringify(pathToFileURL(api).href)});
register(); await import(${JSON.stringify(target)});`;
    return { url: code, evalCode: true };
  }
  const dir = path.dirname(self);
  const found = [path.join(dir, 'mcp-worker/index.js'), path.join(dir, '../mcp-worker/index.js')].find((f) =>
    fs.existsSync(f),
  );
  if (!found) throw new QueryError('setup', `the PGlite query worker is missing beside ${self}: rebuild`);
  return { url: pathToFileURL(found) };
}

const READY_MS = 180_000;
/** copy-on-write clones where the file system has them (btrfs, XFS, APFS), else plain copies */
const CLONE = { recursive: true, mode: fs.constants.COPYFILE_FICLONE };

class QueryWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (m: FromPgliteWorker) => void>();
  private failed?: string;
  readonly ready: Promise<void>;

  constructor(readonly dir: string) {
    const { url, evalCode } = workerScript();
    this.worker = new Worker(url, {
      eval: Boolean(evalCode),
      workerData: { dataDir: dir },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
      stdout: true,
      stderr: true,
    });
    // nothing of the worker may reach stdout: that is the MCP stdio channel
    this.worker.stdout.pipe(process.stderr);
    this.worker.stderr.pipe(process.stderr);
    this.worker.on('message', (m: FromPgliteWorker) => this.waiting.get(m.id)?.(m));
    const fail = (why: string) => {
      this.failed ??= why;
      for (const done of this.waiting.values()) done({ id: -1, ok: false, code: 'worker', message: why });
    };
    this.worker.on('error', (e) => fail(`the PGlite query worker failed: ${e.message}`));
    this.worker.on('exit', (c) => fail(`the PGlite query worker stopped (exit code ${c})`));
    this.ready = new Promise((ok, bad) => {
      const t = setTimeout(
        () => bad(new QueryError('worker', 'the PGlite query worker did not start')),
        READY_MS,
      );
      const settle = (m: FromPgliteWorker) => {
        clearTimeout(t);
        this.waiting.delete(0);
        this.waiting.delete(-1);
        if ('ready' in m) ok();
        else bad(new QueryError('worker', `the PGlite query worker did not start: ${m.ok ? '' : m.message}`));
      };
      this.waiting.set(0, settle);
      this.waiting.set(-1, settle);
    });
  }

  /** Resolve with the reply, or reject after `ms` (the caller then terminates the worker). */
  ask(m: ToPgliteWorker, ms: number): Promise<FromPgliteWorker | 'timeout'> {
    if (this.failed) return Promise.resolve({ id: m.id, ok: false, code: 'worker', message: this.failed });
    return new Promise((done) => {
      const t = setTimeout(() => {
        this.waiting.delete(m.id);
        done('timeout');
      }, ms);
      const settle = (r: FromPgliteWorker) => {
        clearTimeout(t);
        this.waiting.delete(m.id);
        this.waiting.delete(-1);
        done(r);
      };
      this.waiting.set(m.id, settle);
      this.waiting.set(-1, settle);
      this.worker.postMessage(m);
    });
  }

  get dead(): boolean {
    return this.failed !== undefined;
  }

  async stop(): Promise<void> {
    this.failed ??= 'stopped';
    await this.worker.terminate().catch(() => 0);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface PgliteEngineOptions {
  dataDir: string;
  /** a value that changes when a backfill has finished (the catalog's mtime): a new snapshot is taken */
  generation: () => string;
}

export async function openPgliteEngine(o: PgliteEngineOptions): Promise<ReadEngine> {
  const source = path.resolve(o.dataDir);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-mcp-'));
  let n = 0;
  let base = '';
  let generation = '';
  let snapshotAt = '';
  let worker: QueryWorker | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const snapshot = async () => {
    if (!fs.existsSync(path.join(source, 'PG_VERSION')))
      throw new QueryError('setup', `no PGlite database in ${source}: run datawarp backfill first`);
    const next = path.join(root, `base-${++n}`);
    fs.cpSync(source, next, CLONE);
    if (base) fs.rmSync(base, { recursive: true, force: true });
    base = next;
    generation = o.generation();
    snapshotAt = new Date().toISOString();
    await worker?.stop();
    worker = undefined;
  };
  const fresh = async (): Promise<QueryWorker> => {
    if (o.generation() !== generation) await snapshot();
    if (worker && !worker.dead) return worker;
    await worker?.stop();
    const dir = path.join(root, `work-${++n}`);
    fs.cpSync(base, dir, CLONE);
    worker = new QueryWorker(dir);
    await worker.ready;
    return worker;
  };
  await snapshot();
  await fresh();

  let ids = 1;
  const run = async (sql: string, params: unknown[], limits: QueryLimits): Promise<QueryOutput> => {
    const w = await fresh();
    // PostgreSQL's own timeout first (it stops ordinary queries cleanly); the worker is ended a little later
    const r = await w.ask({ id: ++ids, sql, params, limits }, limits.timeoutMs + 1_000);
    if (r === 'timeout') {
      await w.stop();
      throw new QueryError(
        '57014',
        `canceling statement due to statement timeout (${limits.timeoutMs / 1000} s): the PGlite worker ` +
          `running it was stopped; the next query starts a fresh one`,
      );
    }
    if ('ready' in r) throw new QueryError('worker', 'unexpected reply from the PGlite query worker');
    if (!r.ok) {
      if (r.code === 'worker') await w.stop();
      throw new QueryError(r.code, r.message);
    }
    return { columns: r.columns, rows: r.rows, cut: r.cut };
  };
  return {
    kind: 'pglite',
    describe: () =>
      `PGlite: a snapshot of ${source} taken ${snapshotAt} (a worker thread, SELECT-only role, read-only transactions)`,
    run(sql, params, limits) {
      const p = queue.then(() => run(sql, params, limits));
      queue = p.catch(() => undefined);
      return p;
    },
    async close() {
      await worker?.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
