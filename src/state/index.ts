// state/state.json: read, record outcomes (latest wins), merge by key, atomic write.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

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

export const itemKey = (pub: string, period: string) => `${pub}/${period}`;

export function emptyState(): State {
  return { processed: {}, failed: {} };
}

export class StateError extends Error {}

export function readState(file: string): State {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw e;
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
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new StateError(`${file}: expected an object {"processed": {...}, "failed": {...}}`);
  }
  const d = data as Partial<State>;
  return {
    ...(d as object),
    processed: { ...(d.processed ?? {}) },
    failed: { ...(d.failed ?? {}) },
  } as State;
}

export function serializeState(state: State): string {
  const sort = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return (
    JSON.stringify({ ...state, processed: sort(state.processed), failed: sort(state.failed) }, null, 2) + '\n'
  );
}

/** Atomic write: temp file in the same directory, then rename. */
export function writeState(file: string, state: State): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, serializeState(state));
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

/** Merge two states by key: per key the newest timestamp wins; an item ends in exactly one section. */
export function mergeStates(a: State, b: State): State {
  const out = emptyState();
  const stamp = (s: State, k: string) => {
    const p = s.processed[k];
    const f = s.failed[k];
    if (p) return { t: p.completed_at, kind: 'processed' as const, v: p };
    if (f) return { t: f.failed_at, kind: 'failed' as const, v: f };
    return undefined;
  };
  const keys = new Set([
    ...Object.keys(a.processed),
    ...Object.keys(a.failed),
    ...Object.keys(b.processed),
    ...Object.keys(b.failed),
  ]);
  for (const k of keys) {
    const x = stamp(a, k);
    const y = stamp(b, k);
    const win = !x ? y! : !y ? x : Date.parse(y.t) > Date.parse(x.t) ? y : x;
    if (win.kind === 'processed') out.processed[k] = win.v as ProcessedEntry;
    else out.failed[k] = win.v as FailedEntry;
  }
  return out;
}
