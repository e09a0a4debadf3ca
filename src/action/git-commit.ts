// The state commit built on the branch tips with git plumbing on a temporary index (neither HEAD nor the working
// tree is touched): state/state.json and output/catalog.json merged as JSON by key with the tip's copies (per key
// the newest timestamp wins), never by a text rebase; manifests already in the branch's tree updated in place, the
// others committed to datawarp/manifests (src/action/git-manifests.ts); extra files as given. src/action/git.ts
// pushes the commits and retries.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushCatalog, parseCatalog, serializeCatalog, writeCatalogFile } from '../export/index.js';
import { mergeStates, serializeState } from '../state/index.js';
import { asState, mergeCatalogs, parseJson } from './merge.js';
import { git, gitOk } from '../git/exec.js';
import { buildManifestsCommit, addFiles, treeFiles } from './git-manifests.js';

/** A file to commit besides state, catalog and manifests: its content, or made from the branch tip's copy. */
export type ExtraFile = string | ((tip: string | undefined) => string | undefined);

/** The repository and paths a committer works on, resolved once. */
export interface Target {
  cwd: string;
  remote: string;
  statePath: string;
  catalogPath: string;
  manifestsDir: string;
  authorEnv: NodeJS.ProcessEnv;
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

/** The branch tips a commit is built on: the branch's, and the manifests branch's (none before its first push). */
export interface Tips {
  main: string;
  manifests?: string;
}

/**
 * Which of the working tree's files were made from `tips.main`'s (the checkout, or a push of them as they were):
 * they hold the tip's entries and this run's changes, so they are committed as they are, not parsed and merged with
 * the tip's again (at catalogue scale the catalog is tens of MB, the state several).
 */
export interface Synced {
  catalog?: boolean;
  state?: boolean;
}

/** Build the commits on the tips (state and catalog merged by key); undefined where a tree is unchanged. */
export async function buildCommit(
  t: Target,
  tips: Tips,
  message: string,
  extra: Record<string, ExtraFile>,
  synced: Synced = {},
): Promise<{ main?: string; manifests?: string; catalogMerged?: boolean; stateMerged?: boolean }> {
  const parent = tips.main;
  const dir = mkdtempSync(join(tmpdir(), 'dw-git-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    await gitOk(t.cwd, ['read-tree', parent], { env });
    const add = async (path: string, blob: string) =>
      gitOk(t.cwd, ['update-index', '--add', '--cacheinfo', `100644,${blob.trim()},${path}`], { env });
    const put = async (path: string, content: string) =>
      add(path, await gitOk(t.cwd, ['hash-object', '-w', '--stdin'], { input: content }));
    // a file committed as it is: git reads it (tens of MB need not pass through this process)
    const putFile = async (path: string) =>
      add(path, await gitOk(t.cwd, ['hash-object', '-w', '--no-filters', '--', path]));
    // a JSON file of the working tree: as it is while made from the tip, else merged by key with the tip's copy
    const commitJson = async (
      path: string,
      asIs: boolean | undefined,
      merge: (tip?: string, ours?: string) => string,
    ) => {
      if (!existsSync(join(t.cwd, path))) return false;
      if (asIs) await putFile(path);
      else await put(path, merge(await show(t, parent, path), readFileSync(join(t.cwd, path), 'utf8')));
      return !asIs;
    };
    const stateMerged = await commitJson(t.statePath, synced.state, (tip, ours) =>
      serializeState(mergeStates(asState(parseJson(tip)), asState(parseJson(ours)))),
    );
    flushCatalog(join(t.cwd, t.catalogPath)); // the items' journal into the file: it is committed whole
    const catalogMerged = await commitJson(t.catalogPath, synced.catalog, (tip, ours) =>
      serializeCatalog(mergeCatalogs(parseCatalog(tip), parseCatalog(ours))),
    );
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
    return { main, manifests, catalogMerged, stateMerged };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The catalog released after a push is the merged one (every run's tables), not only ours. */
export async function adoptMergedCatalog(t: Target, commit: string): Promise<void> {
  const merged = await show(t, commit, t.catalogPath);
  if (merged === undefined) return;
  writeCatalogFile(join(t.cwd, t.catalogPath), parseCatalog(merged));
}
