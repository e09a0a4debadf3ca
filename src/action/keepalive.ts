// GitHub disables a scheduled workflow after 60 days without activity in a public repository. A scheduled run
// re-enables its workflow (a no-op when enabled; needs `actions: write`), else commits a heartbeat file once the
// branch has had no commit for 50 days.
import type { Log } from './env.js';
import { lastCommitAgeDays } from './git-read.js';
import type { RepoApi } from '../github/repo.js';

export const HEARTBEAT_FILE = 'state/heartbeat';

/** Files to add to the state commit (the heartbeat), possibly none. */
export async function keepAlive(
  repo: RepoApi | undefined,
  workflowFile: string | undefined,
  cwd: string,
  log: Log,
): Promise<Record<string, string>> {
  if (repo && workflowFile) {
    try {
      await repo.enableWorkflow(workflowFile);
      log.info(`keep-alive: workflow ${workflowFile} enabled`);
      return {};
    } catch (e) {
      log.warning(
        `keep-alive: enabling ${workflowFile} failed (${(e as Error).message}); falling back to a heartbeat commit (grant \`actions: write\` to avoid it)`,
      );
    }
  }
  const age = await lastCommitAgeDays(cwd);
  if (age === undefined || age < 50) return {};
  log.info(`keep-alive: no commit for ${Math.floor(age)} days; committing ${HEARTBEAT_FILE}`);
  return { [HEARTBEAT_FILE]: `${new Date().toISOString()}\n` };
}
