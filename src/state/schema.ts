// The shape of state/state.json, checked when it is read (zod, as the config is): a file of the wrong shape is
// an error naming the file and the path inside it, never coerced. Unknown keys inside entries and at the top
// level are kept (newer writers may add them). An older failure entry that holds only its error text is
// migrated on read to {failed_at: 1970-01-01..., error}, and any entry without `transient` gets it (and `status`)
// from its text (src/state/transient.ts), so transient ones are retried after the cool-down.
import { z } from 'zod';

const processedEntry = z.looseObject(
  {
    completed_at: z.string({ error: 'completed_at must be an ISO date-time string' }),
    rows_loaded: z.number({ error: 'rows_loaded must be a number' }),
  },
  { error: 'a processed entry must be an object {completed_at, rows_loaded}' },
);

const failedEntry = z.union(
  [
    z.looseObject({
      failed_at: z.string({ error: 'failed_at must be an ISO date-time string' }),
      error: z.string({ error: 'error must be text' }),
    }),
    z.string(),
  ],
  { error: 'a failed entry must be an object {failed_at, error} (or the error text)' },
);

export const stateSchema = z.looseObject(
  {
    processed: z
      .record(z.string(), processedEntry, { error: 'processed must be an object {"<pub>/<period>": {...}}' })
      .optional(),
    failed: z
      .record(z.string(), failedEntry, { error: 'failed must be an object {"<pub>/<period>": {...}}' })
      .optional(),
  },
  { error: 'expected an object {"processed": {...}, "failed": {...}}' },
);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether parsed JSON is plainly a state stateSchema accepts (every entry as a writer leaves it), checked in one
 * loop: the schema walks 36,000 entries several times slower. Never true where the schema would refuse; false
 * sends the data to the schema, which accepts it or says what is wrong (test/state.schema.test.ts compares both).
 */
export function plainState(data: unknown): boolean {
  if (!isObject(data)) return false;
  const { processed, failed } = data;
  if (processed !== undefined) {
    if (!isObject(processed)) return false;
    for (const k in processed) {
      const e = processed[k];
      if (!isObject(e) || typeof e.completed_at !== 'string' || typeof e.rows_loaded !== 'number')
        return false;
    }
  }
  if (failed !== undefined) {
    if (!isObject(failed)) return false;
    for (const k in failed) {
      const e = failed[k];
      if (typeof e === 'string') continue;
      if (!isObject(e) || typeof e.failed_at !== 'string' || typeof e.error !== 'string') return false;
    }
  }
  return true;
}

/** A zod issue path as written in JSON: processed["adhd/2025-08"].rows_loaded */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (typeof k === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out || '(top level)';
}

/** The first problems of a failed parse, one line each: `path: message`. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const lines = error.issues.slice(0, max).map((i) => `${jsonPath(i.path)}: ${i.message}`);
  const more = error.issues.length > max ? `; and ${error.issues.length - max} more` : '';
  return lines.join('; ') + more;
}

/** A copy of JSON data whose objects have no prototype (user-keyed lookups never reach Object.prototype). */
export function nullProto<T>(v: T): T {
  if (Array.isArray(v)) return v.map(nullProto) as T;
  if (!v || typeof v !== 'object') return v;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, x] of Object.entries(v)) out[k] = nullProto(x);
  return out as T;
}

/** An empty object without a prototype, typed as a record. */
export const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
