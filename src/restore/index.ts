// `datawarp restore`: rebuild the staging tables and the load ledger in any PostgreSQL from the released Parquet
// files (or a directory of them), so nothing is lost when a runner's database goes away. Each Parquet file
// carries its table, period, publication and column types in its key-value metadata (src/export).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { GitHubClient } from '../action/octokit.js';
import { STAGING_IDENT, restoreTable } from '../action/rehydrate.js';
import { ensureSchema, openDb, quoteIdent, type Db } from '../load/index.js';

export interface ParquetAsset {
  /** <table>__<period>.parquet (release assets) or <table>/<period>.parquet (output/parquet) */
  name: string;
  read(): Promise<Uint8Array>;
}

export interface ParquetSource {
  describe: string;
  list(): Promise<ParquetAsset[]>;
}

export interface RestoreResult {
  files: number;
  tables: number;
  rows: number;
  ledgerRows: number;
}

/** Every *.parquet under `dir` (e.g. output/parquet or a folder of downloaded release assets). */
export function dirSource(dir: string): ParquetSource {
  return {
    describe: dir,
    async list() {
      return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
        .map((e) => {
          const p = join(e.parentPath, e.name);
          return {
            name: `${basename(dirname(p))}/${e.name}`,
            read: async () => new Uint8Array(readFileSync(p)),
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}

/** The Parquet assets of every datawarp-<pub>-<yyyy> release of a repository. */
export function releaseSource(gh: GitHubClient, owner: string, repo: string): ParquetSource {
  return {
    describe: `releases of ${owner}/${repo}`,
    async list() {
      const releases = await gh.paginate(gh.rest.repos.listReleases, { owner, repo, per_page: 100 });
      const out: ParquetAsset[] = [];
      for (const r of releases.filter((x) => /^datawarp-.+-\d{4}$/.test(x.tag_name))) {
        const assets = await gh.paginate(gh.rest.repos.listReleaseAssets, {
          owner,
          repo,
          release_id: r.id,
          per_page: 100,
        });
        for (const a of assets.filter((x) => x.name.endsWith('.parquet'))) {
          out.push({
            name: a.name,
            read: async () => {
              const res = await gh.rest.repos.getReleaseAsset({
                owner,
                repo,
                asset_id: a.id,
                headers: { accept: 'application/octet-stream' },
              });
              return new Uint8Array(res.data as unknown as ArrayBuffer);
            },
          });
        }
      }
      return out;
    },
  };
}

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (v instanceof Date) s = v.toISOString();
  else if (typeof v === 'bigint') s = v.toString();
  else s = String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rebuild tables and ledger rows from Parquet files. A (table, period) already present is replaced. */
export async function restoreFromParquet(
  db: Db,
  source: ParquetSource,
  log: (m: string) => void = () => {},
): Promise<RestoreResult> {
  await ensureSchema(db);
  const res: RestoreResult = { files: 0, tables: 0, rows: 0, ledgerRows: 0 };
  const tables = new Set<string>();
  for (const asset of await source.list()) {
    const bytes = await asset.read();
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(buf);
    const kv = new Map((meta.key_value_metadata ?? []).map((k) => [k.key, k.value ?? '']));
    const table = kv.get('datawarp.table') ?? '';
    const period = kv.get('datawarp.period') ?? '';
    const pub = kv.get('datawarp.publication') ?? '';
    if (!STAGING_IDENT.test(table) || !period || !pub) {
      log(
        `${asset.name}: not a DataWarp Parquet file (no datawarp.table/period/publication metadata); skipped`,
      );
      continue;
    }
    const columns = JSON.parse(kv.get('datawarp.columns') ?? '[]') as { name: string; type: string }[];
    const rows = (await parquetReadObjects({ file: buf })) as Record<string, unknown>[];
    const names = columns.map((c) => c.name).filter((n) => STAGING_IDENT.test(n));
    const copyCols = names.filter((n) => n !== '_dw_loaded_at' || rows.some((r) => r[n] != null));
    await db.transaction(async (tx) => {
      // the table's schema-change lock also serialises concurrent restores of the same (table, period)
      await restoreTable(tx, table, columns);
      await tx.query(`DELETE FROM staging.${quoteIdent(table)} WHERE _dw_period = $1`, [period]);
      const chunks = function* () {
        for (let i = 0; i < rows.length; i += 5000)
          yield rows
            .slice(i, i + 5000)
            .map((r) => copyCols.map((c) => csvValue(r[c])).join(',') + '\n')
            .join('');
      };
      await tx.copyCsv(`"staging".${quoteIdent(table)}`, copyCols, chunks());
      const sources = new Map<string, { url: string; sheet: string; sha: string; n: number }>();
      for (const r of rows) {
        const k = `${r._dw_file_url}\u0000${r._dw_sheet}`;
        const s = sources.get(k) ?? {
          url: String(r._dw_file_url),
          sheet: String(r._dw_sheet),
          sha: String(r._dw_sha256),
          n: 0,
        };
        s.n++;
        sources.set(k, s);
      }
      for (const s of sources.values()) {
        await tx.query(
          `INSERT INTO datawarp.tbl_manifest_files (pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status)
           VALUES ($1, $2, $3, $4, $5, $2, $6, $7, 'loaded')
           ON CONFLICT (pub, period, file_url, sheet, table_name) DO UPDATE SET sha256 = EXCLUDED.sha256, rows_loaded = EXCLUDED.rows_loaded, status = 'loaded'`,
          [pub, table, period, s.url, s.sheet, s.sha, s.n],
        );
        res.ledgerRows++;
      }
    });
    tables.add(table);
    res.files++;
    res.rows += rows.length;
    log(`${asset.name}: ${rows.length} rows -> staging.${table} (${period})`);
  }
  res.tables = tables.size;
  return res;
}

export const RESTORE_USAGE = `Usage: datawarp restore (--from DIR | --repo OWNER/NAME) [--token TOKEN]
  Rebuild the staging tables and the load ledger in DATABASE_URL from Parquet files:
  --from DIR          every *.parquet under DIR (e.g. output/parquet, or downloaded release assets)
  --repo OWNER/NAME   the assets of the repository's datawarp-<pub>-<yyyy> releases
                      (token from --token, GITHUB_TOKEN or GH_TOKEN; GITHUB_API_URL for GitHub Enterprise)
`;

/** `datawarp restore ...` for the CLI. Returns the exit code (0 ok, 2 usage or database unreachable). */
export async function runRestore(
  argv: string[],
  ctx: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    io: { out(s: string): void; err(s: string): void };
    github?: (token: string) => GitHubClient;
  },
): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: { from: { type: 'string' }, repo: { type: 'string' }, token: { type: 'string' } },
      strict: true,
    }).values;
  } catch (e) {
    ctx.io.err(`datawarp restore: ${(e as Error).message}\n\n${RESTORE_USAGE}`);
    return 2;
  }
  if (!v.from === !v.repo) {
    ctx.io.err(`datawarp restore: give exactly one of --from DIR or --repo OWNER/NAME\n\n${RESTORE_USAGE}`);
    return 2;
  }
  let source: ParquetSource;
  if (v.from) source = dirSource(join(ctx.cwd, v.from));
  else {
    const [owner, repo] = v.repo!.split('/');
    const token = v.token || ctx.env.GITHUB_TOKEN || ctx.env.GH_TOKEN || '';
    if (!owner || !repo) {
      ctx.io.err(`datawarp restore: --repo must be OWNER/NAME\n`);
      return 2;
    }
    const make = ctx.github ?? ((t: string) => createOctokitLazy(t));
    source = releaseSource(await make(token), owner, repo);
  }
  const db = await openDb({
    databaseUrl: ctx.env.DATABASE_URL || undefined,
    dataDir: ctx.env.DATAWARP_PGLITE_DIR || join(ctx.cwd, '.datawarp', 'pglite'),
  });
  try {
    const r = await restoreFromParquet(db, source, (m) => ctx.io.out(`${m}\n`));
    ctx.io.out(
      `Restored ${r.rows} rows into ${r.tables} tables from ${r.files} Parquet files (${source.describe}); ${r.ledgerRows} ledger rows.\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

async function createOctokitLazy(token: string): Promise<GitHubClient> {
  const { createOctokit } = await import('../action/octokit.js');
  return createOctokit(token, { warning: (m) => process.stderr.write(`${m}\n`), info: () => {} });
}
