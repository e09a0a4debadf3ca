// The GitHub calls the action makes, behind three small interfaces (releases, issues, and the rest: keep-alive,
// the state pull request, the PR preview comment), and their Octokit implementations. Tests pass fakes of the
// interfaces to run(); the end-to-end tests run these implementations against the fake REST API.
import { createRateBudget, type RateBudget } from '../github/budget.js';
import type { Octokit, OctokitLimits } from '../github/octokit.js';
import { octokitReleaseReader, type ReleaseReader } from '../restore/releases.js';
import type { IssueTracker, TrackedIssue } from './issues.js';
import { httpStatus, type Release, type ReleaseAsset, type Releaser } from './releases.js';

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

type ApiAsset = { id: number; name: string; size: number; label?: string | null };
const toAsset = (a: ApiAsset): ReleaseAsset => ({
  id: a.id,
  name: a.name,
  size: a.size,
  label: a.label ?? null,
});
type ApiRelease = { id: number; tag_name: string; html_url: string; upload_url: string; assets?: ApiAsset[] };
/** GitHub's release object lists its assets; fewer than a page of them is taken as the whole list. */
const INLINE_ASSETS_TRUSTED = 100;

/**
 * Releases and their assets, remembered for the run: a tag is looked up (or created) once, a release's assets are
 * listed once (all pages) and the name -> asset map kept current as this run uploads, renames and deletes;
 * `listAssets(r, { fresh: true })` lists again (after a 422 already_exists: someone else uploaded meanwhile).
 */
function createOctokitReleaser(gh: Octokit, owner: string, repo: string): Releaser {
  const releases = new Map<string, Release>();
  const assets = new Map<number, Map<string, ReleaseAsset>>();
  const remember = (r: ApiRelease, fresh = false): Release => {
    const rel: Release = { id: r.id, tag: r.tag_name, htmlUrl: r.html_url, uploadUrl: r.upload_url };
    releases.set(rel.tag, rel);
    const inline = r.assets ?? [];
    if (fresh || (r.assets && inline.length < INLINE_ASSETS_TRUSTED))
      assets.set(rel.id, new Map(inline.map((a) => [a.name, toAsset(a)])));
    return rel;
  };
  const byTag = async (tag: string) => {
    try {
      return remember((await gh.rest.repos.getReleaseByTag({ owner, repo, tag })).data);
    } catch (e) {
      if (httpStatus(e) === 404) return undefined;
      throw e;
    }
  };
  const create = async (tag: string, name: string, body: string) => {
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
      return remember(data, true);
    } catch (e) {
      if (httpStatus(e) === 422) return undefined; // it exists (another run created it meanwhile)
      throw e;
    }
  };
  const forget = (id: number) => {
    for (const m of assets.values()) for (const [n, a] of m) if (a.id === id) m.delete(n);
  };
  return {
    async ensureRelease(tag, name, body, hint) {
      const cached = releases.get(tag);
      if (cached) return cached;
      // a tag nothing is known to be in is most likely new: create first, look up only when that fails
      if (hint?.exists === false) {
        const made = (await create(tag, name, body)) ?? (await byTag(tag));
        if (made) return made;
      }
      const found = (await byTag(tag)) ?? (await create(tag, name, body)) ?? (await byTag(tag));
      if (!found) throw new Error(`release ${tag}: neither found nor created`);
      return found;
    },
    async listAssets(release, opts) {
      const have = assets.get(release.id);
      if (have && !opts?.fresh) return [...have.values()];
      const all = await gh.paginate(gh.rest.repos.listReleaseAssets, {
        owner,
        repo,
        release_id: release.id,
        per_page: 100,
      });
      const list = all.map(toAsset);
      assets.set(release.id, new Map(list.map((a) => [a.name, a])));
      return list;
    },
    async deleteAsset(id) {
      try {
        await gh.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: id });
      } catch (e) {
        if (httpStatus(e) !== 404) throw e; // already gone
      }
      forget(id);
    },
    async renameAsset(id, name) {
      const { data } = await gh.rest.repos.updateReleaseAsset({ owner, repo, asset_id: id, name });
      const a = toAsset(data);
      for (const m of assets.values())
        for (const [n, x] of m)
          if (x.id === id) {
            m.delete(n);
            m.set(a.name, a);
          }
      return a;
    },
    async uploadAsset(release, name, data, label) {
      const { data: res } = await gh.rest.repos.uploadReleaseAsset({
        owner,
        repo,
        release_id: release.id,
        url: release.uploadUrl,
        name,
        label,
        data: data as unknown as string,
        // no content-length: fetch sets it from the Buffer (one given by hand is refused when undici 7 is the dispatcher)
        headers: { 'content-type': 'application/octet-stream' },
      });
      const a = toAsset(res);
      assets.get(release.id)?.set(a.name, a);
      return a;
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
