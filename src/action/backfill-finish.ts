// The end of a backfill run: state pushes (while items finish and the final commit), keep-alive, the catalog
// release, failure issues, and then the step's outputs, closing log line and summary report. src/action/backfill.ts
// runs the items and calls these; src/action/fanout.ts (the merge job) reuses syncIssues.
import { itemKey } from '../state/index.js';
import type { BackfillResult, ItemOutcome } from '../pipeline/backfill.js';
import type { CacheReport } from './cache.js';
import type { ApiBudgetGate } from './api-budget.js';
import { stepRunner, type ActionEnv } from './env.js';
import type { ExtraFile, StateCommitter } from './git.js';
import { FAILURE_LABEL, syncFailureIssues } from './issues.js';
import { keepAlive } from './keepalive.js';
import type { Publisher } from './publish.js';
import type { BackfillReport } from './summary.js';

/** The run's state pushes: the committer (none: state is not committed), how many went and were rejected, when. */
export interface Pushes {
  committer?: StateCommitter;
  pushes: number;
  rejected: number;
  last: number;
}

/** Commit and push the state (when there is a committer), counting pushes and rejections. */
export async function push(p: Pushes, message: string, extra?: Record<string, ExtraFile>): Promise<void> {
  if (!p.committer) return;
  const r = await p.committer.commitAndPush(message, extra);
  p.rejected += r.rejected;
  if (r.pushed) p.pushes++;
  p.last = Date.now();
}

export interface Items {
  outcomes: ItemOutcome[];
  cache: CacheReport;
  /** revised items reloaded as a new version */
  versions: BackfillResult['versions'];
}

/** After the items: keep-alive, the final state commit, the catalog release, issues. Returns the problems. */
export async function finish(
  e: ActionEnv,
  outcomes: ItemOutcome[],
  publisher: Publisher | undefined,
  pushes: Pushes,
  matrixJob = false,
  extra: Record<string, ExtraFile> = {},
  failedBefore?: Set<string>,
): Promise<string[]> {
  const problems: string[] = [];
  const step = stepRunner(e, problems);
  const by = (s: string) => outcomes.filter((o) => o.status === s).length;
  let heartbeat: Record<string, string> = {};
  // a matrix job hands its state to the merge job, which commits, releases the catalog and keeps alive
  if (e.ctx.eventName === 'schedule' && !matrixJob)
    await step('keep-alive', async () => {
      heartbeat = await keepAlive(e.github?.repo, e.ctx.workflowFile, e.cwd, e.log);
    });
  const run = e.ctx.runUrl ? `\n\n${e.ctx.runUrl}` : '';
  await step('commit state', () =>
    push(pushes, `DataWarp: ${by('processed')} processed, ${by('failed')} failed${run}`, {
      ...heartbeat,
      ...extra,
    }),
  );
  if (publisher && !matrixJob) await step('catalog release', () => publisher.publishCatalog(e.catalogPath));
  const issues = e.inputs.openIssues ? e.github?.issues : undefined;
  if (issues) await step('issues', () => syncIssues(e, issues, outcomes, failedBefore));
  return problems;
}

export async function syncIssues(
  e: ActionEnv,
  tracker: NonNullable<ActionEnv['github']>['issues'],
  outcomes: ItemOutcome[],
  /** keys that failed before this run: only they can have an issue to close (none to close: no listing) */
  failedBefore?: Set<string>,
): Promise<void> {
  const urls = new Map(
    e.config.publications.flatMap((p) => p.urls.map((u) => [itemKey(p.code, u.period), u.url] as const)),
  );
  const items = outcomes.flatMap((o) =>
    o.status === 'failed' || (o.status === 'processed' && (!failedBefore || failedBefore.has(o.key)))
      ? [{ key: o.key, status: o.status, error: o.error && e.redact(o.error), url: urls.get(o.key) }]
      : [],
  );
  const r = await syncFailureIssues(tracker, items, { runUrl: e.ctx.runUrl, label: FAILURE_LABEL });
  const parts = Object.entries(r)
    .filter(([, n]) => n.length)
    .map(([what, n]) => `${n.length} ${what}`);
  if (parts.length) e.log.info(`issues: ${parts.join(', ')}`);
}

export function summaryOf(
  e: ActionEnv,
  items: Items,
  problems: string[],
  publisher: Publisher | undefined,
  pushes: Pushes,
): BackfillReport {
  const p = publisher?.result() ?? { releases: [], uploaded: [], refused: [] };
  return {
    dryRun: e.inputs.dryRun,
    outcomes: items.outcomes,
    ...p,
    problems,
    rejectedPushes: pushes.rejected,
    cache: items.cache,
  };
}

/** Outputs, the closing log line and the step's result. */
export function report(
  e: ActionEnv,
  r: Items & { problems: string[]; publisher?: Publisher; pushes: Pushes; gate: ApiBudgetGate },
): void {
  const { core } = e;
  const by = (s: string) => r.outcomes.filter((o) => o.status === s);
  const failed = by('failed');
  const rows = r.outcomes.reduce((n, o) => n + (o.rowsLoaded ?? 0), 0);
  const pub = r.publisher?.result();
  core.setOutput('processed', String(by('processed').length));
  core.setOutput('failed', String(failed.length));
  core.setOutput('rows-loaded', String(rows));
  core.setOutput('release-url', pub?.catalogUrl ?? pub?.releases[0]?.url ?? '');
  const deferred = r.outcomes.filter((o) => o.status === 'skipped' && o.error);
  core.setOutput('deferred', String(deferred.length));
  core.setOutput('rate-limit-reset', r.gate.stopped() ? (r.gate.reset() ?? '') : '');
  e.log.info(
    `Done: ${by('processed').length} processed (${rows} rows loaded), ${by('skipped').length} skipped, ${failed.length} failed; ` +
      `${r.pushes.pushes} push(es), ${r.pushes.rejected} rejected and retried; ${pub?.uploaded.length ?? 0} asset(s) uploaded; ` +
      `download cache: ${r.cache.hits.length} hit(s), ${r.cache.misses.length} miss(es)`,
  );
  if (r.problems.length) core.setFailed(`DataWarp finished with problems: ${r.problems.join('; ')}`);
  else if (failed.length && !(e.inputs.openIssues && e.github))
    core.setFailed(`${failed.length} item(s) failed: ${failed.map((o) => o.key).join(', ')}`);
  else if (failed.length)
    core.warning(`${failed.length} item(s) failed; see the issues labelled ${FAILURE_LABEL}`);
}
