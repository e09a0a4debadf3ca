// Issues: one per failing (publication, period), found again by a label and a hidden marker in the body
// (listing by label with state=all, paginated: search lags and would create duplicates). A repeated failure
// comments, a closed issue that fails again is reopened, a later success closes it. Writes are serial. The
// IssueTracker interface and its Octokit implementation: src/github/issues.ts.
import type { IssueTracker, TrackedIssue } from '../github/issues.js';

export const FAILURE_LABEL = 'datawarp-failure';
export const STATUS_LABEL = 'datawarp-status';
export const failureMarker = (key: string) => `<!-- datawarp:failure key=${key} -->`;
export const STATUS_MARKER = '<!-- datawarp:status -->';

export interface FailureItem {
  key: string;
  status: 'processed' | 'failed';
  error?: string;
  url?: string;
}

export interface IssueSyncResult {
  opened: number[];
  commented: number[];
  reopened: number[];
  closed: number[];
}

/** Open, comment on, reopen or close one issue per item; serial. */
export async function syncFailureIssues(
  tracker: IssueTracker,
  items: FailureItem[],
  ctx: { runUrl?: string; label?: string },
): Promise<IssueSyncResult> {
  const label = ctx.label ?? FAILURE_LABEL;
  const res: IssueSyncResult = { opened: [], commented: [], reopened: [], closed: [] };
  const relevant = items.filter((i) => i.status === 'failed' || i.status === 'processed');
  if (!relevant.length) return res;
  const existing = await tracker.listByLabel(label);
  const find = (key: string) => {
    const hits = existing.filter((i) => i.body.includes(failureMarker(key)));
    // Prefer an open one; the oldest otherwise.
    return hits.find((i) => i.state === 'open') ?? hits.sort((a, b) => a.number - b.number)[0];
  };
  const run = ctx.runUrl ? ` in [this run](${ctx.runUrl})` : '';
  for (const it of relevant) {
    const issue = find(it.key);
    if (it.status === 'failed') {
      const detail = `\`\`\`\n${(it.error ?? 'unknown error').slice(0, 4000)}\n\`\`\``;
      if (!issue) {
        const body = [
          failureMarker(it.key),
          `DataWarp could not process **${it.key}**${it.url ? ` (${it.url})` : ''}${run}:`,
          '',
          detail,
          '',
          'This issue is updated by DataWarp: a repeated failure adds a comment, a later success closes it.',
        ].join('\n');
        const created = await tracker.create(`DataWarp: ${it.key} failed`, body, [label]);
        existing.push(created);
        res.opened.push(created.number);
      } else {
        if (issue.state === 'closed') {
          await tracker.update(issue.number, { state: 'open' });
          issue.state = 'open';
          res.reopened.push(issue.number);
        }
        await tracker.comment(issue.number, `Failed again${run}:\n\n${detail}`);
        res.commented.push(issue.number);
      }
    } else if (issue && issue.state === 'open') {
      await tracker.comment(issue.number, `Processed successfully${run}; closing.`);
      await tracker.update(issue.number, { state: 'closed' });
      issue.state = 'closed';
      res.closed.push(issue.number);
    }
  }
  return res;
}

/** The one status issue (label + marker), created or edited in place. */
export async function upsertStatusIssue(
  tracker: IssueTracker,
  title: string,
  markdown: string,
): Promise<TrackedIssue> {
  const body = `${STATUS_MARKER}\n${markdown}`;
  const found = (await tracker.listByLabel(STATUS_LABEL))
    .filter((i) => i.body.includes(STATUS_MARKER))
    .sort((a, b) => a.number - b.number)[0];
  if (!found) return tracker.create(title, body, [STATUS_LABEL]);
  await tracker.update(found.number, {
    body,
    title,
    ...(found.state === 'closed' ? { state: 'open' as const } : {}),
  });
  return { ...found, body, state: 'open' };
}
