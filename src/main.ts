// The GitHub Action: inputs -> the pipeline in-process -> state committed back, Parquet released, failures as
// issues, outputs and a step summary. `core` and the GitHub client factory are passed in (tests inject fakes).
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { createSourceCache, cachedHttpClient, type SourceCache } from './action/cache.js';
import {
  readContext,
  readInputs,
  InputError,
  type ActionInputs,
  type Core,
  type RunContext,
} from './action/context.js';
import { createGitCommitter, fileAtRevision, lastCommitAgeDays, type StateCommitter } from './action/git.js';
import {
  createOctokitIssues,
  syncFailureIssues,
  upsertStatusIssue,
  FAILURE_LABEL,
  type IssueTracker,
} from './action/issues.js';
import type { GitHubClient } from './action/octokit.js';
import {
  assetName,
  CATALOG_TAG,
  createOctokitReleaser,
  publishAssets,
  releaseTag,
  type Release,
  type Releaser,
} from './action/releases.js';
import { rehydrate } from './action/rehydrate.js';
import { transientRetryKeys } from './action/transient.js';
import { dbOptions, defaultPaths, VERSION } from './cli/main.js';
import { createReporter } from './cli/reporter.js';
import { renderStatus, statusData } from './cli/status.js';
import {
  ConfigError,
  loadConfig,
  parseConfig,
  parsePeriod,
  periodStart,
  type Config,
} from './config/index.js';
import { openAiNamerFromEnv } from './enrich/llm.js';
import { parquetPath, readCatalog } from './export/index.js';
import { createHttpClient } from './http/index.js';
import { openDb, type Db } from './load/index.js';
import { backfill, type ItemOutcome } from './pipeline.js';
import { itemKey, readState, writeState, type State } from './state/index.js';

export type { Core } from './action/context.js';

/** Makes the GitHub client from the `github-token` input. */
export type GitHubFactory = (token: string) => GitHubClient;

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** the source-file cache (default: @actions/cache, a notice when the service is unavailable) */
  cache?: SourceCache;
  /** seconds between pushes while items finish (default 60; DATAWARP_PUSH_INTERVAL_SECONDS) */
  pushIntervalSeconds?: number;
}

interface Services {
  gh?: GitHubClient;
  committer?: StateCommitter;
  releaser?: Releaser;
  issues?: IssueTracker;
}

export async function run(core: Core, github: GitHubFactory, opts: RunOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  let inputs: ActionInputs;
  try {
    inputs = readInputs(core);
  } catch (e) {
    core.setFailed(e instanceof InputError ? e.message : String(e));
    return;
  }
  const secrets = [inputs.databaseUrl, inputs.openaiApiKey, inputs.githubToken].filter(Boolean);
  try {
    const u = inputs.databaseUrl ? new URL(inputs.databaseUrl) : undefined;
    if (u?.password) secrets.push(u.password, decodeURIComponent(u.password));
  } catch {
    // not a URL
  }
  const redact = (s: string) => secrets.reduce((t, x) => (x.length >= 3 ? t.split(x).join('***') : t), s);
  const log = {
    info: (m: string) => core.info(redact(m)),
    warning: (m: string) => core.warning(redact(m)),
  };
  try {
    const ctx = readContext(env);
    const configPath = resolve(cwd, inputs.config);
    const config = loadConfigAnnotated(core, configPath, cwd);
    if (!config) return;
    if (inputs.command === 'validate') {
      const n = config.publications.reduce((s, p) => s + p.urls.length, 0);
      core.info(`${inputs.config}: OK (${config.publications.length} publications, ${n} periods)`);
      await core.summary
        .addHeading('DataWarp validate', 2)
        .addRaw(`\`${inputs.config}\`: OK (${config.publications.length} publications, ${n} periods)`, true)
        .write();
      return;
    }
    const gh = inputs.githubToken ? github(inputs.githubToken) : undefined;
    if (inputs.command === 'status') return await runStatus(core, inputs, ctx, config, cwd, gh, redact);
    if (ctx.pullRequest) return await runPullRequest(core, inputs, ctx, config, cwd, gh, redact, env);
    return await runBackfill(core, inputs, ctx, config, cwd, gh, redact, env, opts, log);
  } catch (e) {
    core.setFailed(redact(e instanceof Error ? e.message : String(e)));
  }
}

