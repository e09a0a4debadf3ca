// StateCommitter: commit state/state.json and output/catalog.json to a branch, the new manifests to the branch
// datawarp/manifests (src/manifest/store.ts reads them there), and push both at once (--atomic).
//
// The commits are built on the latest known tips (src/action/git-commit.ts), so neither HEAD nor the working tree
// is touched. When the push is rejected (another run pushed first) the branches are fetched and the commits
// rebuilt on the new tips: state.json and catalog.json are merged as JSON by key, never by a text rebase;
// manifests are per item and ours win. Per-period manifests stay out of the branch's tree (~20 KB an item); a
// manifest file already in that tree (a publication's reference_manifest, or one committed before they moved)
// stays there and is updated in place. A protected branch: the state goes to a fallback branch and a PR.
import { MANIFESTS_BRANCH, MANIFESTS_DIR } from '../manifest/index.js';
import { git, GitError, gitOk } from '../git/exec.js';
import { authorEnv } from './git-exec.js';
import { adoptMergedCatalog, buildCommit, type ExtraFile, type Target } from './git-commit.js';

export { GitError } from '../git/exec.js';
export type { ExtraFile } from './git-commit.js';

export interface CommitResult {
  /** false when there was nothing to commit */
  pushed: boolean;
  commit?: string;
  /** the branch actually pushed to (differs from the target when it is protected) */
  branch: string;
  /** pushes rejected because the branch had moved (each was followed by fetch, merge, retry) */
  rejected: number;
}

export interface StateCommitter {
  /** Commit what changed (if anything) and push it. Throws an actionable error when it cannot. */
  commitAndPush(message: string, extraFiles?: Record<string, ExtraFile>): Promise<CommitResult>;
}

export interface GitCommitterOptions {
  cwd: string;
  /** the branch to commit to (the triggering branch) */
  branch: string;
  remote?: string;
  /** repo-relative paths */
  statePath?: string;
  catalogPath?: string;
  manifestsDir?: string;
  /** the branch used when `branch` is protected */
  fallbackBranch?: string;
  /** called once after the first push to the fallback branch (open or update a PR) */
  onProtected?(fallbackBranch: string, target: string): Promise<void>;
  maxAttempts?: number;
  log?(msg: string): void;
  sleep?(ms: number): Promise<void>;
  author?: { name: string; email: string };
}

/**
 * The branch moved: rejected before the update, or (two pushes at once) the ref lock lost during it; an atomic
 * push then says only `atomic transaction failed`, and the remote's stderr why.
 */
const REJECTED = new RegExp(
  [
    String.raw`\[rejected\]|non-fast-forward|fetch first|stale info`,
    String.raw`\[remote rejected\].*(cannot lock ref|failed to update ref|incorrect old value)`,
    String.raw`cannot lock ref '[^']+': (is at \w+ but expected|reference already exists)`,
  ].join('|'),
  'i',
);
const PROTECTED = /protected branch|GH006|GH013|pre-receive hook declined/i;

/** The repository and paths a committer works on, resolved once. */
function targetOf(o: GitCommitterOptions): Target {
  return {
    cwd: o.cwd,
    remote: o.remote ?? 'origin',
    statePath: o.statePath ?? 'state/state.json',
    catalogPath: o.catalogPath ?? 'output/catalog.json',
    manifestsDir: o.manifestsDir ?? MANIFESTS_DIR,
    authorEnv: authorEnv(o.author),
  };
}

