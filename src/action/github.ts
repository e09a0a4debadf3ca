// The GitHub calls the action makes, behind three small interfaces (releases, issues, and the rest: keep-alive,
// the state pull request, the PR preview comment), and their Octokit implementations. Tests pass fakes of the
// interfaces to run(); the end-to-end tests run these implementations against the fake REST API.
import type { Octokit } from '../github/octokit.js';
import { octokitReleaseReader, type ReleaseReader } from '../restore/releases.js';
import type { IssueTracker, TrackedIssue } from './issues.js';
import { httpStatus, type Release, type Releaser } from './releases.js';

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
}

/** Makes the GitHub client from the `github-token` input for the repository the run belongs to. */
export type GitHubFactory = (token: string, repository: { owner: string; repo: string }) => GitHub;

export function createGitHub(gh: Octokit, owner: string, repo: string): GitHub {
  return {
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

function createOctokitReleaser(gh: Octokit, owner: string, repo: string): Releaser {
  const toRelease = (r: { id: number; tag_name: string; html_url: string; upload_url: string }): Release => ({
    id: r.id,
    tag: r.tag_name,
    htmlUrl: r.html_url,
    uploadUrl: r.upload_url,
  });
  const byTag = async (tag: string) => {
    try {
      return toRelease((await gh.rest.repos.getReleaseByTag({ owner, repo, tag })).data);
    } catch (e) {
      if (httpStatus(e) === 404) return undefined;
      throw e;
    }
  };
  return {
    async ensureRelease(tag, name, body) {
      const found = await byTag(tag);
      if (found) return found;
      try {
        const { data } = await gh.rest.repos.createRelease({
          owner,
          repo,
          tag_name: tag,
          name,
          body,
          draft: false,
          prerelease: false,
        });
        return toRelease(data);
      } catch (e) {
        // Another run created it meanwhile.
        if (httpStatus(e) === 422) {
          const again = await byTag(tag);
          if (again) return again;
        }
        throw e;
      }
    },
    async listAssets(release) {
      const assets = await gh.paginate(gh.rest.repos.listReleaseAssets, {
        owner,
        repo,
        release_id: release.id,
        per_page: 100,
      });
      return assets.map((a) => ({ id: a.id, name: a.name, size: a.size, label: a.label ?? null }));
    },
    async deleteAsset(id) {
      try {
        await gh.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: id });
      } catch (e) {
        if (httpStatus(e) !== 404) throw e; // already gone
      }
    },
    async renameAsset(id, name) {
      const { data: a } = await gh.rest.repos.updateReleaseAsset({ owner, repo, asset_id: id, name });
      return { id: a.id, name: a.name, size: a.size, label: a.label ?? null };
    },
    async uploadAsset(release, name, data, label) {
      const { data: a } = await gh.rest.repos.uploadReleaseAsset({
        owner,
        repo,
        release_id: release.id,
        url: release.uploadUrl,
        name,
        label,
        data: data as unknown as string,
        headers: { 'content-type': 'application/octet-stream', 'content-length': data.length },
      });
      return { id: a.id, name: a.name, size: a.size, label: a.label ?? null };
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
