// The discover branch: one commit on top of the checked-out tip holding the given files as they are in the
// working tree, force-pushed to a fixed branch (it is rebuilt every run, so the pull request always shows
// today's proposal against today's base). Git plumbing on a temporary index: HEAD and the tree are untouched.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, gitOk } from '../git/exec.js';
import { authorEnv } from './git-exec.js';

/** git's output, trimmed; an error naming the command when git fails. */
const git = async (cwd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
  (await gitOk(cwd, args, opts)).trim();

/** The commit pushed to `branch`, or undefined when the files equal the tip's (nothing to propose). */
export async function pushBranch(
  cwd: string,
  branch: string,
  paths: string[],
  message: string,
  remote = 'origin',
): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-discover-git-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    const head = await git(cwd, ['rev-parse', 'HEAD']);
    await git(cwd, ['read-tree', head], { env });
    for (const p of paths) {
      if (!existsSync(join(cwd, p))) continue;
      const blob = await git(cwd, ['hash-object', '-w', '--stdin'], {
        input: readFileSync(join(cwd, p), 'utf8'),
      });
      await git(cwd, ['update-index', '--add', '--cacheinfo', `100644,${blob},${p}`], { env });
    }
    const tree = await git(cwd, ['write-tree'], { env });
    if (tree === (await git(cwd, ['rev-parse', `${head}^{tree}`]))) return undefined;
    const commit = await git(cwd, ['commit-tree', tree, '-p', head, '-m', message], { env: authorEnv() });
    try {
      await git(cwd, ['push', '--force', '--porcelain', remote, `${commit}:refs/heads/${branch}`]);
    } catch (e) {
      throw new GitError(
        `${(e as Error).message}. The discover pull request needs \`permissions: contents: write\` and actions/checkout's credentials.`,
      );
    }
    return commit;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `path` as the remote's `branch` holds it (fetched shallowly), or undefined when the branch or file is absent. */
export async function branchFile(
  cwd: string,
  branch: string,
  path: string,
  remote = 'origin',
): Promise<string | undefined> {
  const ref = `refs/remotes/${remote}/${branch}`;
  try {
    await git(cwd, ['fetch', '--quiet', '--no-tags', '--depth=1', remote, `+refs/heads/${branch}:${ref}`]);
  } catch {
    return undefined; // no such branch yet (the first run), or no remote: nothing carried
  }
  return git(cwd, ['show', `${ref}:${path}`]).catch(() => undefined);
}