function loadConfigAnnotated(core: Core, configPath: string, cwd: string): Config | undefined {
  try {
    return loadConfig(configPath);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const p of e.problems) {
      core.error(p.message, {
        title: 'publications config',
        file: relative(cwd, p.file) || p.file,
        startLine: p.line,
        startColumn: p.column,
      });
    }
    core.setFailed(
      `${e.problems.length} problem${e.problems.length > 1 ? 's' : ''} in ${relative(cwd, configPath)}`,
    );
    void core.summary
      .addHeading('DataWarp: the config has problems', 2)
      .addList(e.problems.map((p) => `${relative(cwd, p.file)}:${p.line}:${p.column}: ${p.message}`))
      .write();
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------- backfill

async function runBackfill(
  core: Core,
  inputs: ActionInputs,
  ctx: RunContext,
  config: Config,
  cwd: string,
  gh: GitHubClient | undefined,
  redact: (s: string) => string,
  env: NodeJS.ProcessEnv,
  opts: RunOptions,
  log: { info(m: string): void; warning(m: string): void },
): Promise<void> {
  const started = Date.now();
  const statePath = resolve(cwd, inputs.state);
  const paths = defaultPaths(cwd);
  const catalogPath = join(paths.output, 'catalog.json');
  readState(statePath); // a broken state file stops here with an actionable message
  if (inputs.pub && !config.publications.some((p) => p.code === inputs.pub))
    throw new InputError(
      `input pub: no publication "${inputs.pub}" in ${inputs.config} (have: ${config.publications.map((p) => p.code).join(', ')})`,
    );
  let period: string | undefined;
  if (inputs.period) {
    const pr = parsePeriod(inputs.period, config.publications.find((p) => p.code === inputs.pub)?.frequency);
    if (pr.error) throw new InputError(`input period: ${pr.error}`);
    period = pr.period;
  }
  const write = !inputs.dryRun;
  const svc: Services = { gh };
  if (write && inputs.commitState) {
    if (!ctx.branch) core.notice('state is not committed: the run was not triggered on a branch');
    else
      svc.committer = createGitCommitter({
        cwd,
        branch: ctx.branch,
        statePath: relative(cwd, statePath),
        catalogPath: relative(cwd, catalogPath),
        manifestsDir: relative(cwd, paths.manifests),
        log: log.info,
        onProtected: gh ? (from, to) => openStatePr(gh, ctx, from, to, log) : undefined,
      });
  }
  if (write && inputs.release && gh) svc.releaser = createOctokitReleaser(gh, ctx.owner, ctx.repo);
  if (write && inputs.openIssues && gh) svc.issues = createOctokitIssues(gh, ctx.owner, ctx.repo);

  // A scheduled run retries transient failures (5xx, timeouts, a release page not yet published) after a cool-down.
  if (write && ctx.eventName === 'schedule' && !inputs.retryFailed) {
    const state = readState(statePath);
    const urls = new Map(
      config.publications.flatMap((p) => p.urls.map((u) => [itemKey(p.code, u.period), u.url] as const)),
    );
    const keys = transientRetryKeys(state, urls, inputs.retryCooldownHours);
    if (keys.length) {
      for (const k of keys) delete state.failed[k];
      writeState(statePath, state);
      log.info(
        `retrying ${keys.length} item(s) that failed transiently over ${inputs.retryCooldownHours} h ago: ${keys.join(', ')}`,
      );
    }
  }

  const cache = opts.cache ?? createSourceCache({ log: (m) => core.notice(m) });
  const reporter = createReporter({
    out: (s) => process.stdout.write(redact(s)),
    err: (s) => process.stdout.write(redact(s)),
    isTTY: false,
  });
  let db: Db | undefined;
  const releases = new Map<string, Release>();
  const uploadedNames: string[] = [];
  const refused: string[] = [];
  const pushInterval =
    (opts.pushIntervalSeconds ?? (Number(env.DATAWARP_PUSH_INTERVAL_SECONDS) || 60)) * 1000;
  let lastPush = Date.now();
  let pushes = 0;
  let rejectedPushes = 0;
  const commit = async (message: string) => {
    if (!svc.committer) return;
    const r = await svc.committer.commitAndPush(message);
    rejectedPushes += r.rejected;
    if (r.pushed) pushes++;
    lastPush = Date.now();
  };

  const uploadItem = async (o: ItemOutcome) => {
    if (!svc.releaser || o.status !== 'processed' || !db) return;
    const year = periodStart(o.period).slice(0, 4);
    const tag = releaseTag(o.pub, year);
    const files = [];
    for (const t of o.tables ?? []) {
      const path = parquetPath(paths.output, t.table, o.period);
      // Only what this run's database exported (a file left from an earlier run is not this run's data).
      if (!existsSync(path) || statSync(path).mtimeMs < started - 1000) continue;
      const ledger = await db.query<{ n: string | null }>(
        `SELECT sum(rows_loaded)::text AS n FROM datawarp.tbl_manifest_files WHERE table_name = $1 AND period = $2 AND status = 'loaded'`,
        [t.table, o.period],
      );
      files.push({
        name: assetName(t.table, o.period),
        path,
        rows: parquetRows(path),
        ledgerRows: Number(ledger[0]?.n ?? 0),
      });
    }
    if (!files.length) return;
    let rel = releases.get(tag);
    if (!rel) {
      const pubName = config.publications.find((p) => p.code === o.pub)?.name ?? o.pub;
      rel = await svc.releaser.ensureRelease(
        tag,
        `${pubName} ${year}`,
        `Parquet files of ${pubName} (${o.pub}) for ${year}, one per table and period, published by DataWarp.`,
      );
      releases.set(tag, rel);
    }
    const res = await publishAssets(svc.releaser, rel, files, { force: inputs.force, log: log.info });
    uploadedNames.push(...[...res.uploaded, ...res.replaced].map((n) => `${tag}/${n}`));
    for (const r of res.refused) {
      refused.push(`${tag}/${r.name}: ${r.reason}`);
      log.warning(`${tag}/${r.name} not uploaded: ${r.reason}`);
    }
  };

  const result = await backfill(
    {
      config,
      statePath,
      paths,
      http: cachedHttpClient(
        createHttpClient({
          allowedHosts: config.allowedHosts,
          userAgent: `DataWarp/${VERSION} (+https://github.com/${ctx.owner}/${ctx.repo})`,
        }),
        cache,
      ),
      openDb: async () => {
        db = await openDb(
          dbOptions({ cwd, env: { ...env, DATABASE_URL: inputs.databaseUrl || env.DATABASE_URL } }),
        );
        const r = await rehydrate(db, readCatalog(catalogPath));
        if (r.ledgerRows)
          log.info(
            `rehydrated ${r.tables} table(s) and ${r.ledgerRows} ledger row(s) from ${relative(cwd, catalogPath)}`,
          );
        return db;
      },
      namer: openAiNamerFromEnv({ ...env, OPENAI_API_KEY: inputs.openaiApiKey }, reporter.warn),
      reporter,
      shouldStop: () =>
        inputs.timeBudgetMinutes > 0 && Date.now() - started > inputs.timeBudgetMinutes * 60_000,
      onItemDone: async (o) => {
        try {
          await uploadItem(o);
        } catch (e) {
          log.warning(`uploading the Parquet files of ${o.key} failed: ${(e as Error).message}`);
          refused.push(`${o.key}: ${(e as Error).message}`);
        }
        if (Date.now() - lastPush >= pushInterval) await commit(`DataWarp: state after ${o.key}`);
      },
    },
    {
      pub: inputs.pub || undefined,
      period,
      dryRun: inputs.dryRun,
      retryFailed: inputs.retryFailed,
      force: inputs.force,
    },
  );
  const outcomes = result.outcomes;
  const processed = outcomes.filter((o) => o.status === 'processed');
  const failed = outcomes.filter((o) => o.status === 'failed');

  // Final commit, the catalog on the rolling release, issues, keep-alive.
  const problems: string[] = [];
  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${redact((e as Error).message)}`);
      core.error(`${what}: ${redact((e as Error).message)}`);
    }
  };
  let catalogUrl: string | undefined;
  if (write) {
    const heartbeat: Record<string, string> = {};
    if (ctx.eventName === 'schedule')
      await step('keep-alive', () => keepAlive(core, svc, ctx, cwd, heartbeat, log));
    await step('commit state', async () => {
      if (!svc.committer) return;
      const r = await svc.committer.commitAndPush(
        `DataWarp: ${processed.length} processed, ${failed.length} failed${ctx.runUrl ? `\n\n${ctx.runUrl}` : ''}`,
        heartbeat,
      );
      rejectedPushes += r.rejected;
      if (r.pushed) pushes++;
    });
    await step('catalog release', async () => {
      if (!svc.releaser || !existsSync(catalogPath)) return;
      const rel = await svc.releaser.ensureRelease(
        CATALOG_TAG,
        'DataWarp catalog',
        'Every table DataWarp has loaded: publication, periods, rows, columns and source files.',
      );
      catalogUrl = rel.htmlUrl;
      const res = await publishAssets(svc.releaser, rel, [{ name: 'catalog.json', path: catalogPath }], {
        log: log.info,
      });
      uploadedNames.push(...[...res.uploaded, ...res.replaced].map((n) => `${CATALOG_TAG}/${n}`));
    });
    await step('issues', async () => {
      if (!svc.issues) return;
      const urls = new Map(
        config.publications.flatMap((p) => p.urls.map((u) => [itemKey(p.code, u.period), u.url] as const)),
      );
      const r = await syncFailureIssues(
        svc.issues,
        outcomes
          .filter(
            (o): o is ItemOutcome & { status: 'processed' | 'failed' } =>
              o.status === 'processed' || o.status === 'failed',
          )
          .map((o) => ({
            key: o.key,
            status: o.status,
            error: o.error && redact(o.error),
            url: urls.get(o.key),
          })),
        { runUrl: ctx.runUrl, label: FAILURE_LABEL },
      );
      const parts = [
        r.opened.length && `${r.opened.length} opened`,
        r.commented.length && `${r.commented.length} commented`,
        r.reopened.length && `${r.reopened.length} reopened`,
        r.closed.length && `${r.closed.length} closed`,
      ].filter(Boolean);
      if (parts.length) log.info(`issues: ${parts.join(', ')}`);
    });
  }

  const rows = outcomes.reduce((n, o) => n + (o.rowsLoaded ?? 0), 0);
  const releaseUrl = catalogUrl ?? [...releases.values()][0]?.htmlUrl ?? '';
  core.setOutput('processed', String(processed.length));
  core.setOutput('failed', String(failed.length));
  core.setOutput('rows-loaded', String(rows));
  core.setOutput('release-url', releaseUrl);
  log.info(
    `Done: ${processed.length} processed (${rows} rows loaded), ${outcomes.filter((o) => o.status === 'skipped').length} skipped, ${failed.length} failed; ` +
      `${pushes} push(es), ${rejectedPushes} rejected and retried; ${uploadedNames.length} asset(s) uploaded`,
  );
  await writeSummary(
    core,
    inputs,
    outcomes,
    {
      releases: [...releases.values()],
      catalogUrl,
      uploaded: uploadedNames,
      refused,
      problems,
      rejectedPushes,
    },
    redact,
  );
  if (problems.length) core.setFailed(`DataWarp finished with problems: ${problems.join('; ')}`);
  else if (failed.length && !svc.issues)
    core.setFailed(`${failed.length} item(s) failed: ${failed.map((o) => o.key).join(', ')}`);
  else if (failed.length)
    core.warning(`${failed.length} item(s) failed; see the issues labelled ${FAILURE_LABEL}`);
}

function parquetRows(path: string): number {
  const buf = readFileSync(path);
  return Number(parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)).num_rows);
}

async function keepAlive(
  core: Core,
  svc: Services,
  ctx: RunContext,
  cwd: string,
  heartbeat: Record<string, string>,
  log: { info(m: string): void; warning(m: string): void },
): Promise<void> {
  // GitHub disables scheduled workflows after 60 days without activity; enabling an enabled workflow is a no-op.
  if (svc.gh && ctx.workflowFile) {
    try {
      await svc.gh.rest.actions.enableWorkflow({
        owner: ctx.owner,
        repo: ctx.repo,
        workflow_id: ctx.workflowFile,
      });
      log.info(`keep-alive: workflow ${ctx.workflowFile} enabled`);
      return;
    } catch (e) {
      log.warning(
        `keep-alive: enabling ${ctx.workflowFile} failed (${(e as Error).message}); falling back to a heartbeat commit (grant \`actions: write\` to avoid it)`,
      );
    }
  }
  const age = await lastCommitAgeDays(cwd);
  if (age !== undefined && age >= 50) {
    heartbeat['state/heartbeat'] = `${new Date().toISOString()}\n`;
    log.info(`keep-alive: no commit for ${Math.floor(age)} days; committing state/heartbeat`);
  }
  void core;
}

