// Plans and runs (publication, period) items. With src/pipeline/process-item.ts the only place that knows the
// order of the stages: manifest -> enrich -> load -> export -> state.
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { flushCatalog } from '../export/index.js';
import { HttpError } from '../http/index.js';
import { ensureSchema, lostConnection, lostDuring, type Db, type ItemVersion } from '../load/index.js';
import { releaseParsedRows } from '../manifest/index.js';
import { processItem } from './process-item.js';
import { diffText } from './versions.js';
import { itemKey, readState, recordFailed, recordProcessed, writeState, type State } from '../state/index.js';

export type {
  Paths,
  Reporter,
  PipelineDeps,
  BackfillOptions,
  PlanAction,
  PlanItem,
  ItemOutcome,
  ItemFailure,
  BackfillResult,
} from './types.js';
import type {
  BackfillOptions,
  BackfillResult,
  ItemFailure,
  ItemOutcome,
  PipelineDeps,
  PlanAction,
  PlanItem,
  Reporter,
} from './types.js';

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

/** A dry run: what would be done with each item, nothing written. */
function dryRun(plan: PlanItem[], r: Reporter): BackfillResult {
  const outcomes: ItemOutcome[] = [];
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

/** One item to be processed: its outcome, recorded in `state` (a failed revision leaves the period processed). */
async function runItem(
  deps: PipelineDeps,
  opts: BackfillOptions,
  it: PlanItem,
  state: State,
  db: Db,
): Promise<ItemOutcome> {
  const r = deps.reporter;
  const clock = deps.clock ?? (() => new Date());
  const base = { key: it.key, pub: it.pub.code, period: it.entry.period };
  r.info(`${it.key}  processing ${it.entry.url}`);
  const revision = opts.revised?.find((x) => x.pub === it.pub.code && x.period === it.entry.period);
  try {
    if (revision && state.processed[it.key])
      r.info(`${it.key}  revised: ${revision.reason ?? 'republished'}`);
    const res = await processItem(deps, it, db, revision?.reason);
    recordProcessed(state, it.key, { completed_at: clock().toISOString(), rows_loaded: res.rowsLoaded });
    r.info(`${it.key}  ✓ ${res.rowsLoaded.toLocaleString('en-GB')} rows loaded${versionNote(res.version)}`);
    return { ...base, status: 'processed', ...res, ...(revision ? { revised: true } : {}) };
  } catch (e) {
    // losing the database is a fault of the run, not of the item: it stays pending for the next run
    if (lostConnection(e)) throw lostDuring(db.target, it.key, e);
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
    r.warn(`${it.key}  ✗ ${error}`);
    return { ...base, status: 'failed', error, failure };
  }
}

export async function backfill(deps: PipelineDeps, opts: BackfillOptions): Promise<BackfillResult> {
  const state = readState(deps.statePath);
  const plan = planItems(deps.config, state, opts);
  const r = deps.reporter;
  if (opts.dryRun) return dryRun(plan, r);

  const outcomes: ItemOutcome[] = [];
  // the catalog is written whole once a run, not per item (items append to its journal): a journal a killed run
  // left is folded in first, this run's at the end
  const catalogPath = join(deps.paths.output, 'catalog.json');
  flushCatalog(catalogPath);
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
      const base = { key: it.key, pub: it.pub.code, period: it.entry.period };
      if (it.action === 'process' && !stopped && deps.shouldStop?.()) {
        stopped = true;
        r.warn('time budget used up: no new items are started; the rest stay pending for the next run');
      }
      if (stopped && it.action === 'process') {
        outcomes.push({ ...base, status: 'skipped', error: 'time budget' });
        continue;
      }
      if (it.action !== 'process') {
        r.info(
          `${it.key}  skipped ${it.action === 'skip-processed' ? '✓' : '✗ (failed earlier; --retry-failed to retry)'}`,
        );
        outcomes.push({ ...base, status: 'skipped' });
        continue;
      }
      outcomes.push(await runItem(deps, opts, it, state, await getDb()));
      // a workbook's rows not read (tables skipped as unchanged)
      releaseParsedRows(join(deps.paths.downloads, it.pub.code, it.entry.period));
      writeState(deps.statePath, state);
      await deps.onItemDone?.(outcomes[outcomes.length - 1], state);
    }
  } finally {
    await db?.close();
    flushCatalog(catalogPath);
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
