// StateCommitter: commit state/state.json, new manifests and output/catalog.json to a branch and push.
//
// The commit is built with git plumbing on a temporary index, on top of the latest known tip of the branch,
// so neither HEAD nor the working tree is touched. When the push is rejected (another run pushed first) the
// branch is fetched and the commit is rebuilt on the new tip: state.json and catalog.json are merged as JSON
// by key (per key the newest timestamp wins), never by a text rebase; manifests are per item and ours win.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog, CatalogTable } from '../export/index.js';
import { emptyState, mergeStates, serializeState, type State } from '../state/index.js';

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
  commitAndPush(message: string, extraFiles?: Record<string, string>): Promise<CommitResult>;
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

export class GitError extends Error {}

interface Exec {
  stdout: string;
  stderr: string;
  code: number;
}

function git(
  cwd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Exec> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? Number((err as { code: number }).code)
            : 1
          : 0;
        resolve({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

async function gitOk(cwd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = await git(cwd, args, opts);
  if (r.code !== 0) throw new GitError(`git ${args[0]} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

const REJECTED =
  /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\].*(cannot lock ref|failed to update ref|incorrect old value)|stale info/i;
const PROTECTED = /protected branch|GH006|GH013|pre-receive hook declined/i;

/** Merge two catalogs by table; within a table by (period, url, sheet); `b` (ours) wins on equal keys. */
export function mergeCatalogs(a: Catalog | undefined, b: Catalog | undefined): Catalog {
  if (!a) return b ?? { generated_at: new Date(0).toISOString(), tables: [] };
  if (!b) return a;
  const byName = new Map<string, CatalogTable>(a.tables.map((t) => [t.table, t]));
  for (const t of b.tables) {
    const o = byName.get(t.table);
    if (!o) {
      byName.set(t.table, t);
      continue;
    }
    const files = new Map(o.files.map((f) => [`${f.period}\u0000${f.url}\u0000${f.sheet}`, f]));
    for (const f of t.files) files.set(`${f.period}\u0000${f.url}\u0000${f.sheet}`, f);
    const fl = [...files.values()].sort(
      (x, y) =>
        x.period.localeCompare(y.period) || x.url.localeCompare(y.url) || x.sheet.localeCompare(y.sheet),
    );
    const columns = [...t.columns];
    for (const c of o.columns) if (!columns.some((x) => x.name === c.name)) columns.push(c);
    byName.set(t.table, {
      ...o,
      ...t,
      description: t.description || o.description,
      files: fl,
      rows: fl.reduce((s, f) => s + f.rows, 0),
      periods: [...new Set(fl.map((f) => f.period))].sort(),
      columns,
    });
  }
  return {
    generated_at: a.generated_at > b.generated_at ? a.generated_at : b.generated_at,
    tables: [...byName.values()].sort((x, y) => x.table.localeCompare(y.table)),
  };
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined || !text.trim()) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function asState(v: unknown): State {
  const d = (v ?? {}) as Partial<State>;
  return {
    ...emptyState(),
    ...(d as object),
    processed: { ...(d.processed ?? {}) },
    failed: { ...(d.failed ?? {}) },
  };
}

export function createGitCommitter(o: GitCommitterOptions): StateCommitter {
  const remote = o.remote ?? 'origin';
  const statePath = o.statePath ?? 'state/state.json';
  const catalogPath = o.catalogPath ?? 'output/catalog.json';
  const manifestsDir = o.manifestsDir ?? 'manifests';
  const fallback = o.fallbackBranch ?? 'datawarp-state';
  const maxAttempts = o.maxAttempts ?? 10;
  const log = o.log ?? (() => {});
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const author = o.author ?? {
    name: 'github-actions[bot]',
    email: '41898282+github-actions[bot]@users.noreply.github.com',
  };
  const authorEnv = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  let branch = o.branch;
  let tip: string | undefined;
  let protectedNotified = false;

  const show = async (rev: string, path: string): Promise<string | undefined> => {
    const r = await git(o.cwd, ['show', `${rev}:${path}`]);
    return r.code === 0 ? r.stdout : undefined;
  };

  async function changedManifests(): Promise<string[]> {
    if (!existsSync(join(o.cwd, manifestsDir))) return [];
    const out = await gitOk(o.cwd, [
      'ls-files',
      '-z',
      '--others',
      '--modified',
      '--exclude-standard',
      '--',
      manifestsDir,
    ]);
    return [...new Set(out.split('\0').filter(Boolean))].filter((p) => existsSync(join(o.cwd, p)));
  }

  async function fetchTip(b: string): Promise<string | undefined> {
    const r = await git(o.cwd, ['fetch', '--quiet', remote, `+refs/heads/${b}:refs/remotes/${remote}/${b}`]);
    if (r.code !== 0) {
      if (/couldn't find remote ref|not found/i.test(r.stderr)) return undefined;
      throw new GitError(`git fetch ${remote} ${b} failed: ${r.stderr.trim()}`);
    }
    return (await gitOk(o.cwd, ['rev-parse', `refs/remotes/${remote}/${b}`])).trim();
  }

  /** Build a commit on `parent`; undefined when its tree equals the parent's. */
  async function build(
    parent: string,
    message: string,
    extra: Record<string, string>,
  ): Promise<string | undefined> {
    const dir = mkdtempSync(join(tmpdir(), 'dw-git-'));
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    try {
      await gitOk(o.cwd, ['read-tree', parent], { env });
      const put = async (path: string, content: string) => {
        const blob = (await gitOk(o.cwd, ['hash-object', '-w', '--stdin'], { input: content })).trim();
        await gitOk(o.cwd, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
      };
      const local = (p: string) =>
        existsSync(join(o.cwd, p)) ? readFileSync(join(o.cwd, p), 'utf8') : undefined;
      const ours = local(statePath);
      if (ours !== undefined) {
        const merged = mergeStates(
          asState(parseJson(await show(parent, statePath))),
          asState(parseJson(ours)),
        );
        await put(statePath, serializeState(merged));
      }
      const cat = local(catalogPath);
      if (cat !== undefined) {
        const merged = mergeCatalogs(
          parseJson<Catalog>(await show(parent, catalogPath)),
          parseJson<Catalog>(cat),
        );
        await put(catalogPath, JSON.stringify(merged, null, 2) + '\n');
      }
      for (const p of await changedManifests()) await put(p, readFileSync(join(o.cwd, p), 'utf8'));
      for (const [p, c] of Object.entries(extra)) await put(p, c);
      const tree = (await gitOk(o.cwd, ['write-tree'], { env })).trim();
      const parentTree = (await gitOk(o.cwd, ['rev-parse', `${parent}^{tree}`])).trim();
      if (tree === parentTree) return undefined;
      return (
        await gitOk(o.cwd, ['commit-tree', tree, '-p', parent, '-m', message], { env: authorEnv })
      ).trim();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  return {
    async commitAndPush(message, extraFiles = {}) {
      let rejected = 0;
      if (!tip) tip = (await gitOk(o.cwd, ['rev-parse', 'HEAD'])).trim();
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const commit = await build(tip, message, extraFiles);
        if (!commit) return { pushed: false, branch, rejected };
        const r = await git(o.cwd, ['push', '--porcelain', remote, `${commit}:refs/heads/${branch}`]);
        if (r.code === 0) {
          tip = commit;
          // The catalog released after this push is the merged one (every run's tables), not only ours.
          const merged = await show(commit, catalogPath);
          if (merged !== undefined) {
            const tmp = join(o.cwd, `${catalogPath}.${process.pid}.tmp`);
            writeFileSync(tmp, merged);
            renameSync(tmp, join(o.cwd, catalogPath));
          }
          log(
            `state committed to ${branch} (${commit.slice(0, 7)})${rejected ? ` after ${rejected} rejected push(es)` : ''}`,
          );
          if (branch === fallback && branch !== o.branch && !protectedNotified && o.onProtected) {
            protectedNotified = true;
            await o.onProtected(fallback, o.branch);
          }
          return { pushed: true, commit, branch, rejected };
        }
        const text = `${r.stdout}\n${r.stderr}`;
        if (PROTECTED.test(text) && branch !== fallback) {
          log(`${branch} is protected: pushing state to ${fallback} and opening a pull request instead`);
          branch = fallback;
          tip = (await fetchTip(fallback)) ?? tip;
          continue;
        }
        if (!REJECTED.test(text))
          throw new GitError(
            `git push to ${remote} ${branch} failed: ${r.stderr.trim() || r.stdout.trim()}. ` +
              'Check that the workflow has `permissions: contents: write` and that actions/checkout kept its credentials.',
          );
        rejected++;
        const delay = Math.round(250 * Math.min(attempt, 6) + Math.random() * 750);
        log(
          `push to ${branch} rejected (the branch moved; attempt ${attempt}); fetching, merging state by key, retrying in ${delay} ms`,
        );
        await sleep(delay);
        tip = (await fetchTip(branch)) ?? tip;
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
