// `datawarp restore (--from DIR | --repo OWNER/NAME) [--config F] [--state F] [--token T]`: rebuild the staging
// tables and the load ledger from Parquet, then record the restored items of the config in state.json.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dbOptions } from '../runtime/index.js';
import { loadConfig } from '../config/index.js';
import { openDb } from '../load/index.js';
import { dirSource, releaseSource, restoreFromParquet, type ParquetSource } from '../restore/index.js';
import { octokitReleaseReader, type ReleaseReader } from '../github/release-reader.js';
import { recordRestoredItems } from '../restore/state.js';

export const RESTORE_USAGE = `Usage: datawarp restore (--from DIR | --repo OWNER/NAME) [--config F] [--state F] [--token TOKEN]
  Rebuild the staging tables and the load ledger in DATABASE_URL (unset = PGlite in .datawarp/) from Parquet files:
  --from DIR          every *.parquet under DIR (e.g. output/parquet, or downloaded release assets)
  --repo OWNER/NAME   the assets of the repository's datawarp-<pub>-<yyyy> releases (and their -2, -3 ...
                      parts, where a year past 1000 assets spilled over)
                      (token from --token, GITHUB_TOKEN or GH_TOKEN; GITHUB_API_URL for GitHub Enterprise)
  --config F          publications config (default config/publications.yaml)
  --state F           state file (default state/state.json): restored items of the config it does not
                      know yet are recorded as processed; skipped when the config file does not exist
`;

export interface RestoreContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  io: { out(s: string): void; err(s: string): void };
  /** the release reader for --repo (default: Octokit with the token, GITHUB_API_URL honoured) */
  releases?: (token: string, owner: string, repo: string) => ReleaseReader | Promise<ReleaseReader>;
}

const OPTIONS = {
  from: { type: 'string' },
  repo: { type: 'string' },
  token: { type: 'string' },
  config: { type: 'string' },
  state: { type: 'string' },
} as const;

/** Returns the exit code (0 ok, 1 some files not restored, 2 usage). */
export async function runRestore(argv: string[], ctx: RestoreContext): Promise<number> {
  let v;
  try {
    v = parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
  } catch (e) {
    ctx.io.err(`datawarp restore: ${(e as Error).message}\n\n${RESTORE_USAGE}`);
    return 2;
  }
  if (!v.from === !v.repo) {
    ctx.io.err(`datawarp restore: give exactly one of --from DIR or --repo OWNER/NAME\n\n${RESTORE_USAGE}`);
    return 2;
  }
  let source: ParquetSource;
  if (v.from) source = dirSource(resolve(ctx.cwd, v.from));
  else {
    const [owner, repo, extra] = v.repo!.split('/');
    if (!owner || !repo || extra !== undefined) {
      ctx.io.err(`datawarp restore: --repo must be OWNER/NAME, not "${v.repo}"\n`);
      return 2;
    }
    const token = v.token || ctx.env.GITHUB_TOKEN || ctx.env.GH_TOKEN || '';
    source = releaseSource(await (ctx.releases ?? defaultReader(ctx.env))(token, owner, repo));
  }
  const configPath = resolve(ctx.cwd, v.config ?? 'config/publications.yaml');
  const statePath = resolve(ctx.cwd, v.state ?? 'state/state.json');
  // the config is checked before the database is touched: a broken one stops here
  const config = existsSync(configPath) ? loadConfig(configPath, ctx.env) : undefined;
  const db = await openDb(dbOptions(ctx));
  let r;
  try {
    r = await restoreFromParquet(db, source, (m) => ctx.io.out(`${m}\n`));
  } finally {
    await db.close();
  }
  ctx.io.out(
    `Restored ${r.rows} rows into ${r.tables} tables from ${r.files} Parquet files (${source.describe}); ${r.ledgerRows} ledger rows.\n`,
  );
  if (!config) {
    ctx.io.out(
      `${relative(ctx.cwd, configPath)} not found: ${relative(ctx.cwd, statePath)} left as it is.\n`,
    );
  } else {
    // what was restored is recorded even when other files were not
    const added = recordRestoredItems(statePath, config, r.items);
    ctx.io.out(`${relative(ctx.cwd, statePath)}: ${added.length} restored item(s) recorded as processed.\n`);
  }
  for (const f of r.failed) ctx.io.err(`datawarp restore: ${f.name}: ${f.reason}\n`);
  if (r.failed.length) {
    ctx.io.err(
      `datawarp restore: ${r.failed.length} file(s) not restored (named above); the other ${r.files} were. Replace or remove the bad files and run restore again.\n`,
    );
    return 1;
  }
  return 0;
}

function defaultReader(env: NodeJS.ProcessEnv) {
  return async (token: string, owner: string, repo: string): Promise<ReleaseReader> => {
    const { createOctokit } = await import('../github/octokit.js');
    const log = { warning: (m: string) => process.stderr.write(`${m}\n`), info: () => {} };
    return octokitReleaseReader(createOctokit(token, log, env.GITHUB_API_URL), owner, repo);
  };
}
