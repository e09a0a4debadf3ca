// `command: status`: progress per publication from state.json, row totals from the committed catalog (the
// runner's database is empty), into the log, the step summary, the outputs and one status issue.
import { resolve } from 'node:path';
import { clockFrom } from '../runtime/index.js';
import { monitorStatus, renderStatus, statusData } from '../status/index.js';
import { readCatalog } from '../export/index.js';
import { monitorPathFor, readMonitor } from '../monitor/index.js';
import { readState } from '../state/index.js';
import type { ActionEnv } from './env.js';
import { upsertStatusIssue } from './issues.js';
import { statusSummary } from './summary.js';

export async function runStatus(e: ActionEnv): Promise<void> {
  const { core, inputs } = e;
  const statePath = resolve(e.cwd, inputs.state);
  const state = readState(statePath);
  const catalog = readCatalog(e.catalogPath);
  const ledger = catalog.tables.map((t) => ({ pub: t.publication, rows_loaded: t.rows, status: 'loaded' }));
  const monitor = monitorStatus(e.config, readMonitor(monitorPathFor(statePath)), clockFrom(e.env)());
  const data = statusData(e.config, state, ledger, monitor);
  core.info(e.redact(renderStatus(data)));
  const md = e.redact(statusSummary(data));
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
      `${md}\n\n_Updated ${new Date().toISOString()}${run}._`,
    );
    core.info(`status issue: ${issue.url}`);
  }
}
