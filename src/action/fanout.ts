// The fan-out of a backfill across jobs (.github/workflows/backfill.yml):
// - `command: plan`: which publications have pending items -> outputs `matrix` ([{"pub":"<key>"}, ...]), `items`
//   ({pub: [keys]}), `count` and `mode` (none | single | matrix: matrix once at least `fan-out-min-pubs`
//   publications are pending, else one job as before);
// - each matrix job runs `command: backfill` with `pub` and `fragment-dir` (src/action/fragment.ts);
// - `command: merge`: folds the fragments into state.json (by key, newest completed_at/failed_at wins), the
//   catalog and the manifests, clears the revisions the jobs reloaded from state/monitor.json, commits once,
//   releases the catalog. A publication whose job left no fragment, or stopped before finishing, has its planned
//   items recorded as failed with a reason naming the job. Pending revisions count as pending items in the plan.
import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import { fanOutPlan } from '../cli/plan.js';
import { readCatalog, writeCatalogFile, type Catalog } from '../export/index.js';
import { monitorPathFor, pendingRevisions, readMonitor } from '../monitor/index.js';
import type { ItemOutcome } from '../pipeline.js';
import { itemKey, mergeStates, readState, writeState, type FailedEntry } from '../state/index.js';
import { committerFor, filters, syncIssues } from './backfill.js';
import { InputError } from './context.js';
import { stepRunner, type ActionEnv } from './env.js';
import type { ExtraFile } from './git.js';
import { matrixJobName, readFragments, type Fragment } from './fragment.js';
import { keepAlive } from './keepalive.js';
import { mergeCatalogs, parseJson } from './merge.js';
import { createPublisher } from './publish.js';
import { cell } from './summary.js';
import { reloadedRevisions } from './revisions.js';
import { transientRetryKeys } from './transient.js';

export type FanOutMode = 'none' | 'single' | 'matrix';

export async function runPlan(e: ActionEnv): Promise<void> {
  const { inputs } = e;
  const opts = filters(e);
  const statePath = resolve(e.cwd, inputs.state);
  const state = readState(statePath);
  if (e.ctx.eventName === 'schedule' && !inputs.retryFailed) {
    // the jobs retry transient failures whose cool-down has passed (backfill.ts): they are pending too
    const urls = new Map(
      e.config.publications.flatMap((p) => p.urls.map((u) => [itemKey(p.code, u.period), u.url] as const)),
    );
    for (const k of transientRetryKeys(state, urls, inputs.retryCooldownHours)) delete state.failed[k];
  }
  const plan = fanOutPlan(e.config, state, {
    ...opts,
    retryFailed: inputs.retryFailed,
    force: inputs.force,
    // revised items are pending too: the jobs reload them (backfill.ts hands the monitor's revisions over)
    revised: pendingRevisions(readMonitor(monitorPathFor(statePath))),
  });
  const n = plan.matrix.length;
  const mode: FanOutMode =
    n === 0
      ? 'none'
      : inputs.dryRun || !inputs.fanOutMinPubs || n < inputs.fanOutMinPubs
        ? 'single'
        : 'matrix';
  e.core.setOutput('matrix', JSON.stringify(plan.matrix));
  e.core.setOutput('items', JSON.stringify(plan.items));
  e.core.setOutput('count', String(n));
  e.core.setOutput('mode', mode);
  const items = Object.values(plan.items).reduce((s, k) => s + k.length, 0);
  e.log.info(
    `plan: ${n} publication(s) with ${items} pending item(s): ${mode === 'none' ? 'nothing to do' : mode}`,
  );
  const lines = [
    '## DataWarp plan',
    '',
    n
      ? `${n} publication(s), ${items} pending item(s): ${mode === 'matrix' ? 'one job per publication' : 'one job'}.`
      : 'Nothing pending.',
    ...(n ? ['', '| publication | pending |', '|---|---|'] : []),
    ...plan.matrix.map(({ pub }) => `| \`${pub}\` | ${cell(plan.items[pub].join(', '))} |`),
  ];
  await e.core.summary.addRaw(`${lines.join('\n')}\n`).write();
}

