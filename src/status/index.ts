// The status view: per publication a bar, n/total, pending and failed, row totals from the ledger.
import { periodStart, type Config } from '../config/index.js';
import {
  implausiblePeriod,
  londonDay,
  pubFreshness,
  type FreshnessState,
  type MonitorState,
} from '../monitor/index.js';
import { dict, itemKey, type State } from '../state/index.js';
import type { OpenDrift } from './drift.js';
export { recordDrift } from './drift-record.js';

export {
  driftChanges,
  driftDecisions,
  driftSummary,
  needsReview,
  nextRecord,
  type DriftChange,
  type DriftDecision,
  type OpenDrift,
} from './drift.js';

/** `o[k]` only when `o` holds `k` itself (never a prototype member such as `constructor`). */
const own = <T>(o: Record<string, T> | undefined, k: string): T | undefined =>
  o && Object.hasOwn(o, k) ? o[k] : undefined;
import { bar } from '../runtime/reporter.js';

export interface PubStatus {
  pub: string;
  name: string;
  total: number;
  processed: number;
  pending: number;
  failed: number;
  failed_items: { period: string; error: string }[];
  rows_in_database?: number;
  /** the newest period the landing page lists (else the config), and its publication date */
  latest_period?: string;
  latest_published?: string;
  /** YYYY-MM-DD the next release is due by (from state/monitor.json) */
  next_expected?: string;
  next_expected_precision?: 'day' | 'month' | 'estimate';
  freshness?: FreshnessState;
  /** drift waiting for a person's review (state/monitor.json `publications.<pub>.drift`) */
  drift?: OpenDrift;
}

/** Per publication: latest period, its date, next expected date and freshness, from monitor.json. */
export type MonitorStatus = Record<
  string,
  Pick<
    PubStatus,
    'latest_period' | 'latest_published' | 'next_expected' | 'next_expected_precision' | 'freshness' | 'drift'
  >
>;

export function monitorStatus(config: Config, monitor: MonitorState, now: Date): MonitorStatus {
  const out: MonitorStatus = dict();
  for (const p of config.publications) {
    const m = own(monitor.publications, p.code);
    // a release an older monitor.json believed ("January 5025") is not the latest period
    const today = londonDay(now);
    const seen = Object.keys(m?.releases ?? {}).filter((x) => !implausiblePeriod(x, today));
    const periods = [...new Set([...seen, ...p.urls.map((u) => u.period)])];
    const latest = periods.sort((a, b) => periodStart(a).localeCompare(periodStart(b))).at(-1);
    const f = pubFreshness(p, m, now);
    const published = latest && m ? own(m.releases, latest)?.published : undefined;
    const drift = (m as { drift?: OpenDrift } | undefined)?.drift;
    out[p.code] = {
      ...(latest ? { latest_period: latest } : {}),
      ...(published ? { latest_published: published } : {}),
      ...(f.next_expected ? { next_expected: f.next_expected } : {}),
      ...(f.next_expected_precision ? { next_expected_precision: f.next_expected_precision } : {}),
      freshness: f.state,
      ...(drift ? { drift } : {}),
    };
  }
  return out;
}

export interface StatusData {
  publications: PubStatus[];
  total: number;
  processed: number;
  pending: number;
  failed: number;
  rows_in_database?: number;
}

export function statusData(
  config: Config,
  state: State,
  ledger?: { pub: string; rows_loaded: number | string; status: string }[],
  monitor?: MonitorStatus,
): StatusData {
  const publications = config.publications.map((p): PubStatus => {
    const keys = p.urls.map((u) => ({ period: u.period, key: itemKey(p.code, u.period) }));
    const processed = keys.filter((k) => own(state.processed, k.key)).length;
    const failed = keys.filter((k) => own(state.failed, k.key));
    const s: PubStatus = {
      pub: p.code,
      name: p.name,
      total: keys.length,
      processed,
      pending: keys.length - processed - failed.length,
      failed: failed.length,
      failed_items: failed.map((k) => ({ period: k.period, error: state.failed[k.key].error })),
      ...own(monitor, p.code),
    };
    if (ledger) {
      s.rows_in_database = ledger
        .filter((r) => r.pub === p.code && r.status === 'loaded')
        .reduce((n, r) => n + Number(r.rows_loaded), 0);
    }
    return s;
  });
  const sum = (f: (p: PubStatus) => number) => publications.reduce((n, p) => n + f(p), 0);
  return {
    publications,
    total: sum((p) => p.total),
    processed: sum((p) => p.processed),
    pending: sum((p) => p.pending),
    failed: sum((p) => p.failed),
    ...(ledger ? { rows_in_database: sum((p) => p.rows_in_database ?? 0) } : {}),
  };
}

export function renderStatus(d: StatusData, width = 64): string {
  const lines: string[] = [];
  const row = (s: string) => {
    const text = s.length > width - 4 ? s.slice(0, width - 5) + '…' : s;
    lines.push(`│ ${text}${' '.repeat(Math.max(0, width - 4 - [...text].length))} │`);
  };
  lines.push(`┌${'─'.repeat(width - 2)}┐`);
  for (const p of d.publications) {
    row(p.name);
    const mark = p.total > 0 && p.processed === p.total ? ' ✓' : p.failed ? ` ✗ ${p.failed} failed` : '';
    row(`  ${bar(p.processed, p.total)} ${p.processed}/${p.total}${mark}`);
    if (p.rows_in_database !== undefined)
      row(`  rows in database: ${p.rows_in_database.toLocaleString('en-GB')}`);
    if (p.latest_period)
      row(`  latest: ${p.latest_period}${p.latest_published ? ` (published ${p.latest_published})` : ''}`);
    if (p.freshness && p.freshness !== 'unknown')
      row(
        `  next expected: ${p.next_expected}${p.next_expected_precision === 'day' ? '' : ` (${p.next_expected_precision})`}: ${p.freshness}`,
      );
    for (const f of p.failed_items) row(`  ✗ ${f.period}: ${f.error}`);
    if (p.drift) row(`  ⚠ ${driftLine(p.drift)}`);
    row('');
  }
  const drifted = d.publications.filter((p) => p.drift).length;
  if (drifted) row(`Drift to review: ${drifted} publication${drifted > 1 ? 's' : ''}`);
  row(`Total: ${d.total} URLs, ${d.processed} processed, ${d.pending} pending, ${d.failed} failed`);
  if (d.rows_in_database !== undefined)
    row(`Rows in database (ledger): ${d.rows_in_database.toLocaleString('en-GB')}`);
  else row('Rows in database: no database reachable');
  lines.push(`└${'─'.repeat(width - 2)}┘`);
  return lines.join('\n') + '\n';
}

/** `drift to review since 2024-02 (latest 2024-03: 1 column gone; issue #7)` */
export function driftLine(d: OpenDrift): string {
  const latest = d.period === d.since ? `${d.period}: ` : `since ${d.since}, latest ${d.period}: `;
  return `drift to review (${latest}${d.summary}${d.issue ? `; issue #${d.issue}` : ''})`;
}
