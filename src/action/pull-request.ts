// A pull request that edits the config: the entries it adds are processed into a throwaway state file and
// previewed (tables, rows, columns, drift) in the step summary and one comment, edited in place on re-runs.
// A pull request from a fork only validates (no secrets, read-only token). Nothing is committed or released.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseConfig, type Config } from '../config/index.js';
import { readCatalog } from '../export/index.js';
import { backfill, type ItemOutcome } from '../pipeline/backfill.js';
import type { PullRequestInfo } from './context.js';
import { httpClientFor, namerFor, openActionDb, reporterFor, type ActionEnv } from './env.js';
import { fileAtRevision } from './git-read.js';
import { forkSummary, PR_MARKER, pullRequestComment, type PreviewItem } from './summary.js';

interface AddedEntry {
  pub: string;
  period: string;
  line: number;
}

/** Entries (pub, period, url) in `head` that are not in `base` (all of them when the base has no config). */
function entriesAdded(base: Config | undefined, head: Config): AddedEntry[] {
  const id = (pub: string, u: { period: string; url: string }) => `${pub}\u0000${u.period}\u0000${u.url}`;
  const seen = new Set(base?.publications.flatMap((p) => p.urls.map((u) => id(p.code, u))) ?? []);
  return head.publications.flatMap((p) =>
    p.urls
      .filter((u) => !seen.has(id(p.code, u)))
      .map((u) => ({ pub: p.code, period: u.period, line: u.line })),
  );
}

async function baseConfig(e: ActionEnv, pr: PullRequestInfo, rel: string): Promise<Config | undefined> {
  const text = pr.baseSha ? await fileAtRevision(e.cwd, pr.baseSha, rel) : undefined;
  if (text === undefined) return undefined;
  try {
    return parseConfig(text, rel, e.env);
  } catch {
    return undefined; // the base was broken: everything counts as added
  }
}

async function preview(e: ActionEnv, added: AddedEntry[]): Promise<ItemOutcome[]> {
  // A private state file: the preview processes the added entries whatever the committed state says.
  const statePath = join(mkdtempSync(join(e.env.RUNNER_TEMP || tmpdir(), 'dw-pr-')), 'state.json');
  const reporter = reporterFor(e);
  const http = httpClientFor(e);
  const outcomes: ItemOutcome[] = [];
  for (const a of added) {
    const res = await backfill(
      {
        config: e.config,
        statePath,
        paths: e.paths,
        http,
        openDb: () => openActionDb(e),
        namer: namerFor(e, reporter.warn),
        reporter,
      },
      { pub: a.pub, period: a.period },
    );
    outcomes.push(...res.outcomes.filter((o) => o.status !== 'skipped'));
  }
  return outcomes;
}

export async function runPullRequest(e: ActionEnv, pr: PullRequestInfo): Promise<void> {
  const { core } = e;
  const rel = relative(e.cwd, e.config.file);
  if (pr.fromFork) {
    core.notice(`${rel} is valid. Pull request from a fork: validated only (no secrets, read-only token).`);
    await core.summary.addRaw(forkSummary()).write();
    return;
  }
  const added = entriesAdded(await baseConfig(e, pr, rel), e.config);
  const n = added.length;
  core.info(
    `pull request #${pr.number}: ${n} added entr${n === 1 ? 'y' : 'ies'}${added.map((a) => ` ${a.pub}/${a.period}`).join(',')}`,
  );
  const outcomes = await preview(e, added);
  for (const o of outcomes.filter((x) => x.status === 'failed')) {
    const a = added.find((x) => x.pub === o.pub && x.period === o.period);
    core.error(e.redact(o.failure?.message ?? o.error ?? 'failed'), {
      title: `${o.key} failed`,
      file: rel,
      startLine: a?.line,
    });
  }
  const columns = new Map(
    readCatalog(e.catalogPath).tables.map((t) => [
      t.table,
      t.columns.filter((c) => !c.name.startsWith('_dw_')),
    ]),
  );
  const items: PreviewItem[] = outcomes.map((outcome) => ({ outcome, columns }));
  const body = e.redact(pullRequestComment(n, items));
  await core.summary.addRaw(body, true).write();
  if (e.github) await e.github.repo.upsertComment(pr.number, PR_MARKER, body);
  const failed = outcomes.filter((o) => o.status === 'failed');
  core.setOutput('processed', String(outcomes.filter((o) => o.status === 'processed').length));
  core.setOutput('failed', String(failed.length));
  core.setOutput('rows-loaded', String(outcomes.reduce((s, o) => s + (o.rowsLoaded ?? 0), 0)));
  core.setOutput('release-url', '');
  if (failed.length)
    core.setFailed(
      `${failed.length} added entr${failed.length === 1 ? 'y' : 'ies'} failed: ${failed.map((o) => o.key).join(', ')}`,
    );
}
