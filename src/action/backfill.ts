// `command: backfill` (schedule, workflow_dispatch): the pipeline in-process on a database rebuilt from the
// committed catalog, state pushed while items finish and at the end, Parquet released per item, failures as
// issues, outputs and a step summary.
import { join, relative, resolve } from 'node:path';
import { itemKey, readState, writeState, type State } from '../state/index.js';
import { parsePeriod } from '../config/index.js';
import { loadedRowCount, type Db } from '../load/index.js';
import { backfill, type BackfillOptions, type ItemOutcome } from '../pipeline/backfill.js';
import { monitorPathFor, pendingRevisions, readMonitor } from '../monitor/index.js';
import { selectPubs } from '../pipeline/fan-out.js';
import { checkWritable, removeStaleTempFiles } from '../preflight.js';
import { readCatalog } from '../export/index.js';
import { rehydrate } from '../restore/rehydrate.js';
import { cachedHttpClient, createActionsCache } from './cache.js';
import { apiBudgetGate, tablesPerItemOf, type ApiBudgetGate } from './api-budget.js';
import { finish, push, report, summaryOf, type Items, type Pushes } from './backfill-finish.js';
import { knownAssets, knownMembers, recordAssets, withoutUnreleased } from './catalog-assets.js';
import { InputError } from './context.js';
import { httpClientFor, namerFor, openActionDb, reporterFor, type ActionEnv } from './env.js';
import { limitsShare } from '../github/client.js';
import { createGitCommitter, type ExtraFile, type StateCommitter } from './git.js';
import { matrixJobFragment } from './fragment.js';
import { reviewDrift, type DriftReview } from './drift.js';
import { createPublisher, type Publisher } from './publish.js';
import { maxReleaseAssets } from './releases.js';
import { restoreRevisedRows } from './revised-rows.js';
import { reloadedRevisions } from './revisions.js';
import { backfillSummary } from './summary.js';
import { transientRetryKeys } from './transient.js';

export { syncIssues } from './backfill-finish.js';

/** The pub and period inputs, checked against the config (pub: a key or a space- or comma-separated list). */
export function filters(e: ActionEnv): Pick<BackfillOptions, 'pubs' | 'period'> {
  const sel = selectPubs(e.config, e.inputs.pub);
  if (sel.error) throw new InputError(`input pub: ${sel.error}`);
  if (!e.inputs.period) return { pubs: sel.pubs };
  const pr = parsePeriod(e.inputs.period, sel.frequency);
  if (pr.error) throw new InputError(`input period: ${pr.error}`);
  return { pubs: sel.pubs, period: pr.period };
}

export function committerFor(e: ActionEnv, statePath: string): StateCommitter | undefined {
  if (!e.inputs.commitState) return undefined;
  if (!e.ctx.branch) {
    e.core.notice('state is not committed: the run was not triggered on a branch');
    return undefined;
  }
  const repo = e.github?.repo;
  return createGitCommitter({
    cwd: e.cwd,
    branch: e.ctx.branch,
    statePath: relative(e.cwd, statePath),
    catalogPath: relative(e.cwd, e.catalogPath),
    manifestsDir: relative(e.cwd, e.paths.manifests),
    log: e.log.info,
    onProtected: repo
      ? async (head, base) => {
          const pr = await repo.ensurePullRequest(
            head,
            base,
            'DataWarp: state, manifests and catalog',
            `${base} is protected, so DataWarp pushes its state to \`${head}\`. Merge this pull request to record it.`,
          );
          e.log.info(`state pull request #${pr.number} ${pr.created ? 'opened' : 'updated'}`);
        }
      : undefined,
  });
}

/**
 * A scheduled run retries transient failures of earlier runs once the cool-down has passed. state.json keeps only
 * the error text of a failure, so the text rule of transient.ts decides (this run's failures are typed).
 */
function releaseCooledDownFailures(e: ActionEnv, statePath: string): void {
  if (e.ctx.eventName !== 'schedule' || e.inputs.retryFailed) return;
  const state = readState(statePath);
  const urls = new Map(
    e.config.publications.flatMap((p) => p.urls.map((u) => [itemKey(p.code, u.period), u.url] as const)),
  );
  const keys = transientRetryKeys(state, urls, e.inputs.retryCooldownHours);
  if (!keys.length) return;
  for (const k of keys) delete state.failed[k];
  writeState(statePath, state);
  e.log.info(
    `retrying ${keys.length} item(s) that failed transiently over ${e.inputs.retryCooldownHours} h ago: ${keys.join(', ')}`,
  );
}

