// Which failures a scheduled run retries after the cool-down: the server or network failed, or the release page
// is not published yet (404 on the configured URL itself). Others (a broken file, no tables) wait for
// retry-failed. This run's failures are typed (ItemOutcome.failure); state.json keeps, for failures of earlier
// runs, the error text and, once the pipeline records them, `transient` and `status`. Entries with those fields
// are judged by them; older entries (text only) by the text rule below.
import type { FailedEntry, State } from '../state/index.js';

/** The text rule, for entries that only hold the error message. */
export function isTransientError(error: string, itemUrl?: string): boolean {
  if (/-> (5\d\d|429)\b|\b(50[0-4]|429) (Internal|Bad Gateway|Service|Gateway|Too Many)/i.test(error))
    return true;
  if (
    /time(d)? ?out|ETIMEDOUT|ECONNRESET|ECONNREFUSED|EAI_AGAIN|ENOTFOUND|network error|socket hang up/i.test(
      error,
    )
  )
    return true;
  if (itemUrl && error.includes(itemUrl) && /-> 404\b|\b404 Not Found/i.test(error)) return true;
  return false;
}

/** Typed fields when the entry has them, else the text rule. */
export function isRetryable(f: FailedEntry, itemUrl?: string): boolean {
  const text = String(f.error ?? '');
  if (typeof f.transient !== 'boolean') return isTransientError(text, itemUrl);
  const unpublished = f.status === 404 && itemUrl !== undefined && text.includes(itemUrl);
  return f.transient || unpublished;
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