async function openStatePr(
  gh: GitHubClient,
  ctx: RunContext,
  head: string,
  base: string,
  log: { info(m: string): void },
): Promise<void> {
  const open = await gh.rest.pulls.list({
    owner: ctx.owner,
    repo: ctx.repo,
    head: `${ctx.owner}:${head}`,
    base,
    state: 'open',
  });
  if (open.data.length) {
    log.info(`state pull request #${open.data[0].number} updated`);
    return;
  }
  const pr = await gh.rest.pulls.create({
    owner: ctx.owner,
    repo: ctx.repo,
    head,
    base,
    title: 'DataWarp: state, manifests and catalog',
    body: `${base} is protected, so DataWarp pushes its state to \`${head}\`. Merge this pull request to record it.`,
  });
  log.info(`state pull request #${pr.data.number} opened`);
}

interface SummaryExtras {
  releases: Release[];
  catalogUrl?: string;
  uploaded: string[];
  refused: string[];
  problems: string[];
  rejectedPushes: number;
}

function driftNote(o: ItemOutcome): string {
  const d = o.drift;
  if (!d) return '';
  return [
    d.renamed.length && `${d.renamed.length} renamed`,
    d.added.length &&
      `${d.added.length} added (${d.added
        .map((x) => `${x.table}.${x.column}`)
        .slice(0, 5)
        .join(', ')})`,
    d.missing.length &&
      `${d.missing.length} missing (${d.missing
        .map((x) => `${x.table}.${x.column}`)
        .slice(0, 5)
        .join(', ')})`,
    d.unmatched.length && `${d.unmatched.length} unmatched`,
  ]
    .filter(Boolean)
    .join('; ');
}

