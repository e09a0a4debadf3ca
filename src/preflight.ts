// Before a backfill touches the network: every directory it will write must be writable (a read-only state
// directory used to be noticed only after all the work), and temporary files a killed run left behind
// (*.part downloads, *.tmp state/manifests/Parquet) are removed. Used by the CLI's backfill; the action
// should call the same two functions (see docs/reliability.md).
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from './state/index.js';

export interface PreflightTargets {
  statePath: string;
  paths: {
    /** manifests/ root */
    manifests: string;
    /** output/ root (parquet/, catalog.json) */
    output: string;
    /** where downloads are kept */
    downloads: string;
  };
}

/** A directory the run must write is not writable. The CLI maps this to exit code 2. */
export class PreflightError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `cannot start: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}\n` +
        'Nothing was downloaded or loaded. Make the directories writable (or choose others: --state) and run again.',
    );
    this.name = 'PreflightError';
  }
}

/** undefined when `dir` (or, if it does not exist yet, its nearest existing ancestor) takes a new file. */
export function writableProblem(dir: string): string | undefined {
  let p = dir;
  for (;;) {
    try {
      const st = statSync(p);
      if (!st.isDirectory()) return `${p} is not a directory`;
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${p}: ${code ?? (e as Error).message}`;
      const up = dirname(p);
      if (up === p) return `no existing parent directory`;
      p = up;
    }
  }
  const probe = join(p, `.datawarp-write-test.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EROFS'
        ? 'read-only file system'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOSPC' || code === 'EDQUOT'
            ? 'no space left'
            : (code ?? (e as Error).message);
    return p === dir ? `${why}` : `${why} in ${p}, where it would be created`;
  }
}

/** Throws PreflightError naming every directory of `t` that cannot be written. */
export function checkWritable(t: PreflightTargets): void {
  const targets: [string, string][] = [
    ['state directory', dirname(t.statePath)],
    ['manifests directory', t.paths.manifests],
    ['output directory', t.paths.output],
    ['downloads directory', t.paths.downloads],
  ];
  const problems: string[] = [];
  for (const [what, dir] of targets) {
    const p = writableProblem(dir);
    if (p) problems.push(`cannot write the ${what} ${dir} (${p})`);
  }
  if (problems.length) throw new PreflightError(problems);
}

export interface CleanupOptions {
  /** A temp file of a live process (or of no known process) older than this is removed too. Default 1 h. */
  staleAgeMs?: number;
  now?: number;
}

// <dest>.<pid>.<random>.part (src/http), <file>.<pid>[.<ms>].tmp (state, manifests, Parquet, catalog)
const PART = /\.(\d+)\.[0-9a-f]+\.part$/;
const TMP = /\.(\d+)(?:\.\d+)?\.tmp$/;

function isStale(path: string, pidMatch: RegExpMatchArray | null, o: CleanupOptions): boolean {
  const pid = pidMatch ? Number(pidMatch[1]) : undefined;
  // This process has written nothing yet (call this first), so a file named with its pid is from an earlier
  // process that had the same pid (common in containers).
  if (pid !== undefined && Number.isSafeInteger(pid) && (pid === process.pid || !pidAlive(pid))) return true;
  try {
    return (o.now ?? Date.now()) - lstatSync(path).mtimeMs > (o.staleAgeMs ?? 3_600_000);
  } catch {
    return false;
  }
}

function walk(dir: string, match: (name: string) => boolean, out: string[], depth = 0): void {
  if (depth > 12) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // missing or unreadable: nothing to clean
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, match, out, depth + 1);
    else if (e.isFile() && match(e.name)) out.push(p); // symbolic links are neither followed nor removed
  }
}

/**
 * Removes what a killed run left: *.part under the downloads directory, *.tmp under manifests/ and output/,
 * and <state file>.*.tmp beside the state file. A file named with the pid of another live process is kept
 * (a run going on at the same time) unless older than staleAgeMs. Returns the paths removed.
 */
export function removeStaleTempFiles(t: PreflightTargets, o: CleanupOptions = {}): string[] {
  const found: { path: string; m: RegExpMatchArray | null }[] = [];
  const collect = (dir: string, re: RegExp, prefix = '') => {
    const files: string[] = [];
    if (prefix) {
      try {
        for (const e of readdirSync(dir, { withFileTypes: true }))
          if (e.isFile() && e.name.startsWith(prefix) && e.name.endsWith('.tmp'))
            files.push(join(dir, e.name));
      } catch {
        // no state directory yet
      }
    } else walk(dir, (n) => n.endsWith(re === PART ? '.part' : '.tmp'), files);
    for (const f of files) found.push({ path: f, m: basename(f).match(re) });
  };
  collect(t.paths.downloads, PART);
  collect(t.paths.manifests, TMP);
  collect(t.paths.output, TMP);
  collect(dirname(t.statePath), TMP, `${basename(t.statePath)}.`);
  const removed: string[] = [];
  for (const { path, m } of found) {
    if (!isStale(path, m, o)) continue;
    try {
      unlinkSync(path);
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove: leave it
    }
  }
  return removed;
}
