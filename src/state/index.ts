// state/state.json: read, record outcomes (latest wins), merge by key, atomic write.
// Several runs may share one state file: every write takes an exclusive lock (state.json.lock), re-reads the
// file, merges per item (newest completed_at/failed_at wins; what this process deleted since it read stays
// deleted) and renames a fully written temp file over it. See docs/reliability.md.
import { readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic.js';
import { faultPoint } from '../faults.js';
import { LockLost, StateError, withStateLock, type StateLockOptions } from './lock.js';
import { describeIssues, dict, nullProto, plainState, stateSchema } from './schema.js';
import { migrateFailed } from './transient.js';

export interface ProcessedEntry {
  completed_at: string;
  rows_loaded: number;
  [extra: string]: unknown;
}

export interface FailedEntry {
  failed_at: string;
  error: string;
  /** retried after the cool-down (a server, network or rate-limit failure); given on read to older entries */
  transient?: boolean;
  /** the HTTP status of the failed request, when one failed */
  status?: number;
  [extra: string]: unknown;
}

export interface State {
  processed: Record<string, ProcessedEntry>;
  failed: Record<string, FailedEntry>;
}

export { describeIssues, dict, jsonPath, nullProto } from './schema.js';
export { pidAlive, StateError, type StateLockOptions } from './lock.js';
export { failureFromText, isTransientError, migrateFailed } from './transient.js';

export const itemKey = (pub: string, period: string) => `${pub}/${period}`;

export function emptyState(): State {
  return { processed: dict(), failed: dict() };
}

/**
 * The text each State object was read from or last written as ('' for no file). A write that finds the file still
 * holding it has nothing to merge; otherwise the text is what the three-way merge's base is made from.
 */
const bases = new WeakMap<State, string>();

export function readState(file: string): State {
  const text = readStateText(file);
  const state = parseState(file, text);
  bases.set(state, text);
  return state;
}

function readStateText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    throw new StateError(`${file}: cannot read the state file (${code ?? (e as Error).message})`, {
      cause: e,
    });
  }
}

function parseState(file: string, text: string): State {
  if (!text.trim()) return emptyState();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new StateError(
      `${file}: not valid JSON (${(e as Error).message}); fix it or rebuild it with \`datawarp init-state\``,
    );
  }
  // the schema's own check (and its messages) only when the quick one finds something amiss: 36,000 entries
  if (!plainState(data)) {
    const parsed = stateSchema.safeParse(data);
    if (!parsed.success)
      throw new StateError(
        `${file}: not a DataWarp state file: ${describeIssues(parsed.error)}. The file was left as it is: fix it, or rebuild it with \`datawarp init-state\``,
      );
  }
  const d = data as Record<string, unknown> & { processed?: object; failed?: Record<string, unknown> };
  const failed = dict<FailedEntry>();
  // entries from before failures were typed get `transient` (and `status`) from their text
  for (const [k, v] of Object.entries(d.failed ?? {}))
    failed[k] = migrateFailed(
      typeof v === 'string'
        ? { failed_at: new Date(0).toISOString(), error: v }
        : nullProto(v as FailedEntry),
    );
  // the keys are user text: the map has no prototype (its entries' own keys are fixed names)
  const processed = Object.assign(dict<ProcessedEntry>(), d.processed);
  return { ...d, processed, failed } as State;
}

export function serializeState(state: State): string {
  const sort = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return (
    JSON.stringify({ ...state, processed: sort(state.processed), failed: sort(state.failed) }, null, 2) + '\n'
  );
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
    const now = readStateText(file);
    const base = bases.get(state);
    // nobody wrote the file since this process read or wrote it: there is nothing of theirs to merge
    const merged =
      base === now
        ? state
        : mergeForWrite(
            state,
            parseState(file, now),
            base === undefined ? undefined : snapshot(parseState(file, base)),
          );
    const text = serializeState(merged);
    atomicWrite(file, text, stillMine);
    if (merged !== state) {
      for (const k of Object.keys(state.processed)) delete state.processed[k];
      for (const k of Object.keys(state.failed)) delete state.failed[k];
      Object.assign(state.processed, merged.processed);
      Object.assign(state.failed, merged.failed);
    }
    bases.set(state, text);
  });
}

/** Writes `state` as the whole file, dropping whatever else it held (init-state's rebuild). Still locked. */
export function replaceState(file: string, state: State, opts: WriteStateOptions = {}): void {
  withStateLock(file, opts.lock, (stillMine) => {
    const text = serializeState(state);
    atomicWrite(file, text, stillMine);
    bases.set(state, text);
  });
}

function atomicWrite(file: string, text: string, stillMine: () => boolean): void {
  writeFileAtomic(file, text, {
    beforeRename(tmp) {
      if (!stillMine()) {
        unlinkSync(tmp);
        throw new LockLost();
      }
      void faultPoint('state');
    },
  });
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

/** An outcome as compared across reads: a failure as it reads back (migrated), so a re-read matches it. */
const outcomeText = (x: Stamped) => JSON.stringify([x.kind, x.kind === 'failed' ? migrateFailed(x.v) : x.v]);

function snapshot(s: State): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of keysOf(s)) m.set(k, outcomeText(stampOf(s, k)!));
  return m;
}

const same = (base: Map<string, string> | undefined, k: string, x: Stamped) =>
  base?.get(k) === outcomeText(x);

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