interface PubResult {
  pub: string;
  job: string;
  fragment: boolean;
  processed: number;
  failed: number;
  rows: number;
  note: string;
}

/** The failures the merge records for planned items a job did not report. */
export function missingOutcomes(
  pub: string,
  keys: string[],
  frag: Fragment | undefined,
  runUrl: string | undefined,
): Record<string, FailedEntry> {
  const job = frag?.meta.job ?? matrixJobName(pub);
  const see = runUrl ? `; see ${runUrl}` : '';
  let reason: string;
  if (!frag)
    reason = `matrix job "${job}" left no state fragment: it was cancelled, timed out or lost its runner${see}`;
  else if (frag.meta.finished_at && !frag.meta.error) return {};
  else
    reason = `matrix job "${job}" stopped before finishing this item${frag.meta.error ? `: ${frag.meta.error}` : ''}${see}`;
  const told = new Set(frag?.meta.outcomes.map((o) => o.key) ?? []);
  const at = new Date().toISOString();
  return Object.fromEntries(
    keys
      .filter((k) => !told.has(k))
      .map((k) => [k, { failed_at: at, error: reason, transient: true } satisfies FailedEntry]),
  );
}

export async function runMerge(e: ActionEnv): Promise<void> {
  const { inputs } = e;
  if (!inputs.fragments)
    throw new InputError("input fragments: the directory of the matrix jobs' fragments is required");
  const planned = parseJson<Record<string, string[]>>(inputs.planned || '{}');
  if (!planned || typeof planned !== 'object' || Array.isArray(planned))
    throw new InputError(
      `input planned: not the plan's items output ({"pub": ["pub/period", ...]}): ${inputs.planned}`,
    );
  const statePath = resolve(e.cwd, inputs.state);
  const frags = readFragments(resolve(e.cwd, inputs.fragments));
  const state = readState(statePath);
  let merged = { processed: { ...state.processed }, failed: { ...state.failed } };
  let catalog: Catalog | undefined;
  const results: PubResult[] = [];
  const synthetic: ItemOutcome[] = [];
  for (const pub of [...new Set([...Object.keys(planned), ...frags.map((f) => f.meta.pub)])].sort()) {
    const frag = frags.find((f) => f.meta.pub === pub);
    const failedNow = missingOutcomes(pub, planned[pub] ?? [], frag, e.ctx.runUrl);
    if (frag) {
      merged = mergeStates(merged, frag.state);
      if (frag.catalog) catalog = mergeCatalogs(catalog ?? readCatalog(e.catalogPath), frag.catalog);
      if (frag.manifestsDir) cpSync(frag.manifestsDir, e.paths.manifests, { recursive: true });
    }
    merged = mergeStates(merged, { processed: {}, failed: failedNow });
    for (const [key, f] of Object.entries(failedNow))
      synthetic.push({ key, pub, period: key.slice(pub.length + 1), status: 'failed', error: f.error });
    const outs = frag?.meta.outcomes ?? [];
    results.push({
      pub,
      job: frag?.meta.job ?? matrixJobName(pub),
      fragment: Boolean(frag),
      processed: outs.filter((o) => o.status === 'processed').length,
      failed: outs.filter((o) => o.status === 'failed').length + Object.keys(failedNow).length,
      rows: outs
        .filter((o) => o.status === 'processed')
        .reduce((s, o) => s + Number(frag?.state.processed[o.key]?.rows_loaded ?? 0), 0),
      note: frag?.meta.error ?? (frag ? '' : 'no fragment'),
    });
  }
  Object.assign(state, { processed: merged.processed, failed: merged.failed });
  writeState(statePath, state);
  if (catalog) writeCatalogFile(e.catalogPath, catalog);
  // revisions a job reloaded are no longer pending (those of failed or unreported items stay)
  const reloaded = frags.flatMap((f) =>
    f.meta.outcomes
      .filter((o) => o.revised && o.status === 'processed')
      .map((o) => ({ pub: f.meta.pub, period: o.key.slice(f.meta.pub.length + 1) })),
  );
  const monitor = reloadedRevisions(e, statePath, reloaded);
  const problems = await publishMerged(e, statePath, results, synthetic, monitor);
  await reportMerge(e, results, problems, frags.length);
}

