// The GitHub API budget of a backfill: before each item, does what GitHub says is left (x-ratelimit-remaining, cut
// to this job's share) cover the item's requests and a reserve for the run's end? When it does not, no new item
// starts (as with the time budget): the rest stay pending, the step summary and outputs say until when.
import type { RateBudget } from '../github/budget.js';

/** Requests kept for the run's end: the catalog release (lookup, delete, upload), issues, keep-alive, a PR. */
export const END_RESERVE = 12;
/** Requests an item may need besides one per asset: its release looked up or created (a new year, a new part). */
export const ITEM_OVERHEAD = 2;
/** Content-creating requests (uploads) a run makes in any hour: under GitHub's 500 an hour, room for the end. */
export const CONTENT_PER_HOUR = 480;

export interface BudgetStop {
  /** which limit: the hourly request budget, content creation (500 an hour), or GitHub refused a request */
  limit: 'requests' | 'content' | 'refused';
  /** requests left when the run stopped starting items */
  available: number;
  /** what the next item was reckoned to need, reserve included */
  needed: number;
  /** when GitHub's window resets (ISO time), if a response said */
  reset?: string;
}

export interface ApiBudgetGate {
  /** true when the next item may not fit (once true, stays true) */
  shouldStop(): boolean;
  /** an item uploaded `files` assets (the next items are reckoned at the most seen); `error`: its upload failed */
  noteItem(files: number, error?: string): void;
  stopped(): BudgetStop | undefined;
  /** the window's reset (ISO), if known */
  reset(): string | undefined;
}

/**
 * `tablesPerItem`: assets an item is expected to upload before any item of this run has (the most tables any
 * publication has in the catalog; 3 when the catalog is empty).
 */
export function apiBudgetGate(
  budget: RateBudget | undefined,
  tablesPerItem: number,
  log: (msg: string) => void,
  o: { share?: number; now?: () => number } = {},
): ApiBudgetGate {
  let perItem = Math.max(1, tablesPerItem);
  let failures = 0;
  let stop: BudgetStop | undefined;
  const now = o.now ?? Date.now;
  /** uploads of this run: [time, files] */
  const uploads: [number, number][] = [];
  const contentCap = Math.floor(CONTENT_PER_HOUR * (o.share ?? 1));
  const uploadedLastHour = () =>
    uploads.filter(([t]) => t > now() - 3_600_000).reduce((n, [, f]) => n + f, 0);
  const resetIso = () => {
    const r = budget?.state().reset;
    return r ? new Date(r * 1000).toISOString() : undefined;
  };
  return {
    shouldStop() {
      if (stop) return true;
      if (!budget) return false;
      const needed = perItem + ITEM_OVERHEAD + END_RESERVE + failures;
      if (uploadedLastHour() + perItem + 2 > contentCap) {
        stop = { limit: 'content', available: contentCap - uploadedLastHour(), needed: perItem + 2 };
        log(
          `GitHub content-creation limit: ${uploadedLastHour()} upload(s) in the last hour (at most ${contentCap}); ` +
            'no new items are started, the rest stay pending for the next run',
        );
        return true;
      }
      const available = budget.available();
      if (available === undefined) return false; // no response yet said: nothing to go by
      if (available >= needed) return false;
      stop = { limit: 'requests', available, needed, reset: resetIso() };
      log(
        `GitHub API budget: ${available} request(s) left, the next item needs about ${needed} (reserve included); ` +
          `no new items are started, the rest stay pending for a run after ${stop.reset ?? 'the reset'}`,
      );
      return true;
    },
    noteItem(files, error) {
      perItem = Math.max(perItem, files);
      uploads.push([now(), files]);
      if (!error) return;
      failures++;
      // GitHub refused for a rate limit it would not lift within the wait: the next items would fail alike
      if (!stop && /rate limit/i.test(error)) {
        stop = { limit: 'refused', available: budget?.available() ?? 0, needed: perItem, reset: resetIso() };
        log(`GitHub refused an upload (${error}); no new items are started, the rest stay pending`);
      }
    },
    stopped: () => stop,
    reset: resetIso,
  };
}

/** The most tables any publication has in the catalog (3 when it lists none). */
export function tablesPerItemOf(catalog: { tables: { publication: string }[] }): number {
  const per = new Map<string, number>();
  for (const t of catalog.tables) per.set(t.publication, (per.get(t.publication) ?? 0) + 1);
  return per.size ? Math.max(...per.values()) : 3;
}
