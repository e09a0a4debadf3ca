// After a restore, state.json learns what the restored tables hold: each restored (publication, period) of the
// config that the state does not know yet is recorded as processed (a failed entry stays; nothing is removed).
import type { Config } from '../config/index.js';
import { itemKey, readState, recordProcessed, writeState } from '../state/index.js';

export function recordRestoredItems(
  statePath: string,
  config: Config,
  items: { pub: string; period: string; rows: number }[],
  now = new Date(),
): string[] {
  const state = readState(statePath);
  const known = new Set(config.publications.flatMap((p) => p.urls.map((u) => itemKey(p.code, u.period))));
  const added: string[] = [];
  for (const it of items) {
    const key = itemKey(it.pub, it.period);
    if (!known.has(key) || state.processed[key] || state.failed[key]) continue;
    recordProcessed(state, key, { completed_at: now.toISOString(), rows_loaded: it.rows });
    added.push(key);
  }
  if (added.length) writeState(statePath, state);
  return added;
}
