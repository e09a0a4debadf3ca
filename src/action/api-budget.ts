// The GitHub API budget of a backfill: before each item, does what GitHub says is left (x-ratelimit-remaining, cut
// to this job's share) cover the item's requests and a reserve for the run's end? When it does not, no new item
// starts (as with the time budget): the rest stay pending, the step summary and outputs say until when.
import type { RateBudget } from '../github/budget.js';

/** Requests kept for the run's end: the catalog release (lookup, delete, upload), issues, keep-alive, a PR. */
export const END_RESERVE = 12;
/** Requests an item may need besides one per asset: its release looked up or created (a new year, a new part). */
export const ITEM_OVERHEAD = 2;

export interface BudgetStop {
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
  /** an item uploaded `files` assets (the next items are reckoned at the most seen) */
  noteItem(files: number, failed: boolean): void;
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
): ApiBudgetGate {
  let perItem = Math.max(1, tablesPerItem);
  let failures = 0;
  let stop: BudgetStop | undefined;
  const resetIso = () => {
    const r = budget?.state().reset;
    return r ? new Date(r * 1000).toISOString() : undefined;
  };
  return {
    shouldStop() {
      if (stop) return true;
      const available = budget?.available();
      if (available === undefined) return false; // no response yet said: nothing to go by
      const needed = perItem + ITEM_OVERHEAD + END_RESERVE + failures;
      if (available >= needed) return false;
      stop = { available, needed, reset: resetIso() };
      log(
        `GitHub API budget: ${available} request(s) left, the next item needs about ${needed} (reserve included); ` +
          `no new items are started, the rest stay pending for a run after ${stop.reset ?? 'the reset'}`,
      );
      return true;
    },
    noteItem(files, failed) {
      perItem = Math.max(perItem, files);
      if (failed) failures++;
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
