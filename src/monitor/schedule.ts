// Which landing pages one discover run reads, and in what order: least recently checked first (never checked
// first, then the config's order), at most `maxChecks`; pages of one host one after another, hosts in parallel;
// no page is started once the time budget is spent. What is not read is deferred to the next run, visibly.
import type { Publication } from '../config/index.js';
import type { MonitorState } from './state.js';

export interface Deferral {
  pub: string;
  landing_page: string;
  /** when its page was last read (ISO), if ever recorded */
  last_checked?: string;
  reason: 'max-checks' | 'time-budget';
}

/** The publications to check (least recently checked first) and those over `maxChecks`. */
export function orderChecks(
  pubs: Publication[],
  monitor: MonitorState,
  maxChecks?: number,
): { check: Publication[]; over: Publication[] } {
  const checked = (p: Publication) => monitor.publications[p.code]?.checked ?? '';
  const order = pubs
    .map((p, i) => ({ p, i, at: checked(p) }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.i - b.i)
    .map((x) => x.p);
  const n = maxChecks === undefined ? order.length : Math.max(0, maxChecks);
  return { check: order.slice(0, n), over: order.slice(n) };
}

export function deferral(p: Publication, monitor: MonitorState, reason: Deferral['reason']): Deferral {
  const at = monitor.publications[p.code]?.checked;
  return { pub: p.code, landing_page: p.landingPage!, ...(at ? { last_checked: at } : {}), reason };
}

/**
 * Runs `work` on each item: the items of one host in order, one after another; hosts in parallel. An item is
 * started only while `open()` says so. Returns the items never started. `work` must not throw.
 */
export async function byHost<T>(
  items: T[],
  host: (t: T) => string,
  open: () => boolean,
  work: (t: T) => Promise<void>,
): Promise<T[]> {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const k = host(t);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  const left: T[] = [];
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (let i = 0; i < group.length; i++) {
        if (!open()) {
          left.push(...group.slice(i));
          return;
        }
        await work(group[i]);
      }
    }),
  );
  const notStarted = new Set(left);
  return items.filter((t) => notStarted.has(t));
}