async function writeSummary(
  core: Core,
  inputs: ActionInputs,
  outcomes: ItemOutcome[],
  x: SummaryExtras,
  redact: (s: string) => string,
): Promise<void> {
  const shown = outcomes.filter((o) => o.status !== 'skipped' || o.error);
  const mark: Record<ItemOutcome['status'], string> = {
    processed: '✓ processed',
    failed: '✗ failed',
    skipped: 'skipped',
    planned: 'planned',
  };
  const s = core.summary.addHeading(`DataWarp ${inputs.command}${inputs.dryRun ? ' (dry run)' : ''}`, 2);
  const by = (st: string) => outcomes.filter((o) => o.status === st).length;
  s.addRaw(
    `${by('processed')} processed, ${by('failed')} failed, ${by('skipped')} skipped, ${outcomes.reduce((n, o) => n + (o.rowsLoaded ?? 0), 0).toLocaleString('en-GB')} rows loaded.`,
    true,
  );
  if (shown.length) {
    s.addTable([
      [
        { data: 'item', header: true },
        { data: 'status', header: true },
        { data: 'rows', header: true },
        { data: 'tables', header: true },
        { data: 'drift / error', header: true },
      ],
      ...shown.map((o) => [
        o.key,
        o.error === 'time budget' ? 'not started (time budget)' : mark[o.status],
        String(o.rowsLoaded ?? ''),
        (o.tables ?? []).map((t) => `${t.table} (${t.rows} rows, ${t.columns} cols)`).join('<br>'),
        escapeHtml(redact(o.error && o.error !== 'time budget' ? o.error : driftNote(o))),
      ]),
    ]);
  }
  if (x.catalogUrl || x.releases.length) {
    s.addHeading('Releases', 3);
    s.addList([
      ...(x.catalogUrl ? [`<a href="${x.catalogUrl}">catalog.json (${CATALOG_TAG})</a>`] : []),
      ...x.releases.map((r) => `<a href="${r.htmlUrl}">${r.tag}</a>`),
    ]);
  }
  if (x.uploaded.length) s.addDetails(`${x.uploaded.length} asset(s) uploaded`, x.uploaded.join('<br>'));
  if (x.refused.length) s.addHeading('Not uploaded', 3).addList(x.refused.map((r) => escapeHtml(redact(r))));
  if (x.problems.length) s.addHeading('Problems', 3).addList(x.problems.map((p) => escapeHtml(redact(p))));
  if (x.rejectedPushes)
    s.addRaw(
      `State push rejected ${x.rejectedPushes} time(s) by concurrent runs; merged by key and retried.`,
      true,
    );
  await s.write();
}

