// The one environment object the action's commands share: inputs, event context, config, paths, the GitHub
// client, redaction and logs; plus the few things made from it (database, HTTP client, namer, reporter).
import { join } from 'node:path';
import { dbOptions, defaultPaths } from '../runtime/index.js';
import { createReporter } from '../runtime/reporter.js';
import type { Config } from '../config/index.js';
import { openAiNamerFromEnv } from '../enrich/llm.js';
import type { TableNamer } from '../enrich/index.js';
import { createHttpClient, httpLimits, type HttpClientOptions } from '../http/index.js';
import { openDb, type Db } from '../load/index.js';
import type { Paths, Reporter } from '../pipeline/backfill.js';
import { userAgent } from '../version.js';
import type { ConditionalHttpClient, SourceCache } from './cache.js';
import type { ActionInputs, Core, RunContext } from './context.js';
import type { GitHub } from '../github/client.js';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** the source-file cache (default: @actions/cache; a notice when the service is unavailable) */
  cache?: SourceCache;
  /** seconds between pushes while items finish (default 60; DATAWARP_PUSH_INTERVAL_SECONDS) */
  pushIntervalSeconds?: number;
  /** makes the HTTP client (default: src/http's); tests pass one that answers conditional requests */
  http?: (opts: HttpClientOptions) => ConditionalHttpClient;
}

export interface Log {
  info(msg: string): void;
  warning(msg: string): void;
}

export interface ActionEnv {
  core: Core;
  inputs: ActionInputs;
  ctx: RunContext;
  config: Config;
  cwd: string;
  /** the process environment (OPENAI_BASE_URL, RUNNER_TEMP ...) */
  env: NodeJS.ProcessEnv;
  paths: Paths;
  catalogPath: string;
  /** undefined without a token */
  github?: GitHub;
  /** secrets replaced by *** */
  redact(text: string): string;
  /** core.info / core.warning, redacted */
  log: Log;
  options: RunOptions;
}

/** Every secret the inputs hold, the database password on its own too. */
export function secretsOf(inputs: ActionInputs): string[] {
  const secrets = [inputs.databaseUrl, inputs.openaiApiKey, inputs.githubToken].filter(Boolean);
  try {
    const u = inputs.databaseUrl ? new URL(inputs.databaseUrl) : undefined;
    if (u?.password) secrets.push(u.password, decodeURIComponent(u.password));
  } catch {
    // not a URL: masked as a whole
  }
  return secrets;
}

export function redactor(secrets: string[]): (text: string) => string {
  return (text) => secrets.reduce((t, x) => (x.length >= 3 ? t.split(x).join('***') : t), text);
}

export function actionPaths(cwd: string): { paths: Paths; catalogPath: string } {
  const paths = defaultPaths(cwd);
  return { paths, catalogPath: join(paths.output, 'catalog.json') };
}

/** Progress and item lines on stdout (the log), redacted. */
export function reporterFor(e: ActionEnv): Reporter {
  const write = (s: string) => process.stdout.write(e.redact(s));
  return createReporter({ out: write, err: write, isTTY: false });
}

/** The `database-url` input, else DATABASE_URL, else PGlite in .datawarp/pglite. */
export function openActionDb(e: ActionEnv): Promise<Db> {
  return openDb(
    dbOptions({ cwd: e.cwd, env: { ...e.env, DATABASE_URL: e.inputs.databaseUrl || e.env.DATABASE_URL } }),
  );
}

export function namerFor(e: ActionEnv, warn: (m: string) => void): TableNamer | undefined {
  return openAiNamerFromEnv({ ...e.env, OPENAI_API_KEY: e.inputs.openaiApiKey }, warn);
}

/** The config's allowed hosts and limits, a User-Agent naming the repository. */
export function httpClientFor(e: ActionEnv): ConditionalHttpClient {
  const make = e.options.http ?? createHttpClient;
  return make({
    allowedHosts: e.config.allowedHosts,
    userAgent: userAgent(`${e.ctx.owner}/${e.ctx.repo}`),
    ...httpLimits(e.config.limits),
  });
}

/** Runs the steps after the items (commit, releases, issues): a failing step is reported as an error and
 * recorded in `problems`, and the next one still runs. */
export function stepRunner(e: ActionEnv, problems: string[]) {
  return async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      const m = `${what}: ${e.redact((err as Error).message)}`;
      problems.push(m);
      e.core.error(m);
    }
  };
}
