// StateCommitter: commit state/state.json and output/catalog.json to a branch, the new manifests to the branch
// datawarp/manifests (src/manifest/store.ts reads them there), and push both at once (--atomic).
//
// The commits are built with git plumbing on temporary indexes, on top of the latest known tips, so neither HEAD
// nor the working tree is touched. When the push is rejected (another run pushed first) the branches are fetched
// and the commits rebuilt on the new tips: state.json and catalog.json are merged as JSON by key (per key the
// newest timestamp wins), never by a text rebase; manifests are per item and ours win. Per-period manifests stay
// out of the branch's tree (~20 KB an item); a manifest file already in that tree (a publication's
// reference_manifest, or one committed before they moved) stays there and is updated in place.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushCatalog, parseCatalog, serializeCatalog, writeCatalogFile } from '../export/index.js';
import { MANIFESTS_BRANCH, MANIFESTS_DIR } from '../manifest/index.js';
import { mergeStates, serializeState } from '../state/index.js';
import { asState, mergeCatalogs, parseJson } from './merge.js';
import { git, GitError, gitOk } from './git-exec.js';
import { buildManifestsCommit, addFiles, treeFiles } from './git-manifests.js';

export { GitError } from './git-exec.js';

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

/** A file to commit besides state, catalog and manifests: its content, or made from the branch tip's copy. */
export type ExtraFile = string | ((tip: string | undefined) => string | undefined);

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

const REJECTED =
  /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\].*(cannot lock ref|failed to update ref|incorrect old value)|stale info/i;
const PROTECTED = /protected branch|GH006|GH013|pre-receive hook declined/i;

/** The repository and paths a committer works on, resolved once. */
interface Target {
  cwd: string;
  remote: string;
  statePath: string;
  catalogPath: string;
  manifestsDir: string;
  authorEnv: NodeJS.ProcessEnv;
}

function targetOf(o: GitCommitterOptions): Target {
  const author = o.author ?? {
    name: 'github-actions[bot]',
    email: '41898282+github-actions[bot]@users.noreply.github.com',
  };
  return {
    cwd: o.cwd,
    remote: o.remote ?? 'origin',
    statePath: o.statePath ?? 'state/state.json',
    catalogPath: o.catalogPath ?? 'output/catalog.json',
    manifestsDir: o.manifestsDir ?? MANIFESTS_DIR,
    authorEnv: {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
    },
  };
}

async function show(t: Target, rev: string, path: string): Promise<string | undefined> {
  const r = await git(t.cwd, ['show', `${rev}:${path}`]);
  return r.code === 0 ? r.stdout : undefined;
}

