// The state file's lock: an exclusive lock file (state.json.lock) that writeState and replaceState hold while
// they re-read, merge and replace state.json, so several runs can share one state file. Also StateError, the
// error every state-file problem is reported with, and LockLost, thrown when a paused holder's lock was taken
// over. index.ts re-exports the public names.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export class StateError extends Error {}

export interface StateLockOptions {
  /** Give up waiting for another process's lock after this long (StateError). Default 60 000 ms. */
  timeoutMs?: number;
  /** A lock whose holder is alive is taken over once its file is this old. Default 120 000 ms. */
  staleMs?: number;
}

// ------------------------------------------------------------------------------------------------ lock
// A lock file created with O_EXCL ('wx') holding {pid, host, token, at}. A lock whose holder is dead (same
// host) is taken over at once; one whose holder lives is taken over once older than staleMs. Taking over is
// itself guarded by a second O_EXCL file, so two waiters cannot both remove the stale lock and a fresh one.
// Writes are synchronous (writeState's callers are), so waiting sleeps the thread with Atomics.wait.

export class LockLost extends Error {}

interface LockInfo {
  pid?: number;
  host?: string;
  token?: string;
  at?: string;
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function readLock(path: string): { raw: string; info: LockInfo; mtimeMs: number } | undefined {
  try {
    const raw = readFileSync(path, 'utf8');
    const mtimeMs = statSync(path).mtimeMs;
    let info: LockInfo = {};
    try {
      info = JSON.parse(raw) as LockInfo;
    } catch {
      // being written, or garbage: judged by age
    }
    return { raw, info, mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(l: { info: LockInfo; mtimeMs: number }, staleMs: number): boolean {
  const { pid, host } = l.info;
  if (typeof pid === 'number' && host === hostname() && pid !== process.pid && !pidAlive(pid)) return true;
  return Date.now() - l.mtimeMs > staleMs;
}

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes `lock` if it still is the stale one we saw (same content), under the take-over guard. */
function takeOver(lock: string, seen: string): void {
  const guard = `${lock}.takeover`;
  if (!tryCreate(guard, String(process.pid))) {
    // a take-over lasts microseconds: a guard older than 10 s was left by a killed process
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) unlinkSync(guard);
    } catch {
      // gone already
    }
    return;
  }
  try {
    if (readLock(lock)?.raw === seen) unlinkSync(lock);
  } finally {
    unlinkSync(guard);
  }
}

export function withStateLock(
  file: string,
  opts: StateLockOptions = {},
  fn: (stillMine: () => boolean) => void,
): void {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const staleMs = opts.staleMs ?? 120_000;
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new StateError(
      `${file}: cannot create the state directory ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { cause: e },
    );
  }
  const lock = `${file}.lock`;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const token = randomBytes(8).toString('hex');
    const content = JSON.stringify({
      pid: process.pid,
      host: hostname(),
      token,
      at: new Date().toISOString(),
    });
    let created: boolean;
    try {
      created = tryCreate(lock, content);
    } catch (e) {
      throw new StateError(
        `${file}: cannot create the lock ${lock} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { cause: e },
      );
    }
    if (created) {
      const stillMine = () => readLock(lock)?.raw === content;
      try {
        fn(stillMine);
        return;
      } catch (e) {
        if (!(e instanceof LockLost)) throw e;
        // our lock was taken over while we held it (we were paused past staleMs): start again
      } finally {
        if (stillMine()) unlinkSync(lock);
      }
      continue;
    }
    const held = readLock(lock);
    if (held && isStale(held, staleMs)) {
      takeOver(lock, held.raw);
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      const who = held?.info.pid
        ? `pid ${held.info.pid} on ${held.info.host ?? 'an unknown host'} since ${held.info.at ?? new Date(held.mtimeMs).toISOString()}`
        : 'an unknown process';
      throw new StateError(
        `${file}: still locked after ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} by ${who} (${lock}); ` +
          'if no datawarp run is going on, delete the lock file',
      );
    }
    sleepSync(Math.min(50, 2 + attempt) + Math.random() * 5);
  }
}
