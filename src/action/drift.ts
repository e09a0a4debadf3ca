// Drift to review in the action: the single backfill job and each matrix job (never the merge job, never another
// workflow) open or update one issue per publication, labelled `datawarp-drift`, found again by a hidden marker
// (listing by label with state=all, as failure issues are). The open drift is recorded in state/monitor.json
// (`publications.<pub>.drift`, src/status/drift.ts) where the next run and `status` see it: the single job commits
// it with its state, a matrix job hands it to the merge job in its fragment.
//
// An issue is closed by a person, or here when the publication's reference_manifest is set and a later period
// matched it cleanly. Issue calls come out of the run's reserve (src/action/api-budget.ts): when GitHub says too
// few requests are left, a publication's issue waits (its record has no issue number) for the next run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { monitorPathFor, parseMonitor, readMonitor, serializeMonitor } from '../monitor/index.js';
import { emptyPub } from '../monitor/state.js';
import type { ItemOutcome } from '../pipeline/backfill.js';
import { clockFrom } from '../runtime/index.js';
import { driftDecisions, nextRecord, type OpenDrift } from '../status/index.js';
import {
  DRIFT_LABEL,
  driftAgainComment,
  driftIssueBody,
  driftMarker,
  driftTitle,
  type DriftSubject,
} from './drift-text.js';
import type { ActionEnv } from './env.js';
import type { ExtraFile } from './git.js';
import type { IssueTracker, TrackedIssue } from '../github/issues.js';

/** Requests kept for what follows the drift issues (state push, catalog release, keep-alive, failure issues). */
export const DRIFT_RESERVE = 8;

/** Per publication: its new record (an OpenDrift), cleared (null). Publications left alone are absent. */
export type DriftRecords = Map<string, OpenDrift | null>;

export interface DriftReview {
  records: DriftRecords;
  /** the extra files of the state commit, monitor.json's made to carry the records */
  extra: Record<string, ExtraFile>;
  /** what went wrong talking to GitHub (the run reports it as a problem) */
  problem?: string;
}

/**
 * After the items: the drift records of this run's publications (and of `scope`'s records still without an issue),
 * the issues opened, updated or closed, the records written to the local monitor.json and folded into `extra`.
 */
export async function reviewDrift(
  e: ActionEnv,
  statePath: string,
  outcomes: ItemOutcome[],
  scope: string[] | undefined,
  extra: Record<string, ExtraFile>,
): Promise<DriftReview> {
  const file = monitorPathFor(statePath);
  const monitor = readMonitor(file);
  const current = (pub: string) =>
    Object.hasOwn(monitor.publications, pub)
      ? (monitor.publications[pub] as { drift?: OpenDrift }).drift
      : undefined;
  const pubs = new Map(e.config.publications.map((p) => [p.code, p] as const));
  const decisions = driftDecisions(outcomes, (pub) => !!pubs.get(pub)?.referenceManifest, current);
  const records: DriftRecords = new Map();
  const now = clockFrom(e.env)();
  for (const [pub, d] of decisions) {
    const next = nextRecord(d, current(pub), now);
    if (next !== undefined) records.set(pub, next);
  }
  // records a run before could not open an issue for (the API budget): this job's publications only
  for (const pub of scope ?? [...pubs.keys()]) {
    const r = current(pub);
    if (r && !r.issue && !records.has(pub) && pubs.has(pub)) records.set(pub, { ...r });
  }
  // open records with an issue: a person may have closed it (reviewed), which clears the record
  const watched = (scope ?? [...pubs.keys()]).filter((p) => current(p)?.issue && !records.has(p));
  let problem: string | undefined;
  const tracker = e.inputs.openIssues ? e.github?.issues : undefined;
  if (tracker && (records.size || watched.length))
    try {
      const existing = await tracker.listByLabel(DRIFT_LABEL);
      for (const pub of watched)
        if (existing.find((i) => i.number === current(pub)!.issue)?.state === 'closed')
          records.set(pub, null);
      await syncDriftIssues(e, tracker, existing, records, current, outcomes);
    } catch (err) {
      problem = `drift issues: ${e.redact((err as Error).message)}`;
    }
  for (const [pub, r] of records)
    e.log.info(
      r ? `drift to review in ${pub}: ${r.summary}` : `drift of ${pub} settled: the record is cleared`,
    );
  if (!records.size) return { records, extra };
  return { records, extra: withDriftRecords(e, statePath, records, extra), problem };
}

