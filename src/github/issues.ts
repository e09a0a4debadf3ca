// Issues: the few issue operations the action needs (failure, status and drift issues; a fake in unit tests), and
// their Octokit implementation (src/github/client.ts wires it). What the issues say and when they open or close:
// src/action/issues.ts and src/action/drift.ts.
import type { Octokit } from './octokit.js';

export interface TrackedIssue {
  number: number;
  state: 'open' | 'closed';
  body: string;
  url: string;
}

export interface IssueTracker {
  /** every issue (open and closed, not pull requests) with this label */
  listByLabel(label: string): Promise<TrackedIssue[]>;
  create(title: string, body: string, labels: string[]): Promise<TrackedIssue>;
  comment(number: number, body: string): Promise<void>;
  update(number: number, change: { state?: 'open' | 'closed'; body?: string; title?: string }): Promise<void>;
}

export function createOctokitIssues(gh: Octokit, owner: string, repo: string): IssueTracker {
  const toIssue = (i: {
    number: number;
    state: string;
    body?: string | null;
    html_url: string;
  }): TrackedIssue => ({
    number: i.number,
    state: i.state === 'closed' ? 'closed' : 'open',
    body: i.body ?? '',
    url: i.html_url,
  });
  return {
    async listByLabel(label) {
      const all = await gh.paginate(gh.rest.issues.listForRepo, {
        owner,
        repo,
        labels: label,
        state: 'all',
        per_page: 100,
      });
      return all.filter((i) => !i.pull_request).map(toIssue);
    },
    async create(title, body, labels) {
      return toIssue((await gh.rest.issues.create({ owner, repo, title, body, labels })).data);
    },
    async comment(number, body) {
      await gh.rest.issues.createComment({ owner, repo, issue_number: number, body });
    },
    async update(number, change) {
      await gh.rest.issues.update({
        owner,
        repo,
        issue_number: number,
        ...change,
        ...(change.state === 'closed' ? { state_reason: 'completed' as const } : {}),
      });
    },
  };
}
