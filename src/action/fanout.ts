// The fan-out of a backfill across jobs (.github/workflows/backfill.yml):
// - `command: plan`: the publications with pending items packed into at most `max-jobs` jobs
//   (src/pipeline/fan-out.ts) -> outputs `matrix` ([{"job":"1","pub":"a b"}, ...]), `items` ({pub: [keys]}, small
//   plans only), `count` (publications) and `mode` (none | single | matrix: matrix once at least
//   `fan-out-min-pubs` publications are pending, else one job as before); with `plan-file` the whole plan to a file;
// - each matrix job runs `command: backfill` with its `pub` list and `fragment-dir` (src/action/fragment.ts);
// - `command: merge`: folds the fragments into state.json (by key, newest completed_at/failed_at wins), the
//   catalog and the manifests, clears the revisions the jobs reloaded from state/monitor.json, commits once,
//   releases the catalog. A publication whose job left no fragment, or stopped before finishing, has its planned
//   items (from `plan-file`, the plan job's artifact: a plan of 36,000 items is too big for a job output or an
//   environment variable) recorded as failed with a reason naming the job. Pending revisions count as pending.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCatalog, writeCatalogFile, type Catalog } from '../export/index.js';
import { monitorPathFor, pendingRevisions, readMonitor } from '../monitor/index.js';
import type { ItemOutcome } from '../pipeline/backfill.js';
import { clampMaxJobs, fanOutPlan } from '../pipeline/fan-out.js';
import {
  emptyState,
  itemKey,
  mergeStates,
  readState,
  writeState,
  type FailedEntry,
  type State,
} from '../state/index.js';
import { committerFor, filters, syncIssues } from './backfill.js';
import { InputError } from './context.js';
import { stepRunner, type ActionEnv } from './env.js';
import type { ExtraFile } from './git.js';
import { matrixJobName, readFragments, type Fragment } from './fragment.js';
import { keepAlive } from './keepalive.js';
import { mergeCatalogs } from './merge.js';
import { createPublisher } from './publish.js';
import { planSummary, readPlanned, writePlanFile, type FanOutMode } from './plan-file.js';
import { cell } from './summary.js';
import { reloadedRevisions } from './revisions.js';
import { withDriftRecords } from './drift.js';
import { transientRetryKeys } from './transient.js';

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
    maxJobs: clampMaxJobs(inputs.maxJobs || undefined),
  });
  const pubs = Object.keys(plan.items);
  const n = pubs.length;
  const mode: FanOutMode =
    n === 0
      ? 'none'
      : inputs.dryRun || !inputs.fanOutMinPubs || n < inputs.fanOutMinPubs
        ? 'single'
        : 'matrix';
  if (inputs.planFile) writePlanFile(resolve(e.cwd, inputs.planFile), plan);
  e.core.setOutput('matrix', JSON.stringify(plan.matrix));
  const itemsJson = JSON.stringify(plan.items);
  if (itemsJson.length > ITEMS_OUTPUT_MAX)
    e.log.info(
      `plan: the items output is left empty (${itemsJson.length} bytes is over ${ITEMS_OUTPUT_MAX}): read them from plan-file`,
    );
  e.core.setOutput('items', itemsJson.length > ITEMS_OUTPUT_MAX ? '' : itemsJson);
  e.core.setOutput('count', String(n));
  e.core.setOutput('mode', mode);
  const items = Object.values(plan.items).reduce((s, k) => s + k.length, 0);
  e.log.info(
    `plan: ${n} publication(s) with ${items} pending item(s): ${mode === 'none' ? 'nothing to do' : mode === 'matrix' ? `${plan.matrix.length} job(s)` : mode}`,
  );
  await e.core.summary.addRaw(planSummary(plan, mode)).write();
}

/** Over this, the plan's items are not set as an output (a job's outputs are capped at 1 MB in all). */
const ITEMS_OUTPUT_MAX = 512 * 1024;

interface PubResult {
  pub: string;
  job: string;
  fragment: boolean;
  processed: number;
  failed: number;
  rows: number;
  note: string;
}

