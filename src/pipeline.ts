// Plans and runs (publication, period) items. With src/pipeline/process-item.ts the only place that knows the
// order of the stages: manifest -> enrich -> load -> export -> state.
import { join } from 'node:path';
import type { Config, Publication, PublicationUrl } from './config/index.js';
import type { TableNamer } from './enrich/index.js';
import type { ExportedFile } from './export/index.js';
import { HttpError, type HttpClient } from './http/index.js';
import { ensureSchema, lostConnection, lostDuring, type Db, type ItemVersion } from './load/index.js';
import { releaseParsedRows } from './manifest/index.js';
import type { DriftReport, ReconciledPart } from './model.js';
import { processItem } from './pipeline/process-item.js';
import { diffText } from './pipeline/versions.js';
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
  /** only these publications (with `pub`: the publications in both) */
  pubs?: string[];
  period?: string;
  dryRun?: boolean;
  retryFailed?: boolean;
  force?: boolean;
  /** processed items republished with changes (the monitor's pending revisions): each loads as its next
   * version; they are the only processed items requested */
  revised?: { pub: string; period: string; reason?: string }[];
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
  /** the version this run made (a first load is version 1; a revision the next), with its diff */
  version?: ItemVersion;
  /** the item was requested as revised */
  revised?: boolean;
  /** the item's current version after this run */
  currentVersion?: number;
  /** parts with one total row: their total against their detail rows (src/load/reconcile.ts) */
  reconciliation?: ReconciledPart[];
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
  /** revised items this run processed, with the version now current (the caller clears their revision) */
  versions: { pub: string; period: string; version: number; reason?: string; changed: boolean }[];
}

export function planItems(config: Config, state: State, opts: BackfillOptions): PlanItem[] {
  const items: PlanItem[] = [];
  const only = opts.pubs ? new Set(opts.pubs) : undefined;
  for (const pub of config.publications) {
    if (opts.pub && pub.code !== opts.pub) continue;
    if (only && !only.has(pub.code)) continue;
    for (const entry of pub.urls) {
      if (opts.period && entry.period !== opts.period) continue;
      const key = itemKey(pub.code, entry.period);
      let action: PlanAction = 'process';
      const revised = opts.revised?.some((r) => r.pub === pub.code && r.period === entry.period);
      if (state.processed[key] && !opts.force && !revised) action = 'skip-processed';
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
    return { outcomes, exitCode: 0, versions: [] };
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
      const revision = opts.revised?.find((x) => x.pub === it.pub.code && x.period === it.entry.period);
      try {
        if (revision && state.processed[it.key])
          r.info(`${it.key}  revised: ${revision.reason ?? 'republished'}`);
        const res = await processItem(deps, it, await getDb(), revision?.reason);
        recordProcessed(state, it.key, { completed_at: clock().toISOString(), rows_loaded: res.rowsLoaded });
        outcomes.push({
          key: it.key,
          pub: it.pub.code,
          period: it.entry.period,
          status: 'processed',
          ...res,
          ...(revision ? { revised: true } : {}),
        });
        r.info(
          `${it.key}  ✓ ${res.rowsLoaded.toLocaleString('en-GB')} rows loaded${versionNote(res.version)}`,
        );
      } catch (e) {
        // losing the database is a fault of the run, not of the item: it stays pending for the next run
        if (lostConnection(e)) throw lostDuring(db?.target, it.key, e);
        const failure = failureOf(e);
        const error = failure.message;
        // a revision that fails leaves the period processed at its current (intact) version; the revision
        // stays pending (the caller clears only what loaded) and is tried again on the next run
        if (revision && state.processed[it.key])
          r.warn(`${it.key}  revision not loaded; the period stays processed at its current version`);
        else
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
  return {
    outcomes,
    exitCode: outcomes.some((o) => o.status === 'failed') ? 1 : 0,
    versions: revisedVersions(outcomes, opts),
  };
}

function revisedVersions(outcomes: ItemOutcome[], opts: BackfillOptions): BackfillResult['versions'] {
  return outcomes.flatMap((o) => {
    const r = opts.revised?.find((x) => x.pub === o.pub && x.period === o.period);
    if (!r || o.status !== 'processed') return [];
    const version = o.version?.version ?? o.currentVersion ?? 0;
    return [{ pub: o.pub, period: o.period, version, reason: r.reason, changed: Boolean(o.version) }];
  });
}

function versionNote(v: ItemVersion | undefined): string {
  if (!v || v.version < 2) return '';
  return `; version ${v.version}: ${diffText(v)}`;
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
