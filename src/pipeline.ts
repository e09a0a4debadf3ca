// Plans and runs (publication, period) items. The only module that knows the order of the stages:
// manifest -> enrich -> load -> export -> state.
import { basename, join } from 'node:path';
import type { Config, Publication, PublicationUrl } from './config/index.js';
import { enrichManifest, formatDrift, type TableNamer } from './enrich/index.js';
import { ParquetTap, exportPeriod, writeCatalog, type ExportedFile } from './export/index.js';
import { HttpError, type HttpClient } from './http/index.js';
import { ensureSchema, lostConnection, lostDuring, recordLlmCalls, type Db } from './load/index.js';
import { buildManifest, manifestFile, releaseParsedRows } from './manifest/index.js';
import type { DriftReport } from './model.js';
import { docText, findReference, writeYaml } from './pipeline/files.js';
import { loadItem } from './pipeline/load-item.js';
import { itemKey, readState, recordFailed, recordProcessed, writeState, type State } from './state/index.js';

export interface Paths {
  /** manifests/ root: manifests/backfill/<pub>/<pub>_<period>.yaml */
  manifests: string;
  /** output/: parquet/ and catalog.json */
  output: string;
  /** where downloads are kept */
  downloads: string;
}

export interface Reporter {
  info(msg: string): void;
  warn(msg: string): void;
  /** progress of a long step; `total` when known */
  progress(label: string, done: number, total?: number): void;
  done(label: string): void;
}

export interface PipelineDeps {
  config: Config;
  statePath: string;
  paths: Paths;
  http: HttpClient;
  /** opened lazily, once: a dry run or a run with nothing to do never opens it */
  openDb(): Promise<Db>;
  namer?: TableNamer;
  clock?: () => Date;
  reporter: Reporter;
  /** called after each processed or failed item, once state.json holds its outcome (commit-back, uploads) */
  onItemDone?(outcome: ItemOutcome, state: State): void | Promise<void>;
  /** checked before each item: true stops starting new items (time budget); the rest stay pending */
  shouldStop?(): boolean;
  /** rows per COPY chunk (default: the loader's) */
  chunkRows?: number;
  /** test hook: called after each COPY chunk inside the file's transaction */
  onChunk?(info: { item: string; file: number; table: string; chunk: number }): void | Promise<void>;
}

export interface BackfillOptions {
  pub?: string;
  period?: string;
  dryRun?: boolean;
  retryFailed?: boolean;
  force?: boolean;
}

export type PlanAction = 'process' | 'skip-processed' | 'skip-failed';

export interface PlanItem {
  key: string;
  pub: Publication;
  entry: PublicationUrl;
  action: PlanAction;
}

export interface ItemOutcome {
  key: string;
  pub: string;
  period: string;
  status: 'processed' | 'failed' | 'skipped' | 'planned';
  rowsLoaded?: number;
  error?: string;
  tables?: { table: string; rows: number; columns: number }[];
  drift?: DriftReport;
  /** Parquet written for the item (processed items) */
  exported?: ExportedFile[];
  /** why the item failed, with whether a later retry may succeed */
  failure?: ItemFailure;
}

export interface ItemFailure {
  message: string;
  /** a retry later may succeed (server or network trouble, a page not yet published) */
  transient: boolean;
  /** HTTP status, when an HTTP request failed */
  status?: number;
}

export interface BackfillResult {
  outcomes: ItemOutcome[];
  exitCode: 0 | 1;
}

export function planItems(config: Config, state: State, opts: BackfillOptions): PlanItem[] {
  const items: PlanItem[] = [];
  for (const pub of config.publications) {
    if (opts.pub && pub.code !== opts.pub) continue;
    for (const entry of pub.urls) {
      if (opts.period && entry.period !== opts.period) continue;
      const key = itemKey(pub.code, entry.period);
      let action: PlanAction = 'process';
      if (state.processed[key] && !opts.force) action = 'skip-processed';
      else if (state.failed[key] && !opts.retryFailed && !opts.force) action = 'skip-failed';
      items.push({ key, pub, entry, action });
    }
  }
  return items;
}

