// `datawarp <command>`: backfill | status | init-state | validate | enrich | restore | history | discover | plan | site
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, parsePeriod, type Config } from '../config/index.js';
import type { TableNamer } from '../enrich/index.js';
import { openAiNamerFromEnv } from '../enrich/llm.js';
import { DbUnavailableError, ledgerRows, openDb, type Db } from '../load/index.js';
import { backfill } from '../pipeline/backfill.js';
import { selectPubs } from '../pipeline/fan-out.js';
import { VERSION } from '../version.js';
import { checkWritable, PreflightError, removeStaleTempFiles } from '../preflight.js';
import {
  clearRevision,
  MonitorStateError,
  monitorPathFor,
  pendingRevisions,
  readMonitor,
  writeMonitor,
} from '../monitor/index.js';
import { runRestore } from './restore.js';
import { readState, StateError } from '../state/index.js';
import { runInitState } from './init-state.js';
import { runDiscoverCommand } from './discover.js';
import { runEnrichCommand } from './enrich.js';
import { referenceProblems } from './validate.js';
import { runHistory } from './history.js';
import { runPlanCommand } from './plan.js';
import { runSiteCommand } from './site.js';
import {
  clockFrom,
  createReporter,
  dbOptions,
  defaultPaths,
  httpClientFor,
  UsageError,
  type CliEnv,
} from '../runtime/index.js';

export type { CliEnv };
import { driftLine, monitorStatus, recordDrift, renderStatus, statusData } from '../status/index.js';

export { VERSION };

const USAGE = `Usage: datawarp <command> [options]

Commands:
  backfill     process every (publication, period) not yet done
                 --pub P (a key or a list: a,b)  --period P  --dry-run  --retry-failed  --force
  status       progress per publication (--json for machine-readable output)
  plan         publications with pending items (--json: the fan-out matrix [{"job":"1","pub":"a b"}, ...])
  init-state   rebuild state.json from manifests and the load ledger
  validate     check the config, print every problem
  enrich       name one manifest's tables alone: enrich <manifest.yaml> [--reference F] [--out F]
  restore      rebuild tables and ledger from Parquet (--from DIR | --repo OWNER/NAME)
  history      versions of a publication's periods: history --pub P [--period X] [--json]
  discover     new releases on the landing pages, upcoming dates, revisions, freshness
                 --pub P  --write (add them to the config, record state/monitor.json)  --json
  site         static catalog site and datapackage.json: site [--out site/] [--repo OWNER/NAME]
  mcp          serve the warehouse read-only to AI assistants (MCP): mcp [--http PORT]

Options for every command:
  --config F   publications config (default config/publications.yaml)
  --state F    state file (default state/state.json)
  -h, --help   this help

Environment: DATABASE_URL (PostgreSQL; unset = embedded PGlite in .datawarp/),
  OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL (enrichment; unset = deterministic names),
  HTTPS_PROXY, NODE_EXTRA_CA_CERTS,
  DATAWARP_MAX_DOWNLOAD_BYTES and the other limits (see limits: in the config; the variable wins).
Exit codes: 0 ok, 1 some item failed (the others were processed),
  2 could not start (usage, config, unwritable state/manifests/output directory, database unreachable),
  or lost the database during the run.
`;