/** The failures the merge records for planned items a job did not report (`jobPubs`: the job's `pub` list). */
export function missingOutcomes(
  pub: string,
  keys: string[],
  frag: Fragment | undefined,
  runUrl: string | undefined,
  jobPubs = pub,
): Record<string, FailedEntry> {
  const job = frag?.meta.job ?? matrixJobName(jobPubs);
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
  const planned = readPlanned(e);
  const statePath = resolve(e.cwd, inputs.state);
  const frags = readFragments(resolve(e.cwd, inputs.fragments));
  const byPub = new Map(frags.map((f) => [f.meta.pub, f] as const));
  const state = readState(statePath);
  // each publication's keys merged on their own (small), gathered, then merged once into the whole state: not a
  // pass over 36,000 keys per fragment
  const fromJobs: State = emptyState();
  // the fragments' catalogs (their publications' tables only) folded into the committed one in one pass
  const pieces: Catalog[] = [];
  const results: PubResult[] = [];
  const synthetic: ItemOutcome[] = [];
  for (const pub of [...new Set([...planned.items.keys(), ...byPub.keys()])].sort()) {
    const frag = byPub.get(pub);
    const jobPubs = planned.jobs.get(pub)?.pub ?? pub;
    const failedNow = missingOutcomes(pub, planned.items.get(pub) ?? [], frag, e.ctx.runUrl, jobPubs);
    const mine = ownKeys(pub, frag?.state);
    if (frag) {
      if (frag.catalog) pieces.push(frag.catalog);
      if (frag.manifestsDir) copyTree(frag.manifestsDir, e.paths.manifests);
    }
    const merged = mergeStates(mine, { processed: {}, failed: failedNow });
    Object.assign(fromJobs.processed, merged.processed);
    Object.assign(fromJobs.failed, merged.failed);
    for (const [key, f] of Object.entries(failedNow))
      synthetic.push({ key, pub, period: key.slice(pub.length + 1), status: 'failed', error: f.error });
    results.push(pubResult(pub, jobPubs, frag, Object.keys(failedNow).length));
  }
  mergeInto(state, fromJobs);
  writeState(statePath, state);
  if (pieces.length) writeCatalogFile(e.catalogPath, mergeCatalogs(readCatalog(e.catalogPath), ...pieces));
  // revisions a job reloaded are no longer pending (those of failed or unreported items stay)
  const reloaded = frags.flatMap((f) =>
    f.meta.outcomes
      .filter((o) => o.revised && o.status === 'processed')
      .map((o) => ({ pub: f.meta.pub, period: o.key.slice(f.meta.pub.length + 1) })),
  );
  // the drift records the jobs left (they opened the issues)
  const drift = new Map(
    frags.filter((f) => f.meta.drift !== undefined).map((f) => [f.meta.pub, f.meta.drift!] as const),
  );
  const monitor = withDriftRecords(e, statePath, drift, reloadedRevisions(e, statePath, reloaded));
  const problems = await publishMerged(e, statePath, results, synthetic, monitor);
  await reportMerge(e, results, problems, frags.length);
}

/**
 * Copy the files under `from` into `to` (a fragment's manifests: a few files per publication). Not cpSync, which
 * checks every parent directory per call: 2 s over 300 fragments.
 */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyTree(join(from, e.name), join(to, e.name));
    else if (e.isFile()) copyFileSync(join(from, e.name), join(to, e.name));
  }
}

/**
 * `from`'s keys merged into `state` in place, as mergeStates(state, from) would (per key the newest wins, a tie
 * goes to `state`): mergeStates over those keys only, not a pass over the whole state's 36,000.
 */
function mergeInto(state: State, from: State): void {
  const keys = [...Object.keys(from.processed), ...Object.keys(from.failed)];
  const mine = emptyState();
  for (const k of keys) {
    if (Object.hasOwn(state.processed, k)) mine.processed[k] = state.processed[k];
    if (Object.hasOwn(state.failed, k)) mine.failed[k] = state.failed[k];
  }
  const merged = mergeStates(mine, from);
  for (const k of keys) {
    delete state.processed[k];
    delete state.failed[k];
  }
  Object.assign(state.processed, merged.processed);
  Object.assign(state.failed, merged.failed);
}

/** The keys of `pub` in a fragment's state (a fragment speaks for its own publication only). */
function ownKeys(pub: string, st: State | undefined): State {
  const out = emptyState();
  if (!st) return out;
  const ours = (k: string) => k.startsWith(`${pub}/`);
  for (const [k, v] of Object.entries(st.processed)) if (ours(k)) out.processed[k] = v;
  for (const [k, v] of Object.entries(st.failed)) if (ours(k)) out.failed[k] = v;
  return out;
}

function pubResult(pub: string, jobPubs: string, frag: Fragment | undefined, missing: number): PubResult {
  const outs = frag?.meta.outcomes ?? [];
  const done = outs.filter((o) => o.status === 'processed');
  return {
    pub,
    job: frag?.meta.job ?? matrixJobName(jobPubs),
    fragment: Boolean(frag),
    processed: done.length,
    failed: outs.filter((o) => o.status === 'failed').length + missing,
    rows: done.reduce((s, o) => s + Number(frag?.state.processed[o.key]?.rows_loaded ?? 0), 0),
    note: frag?.meta.error ?? (frag ? '' : 'no fragment'),
  };
}

/** Which file is at `path` (a rewrite renames a new one in): its inode, time and size; '' when there is none. */
function fileId(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return '';
  }
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
  const releaser = e.inputs.release ? e.github?.releases : undefined;
  const publisher = releaser && createPublisher(releaser, { force: false, pubName: (c) => c, log: e.log });
  const release = () =>
    step('catalog release', async () => {
      await publisher!.publishCatalog(e.catalogPath);
      e.core.setOutput('release-url', publisher!.result().catalogUrl ?? '');
    });
  // the catalog goes up while the commit is pushed (seconds each at catalogue scale); a commit that rewrote the
  // file (rebuilt on another run's tip: the catalogs merged, adopted by the working tree) is released again
  const before = fileId(e.catalogPath);
  const released = publisher ? release() : undefined;
  if (committer)
    await step('commit state', async () => {
      const r = await committer.commitAndPush(
        `DataWarp: ${sum('processed')} processed, ${sum('failed')} failed in ${results.length} job(s)${run}`,
        { ...heartbeat, ...monitor },
      );
      if (!r.pushed) e.log.info('merge: nothing new to commit');
    });
  if (released) {
    await released;
    if (fileId(e.catalogPath) !== before) await release();
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
