// The GitHub calls of the action that are neither releases nor issues (keep-alive, the state pull request, the PR
// preview comment), behind a small interface, and their Octokit implementation (src/github/client.ts wires it).
import type { Octokit } from './octokit.js';

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

export function createOctokitRepo(gh: Octokit, owner: string, repo: string): RepoApi {
  /** the open pull request from `head` (a branch of this repository) into `base`, if any */
  const openPull = async (head: string, base: string) =>
    (await gh.rest.pulls.list({ owner, repo, head: `${owner}:${head}`, base, state: 'open' })).data[0];
  return {
    async enableWorkflow(workflowFile) {
      await gh.rest.actions.enableWorkflow({ owner, repo, workflow_id: workflowFile });
    },
    async ensurePullRequest(head, base, title, body) {
      const open = await openPull(head, base);
      if (open) {
        await gh.rest.pulls.update({ owner, repo, pull_number: open.number, title, body });
        return { number: open.number, created: false };
      }
      const pr = await gh.rest.pulls.create({ owner, repo, head, base, title, body });
      return { number: pr.data.number, created: true };
    },
    async closePullRequest(head, base, note) {
      const pr = await openPull(head, base);
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