const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// ------------------------------------------------------------------------------------------- status

async function runStatus(
  core: Core,
  inputs: ActionInputs,
  ctx: RunContext,
  config: Config,
  cwd: string,
  gh: GitHubClient | undefined,
  redact: (s: string) => string,
): Promise<void> {
  const state = readState(resolve(cwd, inputs.state));
  const catalog = readCatalog(join(defaultPaths(cwd).output, 'catalog.json'));
  // Totals come from the committed catalog (the runner's database is empty).
  const ledger = catalog.tables.map((t) => ({ pub: t.publication, rows_loaded: t.rows, status: 'loaded' }));
  const data = statusData(config, state, ledger);
  const text = redact(renderStatus(data));
  core.info(text);
  const md = [
    '| publication | progress | processed | pending | failed | rows |',
    '|---|---|---|---|---|---|',
    ...data.publications.map(
      (p) =>
        `| ${p.name} (\`${p.pub}\`) | \`${bar(p.processed, p.total)}\` | ${p.processed}/${p.total} | ${p.pending} | ${p.failed} | ${(p.rows_in_database ?? 0).toLocaleString('en-GB')} |`,
    ),
    `| **Total** | \`${bar(data.processed, data.total)}\` | ${data.processed}/${data.total} | ${data.pending} | ${data.failed} | ${(data.rows_in_database ?? 0).toLocaleString('en-GB')} |`,
    '',
    ...data.publications.flatMap((p) =>
      p.failed_items.map((f) => `- ✗ ${p.pub}/${f.period}: ${escapeHtml(redact(f.error))}`),
    ),
  ].join('\n');
  await core.summary.addHeading('DataWarp status', 2).addRaw(md, true).write();
  core.setOutput('processed', String(data.processed));
  core.setOutput('failed', String(data.failed));
  core.setOutput('rows-loaded', String(data.rows_in_database ?? 0));
  core.setOutput('release-url', '');
  if (gh && inputs.openIssues) {
    const issue = await upsertStatusIssue(
      createOctokitIssues(gh, ctx.owner, ctx.repo),
      'DataWarp status',
      `${md}\n\n_Updated ${new Date().toISOString()}${ctx.runUrl ? ` by [this run](${ctx.runUrl})` : ''}._`,
    );
    core.info(`status issue: ${issue.url}`);
  }
}

