// What the action reads from git besides the state commit: the age of the last commit (the keep-alive heartbeat)
// and a file as a revision holds it (the pull request preview's base).
import { git } from '../git/exec.js';

/** Days since the last commit on the remote branch (for the keep-alive heartbeat), or undefined. */
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
