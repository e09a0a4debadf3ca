// Which failures are worth retrying on a schedule: the server or network failed, or the release page is not
// published yet (404 on the configured URL itself). Others (a broken file, no tables) wait for --retry-failed.
import type { State } from '../state/index.js';

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

/** Failed keys whose error was transient and which failed at least `cooldownHours` ago. */
export function transientRetryKeys(
  state: State,
  urls: Map<string, string>,
  cooldownHours: number,
  now = new Date(),
): string[] {
  return Object.entries(state.failed)
    .filter(([k, f]) => urls.has(k) && isTransientError(String(f.error ?? ''), urls.get(k)))
    .filter(([, f]) => now.getTime() - Date.parse(f.failed_at) >= cooldownHours * 3600_000)
    .map(([k]) => k);
}
