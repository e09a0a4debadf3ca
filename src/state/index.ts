// state/state.json: read, record outcomes (latest wins), merge by key, atomic write.
// Several runs may share one state file: every write takes an exclusive lock (state.json.lock), re-reads the
// file, merges per item (newest completed_at/failed_at wins; what this process deleted since it read stays
// deleted) and renames a fully written temp file over it. See docs/reliability.md.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { faultPoint } from '../faults.js';
import { describeIssues, dict, nullProto, stateSchema } from './schema.js';

export interface ProcessedEntry {
  completed_at: string;
  rows_loaded: number;
  [extra: string]: unknown;
}

export interface FailedEntry {
  failed_at: string;
  error: string;
  [extra: string]: unknown;
}

export interface State {
  processed: Record<string, ProcessedEntry>;
  failed: Record<string, FailedEntry>;
}

export { describeIssues, dict, jsonPath, nullProto } from './schema.js';

export const itemKey = (pub: string, period: string) => `${pub}/${period}`;

export function emptyState(): State {
  return { processed: dict(), failed: dict() };
}

export class StateError extends Error {}

/** What each State object looked like when it was read or last written: deletions are found against it. */
const bases = new WeakMap<State, Map<string, string>>();

export function readState(file: string): State {
  const state = readStateFile(file);
  bases.set(state, snapshot(state));
  return state;
}

function readStateFile(file: string): State {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyState();
    throw new StateError(`${file}: cannot read the state file (${code ?? (e as Error).message})`, {
      cause: e,
    });
  }
  if (!text.trim()) return emptyState();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new StateError(
      `${file}: not valid JSON (${(e as Error).message}); fix it or rebuild it with \`datawarp init-state\``,
    );
  }
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success)
    throw new StateError(
      `${file}: not a DataWarp state file: ${describeIssues(parsed.error)}. The file was left as it is: fix it, or rebuild it with \`datawarp init-state\``,
    );
  const d = data as Record<string, unknown> & { processed?: object; failed?: Record<string, unknown> };
  const failed = dict<FailedEntry>();
  for (const [k, v] of Object.entries(d.failed ?? {}))
    failed[k] =
      typeof v === 'string'
        ? { failed_at: new Date(0).toISOString(), error: v }
        : nullProto(v as FailedEntry);
  return {
    ...d,
    processed: nullProto({ ...(d.processed ?? {}) }) as Record<string, ProcessedEntry>,
    failed,
  } as State;
}

export function serializeState(state: State): string {
  const sort = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return (
    JSON.stringify({ ...state, processed: sort(state.processed), failed: sort(state.failed) }, null, 2) + '\n'
  );
}

export interface StateLockOptions {
  /** Give up waiting for another process's lock after this long (StateError). Default 60 000 ms. */
  timeoutMs?: number;
  /** A lock whose holder is alive is taken over once its file is this old. Default 120 000 ms. */
  staleMs?: number;
}

export interface WriteStateOptions {
  lock?: StateLockOptions;
}

/**
 * Records `state` in `file` without losing what other processes wrote meanwhile: under an exclusive lock,
 * re-read the file, merge per item (see mergeForWrite), write a temp file, fsync, rename. Afterwards `state`
 * holds exactly what the file holds.
 */
export function writeState(file: string, state: State, opts: WriteStateOptions = {}): void {
  withStateLock(file, opts.lock, (stillMine) => {
    const disk = readStateFile(file);
    const merged = mergeForWrite(state, disk, bases.get(state));
    atomicWrite(file, serializeState(merged), stillMine);
    for (const k of Object.keys(state.processed)) delete state.processed[k];
    for (const k of Object.keys(state.failed)) delete state.failed[k];
    Object.assign(state.processed, merged.processed);
    Object.assign(state.failed, merged.failed);
    bases.set(state, snapshot(state));
  });
}