async function changedManifests(t: Target): Promise<string[]> {
  if (!existsSync(join(t.cwd, t.manifestsDir))) return [];
  const args = ['ls-files', '-z', '--others', '--modified', '--exclude-standard', '--', t.manifestsDir];
  const out = await gitOk(t.cwd, args);
  return [...new Set(out.split('\0').filter(Boolean))]
    .filter((p) => !p.endsWith('.tmp') && existsSync(join(t.cwd, p)))
    .sort();
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

/** The branch tips a commit is built on: the branch's, and the manifests branch's (none before its first push). */
interface Tips {
  main: string;
  manifests?: string;
}

/**
 * Build the commits on the tips (state and catalog merged by key); undefined where a tree is unchanged. `synced`:
 * the working tree's catalog was made from `tips.main`'s (the checkout, or the last push): it holds theirs, so it is
 * committed as it is, not parsed and merged again (a catalogue's catalog is tens of MB).
 */
async function buildCommit(
  t: Target,
  tips: Tips,
  message: string,
  extra: Record<string, ExtraFile>,
  synced = false,
): Promise<{ main?: string; manifests?: string; catalogMerged?: boolean }> {
  const parent = tips.main;
  const dir = mkdtempSync(join(tmpdir(), 'dw-git-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    await gitOk(t.cwd, ['read-tree', parent], { env });
    const put = async (path: string, content: string) => {
      const blob = (await gitOk(t.cwd, ['hash-object', '-w', '--stdin'], { input: content })).trim();
      await gitOk(t.cwd, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
    };
    const local = (p: string) =>
      existsSync(join(t.cwd, p)) ? readFileSync(join(t.cwd, p), 'utf8') : undefined;
    const ours = local(t.statePath);
    if (ours !== undefined) {
      const theirs = asState(parseJson(await show(t, parent, t.statePath)));
      await put(t.statePath, serializeState(mergeStates(theirs, asState(parseJson(ours)))));
    }
    flushCatalog(join(t.cwd, t.catalogPath)); // the items' journal into the file: it is committed whole
    const cat = local(t.catalogPath);
    const catalogMerged = cat !== undefined && !synced;
    if (cat !== undefined && synced) await put(t.catalogPath, cat);
    else if (cat !== undefined) {
      const theirs = parseCatalog(await show(t, parent, t.catalogPath));
      await put(t.catalogPath, serializeCatalog(mergeCatalogs(theirs, parseCatalog(cat))));
    }
    const changed = await changedManifests(t);
    const inTree = await treeFiles(t, parent, t.manifestsDir);
    const files = (p: string) => ({ file: p, path: p });
    await addFiles(t, env, changed.filter((p) => inTree.has(p)).map(files));
    for (const [p, c] of Object.entries(extra)) {
      const content = typeof c === 'function' ? c(await show(t, parent, p)) : c;
      if (content !== undefined) await put(p, content);
    }
    const tree = (await gitOk(t.cwd, ['write-tree'], { env })).trim();
    const parentTree = (await gitOk(t.cwd, ['rev-parse', `${parent}^{tree}`])).trim();
    const manifests = await buildManifestsCommit(
      t,
      tips.manifests,
      changed.filter((p) => !inTree.has(p)),
      message,
    );
    if (tree === parentTree) return { manifests };
    const main = (
      await gitOk(t.cwd, ['commit-tree', tree, '-p', parent, '-m', message], { env: t.authorEnv })
    ).trim();
    return { main, manifests, catalogMerged };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The catalog released after a push is the merged one (every run's tables), not only ours. */
async function adoptMergedCatalog(t: Target, commit: string): Promise<void> {
  const merged = await show(t, commit, t.catalogPath);
  if (merged === undefined) return;
  writeCatalogFile(join(t.cwd, t.catalogPath), parseCatalog(merged));
}

/** Push the built commits to their branches (both at once, --atomic, when there are two). */
function pushCommits(t: Target, c: { main?: string; manifests?: string }, branch: string) {
  const refs = [
    ...(c.main ? [`${c.main}:refs/heads/${branch}`] : []),
    ...(c.manifests ? [`${c.manifests}:refs/heads/${MANIFESTS_BRANCH}`] : []),
  ];
  const atomic = refs.length > 1 ? ['--atomic'] : [];
  return git(t.cwd, ['push', '--porcelain', ...atomic, t.remote, ...refs]);
}

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
  let manifestsTip: string | null | undefined; // null: the manifests branch does not exist yet
  let protectedNotified = false;
  const tracking = `refs/remotes/${t.remote}/${MANIFESTS_BRANCH}`;
  const fetchManifestsTip = async () => (await fetchTip(t, MANIFESTS_BRANCH, 1)) ?? null;

  const pushed = async (
    c: { main?: string; manifests?: string; catalogMerged?: boolean },
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
      synced ??= tip;
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
          tip === synced,
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

/** Seconds since the last commit on the remote branch (for the keep-alive heartbeat), or undefined. */
export async function lastCommitAgeDays(
  cwd: string,
  rev = 'HEAD',
  now = Date.now(),
): Promise<number | undefined> {
  const r = await git(cwd, ['log', '-1', '--format=%ct', rev]);
  if (r.code !== 0 || !r.stdout.trim()) return undefined;
  return (now / 1000 - Number(r.stdout.trim())) / 86400;
}

/** The content of a file at a revision (e.g. the PR's base), fetching that commit when it is missing. */
export async function fileAtRevision(
  cwd: string,
  rev: string,
  path: string,
  remote = 'origin',
): Promise<string | undefined> {
  let r = await git(cwd, ['cat-file', '-e', `${rev}^{commit}`]);
  if (r.code !== 0) await git(cwd, ['fetch', '--quiet', '--depth=1', remote, rev]);
  r = await git(cwd, ['show', `${rev}:${path}`]);
  return r.code === 0 ? r.stdout : undefined;
}
