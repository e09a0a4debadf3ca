// The manifests' side of a state commit: files added to the tip of the branch datawarp/manifests (or to the
// branch's own tree, for a manifest already there), built on temporary indexes (src/action/git.ts pushes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitOk } from '../git/exec.js';

/** The repository and the paths a commit is built in. */
export interface ManifestsTarget {
  cwd: string;
  manifestsDir: string;
  authorEnv: NodeJS.ProcessEnv;
}

type Env = NodeJS.ProcessEnv;

/** Blobs of files (paths relative to the repository), written in one git call each way. */
export async function addFiles(
  t: ManifestsTarget,
  env: Env,
  entries: { file: string; path: string }[],
): Promise<void> {
  if (!entries.length) return;
  const shas = (
    await gitOk(t.cwd, ['hash-object', '-w', '--stdin-paths'], {
      input: entries.map((e) => e.file).join('\n') + '\n',
    })
  )
    .trim()
    .split('\n');
  const info = entries.map((e, i) => `100644 ${shas[i]}\t${e.path}`).join('\n') + '\n';
  await gitOk(t.cwd, ['update-index', '--add', '--index-info'], { env, input: info });
}

/** The commit of the manifests branch: ours added on its tip; undefined when nothing changed. */
export async function buildManifestsCommit(
  t: ManifestsTarget,
  tip: string | undefined,
  files: string[],
  message: string,
): Promise<string | undefined> {
  if (!files.length) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dw-git-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    if (tip) await gitOk(t.cwd, ['read-tree', tip], { env });
    else await gitOk(t.cwd, ['read-tree', '--empty'], { env });
    const prefix = `${t.manifestsDir}/`;
    await addFiles(
      t,
      env,
      files.map((f) => ({ file: f, path: f.slice(prefix.length) })),
    );
    // --missing-ok: a blobless fetch of the tip lacks the other files' bytes, and needs none of them
    const tree = (await gitOk(t.cwd, ['write-tree', '--missing-ok'], { env })).trim();
    if (tip && tree === (await gitOk(t.cwd, ['rev-parse', `${tip}^{tree}`])).trim()) return undefined;
    const args = ['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-m', message];
    return (await gitOk(t.cwd, args, { env: t.authorEnv })).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The files of a folder in a commit's tree. */
export async function treeFiles(t: ManifestsTarget, rev: string, folder: string): Promise<Set<string>> {
  const out = await gitOk(t.cwd, ['ls-tree', '-r', '-z', '--name-only', rev, '--', folder]);
  return new Set(out.split('\0').filter(Boolean));
}
