// Whether an older failure entry of state.json was transient, from its error text. Failures are typed where
// they arise (src/http's HttpError: `transient`, `status`) and the pipeline records both fields; entries written
// before that hold only the text. They are given the fields on read (migrateFailed, src/state/index.ts), by the
// text rule below, so nothing downstream judges a failure by its message.

/** a server error or rate limit in the message of a request (`GET <url> -> 503 ...`) */
const SERVER = /-> (5\d\d|429)\b|\b(50[0-4]|429) (Internal|Bad Gateway|Service|Gateway|Too Many)/i;
/** the network or a timeout */
const NETWORK =
  /time(d)? ?out|ETIMEDOUT|ECONNRESET|ECONNREFUSED|EAI_AGAIN|ENOTFOUND|network error|socket hang up/i;
/** a 404 (transient when the item's own URL, the release page, is not published yet) */
const NOT_FOUND = /-> 404\b|\b404 Not Found/i;

/** The typed fields of a failure known only by its text: `status` 404 when the text names one. */
export function failureFromText(error: string): { transient: boolean; status?: number } {
  return {
    transient: SERVER.test(error) || NETWORK.test(error),
    ...(NOT_FOUND.test(error) ? { status: 404 } : {}),
  };
}

/**
 * The text rule itself: the server or network failed, or `itemUrl` (the item's release page) answered 404.
 * Judging an entry uses its typed fields (src/action/transient.ts); this is what migrated entries got them from.
 */
export function isTransientError(error: string, itemUrl?: string): boolean {
  const f = failureFromText(error);
  return f.transient || (f.status === 404 && !!itemUrl && error.includes(itemUrl));
}

/**
 * A failure entry with `transient` (and `status` when its text has a 404 and it has none): the entry itself when
 * it has `transient`, else a copy without a prototype with the fields added.
 */
export function migrateFailed<T extends { error: string; transient?: unknown; status?: unknown }>(
  entry: T,
): T & { transient: boolean } {
  if (typeof entry.transient === 'boolean') return entry as T & { transient: boolean };
  const typed = failureFromText(String(entry.error ?? ''));
  return Object.assign(Object.create(null) as object, entry, {
    transient: typed.transient,
    ...(entry.status === undefined && typed.status ? { status: typed.status } : {}),
  }) as T & { transient: boolean };
}