export async function runBackfill(e: ActionEnv): Promise<void> {
  const started = Date.now();
  const { inputs } = e;
  const statePath = resolve(e.cwd, inputs.state);
  const write = !inputs.dryRun;
  const opts = filters(e);
  if (write) checkWritable({ statePath, paths: e.paths });
  // a broken state file stops here with an actionable message; the failures known before (they have issues)
  const failedBefore = new Set(Object.keys(readState(statePath).failed));
  if (write) {
    const removed = removeStaleTempFiles({ statePath, paths: e.paths });
    if (removed.length) e.log.info(`removed ${removed.length} temporary file(s) left by a stopped run`);
    releaseCooledDownFailures(e, statePath);
  }
  const fragment = write ? matrixJobFragment(e, statePath, opts.pubs) : undefined;
  const pushes: Pushes = {
    committer: write && !fragment ? committerFor(e, statePath) : undefined,
    pushes: 0,
    rejected: 0,
    last: started,
  };
  const releaser = write && inputs.release ? e.github?.releases : undefined;
  const catalog = readCatalog(e.catalogPath);
  const known = knownAssets(catalog);
  const members = knownMembers(catalog);
  const knownTags = new Set([...known.values()].map((a) => a.release));
  // layout `item`: one upload per item, whatever its tables
  const perItem = inputs.releaseAssets === 'item' ? 1 : tablesPerItemOf(catalog);
  const gate = apiBudgetGate(write ? e.github?.budget : undefined, perItem, e.log.warning, {
    share: limitsShare(inputs.rateLimitJobs),
  });
  const publisher = releaser
    ? createPublisher(releaser, {
        force: inputs.force,
        pubName: (code) => e.config.publications.find((p) => p.code === code)?.name ?? code,
        log: e.log,
        maxAssets: maxReleaseAssets(e.env),
        layout: inputs.releaseAssets,
        knownMembers: (name) => members.get(name) ?? [],
        knownRelease: (name) => known.get(name)?.release,
        knownAsset: (name) => known.get(name),
        knownTag: (tag) => knownTags.has(tag),
      })
    : undefined;
  const done: ItemOutcome[] = [];
  let items: Items;
  let problems: string[];
  let drift: DriftReview | undefined;
  try {
    items = await runItems(
      e,
      statePath,
      { ...opts, write, started, done, fragment, gate },
      publisher,
      pushes,
    );
    const monitor = write ? reloadedRevisions(e, statePath, items.versions) : {};
    // drift to review: issues opened or updated, records in monitor.json (committed, or handed to the merge)
    drift = write ? await reviewDrift(e, statePath, items.outcomes, opts.pubs, monitor) : undefined;
    const fin = (x: Record<string, ExtraFile>) =>
      finish(e, items.outcomes, publisher, pushes, Boolean(fragment), x, failedBefore);
    problems = write ? [...(await fin(drift?.extra ?? {})), ...(drift?.problem ? [drift.problem] : [])] : [];
  } catch (err) {
    fragment?.write(done, { error: e.redact((err as Error).message ?? String(err)), drift: drift?.records });
    throw err;
  }
  fragment?.write(items.outcomes, {
    ...(problems.length ? { error: problems.join('; ') } : {}),
    drift: drift?.records,
  });
  report(e, { ...items, problems, publisher, pushes, gate });
  await e.core.summary
    .addRaw(
      e.redact(
        backfillSummary({ ...summaryOf(e, items, problems, publisher, pushes), budget: gate.stopped() }),
      ),
    )
    .write();
}

/** What runItems needs besides the env: the filters, and the run's clock, outcomes, matrix fragment and gate. */
type RunOptions = Pick<BackfillOptions, 'pubs' | 'period'> & {
  write: boolean;
  started: number;
  /** outcomes of the items finished so far */
  done: ItemOutcome[];
  fragment?: ReturnType<typeof matrixJobFragment>;
  gate: ApiBudgetGate;
};

