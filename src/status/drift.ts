// Drift to review: which drift of an item asks a person to look, and the open drift of a publication recorded in
// state/monitor.json (`publications.<pub>.drift`) so that the next run and `status` see it.
//
// Needs review: a table unmatched to the reference, a column renamed, a column gone. A column added alone is
// noted, not escalated. The record is cleared only when the publication's `reference_manifest` is set and a later
// period matches it cleanly (with the rolling reference the next period is compared with the drifted one, so a
// clean match there settles nothing), or when the issue a person closed is seen closed.
import { periodStart } from '../config/index.js';
import type { DriftReport } from '../model.js';

/** One change of the drift table. */
export interface DriftChange {
  period: string;
  kind: 'table unmatched' | 'column renamed' | 'column gone' | 'column added';
  table: string;
  detail: string;
}

/** A publication's open drift (monitor.json `publications.<pub>.drift`). */
export interface OpenDrift {
  /** the first period of the open drift */
  since: string;
  /** the latest period that drifted */
  period: string;
  /** one line: what changed in `period` */
  summary: string;
  /** ISO time the latest drift was seen */
  detected_at: string;
  /** the `datawarp-drift` issue, once opened */
  issue?: number;
  /** the changes of `period` (at most MAX_CHANGES) */
  changes?: DriftChange[];
}

export const MAX_CHANGES = 50;

/** True when the drift asks a person to look (an added column alone does not). */
export function needsReview(d: DriftReport | undefined): boolean {
  return !!d && (d.unmatched.length > 0 || d.renamed.length > 0 || d.missing.length > 0);
}

/** The drift of a period as table rows, the changes that need review first. */
export function driftChanges(period: string, d: DriftReport): DriftChange[] {
  return [
    ...d.unmatched.map((t) => ({
      period,
      kind: 'table unmatched' as const,
      table: t,
      detail: 'a new table',
    })),
    ...d.renamed.map((x) => ({
      period,
      kind: 'column renamed' as const,
      table: x.table,
      detail: `${x.from} → ${x.to}`,
    })),
    ...d.missing.map((x) => ({ period, kind: 'column gone' as const, table: x.table, detail: x.column })),
    ...d.added.map((x) => ({ period, kind: 'column added' as const, table: x.table, detail: x.column })),
  ];
}

/** `2 columns gone, 1 renamed, 1 table unmatched (1 column added)` */
export function driftSummary(d: DriftReport): string {
  const n = (k: number, one: string, many = `${one}s`) => (k ? `${k} ${k === 1 ? one : many}` : '');
  const main = [
    n(d.unmatched.length, 'table unmatched', 'tables unmatched'),
    n(d.renamed.length, 'column renamed', 'columns renamed'),
    n(d.missing.length, 'column gone', 'columns gone'),
  ].filter(Boolean);
  const added = n(d.added.length, 'column added', 'columns added');
  return [main.join(', '), added && (main.length ? `(${added})` : added)].filter(Boolean).join(' ');
}

/** What a run's items say of a publication's drift. */
export interface DriftDecision {
  pub: string;
  /** the latest period of this run that needs review, with its changes */
  review?: { period: string; periods: string[]; drift: DriftReport };
  /** the latest period that matched the configured reference cleanly, later than any drift */
  clean?: string;
}

const later = (a: string, b: string) => periodStart(a) > periodStart(b);

/**
 * Per publication, from the processed items of a run (their drift as enrichment reported it): the drift to
 * review, or a clean match of the configured reference later than the drift (`configured(pub)`).
 */
export function driftDecisions(
  outcomes: { pub: string; period: string; status: string; drift?: DriftReport }[],
  configured: (pub: string) => boolean,
  open: (pub: string) => OpenDrift | undefined,
): Map<string, DriftDecision> {
  const out = new Map<string, DriftDecision>();
  const done = outcomes
    .filter((o) => o.status === 'processed' && o.drift)
    .sort((a, b) => periodStart(a.period).localeCompare(periodStart(b.period)));
  for (const o of done) {
    const d = out.get(o.pub) ?? { pub: o.pub };
    out.set(o.pub, d);
    if (needsReview(o.drift)) {
      d.review = { period: o.period, periods: [...(d.review?.periods ?? []), o.period], drift: o.drift! };
      delete d.clean;
    } else if (configured(o.pub)) {
      const since = d.review?.period ?? open(o.pub)?.period;
      if (!since || later(o.period, since)) d.clean = o.period;
    }
  }
  return out;
}

/** The new record of a publication after a run: unchanged (undefined), set, or cleared (null). */
export function nextRecord(
  decision: DriftDecision | undefined,
  current: OpenDrift | undefined,
  now: Date,
): OpenDrift | null | undefined {
  if (decision?.review) {
    const { period, drift } = decision.review;
    return {
      since: current?.since ?? decision.review.periods[0],
      period,
      summary: driftSummary(drift),
      detected_at: now.toISOString(),
      ...(current?.issue ? { issue: current.issue } : {}),
      changes: driftChanges(period, drift).slice(0, MAX_CHANGES),
    };
  }
  if (decision?.clean && current) return null;
  return undefined;
}