async function fetchTip(t: Target, b: string, depth?: number): Promise<string | undefined> {
  const r = await git(t.cwd, [
    'fetch',
    '--quiet',
    // the manifests branch: its tip's trees only (a commit on it needs no other file's bytes)
    ...(depth ? [`--depth=${depth}`, '--filter=blob:none'] : []),
    t.remote,
    `+refs/heads/${b}:refs/remotes/${t.remote}/${b}`,
  ]);
  if (r.code !== 0) {
    if (/couldn't find remote ref|not found/i.test(r.stderr)) return undefined;
    throw new GitError(`git fetch ${t.remote} ${b} failed: ${r.stderr.trim()}`);
  }
  return (await gitOk(t.cwd, ['rev-parse', `refs/remotes/${t.remote}/${b}`])).trim();
}

/** Push the built commits to their branches (both at once, --atomic, when there are two). */
function pushCommits(t: Target, c: { main?: string; manifests?: string }, branch: string) {
  const refs = [
    ...(c.main ? [`${c.main}:refs/heads/${branch}`] : []),
    ...(c.manifests ? [`${c.manifests}:refs/heads/${MANIFESTS_BRANCH}`] : []),
  ];
  const atomic = refs.length > 1 ? ['--atomic'] : [];
  return git(t.cwd, [...PUSH_CONFIG, 'push', '--porcelain', ...atomic, t.remote, ...refs]);
}

/**
 * A file over 16 MB (the catalog of a catalogue: 41 MB at 300 x 120) is pushed whole, deflated fast, not as a
 * delta: the delta of a big blob is computed twice by pack-objects (found, then recomputed for writing when it is
 * over its cache's limit) at ~0.7 s of CPU each at 41 MB, where deflating it whole takes ~0.3 s and sends ~7 MB
 * (what a depth-1 checkout of the branch downloads anyway). The remote stores deltas again when it repacks, so
 * the packed repository stays as small (docs/benchmarks.md, "The merge, sixth session").
 */
const PUSH_CONFIG = ['-c', 'core.bigFileThreshold=16m', '-c', 'pack.compression=1'];

/** The error of a push refused for another reason than the branch having moved. */
function pushFailed(t: Target, branch: string, r: { stdout: string; stderr: string }): GitError {
  return new GitError(
    `git push to ${t.remote} ${branch} failed: ${r.stderr.trim() || r.stdout.trim()}. ` +
      'Check that the workflow has `permissions: contents: write` and that actions/checkout kept its credentials.',
  );
}

export function createGitCommitter(o: GitCommitterOptions): StateCommitter {
  const t = targetOf(o);
  const fallback = o.fallbackBranch ?? 'datawarp-state';
  const maxAttempts = o.maxAttempts ?? 10;
  const log = o.log ?? (() => {});
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let branch = o.branch;
  let tip: string | undefined;
  let synced: string | undefined; // the tip the working tree's catalog holds (HEAD, then each push)
  // the tip the working tree's state.json was made from: HEAD, then each push of it as it was (a push that merged
  // another run's state is not in the file; later commits merge with the tip again)
  let stateSynced: string | undefined;
  let manifestsTip: string | null | undefined; // null: the manifests branch does not exist yet
  let protectedNotified = false;
  const tracking = `refs/remotes/${t.remote}/${MANIFESTS_BRANCH}`;
  const fetchManifestsTip = async () => (await fetchTip(t, MANIFESTS_BRANCH, 1)) ?? null;

  const pushed = async (
    c: { main?: string; manifests?: string; catalogMerged?: boolean; stateMerged?: boolean },
    rejected: number,
  ): Promise<CommitResult> => {
    if (c.manifests) {
      manifestsTip = c.manifests;
      await gitOk(t.cwd, ['update-ref', tracking, c.manifests]); // the store of this run reads it there
    }
    const after = rejected ? ` after ${rejected} rejected push(es)` : '';
    if (c.manifests) log(`manifests committed to ${MANIFESTS_BRANCH} (${c.manifests.slice(0, 7)})${after}`);
    if (!c.main) return { pushed: true, commit: tip, branch, rejected };
    tip = c.main;
    if (c.catalogMerged) await adoptMergedCatalog(t, c.main);
    synced = tip; // the working tree's catalog is the pushed one
    if (!c.stateMerged) stateSynced = tip;
    log(`state committed to ${branch} (${c.main.slice(0, 7)})${after}`);
    if (branch === fallback && branch !== o.branch && !protectedNotified && o.onProtected) {
      protectedNotified = true;
      await o.onProtected(fallback, o.branch);
    }
    return { pushed: true, commit: c.main, branch, rejected };
  };

  return {
    async commitAndPush(message, extraFiles = {}) {
      let rejected = 0;
      tip ??= (await gitOk(t.cwd, ['rev-parse', 'HEAD'])).trim();
      [synced, stateSynced] = [synced ?? tip, stateSynced ?? tip];
      if (manifestsTip === undefined) {
        const known = await git(t.cwd, ['rev-parse', '--verify', '--quiet', `${tracking}^{commit}`]);
        manifestsTip = known.code === 0 ? known.stdout.trim() : await fetchManifestsTip();
      }
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const c = await buildCommit(
          t,
          { main: tip, manifests: manifestsTip ?? undefined },
          message,
          extraFiles,
          { catalog: tip === synced, state: tip === stateSynced },
        );
        if (!c.main && !c.manifests) return { pushed: false, branch, rejected };
        const r = await pushCommits(t, c, branch);
        if (r.code === 0) return pushed(c, rejected);
        const text = `${r.stdout}\n${r.stderr}`;
        if (PROTECTED.test(text) && branch !== fallback) {
          log(`${branch} is protected: pushing state to ${fallback} and opening a pull request instead`);
          branch = fallback;
          tip = (await fetchTip(t, fallback)) ?? tip;
          continue;
        }
        if (!REJECTED.test(text)) throw pushFailed(t, branch, r);
        rejected++;
        const delay = Math.round(250 * Math.min(attempt, 6) + Math.random() * 750);
        log(
          `push to ${branch} rejected (the branch moved; attempt ${attempt}); fetching, merging state by key, retrying in ${delay} ms`,
        );
        await sleep(delay);
        tip = (await fetchTip(t, branch)) ?? tip;
        manifestsTip = await fetchManifestsTip();
      }
      throw new GitError(
        `could not push state to ${branch} after ${maxAttempts} attempts: other runs kept pushing. ` +
          "The results are in this run's state/state.json; the next run merges them again.",
      );
    },
  };
}