export async function backfill(deps: PipelineDeps, opts: BackfillOptions): Promise<BackfillResult> {
  const clock = deps.clock ?? (() => new Date());
  const state = readState(deps.statePath);
  const plan = planItems(deps.config, state, opts);
  const outcomes: ItemOutcome[] = [];
  const r = deps.reporter;

  if (opts.dryRun) {
    for (const it of plan) {
      const what =
        it.action === 'process'
          ? 'would process'
          : it.action === 'skip-processed'
            ? 'skip ✓ (processed)'
            : 'skip ✗ (failed; --retry-failed to retry)';
      r.info(`${it.key}  ${what}  ${it.entry.url}`);
      outcomes.push({
        key: it.key,
        pub: it.pub.code,
        period: it.entry.period,
        status: it.action === 'process' ? 'planned' : 'skipped',
      });
    }
    return { outcomes, exitCode: 0 };
  }

  let db: Db | undefined;
  const getDb = async () => {
    if (!db) {
      db = await deps.openDb();
      await ensureSchema(db);
    }
    return db;
  };

  try {
    // Open the database before the first item so that an unreachable server stops the run (exit 2) up front.
    if (plan.some((it) => it.action === 'process')) await getDb();
    let stopped = false;
    for (const it of plan) {
      if (it.action === 'process' && !stopped && deps.shouldStop?.()) {
        stopped = true;
        r.warn('time budget used up: no new items are started; the rest stay pending for the next run');
      }
      if (stopped && it.action === 'process') {
        outcomes.push({
          key: it.key,
          pub: it.pub.code,
          period: it.entry.period,
          status: 'skipped',
          error: 'time budget',
        });
        continue;
      }
      if (it.action !== 'process') {
        r.info(
          `${it.key}  skipped ${it.action === 'skip-processed' ? '✓' : '✗ (failed earlier; --retry-failed to retry)'}`,
        );
        outcomes.push({ key: it.key, pub: it.pub.code, period: it.entry.period, status: 'skipped' });
        continue;
      }
      r.info(`${it.key}  processing ${it.entry.url}`);
      try {
        const res = await processItem(deps, it, await getDb());
        recordProcessed(state, it.key, { completed_at: clock().toISOString(), rows_loaded: res.rowsLoaded });
        outcomes.push({
          key: it.key,
          pub: it.pub.code,
          period: it.entry.period,
          status: 'processed',
          ...res,
        });
        r.info(`${it.key}  ✓ ${res.rowsLoaded.toLocaleString('en-GB')} rows loaded`);
      } catch (e) {
        // losing the database is a fault of the run, not of the item: it stays pending for the next run
        if (lostConnection(e)) throw lostDuring(db?.target, it.key, e);
        const failure = failureOf(e);
        const error = failure.message;
        recordFailed(state, it.key, {
          failed_at: clock().toISOString(),
          error,
          transient: failure.transient,
          ...(failure.status ? { status: failure.status } : {}),
        });
        outcomes.push({
          key: it.key,
          pub: it.pub.code,
          period: it.entry.period,
          status: 'failed',
          error,
          failure,
        });
        r.warn(`${it.key}  ✗ ${error}`);
      }
      // a workbook's rows not read (tables skipped as unchanged)
      releaseParsedRows(join(deps.paths.downloads, it.pub.code, it.entry.period));
      writeState(deps.statePath, state);
      await deps.onItemDone?.(outcomes[outcomes.length - 1], state);
    }
  } finally {
    await db?.close();
  }
  return { outcomes, exitCode: outcomes.some((o) => o.status === 'failed') ? 1 : 0 };
}

/** A typed failure from what was thrown: HTTP errors know whether they are transient. */
function failureOf(e: unknown): ItemFailure {
  const message = errorText(e);
  for (let c: unknown = e; c; c = (c as { cause?: unknown }).cause) {
    if (c instanceof HttpError)
      return { message, transient: c.transient, ...(c.status ? { status: c.status } : {}) };
  }
  return { message, transient: false };
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/postgres(ql)?:\/\/[^@\s]*@/gi, 'postgres://***@');
}

interface ItemResult {
  rowsLoaded: number;
  tables: { table: string; rows: number; columns: number }[];
  drift?: DriftReport;
  exported: ExportedFile[];
}

async function processItem(deps: PipelineDeps, it: PlanItem, db: Db): Promise<ItemResult> {
  const { pub, entry } = it;
  const r = deps.reporter;
  const now = (deps.clock ?? (() => new Date()))();

  // 1. manifest: page -> links -> downloads -> tables (rows stay in their files until the load reads them)
  const built = await buildManifest(deps.http, {
    pub: pub.code,
    period: entry.period,
    url: entry.url,
    downloads: deps.paths.downloads,
    now,
    limits: deps.config.limits,
    onProgress: (url, bytes, total) =>
      r.progress(`download ${basename(new URL(url).pathname)}`, bytes, total),
  });
  const manifestDir = join(deps.paths.manifests, 'backfill', pub.code);
  const manifestPath = join(manifestDir, `${pub.code}_${entry.period}.yaml`);
  writeYaml(manifestPath, built.manifest);

  // 2. enrich
  const enriched = await enrichManifest(built.manifest, {
    pubName: pub.name,
    reference: findReference(deps.paths.manifests, deps.config.file, pub, entry.period),
    namer: deps.namer,
    samples: new Map(
      built.files.flatMap(({ file, source }) =>
        source.tables.map((t) => [`${file.url}#${t.spec.id}`, t.sample] as const),
      ),
    ),
    docs: new Map(built.files.map(({ file, source }) => [file.url, docText(source)])),
    log: r.warn,
  });
  writeYaml(join(manifestDir, `${pub.code}_${entry.period}_enriched.yaml`), enriched);
  const calls = deps.namer?.takeCalls?.() ?? [];
  if (calls.length) await recordLlmCalls(db, pub.code, entry.period, calls);
  if (enriched.drift) r.info(`${it.key}  drift: ${formatDrift(enriched.drift)}`);

  // 3. load: one transaction per file, rows streamed from the file; Parquet written from them as they load
  const tap = new ParquetTap(deps.paths.output, entry.period);
  try {
    const loaded = await loadItem({ deps, it, db, built, enriched, tap });
    // the specs are settled now (row counts, widened types): the manifest says what was loaded
    built.manifest.files = built.files.map(manifestFile);
    writeYaml(manifestPath, built.manifest);

    // 4. export
    const touched = [...loaded.touched.values()];
    const exported = await exportPeriod(db, {
      outDir: deps.paths.output,
      period: entry.period,
      tables: touched,
      tap,
    });
    await writeCatalog(db, join(deps.paths.output, 'catalog.json'), touched);
    return {
      rowsLoaded: loaded.rowsLoaded,
      tables: [...loaded.perTable.entries()].map(([table, v]) => ({ table, ...v })),
      drift: enriched.drift,
      exported,
    };
  } finally {
    tap.abort(); // whatever was not finished
  }
}
