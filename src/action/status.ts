// `command: status`: progress per publication from state.json, row totals from the committed catalog (the
// runner's database is empty), into the log, the step summary, the outputs and one status issue. The issue's body
// is edited in place (always current); GitHub notifies no one of an edit, so once an ISO week a comment is added
// to it (found again by the week in a hidden marker: a second run in the same week edits that comment).
import { resolve } from 'node:path';
import { clockFrom } from '../runtime/index.js';
import { monitorStatus, renderStatus, statusData, type StatusData } from '../status/index.js';
import { readCatalog } from '../export/index.js';
import { monitorPathFor, readMonitor } from '../monitor/index.js';
import { readState } from '../state/index.js';
import { DRIFT_LABEL, driftStatusLines } from './drift-text.js';
import type { ActionEnv } from './env.js';
import type { IssueTracker } from '../github/issues.js';
import { upsertStatusIssue } from './issues.js';
import { statusSummary } from './summary.js';

export async function runStatus(e: ActionEnv): Promise<void> {
  const { core, inputs } = e;
  const statePath = resolve(e.cwd, inputs.state);
  const state = readState(statePath);
  const catalog = readCatalog(e.catalogPath);
  const ledger = catalog.tables.map((t) => ({ pub: t.publication, rows_loaded: t.rows, status: 'loaded' }));
  const now = clockFrom(e.env)();
  const monitor = monitorStatus(e.config, readMonitor(monitorPathFor(statePath)), now);
  const data = statusData(e.config, state, ledger, monitor);
  if (e.github && inputs.openIssues) await dropClosedDrift(e.github.issues, data, core.info);
  core.info(e.redact(renderStatus(data)));
  const md = e.redact(statusSummary(data) + driftStatusLines(data));
  await core.summary.addRaw(md).write();
  core.setOutput('processed', String(data.processed));
  core.setOutput('failed', String(data.failed));
  core.setOutput('rows-loaded', String(data.rows_in_database ?? 0));
  core.setOutput('release-url', '');
  if (e.github && inputs.openIssues) {
    const run = e.ctx.runUrl ? ` by [this run](${e.ctx.runUrl})` : '';
    const issue = await upsertStatusIssue(
      e.github.issues,
      'DataWarp status',
      `${md}\n\n_Updated ${now.toISOString()}${run}._`,
    );
    core.info(`status issue: ${issue.url}`);
    const week = isoWeek(now);
    const how = await e.github.repo.upsertComment(
      issue.number,
      weekMarker(week),
      weeklyComment(week, data, run),
    );
    core.info(`status issue: the comment of ${week} ${how}`);
  }
}

/** The hidden marker of the week's comment on the status issue. */
export const weekMarker = (week: string) => `<!-- datawarp:status-week ${week} -->`;

/** The ISO 8601 week of a day (UTC): `2026-W49`; the week of a Thursday is the year's. */
export function isoWeek(d: Date): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = day.getUTCDay() || 7; // Monday 1 ... Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - dow); // the Thursday of the week
  const year = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function weeklyComment(week: string, d: StatusData, run: string): string {
  const drift = d.publications.filter((p) => p.drift);
  const lines = [
    weekMarker(week),
    `**DataWarp, week ${week}**: ${d.processed}/${d.total} processed, ${d.pending} pending, ${d.failed} failed` +
      (d.rows_in_database !== undefined ? `, ${d.rows_in_database.toLocaleString('en-GB')} rows` : '') +
      '.',
  ];
  for (const p of d.publications.filter((x) => x.failed))
    lines.push(`- ✗ \`${p.pub}\`: ${p.failed} failed (${p.failed_items.map((f) => f.period).join(', ')})`);
  for (const p of drift)
    lines.push(
      `- drift to review in \`${p.pub}\` since ${p.drift!.since}${p.drift!.issue ? ` (#${p.drift!.issue})` : ''}`,
    );
  lines.push('', `The issue's description above is the current status${run ? `, written${run}` : ''}.`);
  return lines.join('\n');
}

/** Drift whose issue a person closed is reviewed: not shown as open (the next backfill clears its record). */
async function dropClosedDrift(tracker: IssueTracker, data: StatusData, log: (m: string) => void) {
  const open = data.publications.filter((p) => p.drift?.issue);
  if (!open.length) return;
  const closed = new Set(
    (await tracker.listByLabel(DRIFT_LABEL)).filter((i) => i.state === 'closed').map((i) => i.number),
  );
  for (const p of open)
    if (closed.has(p.drift!.issue!)) {
      log(`drift of ${p.pub}: issue #${p.drift!.issue} was closed (reviewed)`);
      delete p.drift;
    }
}