export async function runCli(argv: string[], ctx: CliEnv): Promise<number> {
  const { io } = ctx;
  try {
    return await dispatch(argv, ctx);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(
        `${e.message}\n${e.problems.length} problem${e.problems.length > 1 ? 's' : ''} in the config.\n`,
      );
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`datawarp: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (
      e instanceof DbUnavailableError ||
      e instanceof StateError ||
      e instanceof PreflightError ||
      e instanceof MonitorStateError
    ) {
      io.err(`datawarp: ${e.message}\n`);
      return 2;
    }
    io.err(`datawarp: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

async function dispatch(argv: string[], ctx: CliEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    ctx.io.out(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'restore') return runRestore(rest, ctx);
  if (command === '--version' || command === '-v') {
    ctx.io.out(`${VERSION}\n`);
    return 0;
  }
  if (command === 'enrich') return runEnrichCommand(rest, ctx);
  if (command === 'history') return runHistory(rest, ctx, dbOptions);
  if (command === 'discover') return runDiscoverCommand(rest, ctx);
  if (command === 'plan') return runPlanCommand(rest, ctx);
  if (command === 'site') return runSiteCommand(rest, ctx);
  if (command === 'mcp') return (await import('../mcp/index.js')).runMcp(rest, ctx);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        config: { type: 'string' },
        state: { type: 'string' },
        pub: { type: 'string' },
        period: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'retry-failed': { type: 'boolean' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    ctx.io.out(USAGE);
    return 0;
  }
  const configPath = resolve(ctx.cwd, v.config ?? 'config/publications.yaml');
  const statePath = resolve(ctx.cwd, v.state ?? 'state/state.json');
  switch (command) {
    case 'validate': {
      const config = loadConfig(configPath, ctx.env);
      const refs = referenceProblems(configPath, config, ctx.cwd);
      if (refs.length) throw new ConfigError(refs);
      const n = config.publications.reduce((s, p) => s + p.urls.length, 0);
      ctx.io.out(`${configPath}: OK (${config.publications.length} publications, ${n} periods)\n`);
      return 0;
    }
    case 'backfill':
      return runBackfill(ctx, configPath, statePath, v);
    case 'status':
      return runStatus(ctx, configPath, statePath, Boolean(v.json));
    case 'init-state':
      return runInitState(ctx, configPath, statePath);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function makeNamer(ctx: CliEnv, log: (m: string) => void): TableNamer | undefined {
  return openAiNamerFromEnv(ctx.env, log);
}

function checkFilters(
  config: Config,
  v: { pub?: string; period?: string },
): { pubs?: string[]; period?: string } {
  // --pub: one key or a space- or comma-separated list
  const sel = selectPubs(config, v.pub);
  if (sel.error) throw new UsageError(`--pub ${sel.error}`);
  let period: string | undefined;
  if (v.period) {
    const pr = parsePeriod(v.period, sel.frequency);
    if (pr.error) throw new UsageError(`--period: ${pr.error}`);
    period = pr.period;
  }
  return { pubs: sel.pubs, period };
}

async function runBackfill(
  ctx: CliEnv,
  configPath: string,
  statePath: string,
  v: { pub?: string; period?: string; 'dry-run'?: boolean; 'retry-failed'?: boolean; force?: boolean },
): Promise<number> {
  const config = loadConfig(configPath, ctx.env);
  const filters = checkFilters(config, v);
  const paths = defaultPaths(ctx.cwd);
  const write = !v['dry-run'];
  // Every directory the run writes must be writable before anything is downloaded (exit 2 otherwise).
  if (write) checkWritable({ statePath, paths });
  readState(statePath); // a broken state file stops the run before anything happens
  const monitorPath = monitorPathFor(statePath);
  const reporter = createReporter(ctx.io);
  if (write) {
    const removed = removeStaleTempFiles({ statePath, paths });
    if (removed.length)
      reporter.info(
        `removed ${removed.length} temporary file${removed.length > 1 ? 's' : ''} left by an earlier run that was stopped`,
      );
  }
  const result = await backfill(
    {
      config,
      statePath,
      paths,
      http: httpClientFor(config),
      openDb: () => openDb(dbOptions(ctx)),
      namer: makeNamer(ctx, reporter.warn),
      reporter,
      chunkRows: Number(ctx.env.DATAWARP_COPY_CHUNK_ROWS) || undefined,
    },
    {
      ...filters,
      dryRun: v['dry-run'],
      retryFailed: v['retry-failed'],
      force: v.force,
      revised: pendingRevisions(readMonitor(monitorPath)),
    },
  );
  // a revision reloaded is a revision no longer pending (one that failed stays for the next run)
  if (write && result.versions.length) {
    const monitor = readMonitor(monitorPath);
    for (const x of result.versions) clearRevision(monitor, x.pub, x.period);
    writeMonitor(monitorPath, monitor);
  }
  // drift to review: recorded where `status` and the next run see it
  if (write)
    for (const [pub, r] of recordDrift(monitorPath, config, result.outcomes, clockFrom(ctx.env)()))
      ctx.io.err(r ? `  ⚠ ${pub}: ${driftLine(r)}\n` : `  ${pub}: the drift to review is settled\n`);
  const by = (s: string) => result.outcomes.filter((o) => o.status === s).length;
  const rows = result.outcomes.reduce((s, o) => s + (o.rowsLoaded ?? 0), 0);
  if (v['dry-run'])
    ctx.io.out(`Dry run: ${by('planned')} to process, ${by('skipped')} skipped. Nothing was written.\n`);
  else
    ctx.io.out(
      `Done: ${by('processed')} processed (${rows.toLocaleString('en-GB')} rows loaded), ${by('skipped')} skipped, ${by('failed')} failed.\n`,
    );
  for (const o of result.outcomes.filter((x) => x.status === 'failed'))
    ctx.io.err(`  ✗ ${o.key}: ${o.error}\n`);
  return result.exitCode;
}

async function tryOpenDb(ctx: CliEnv): Promise<Db | undefined> {
  const opts = dbOptions(ctx);
  if (!opts.databaseUrl && !existsSync(opts.dataDir)) return undefined;
  try {
    return await openDb(opts);
  } catch {
    return undefined;
  }
}

async function runStatus(ctx: CliEnv, configPath: string, statePath: string, json: boolean): Promise<number> {
  const config = loadConfig(configPath, ctx.env);
  const state = readState(statePath);
  const db = await tryOpenDb(ctx);
  let ledger: { pub: string; period: string; rows_loaded: number | string; status: string }[] | undefined;
  try {
    ledger = db ? await ledgerRows(db).catch(() => undefined) : undefined;
  } finally {
    await db?.close();
  }
  const monitor = readMonitor(monitorPathFor(statePath));
  const data = statusData(config, state, ledger, monitorStatus(config, monitor, clockFrom(ctx.env)()));
  ctx.io.out(json ? JSON.stringify(data, null, 2) + '\n' : renderStatus(data));
  return 0;
}
