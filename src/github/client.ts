// The GitHub calls the action makes, behind small interfaces (releases: releaser.ts, released Parquet read back:
// release-reader.ts, issues: issues.ts, and the rest: keep-alive, the state pull request, the PR preview comment:
// repo.ts), put together here from their Octokit implementations. Tests pass fakes of the interfaces to run(); the
// end-to-end tests run these implementations against the fake REST API.
import { createRateBudget, type RateBudget } from './budget.js';
import { createOctokitIssues, type IssueTracker } from './issues.js';
import type { Octokit, OctokitLimits } from './octokit.js';
import { octokitReleaseReader, type ReleaseReader } from './release-reader.js';
import { createOctokitReleaser, type Releaser } from './releaser.js';
import { createOctokitRepo, type RepoApi } from './repo.js';

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