/** Writes `state` as the whole file, dropping whatever else it held (init-state's rebuild). Still locked. */
export function replaceState(file: string, state: State, opts: WriteStateOptions = {}): void {
  withStateLock(file, opts.lock, (stillMine) => {
    atomicWrite(file, serializeState(state), stillMine);
    bases.set(state, snapshot(state));
  });
}

function atomicWrite(file: string, text: string, stillMine: () => boolean): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (!stillMine()) {
    unlinkSync(tmp);
    throw new LockLost();
  }
  void faultPoint('state');
  renameSync(tmp, file);
}

export function recordProcessed(state: State, key: string, entry: ProcessedEntry): void {
  delete state.failed[key];
  state.processed[key] = entry;
}

export function recordFailed(state: State, key: string, entry: FailedEntry): void {
  delete state.processed[key];
  state.failed[key] = entry;
}

type Stamped =
  { t: number; kind: 'processed'; v: ProcessedEntry } | { t: number; kind: 'failed'; v: FailedEntry };

function stampOf(s: State, k: string): Stamped | undefined {
  const time = (x: unknown) => {
    const t = typeof x === 'string' ? Date.parse(x) : NaN;
    return Number.isNaN(t) ? -Infinity : t;
  };
  const p = s.processed[k];
  if (p) return { t: time(p.completed_at), kind: 'processed', v: p };
  const f = s.failed[k];
  if (f) return { t: time(f.failed_at), kind: 'failed', v: f };
  return undefined;
}

const keysOf = (...states: State[]) =>
  new Set(states.flatMap((s) => [...Object.keys(s.processed), ...Object.keys(s.failed)]));

function snapshot(s: State): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of keysOf(s)) {
    const x = stampOf(s, k)!;
    m.set(k, JSON.stringify([x.kind, x.v]));
  }
  return m;
}

const same = (base: Map<string, string> | undefined, k: string, x: Stamped) =>
  base?.get(k) === JSON.stringify([x.kind, x.v]);

/**
 * Three-way merge of this process's state (`mine`) into what the file holds now (`disk`), given what the
 * file held when `mine` was read or last written (`base`):
 * - an item in both: the newer outcome wins (a tie goes to mine); an item is never in both sections;
 * - an item only in mine: kept, unless it is unchanged since base and someone else removed it from the file;
 * - an item only on disk: kept, unless this process removed it (it was in base, and the file still has it as
 *   it was then).
 */
export function mergeForWrite(mine: State, disk: State, base?: Map<string, string>): State {
  const out: State = { ...(disk as object), ...(mine as object), processed: dict(), failed: dict() } as State;
  for (const k of keysOf(mine, disk)) {
    const m = stampOf(mine, k);
    const d = stampOf(disk, k);
    let win: Stamped | undefined;
    if (m && d) win = d.t > m.t ? d : m;
    else if (m) win = base?.has(k) && same(base, k, m) ? undefined : m;
    else if (d) win = base?.has(k) && same(base, k, d) ? undefined : d;
    if (!win) continue;
    if (win.kind === 'processed') out.processed[k] = win.v;
    else out.failed[k] = win.v;
  }
  return out;
}

/** Merge two states by key: per key the newest timestamp wins; an item ends in exactly one section. */
export function mergeStates(a: State, b: State): State {
  const out = emptyState();
  for (const k of keysOf(a, b)) {
    const x = stampOf(a, k);
    const y = stampOf(b, k);
    const win = !x ? y! : !y ? x : y.t > x.t ? y : x;
    if (win.kind === 'processed') out.processed[k] = win.v;
    else out.failed[k] = win.v;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ lock
// A lock file created with O_EXCL ('wx') holding {pid, host, token, at}. A lock whose holder is dead (same
// host) is taken over at once; one whose holder lives is taken over once older than staleMs. Taking over is
// itself guarded by a second O_EXCL file, so two waiters cannot both remove the stale lock and a fresh one.
// Writes are synchronous (writeState's callers are), so waiting sleeps the thread with Atomics.wait.

class LockLost extends Error {}

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

function withStateLock(
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
