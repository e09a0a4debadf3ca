// Which failures a scheduled run retries after the cool-down: the server or network failed, or the release page
// is not published yet (404 on the configured URL itself). Others (a broken file, no tables) wait for
// retry-failed. Judged by the typed fields of a state.json entry (`transient`, `status`), recorded by the
// pipeline where the failure arose; older entries that held only their text got them when state.json was read
// (src/state/transient.ts).
import type { FailedEntry, State } from '../state/index.js';

/** A transient failure, or a 404 of the item's own URL (its release page is not published yet). */
export function isRetryable(f: FailedEntry, itemUrl?: string): boolean {
  const unpublished = f.status === 404 && itemUrl !== undefined && String(f.error ?? '').includes(itemUrl);
  return f.transient === true || unpublished;
}

/** Failed keys whose failure was transient and which failed at least `cooldownHours` ago. */
export function transientRetryKeys(
  state: State,
  urls: Map<string, string>,
  cooldownHours: number,
  now = new Date(),
): string[] {
  return Object.entries(state.failed)
    .filter(([k, f]) => urls.has(k) && isRetryable(f, urls.get(k)))
    .filter(([, f]) => now.getTime() - Date.parse(f.failed_at) >= cooldownHours * 3600_000)
    .map(([k]) => k);
}
