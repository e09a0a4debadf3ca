// The fan-out of a backfill across matrix jobs: the publications with pending items (planItems' selection) packed
// into at most `maxJobs` jobs (GitHub refuses a matrix of more than 256), balanced by pending items, each
// publication in exactly one job: [{"job": "1", "pub": "a b c"}, ...]. Used by `datawarp plan` and the action's
// plan and merge commands.
import type { Config, Frequency } from '../config/index.js';
import { planItems, type BackfillOptions } from './backfill.js';
import type { State } from '../state/index.js';

/** GitHub's cap on the jobs of one matrix. */
export const MATRIX_JOB_LIMIT = 256;
export const DEFAULT_MAX_JOBS = 200;

export interface FanOutJob {
  /** "1", "2", ...: the job's number (its artifact is datawarp-fragment-<job>) */
  job: string;
  /** the job's publications, space-separated, in config order */
  pub: string;
}

export interface FanOutPlan {
  /** the matrix include list, at most maxJobs entries */
  matrix: FanOutJob[];
  /** per publication (config order), the keys of its pending items; a null-prototype object */
  items: Record<string, string[]>;
}

/** A publication list as the `pub` input and `--pub` take it: keys separated by spaces and/or commas. */
export function parsePubList(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(/[\s,]+/).filter(Boolean))];
}

/** The jobs a plan may use: `n` when a whole number from 1 to 256; above 256, 256; else the default (200). */
export function clampMaxJobs(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n) || n < 1) return DEFAULT_MAX_JOBS;
  return Math.min(MATRIX_JOB_LIMIT, Math.floor(n));
}

/**
 * Pack weighted publications into at most `maxJobs` bins, heaviest first onto the lightest bin (ties: the lower
 * bin), so no job carries much more than the average. Returns the bins' publications in their input order;
 * bins are numbered by their first publication's position.
 */
export function packJobs(weights: [pub: string, weight: number][], maxJobs: number): string[][] {
  const n = Math.min(clampMaxJobs(maxJobs), weights.length);
  if (!n) return [];
  const order = weights.map((w, i) => i).sort((a, b) => weights[b][1] - weights[a][1] || a - b);
  const load = new Array<number>(n).fill(0);
  const bins: number[][] = Array.from({ length: n }, () => []);
  for (const i of order) {
    let best = 0;
    for (let b = 1; b < n; b++) if (load[b] < load[best]) best = b;
    load[best] += Math.max(1, weights[i][1]);
    bins[best].push(i);
  }
  return bins
    .map((b) => b.sort((x, y) => x - y))
    .sort((x, y) => x[0] - y[0])
    .map((b) => b.map((i) => weights[i][0]));
}

export type FanOutOptions = Pick<BackfillOptions, 'pubs' | 'period' | 'retryFailed' | 'force' | 'revised'> & {
  maxJobs?: number;
};

export function fanOutPlan(config: Config, state: State, opts: FanOutOptions): FanOutPlan {
  const items: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const byPub = new Map<string, string[]>();
  for (const it of planItems(config, state, opts)) {
    if (it.action !== 'process') continue;
    let keys = byPub.get(it.pub.code);
    if (!keys) byPub.set(it.pub.code, (keys = []));
    keys.push(it.key);
  }
  for (const [pub, keys] of byPub) items[pub] = keys;
  const jobs = packJobs(
    [...byPub].map(([pub, keys]) => [pub, keys.length]),
    opts.maxJobs ?? DEFAULT_MAX_JOBS,
  );
  return { matrix: jobs.map((pubs, i) => ({ job: String(i + 1), pub: pubs.join(' ') })), items };
}

/** The matrix entry holding `pub`, by publication. */
export function jobsByPub(matrix: FanOutJob[]): Map<string, FanOutJob> {
  const out = new Map<string, FanOutJob>();
  for (const j of matrix) for (const p of parsePubList(j.pub)) out.set(p, j);
  return out;
}

/**
 * The publications a `pub` input / `--pub` names (a space- or comma-separated list; empty: all), checked against
 * the config, and the frequency their periods share (undefined when they differ or none are named).
 */
export function selectPubs(
  config: Config,
  text: string | undefined,
): { pubs?: string[]; frequency?: Frequency; error?: string } {
  const pubs = parsePubList(text);
  if (!pubs.length) return {};
  const known = new Map(config.publications.map((p) => [p.code, p] as const));
  const unknown = pubs.filter((p) => !known.has(p));
  if (unknown.length) {
    const have = config.publications.map((p) => p.code);
    const shown =
      have.length > 20 ? `${have.slice(0, 20).join(', ')}, ... (${have.length})` : have.join(', ');
    return {
      error: `${unknown.join(', ')}: no such publication in ${config.file} (have: ${shown})`,
    };
  }
  const freqs = new Set(pubs.map((p) => known.get(p)!.frequency));
  return { pubs, frequency: freqs.size === 1 ? [...freqs][0] : undefined };
}
