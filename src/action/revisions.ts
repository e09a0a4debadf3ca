// Revisions the backfill (or the fan-out's matrix jobs, cleared by the merge) reloaded: no longer pending in
// state/monitor.json.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic.js';
import { relative } from 'node:path';
import { monitorPathFor, withoutReloaded } from '../monitor/index.js';
import type { BackfillResult } from '../pipeline/backfill.js';
import type { ActionEnv } from './env.js';
import type { ExtraFile } from './git.js';

/** Revisions reloaded are no longer pending: cleared in state/monitor.json here, and in the branch tip's copy
 * when the state is committed (a discover pull request merged meanwhile keeps what it added). */
export function reloadedRevisions(
  e: ActionEnv,
  statePath: string,
  versions: Pick<BackfillResult['versions'][number], 'pub' | 'period'>[],
): Record<string, ExtraFile> {
  if (!versions.length) return {};
  const file = monitorPathFor(statePath);
  const here = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const cleared = withoutReloaded(here, file, versions);
  if (cleared !== undefined) writeFileAtomic(file, cleared);
  return { [relative(e.cwd, file)]: (tip) => withoutReloaded(tip ?? here, file, versions) };
}