/** The source files' HTTP client, through the download cache (the Actions cache, or the one the options give). */
function sourceHttp(e: ActionEnv) {
  return cachedHttpClient(httpClientFor(e), e.options.cache ?? createActionsCache((m) => e.core.notice(m)), {
    root: join(e.cwd, '.datawarp', 'source-cache'),
    log: e.log.info,
  });
}

/** Open the database and rebuild it from the committed catalog (and the releases, for revised rows). */
async function openRehydrated(
  e: ActionEnv,
  statePath: string,
  publisher: Publisher | undefined,
  revised: ReturnType<typeof pendingRevisions>,
): Promise<Db> {
  const db = await openActionDb(e);
  const catalog = readCatalog(e.catalogPath);
  // a pending item's tables with no released asset (its upload failed) load again: their ledger rows left out
  const processed = readState(statePath).processed;
  const pending = (pub: string, period: string) => !Object.hasOwn(processed, itemKey(pub, period));
  const r = await rehydrate(db, publisher ? withoutUnreleased(catalog, pending) : catalog);
  if (r.ledgerRows)
    e.log.info(
      `rehydrated ${r.tables} table(s) and ${r.ledgerRows} ledger row(s) from ${relative(e.cwd, e.catalogPath)}`,
    );
  // the rows a revision supersedes: back from the releases (the database started empty)
  if (revised.length && e.github?.reader)
    await restoreRevisedRows(db, e.github.reader, catalog, revised, e.log);
  return db;
}

async function runItems(
  e: ActionEnv,
  statePath: string,
  o: RunOptions,
  publisher: Publisher | undefined,
  pushes: Pushes,
): Promise<Items> {
  const { inputs } = e;
  const interval =
    (e.options.pushIntervalSeconds ?? (Number(e.env.DATAWARP_PUSH_INTERVAL_SECONDS) || 60)) * 1000;
  const http = sourceHttp(e);
  const reporter = reporterFor(e);
  let db: Db | undefined;
  const revised = pendingRevisions(readMonitor(monitorPathFor(statePath))).filter(
    (r) => (!o.pubs || o.pubs.includes(r.pub)) && (!o.period || r.period === o.period),
  );
  const ledgerRows = (table: string, period: string) => loadedRowCount(db!, table, period);
  const result = await backfill(
    {
      config: e.config,
      statePath,
      paths: e.paths,
      http,
      openDb: async () => (db = await openRehydrated(e, statePath, publisher, revised)),
      namer: namerFor(e, reporter.warn),
      reporter,
      shouldStop: () =>
        (inputs.timeBudgetMinutes > 0 && Date.now() - o.started > inputs.timeBudgetMinutes * 60_000) ||
        o.gate.shouldStop(),
      onItemDone: async (outcome, state) => {
        o.done.push(outcome);
        const up = await publisher?.uploadItem(outcome, ledgerRows);
        if (up) o.gate.noteItem(up.files, up.error);
        if (up?.error) keepPending(statePath, state, outcome, up.error);
        if (publisher) recordAssets(e.catalogPath, publisher.placements(), publisher.removed());
        o.fragment?.write(o.done);
        if (Date.now() - pushes.last >= interval) await push(pushes, `DataWarp: state after ${outcome.key}`);
      },
    },
    {
      pubs: o.pubs,
      period: o.period,
      dryRun: inputs.dryRun,
      retryFailed: inputs.retryFailed,
      force: inputs.force,
      revised,
    },
  );
  // items the API budget kept from starting say so (the pipeline names only the time budget)
  if (o.gate.stopped())
    for (const x of result.outcomes)
      if (x.status === 'skipped' && x.error === 'time budget') x.error = API_BUDGET;
  return { outcomes: result.outcomes, cache: http.report(), versions: result.versions };
}

const API_BUDGET = 'GitHub API budget';

/** An item whose assets did not all upload is not processed: it stays pending and the next run uploads them. */
function keepPending(statePath: string, state: State, outcome: ItemOutcome, error: string): void {
  delete state.processed[outcome.key];
  writeState(statePath, state);
  outcome.status = 'skipped';
  outcome.error = `upload failed, left pending: ${error}`;
}
