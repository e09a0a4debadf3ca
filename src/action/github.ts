// The GitHub calls the action makes, behind three small interfaces (releases, issues, and the rest: keep-alive,
// the state pull request, the PR preview comment), and their Octokit implementations. Tests pass fakes of the
// interfaces to run(); the end-to-end tests run these implementations against the fake REST API.
import { createRateBudget, type RateBudget } from '../github/budget.js';
import type { Octokit, OctokitLimits } from '../github/octokit.js';
import { octokitReleaseReader, type ReleaseReader } from '../restore/releases.js';
import type { IssueTracker, TrackedIssue } from './issues.js';
import { createOctokitReleaser } from './octokit-releaser.js';
import type { Releaser } from './releases.js';

/** The remaining raw calls. */
export interface RepoApi {
  /** re-enable a workflow GitHub disabled after 60 idle days (a no-op when enabled) */
  enableWorkflow(workflowFile: string): Promise<void>;
  /** the open pull request from `head` into `base` (its title and body replaced), or a new one */
  ensurePullRequest(
    head: string,
    base: string,
    title: string,
    body: string,
  ): Promise<{ number: number; created: boolean }>;
  /** the open pull request from `head` into `base`, closed with `note` before its body; its number, if any */
  closePullRequest(head: string, base: string, note: string): Promise<number | undefined>;
  /** the comment of issue or pull request `number` holding `marker` is edited, else one is created */
  upsertComment(number: number, marker: string, body: string): Promise<'created' | 'updated'>;
}

export interface GitHub {
  releases: Releaser;
  /** reads released Parquet back (the rows of a period a revision reloads) */
  reader?: ReleaseReader;
  issues: IssueTracker;
  repo: RepoApi;
  /** what every response said of GitHub's rate limit (absent: not known, no budget kept) */
  budget?: RateBudget;
}

/** Makes the GitHub client from the `github-token` input for the repository the run belongs to. */
export type GitHubFactory = (
  token: string,
  repository: { owner: string; repo: string },
  limits?: Required<OctokitLimits>,
) => GitHub;

/** The rate-limit settings of the inputs: the longest wait, and this job's share of the hourly budget. */
export function limitsOf(inputs: { rateLimitMaxWaitSeconds: number; rateLimitJobs: number }) {
  return {
    maxWaitSeconds: inputs.rateLimitMaxWaitSeconds,
    budget: createRateBudget({ share: limitsShare(inputs.rateLimitJobs) }),
  };
}

/** A job's share of the hourly budgets: GitHub runs at most 20 jobs of a matrix at once (free plan). */
export function limitsShare(jobs: number): number {
  return 1 / Math.min(Math.max(1, Math.floor(jobs) || 1), 20);
}

export function createGitHub(gh: Octokit, owner: string, repo: string, budget?: RateBudget): GitHub {
  return {
    budget,
    releases: createOctokitReleaser(gh, owner, repo),
    reader: octokitReleaseReader(gh, owner, repo),
    issues: createOctokitIssues(gh, owner, repo),
    repo: createOctokitRepo(gh, owner, repo),
  };
}

function createOctokitRepo(gh: Octokit, owner: string, repo: string): RepoApi {
  return {
    async enableWorkflow(workflowFile) {
      await gh.rest.actions.enableWorkflow({ owner, repo, workflow_id: workflowFile });
    },
    async ensurePullRequest(head, base, title, body) {
      const open = await gh.rest.pulls.list({ owner, repo, head: `${owner}:${head}`, base, state: 'open' });
      if (open.data.length) {
        const number = open.data[0].number;
        await gh.rest.pulls.update({ owner, repo, pull_number: number, title, body });
        return { number, created: false };
      }
      const pr = await gh.rest.pulls.create({ owner, repo, head, base, title, body });
      return { number: pr.data.number, created: true };
    },
    async closePullRequest(head, base, note) {
      const open = await gh.rest.pulls.list({ owner, repo, head: `${owner}:${head}`, base, state: 'open' });
      const pr = open.data[0];
      if (!pr) return undefined;
      const body = `${note}\n\n---\n\n${pr.body ?? ''}`;
      await gh.rest.pulls.update({ owner, repo, pull_number: pr.number, state: 'closed', body });
      return pr.number;
    },
    async upsertComment(number, marker, body) {
      const comments = await gh.paginate(gh.rest.issues.listComments, {
        owner,
        repo,
        issue_number: number,
        per_page: 100,
      });
      const mine = comments.find((c) => (c.body ?? '').includes(marker));
      if (mine) {
        await gh.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
        return 'updated';
      }
      await gh.rest.issues.createComment({ owner, repo, issue_number: number, body });
      return 'created';
    },
  };
}

function createOctokitIssues(gh: Octokit, owner: string, repo: string): IssueTracker {
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