/** One commit for every job, the catalog release, keep-alive, issues for the items a job did not report. */
async function publishMerged(
  e: ActionEnv,
  statePath: string,
  results: PubResult[],
  synthetic: ItemOutcome[],
  monitor: Record<string, ExtraFile>,
): Promise<string[]> {
  const problems: string[] = [];
  const step = stepRunner(e, problems);
  let heartbeat: Record<string, string> = {};
  if (e.ctx.eventName === 'schedule')
    await step('keep-alive', async () => {
      heartbeat = await keepAlive(e.github?.repo, e.ctx.workflowFile, e.cwd, e.log);
    });
  const committer = e.inputs.commitState ? committerFor(e, statePath) : undefined;
  const sum = (k: 'processed' | 'failed') => results.reduce((s, r) => s + r[k], 0);
  const run = e.ctx.runUrl ? `\n\n${e.ctx.runUrl}` : '';
  if (committer)
    await step('commit state', async () => {
      const r = await committer.commitAndPush(
        `DataWarp: ${sum('processed')} processed, ${sum('failed')} failed in ${results.length} job(s)${run}`,
        { ...heartbeat, ...monitor },
      );
      if (!r.pushed) e.log.info('merge: nothing new to commit');
    });
  const releaser = e.inputs.release ? e.github?.releases : undefined;
  if (releaser) {
    const publisher = createPublisher(releaser, { force: false, pubName: (c) => c, log: e.log });
    await step('catalog release', async () => {
      await publisher.publishCatalog(e.catalogPath);
      e.core.setOutput('release-url', publisher.result().catalogUrl ?? '');
    });
  }
  const issues = e.inputs.openIssues ? e.github?.issues : undefined;
  if (issues && synthetic.length) await step('issues', () => syncIssues(e, issues, synthetic));
  return problems;
}

async function reportMerge(e: ActionEnv, results: PubResult[], problems: string[], fragments: number) {
  const sum = (k: 'processed' | 'failed' | 'rows') => results.reduce((s, r) => s + r[k], 0);
  e.core.setOutput('processed', String(sum('processed')));
  e.core.setOutput('failed', String(sum('failed')));
  e.core.setOutput('rows-loaded', String(sum('rows')));
  const lost = results.filter((r) => !r.fragment);
  e.log.info(
    `merge: ${fragments} fragment(s) of ${results.length} job(s); ${sum('processed')} processed, ${sum('failed')} failed` +
      (lost.length ? `; no fragment from ${lost.map((r) => r.job).join(', ')}` : ''),
  );
  const lines = [
    '## DataWarp fan-out merge',
    '',
    `${results.length} job(s), ${fragments} fragment(s): ${sum('processed')} processed, ${sum('failed')} failed, ` +
      `${sum('rows').toLocaleString('en-GB')} rows loaded.`,
    '',
    '| publication | job | fragment | processed | failed | note |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| \`${r.pub}\` | ${cell(r.job)} | ${r.fragment ? '✓' : '✗'} | ${r.processed} | ${r.failed} | ${cell(r.note)} |`,
    ),
  ];
  if (problems.length) lines.push('', '### Problems', '', ...problems.map((x) => `- ${cell(x)}`));
  await e.core.summary.addRaw(e.redact(`${lines.join('\n')}\n`)).write();
  if (problems.length) e.core.setFailed(`DataWarp merge finished with problems: ${problems.join('; ')}`);
  else if (sum('failed'))
    e.core.warning(
      `${sum('failed')} item(s) failed${lost.length ? ` (${lost.length} job(s) left no fragment)` : ''}; they are recorded under failed in state.json`,
    );
}