function bar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

// ------------------------------------------------------------------------------------------- pull request

const PR_MARKER = '<!-- datawarp:pr-preview -->';

/** Entries (pub, period, url) in `head` that are not in `base`. */
export function addedEntries(
  base: Config | undefined,
  head: Config,
): { pub: string; period: string; url: string; line: number }[] {
  const seen = new Set(
    base?.publications.flatMap((p) => p.urls.map((u) => `${p.code}\u0000${u.period}\u0000${u.url}`)) ?? [],
  );
  return head.publications.flatMap((p) =>
    p.urls
      .filter((u) => !seen.has(`${p.code}\u0000${u.period}\u0000${u.url}`))
      .map((u) => ({ pub: p.code, period: u.period, url: u.url, line: u.line })),
  );
}

async function runPullRequest(
  core: Core,
  inputs: ActionInputs,
  ctx: RunContext,
  config: Config,
  cwd: string,
  gh: GitHubClient | undefined,
  redact: (s: string) => string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const pr = ctx.pullRequest!;
  const rel = relative(cwd, config.file);
  if (pr.fromFork) {
    core.notice(`${rel} is valid. Pull request from a fork: validated only (no secrets, read-only token).`);
    await core.summary
      .addHeading('DataWarp: config valid', 2)
      .addRaw('Pull request from a fork: validated only.', true)
      .write();
    return;
  }
  let base: Config | undefined;
  const baseText = pr.baseSha ? await fileAtRevision(cwd, pr.baseSha, rel) : undefined;
  if (baseText !== undefined) {
    try {
      base = parseConfig(baseText, rel);
    } catch {
      base = undefined; // the base was broken: everything counts as added
    }
  }
  const added = addedEntries(base, config);
  core.info(
    `pull request #${pr.number}: ${added.length} added entr${added.length === 1 ? 'y' : 'ies'}${added.map((a) => ` ${a.pub}/${a.period}`).join(',')}`,
  );
  // A private state file: the PR preview processes the added entries whatever the committed state says.
  const statePath = join(mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'dw-pr-')), 'state.json');
  const paths = defaultPaths(cwd);
  const reporter = createReporter({
    out: (s) => process.stdout.write(redact(s)),
    err: (s) => process.stdout.write(redact(s)),
    isTTY: false,
  });
  const http = createHttpClient({ allowedHosts: config.allowedHosts, userAgent: `DataWarp/${VERSION}` });
  const outcomes: ItemOutcome[] = [];
  for (const a of added) {
    const res = await backfill(
      {
        config,
        statePath,
        paths,
        http,
        openDb: () =>
          openDb(dbOptions({ cwd, env: { ...env, DATABASE_URL: inputs.databaseUrl || env.DATABASE_URL } })),
        namer: openAiNamerFromEnv({ ...env, OPENAI_API_KEY: inputs.openaiApiKey }, reporter.warn),
        reporter,
      },
      { pub: a.pub, period: a.period },
    );
    outcomes.push(...res.outcomes.filter((o) => o.status !== 'skipped'));
  }
  for (const o of outcomes.filter((x) => x.status === 'failed')) {
    const a = added.find((x) => x.pub === o.pub && x.period === o.period);
    core.error(redact(o.error ?? 'failed'), { title: `${o.key} failed`, file: rel, startLine: a?.line });
  }
  const lines = [PR_MARKER, `### DataWarp preview of the entries this pull request adds`, ''];
  if (!added.length) lines.push('No (publication, period) entries added.');
  for (const o of outcomes) {
    lines.push(`#### ${o.status === 'processed' ? '✓' : '✗'} \`${o.key}\``);
    if (o.status === 'failed') {
      lines.push('```', redact(o.error ?? ''), '```');
      continue;
    }
    lines.push(
      `${(o.rowsLoaded ?? 0).toLocaleString('en-GB')} rows loaded.`,
      '',
      '| table | rows | columns |',
      '|---|---|---|',
    );
    for (const t of o.tables ?? [])
      lines.push(`| \`${t.table}\` | ${t.rows.toLocaleString('en-GB')} | ${t.columns} |`);
    const cat = readCatalog(join(paths.output, 'catalog.json'));
    for (const t of o.tables ?? []) {
      const c = cat.tables.find((x) => x.table === t.table);
      if (c)
        lines.push(
          '',
          `<details><summary>${t.table} columns</summary>\n\n${c.columns
            .filter((k) => !k.name.startsWith('_dw_'))
            .map((k) => `\`${k.name}\` ${k.type}`)
            .join(', ')}\n</details>`,
        );
    }
    const d = driftNote(o);
    lines.push('', `Drift: ${d || 'none'}`);
  }
  const body = lines.join('\n');
  await core.summary.addRaw(body, true).write();
  if (gh) {
    const comments = await gh.paginate(gh.rest.issues.listComments, {
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: pr.number,
      per_page: 100,
    });
    const mine = comments.find((c) => (c.body ?? '').includes(PR_MARKER));
    if (mine)
      await gh.rest.issues.updateComment({ owner: ctx.owner, repo: ctx.repo, comment_id: mine.id, body });
    else
      await gh.rest.issues.createComment({ owner: ctx.owner, repo: ctx.repo, issue_number: pr.number, body });
  }
  const processed = outcomes.filter((o) => o.status === 'processed');
  const failed = outcomes.filter((o) => o.status === 'failed');
  core.setOutput('processed', String(processed.length));
  core.setOutput('failed', String(failed.length));
  core.setOutput('rows-loaded', String(outcomes.reduce((n, o) => n + (o.rowsLoaded ?? 0), 0)));
  core.setOutput('release-url', '');
  if (failed.length)
    core.setFailed(
      `${failed.length} added entr${failed.length === 1 ? 'y' : 'ies'} failed: ${failed.map((o) => o.key).join(', ')}`,
    );
}

export type { State };
