// Start-up shared by both front ends (the CLI and the action): where a workspace keeps its files, which database
// it opens, the HTTP client a run uses, the clock. Neither front end imports the other; both import this.
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { createHttpClient, httpLimits, type HttpClient, type HttpClientOptions } from '../http/index.js';
import type { OpenDbOptions } from '../load/index.js';
import type { Paths } from '../pipeline/types.js';
import { manifestsRoot } from '../manifest/index.js';
import { userAgent } from '../version.js';
import type { Io } from './reporter.js';

/** What a command runs in: its working directory, environment and output. */
export interface CliEnv {
  cwd: string;
  env: NodeJS.ProcessEnv;
  io: Io;
}

/** A usage error of a command line or an environment variable: exit 2 with the message. */
export class UsageError extends Error {}

/** Where a workspace keeps manifests, output (Parquet, catalog) and downloads. */
export function defaultPaths(cwd: string): Paths {
  return {
    manifests: manifestsRoot(cwd),
    output: join(cwd, 'output'),
    downloads: join(cwd, '.datawarp', 'downloads'),
  };
}

/** The database a command opens: DATABASE_URL, else the embedded PGlite in `.datawarp/pglite`. */
export function dbOptions(ctx: Pick<CliEnv, 'cwd' | 'env'>): OpenDbOptions & { dataDir: string } {
  return {
    databaseUrl: ctx.env.DATABASE_URL || undefined,
    dataDir: ctx.env.DATAWARP_PGLITE_DIR || join(ctx.cwd, '.datawarp', 'pglite'),
  };
}

/** The HTTP client of a run: the config's allowed hosts and limits (size cap, minimum throughput) and a
 * User-Agent naming the repository running it (`owner/name`, when known). */
export function httpClientFor(
  config: Config,
  repo?: string,
  make: (o: HttpClientOptions) => HttpClient = createHttpClient,
): HttpClient {
  return make({
    allowedHosts: config.allowedHosts,
    userAgent: userAgent(repo),
    ...httpLimits(config.limits),
  });
}

/** The clock: DATAWARP_NOW (an ISO time, for tests and replays) or the system's. */
export function clockFrom(env: NodeJS.ProcessEnv): () => Date {
  const fixed = env.DATAWARP_NOW ? new Date(env.DATAWARP_NOW) : undefined;
  if (fixed && Number.isNaN(fixed.getTime()))
    throw new UsageError(`DATAWARP_NOW="${env.DATAWARP_NOW}" is not an ISO date-time`);
  return () => fixed ?? new Date();
}