/** Opens, updates (body current, a comment, reopened) or closes one issue per publication; serial. */
async function syncDriftIssues(
  e: ActionEnv,
  tracker: IssueTracker,
  existing: TrackedIssue[],
  records: DriftRecords,
  current: (pub: string) => OpenDrift | undefined,
  outcomes: ItemOutcome[],
): Promise<void> {
  const find = (pub: string): TrackedIssue | undefined => {
    const hits = existing.filter((i) => i.body.includes(driftMarker(pub)));
    return hits.find((i) => i.state === 'open') ?? hits.sort((a, b) => b.number - a.number)[0];
  };
  const budgetLeft = () => {
    const a = e.github?.budget?.available();
    return a === undefined || a >= DRIFT_RESERVE + 3;
  };
  const runUrl = e.ctx.runUrl;
  for (const [pub, r] of records) {
    const issue = find(pub);
    const p = e.config.publications.find((x) => x.code === pub)!;
    const subject: DriftSubject = {
      pub,
      name: p.name,
      reference: p.referenceManifest,
      configFile: relative(e.cwd, e.config.file) || e.config.file,
    };
    if (!budgetLeft()) {
      e.log.warning(
        `GitHub API budget: the drift issue of ${pub} waits for the next run (recorded meanwhile)`,
      );
      if (r && !issue) delete r.issue;
      if (r === null && issue?.state === 'open') records.delete(pub); // closed by a later run
      continue;
    }
    if (r === null) {
      if (issue?.state !== 'open') continue;
      const period = outcomes.filter((o) => o.pub === pub && o.status === 'processed').at(-1)?.period;
      const run = runUrl ? ` in [this run](${runUrl})` : '';
      await tracker.comment(
        issue.number,
        `${period ?? 'A later period'} matched the reference manifest \`${p.referenceManifest}\` cleanly${run}; closing.`,
      );
      await tracker.update(issue.number, { state: 'closed' });
      issue.state = 'closed';
      continue;
    }
    const body = driftIssueBody(subject, r, runUrl);
    if (!issue) {
      const created = await tracker.create(driftTitle(subject), body, [DRIFT_LABEL]);
      existing.push(created);
      r.issue = created.number;
      continue;
    }
    const again = current(pub);
    // a record carried over unchanged (its issue was waiting) needs no comment; a new drift does
    const isNew = !again || again.detected_at !== r.detected_at;
    await tracker.update(issue.number, {
      body,
      title: driftTitle(subject),
      ...(issue.state === 'closed' ? { state: 'open' as const } : {}),
    });
    issue.state = 'open';
    if (isNew) await tracker.comment(issue.number, driftAgainComment(r, runUrl));
    r.issue = issue.number;
  }
}

/** `text` (a monitor.json, perhaps another run's) with the drift records applied; undefined when none at all. */
export function applyDriftRecords(text: string | undefined, file: string, records: DriftRecords): string {
  const m = parseMonitor(text ?? '', file);
  for (const [pub, r] of records) {
    if (r === null) {
      if (Object.hasOwn(m.publications, pub)) delete (m.publications[pub] as { drift?: OpenDrift }).drift;
      continue;
    }
    if (!Object.hasOwn(m.publications, pub)) m.publications[pub] = emptyPub();
    (m.publications[pub] as { drift?: OpenDrift }).drift = r;
  }
  return serializeMonitor(m);
}

/** The records written to the local monitor.json, and monitor.json's extra file made to carry them onto the tip. */
export function withDriftRecords(
  e: ActionEnv,
  statePath: string,
  records: DriftRecords,
  extra: Record<string, ExtraFile>,
): Record<string, ExtraFile> {
  if (!records.size) return extra;
  const file = monitorPathFor(statePath);
  const rel = relative(e.cwd, file);
  const here = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  writeFileSync(file, applyDriftRecords(here, file, records));
  const before = extra[rel];
  const base = (tip: string | undefined) =>
    before === undefined ? (tip ?? here) : typeof before === 'string' ? before : before(tip);
  return { ...extra, [rel]: (tip) => applyDriftRecords(base(tip), file, records) };
}
