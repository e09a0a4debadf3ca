// Inputs and the runner's event context, read once into plain data.
import { readFileSync } from 'node:fs';
import type * as coreModule from '@actions/core';
import { RELEASE_ASSET_LAYOUTS, type ReleaseAssetLayout } from '../github/release-names.js';

export type Core = Pick<
  typeof coreModule,
  | 'getInput'
  | 'getBooleanInput'
  | 'setOutput'
  | 'setFailed'
  | 'setSecret'
  | 'info'
  | 'notice'
  | 'warning'
  | 'error'
  | 'summary'
>;

export interface ActionInputs {
  command: 'backfill' | 'status' | 'validate' | 'discover' | 'plan' | 'merge';
  pub: string;
  period: string;
  dryRun: boolean;
  retryFailed: boolean;
  force: boolean;
  config: string;
  state: string;
  databaseUrl: string;
  openaiApiKey: string;
  githubToken: string;
  commitState: boolean;
  release: boolean;
  openIssues: boolean;
  /** 0 = no budget */
  timeBudgetMinutes: number;
  retryCooldownHours: number;
  /** the longest wait on a GitHub rate limit before the request is given up (its item stays pending) */
  rateLimitMaxWaitSeconds: number;
  /** jobs sharing the hourly API budget at once (a matrix job takes 1/jobs of it) */
  rateLimitJobs: number;
  /** release layout: one asset per (table, period), or one zip per item (src/github/release-names.ts) */
  releaseAssets: ReleaseAssetLayout;
  /** fan-out: backfill writes its state fragment here instead of committing (a matrix job) */
  fragmentDir: string;
  /** fan-out: merge reads the fragments of the matrix jobs from here */
  fragments: string;
  /** fan-out: the plan's `items` output, {pub: [keys]} (merge marks a job's items failed when it left nothing) */
  planned: string;
  /** fan-out: plan picks the matrix when at least this many publications are pending (0 = always one job) */
  fanOutMinPubs: number;
  /** fan-out: plan packs the publications into at most this many matrix jobs (1-256) */
  maxJobs: number;
  /** fan-out: plan writes its plan here; merge reads the planned items from it */
  planFile: string;
}

export class InputError extends Error {}

function bool(core: Core, name: string, dflt: boolean): boolean {
  const v = core.getInput(name).trim().toLowerCase();
  if (v === '') return dflt;
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  throw new InputError(`input ${name}: "${v}" is not a boolean (use true or false)`);
}

function num(core: Core, name: string, dflt: number): number {
  const v = core.getInput(name).trim();
  if (v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new InputError(`input ${name}: "${v}" is not a non-negative number`);
  return n;
}

/** The release-assets input: `table` (default) or `item`. */
function layoutInput(core: Core): ReleaseAssetLayout {
  const v = core.getInput('release-assets').trim().toLowerCase();
  if (v === '') return 'table';
  const layout = RELEASE_ASSET_LAYOUTS.find((l) => l === v);
  if (!layout)
    throw new InputError(`input release-assets: "${v}" is not one of ${RELEASE_ASSET_LAYOUTS.join(', ')}`);
  return layout;
}

/** Secrets are masked before anything else can print them. */
export function readInputs(core: Core): ActionInputs {
  const databaseUrl = core.getInput('database-url');
  const openaiApiKey = core.getInput('openai-api-key');
  const githubToken = core.getInput('github-token');
  for (const s of [databaseUrl, openaiApiKey, githubToken]) if (s) core.setSecret(s);
  if (databaseUrl) {
    try {
      const u = new URL(databaseUrl);
      if (u.password) {
        core.setSecret(u.password);
        core.setSecret(decodeURIComponent(u.password));
      }
    } catch {
      // not a URL: masked as a whole above
    }
  }
  const command = (core.getInput('command') || 'backfill').trim();
  const commands = ['backfill', 'status', 'validate', 'discover', 'plan', 'merge'] as const;
  if (!(commands as readonly string[]).includes(command))
    throw new InputError(`input command: "${command}" is not one of ${commands.join(', ')}`);
  return {
    command: command as ActionInputs['command'],
    pub: core.getInput('pub').trim(),
    period: core.getInput('period').trim(),
    dryRun: bool(core, 'dry-run', false),
    retryFailed: bool(core, 'retry-failed', false),
    force: bool(core, 'force', false),
    config: core.getInput('config') || 'config/publications.yaml',
    state: core.getInput('state') || 'state/state.json',
    databaseUrl,
    openaiApiKey,
    githubToken,
    commitState: bool(core, 'commit-state', true),
    release: bool(core, 'release', true),
    openIssues: bool(core, 'open-issues', true),
    timeBudgetMinutes: num(core, 'time-budget-minutes', 330),
    retryCooldownHours: num(core, 'retry-cooldown-hours', 24),
    rateLimitMaxWaitSeconds: num(core, 'rate-limit-max-wait-seconds', 60),
    rateLimitJobs: num(core, 'rate-limit-jobs', 1),
    releaseAssets: layoutInput(core),
    fragmentDir: core.getInput('fragment-dir').trim(),
    fragments: core.getInput('fragments').trim(),
    planned: core.getInput('planned').trim(),
    fanOutMinPubs: num(core, 'fan-out-min-pubs', 2),
    maxJobs: num(core, 'max-jobs', 200),
    planFile: core.getInput('plan-file').trim(),
  };
}

export interface PullRequestInfo {
  number: number;
  baseSha: string;
  headSha: string;
  /** head repository differs from the base one: read-only token, no secrets */
  fromFork: boolean;
}

export interface RunContext {
  eventName: string;
  payload: Record<string, any>;
  owner: string;
  repo: string;
  /** the branch that triggered the run (undefined for tags and PR merge refs) */
  branch?: string;
  runUrl?: string;
  /** file name of the running workflow, e.g. backfill.yml */
  workflowFile?: string;
  pullRequest?: PullRequestInfo;
}

export function readContext(env: NodeJS.ProcessEnv): RunContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let payload: Record<string, any> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch {
      payload = {};
    }
  }
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const ref = env.GITHUB_REF ?? '';
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const runUrl = env.GITHUB_RUN_ID
    ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
  const wfRef = env.GITHUB_WORKFLOW_REF ?? '';
  const wfPath = wfRef.split('@')[0];
  const workflowFile = wfPath.includes('/.github/workflows/') ? wfPath.split('/').pop() : undefined;
  let pullRequest: PullRequestInfo | undefined;
  const pr = payload.pull_request;
  if (pr && (eventName === 'pull_request' || eventName === 'pull_request_target')) {
    pullRequest = {
      number: Number(pr.number ?? payload.number),
      baseSha: String(pr.base?.sha ?? ''),
      headSha: String(pr.head?.sha ?? ''),
      fromFork:
        Boolean(pr.head?.repo?.fork) ||
        (pr.head?.repo?.full_name !== undefined &&
          pr.base?.repo?.full_name !== undefined &&
          pr.head.repo.full_name !== pr.base.repo.full_name),
    };
  }
  return { eventName, payload, owner, repo, branch, runUrl, workflowFile, pullRequest };
}
