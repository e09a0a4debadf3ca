// `datawarp site [--out site/] [--repo OWNER/NAME]`: read the catalog, state, manifests, the ledger (when a
// database is reachable) and the local Parquet files, build the static site (src/site) and write it.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  linkSync,
  copyFileSync,
  mkdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { parquetPath, readCatalog, type Catalog } from '../export/index.js';
import { ledgerRows, listVersions, openDb, type Db, type ItemVersion } from '../load/index.js';
import { monitorPathFor, readMonitor } from '../monitor/index.js';
import { manifestsRoot, manifestStore } from '../manifest/index.js';
import type { EnrichedManifest } from '../model.js';
import { buildSite, type LocalFile, type SiteInput, type SiteLedgerRow } from '../site/index.js';
import { readState } from '../state/index.js';
import { commandArgs } from './args.js';
import { clockFrom, dbOptions, type CliEnv } from '../runtime/index.js';
import { monitorStatus } from '../status/index.js';

const USAGE = `Usage: datawarp site [--out DIR] [--repo OWNER/NAME] [--config F] [--state F]

Writes a static site (index.html, one page per table, datapackage.json) into DIR (default site/).
--repo (default $GITHUB_REPOSITORY) links the release assets of that repository; without it the local
Parquet files are linked into DIR/data/ so the folder works on its own.
`;

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export async function runSiteCommand(argv: string[], ctx: CliEnv): Promise<number> {
  const v = commandArgs(
    'site',
    argv,
    {
      out: { type: 'string' },
      repo: { type: 'string' },
    },
    USAGE,
    ctx.io,
  );
  if (typeof v === 'number') return v;
  const repo = v.repo ?? (ctx.env.GITHUB_REPOSITORY || undefined);
  if (repo && !REPO.test(repo)) {
    ctx.io.err(`datawarp site: --repo ${repo}: expected OWNER/NAME\n`);
    return 2;
  }
  const out = resolve(ctx.cwd, v.out ?? 'site');
  const input = await readSiteInput(ctx, {
    repo,
    out,
    configPath: resolve(ctx.cwd, v.config ?? 'config/publications.yaml'),
    statePath: resolve(ctx.cwd, v.state ?? 'state/state.json'),
  });
  const files = buildSite(input);
  // pages of tables and publications no longer in the catalog
  for (const d of ['tables', 'pubs']) rmSync(join(out, d), { recursive: true, force: true });
  for (const f of files) {
    const p = join(out, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
  const tables = input.catalog.tables.length;
  ctx.io.out(
    `${out}: ${files.length} files (${tables} table page${tables === 1 ? '' : 's'}, datapackage.json)` +
      `${input.ledger ? '' : '; no database reachable, rows per period from the catalog'}\n`,
  );
  return 0;
}

async function readSiteInput(
  ctx: CliEnv,
  o: { repo?: string; out: string; configPath: string; statePath: string },
): Promise<SiteInput> {
  let publications: SiteInput['publications'] = [];
  let freshness: SiteInput['freshness'];
  if (existsSync(o.configPath)) {
    const config = loadConfig(o.configPath, ctx.env);
    publications = config.publications.map((p) => ({
      code: p.code,
      name: p.name,
      landingPage: p.landingPage,
    }));
    freshness = freshnessOf(config, o.statePath, clockFrom(ctx.env)());
  }
  const output = join(ctx.cwd, 'output');
  const catalog = readCatalog(join(output, 'catalog.json'));
  const db = await readDatabase(ctx);
  return {
    generatedAt: new Date().toISOString(),
    repo: o.repo,
    publications,
    catalog,
    state: readState(o.statePath),
    manifests: readManifests(manifestsRoot(ctx.cwd)),
    ledger: db?.ledger,
    versions: db && tableVersions(db.versions),
    files: await localFiles(catalog, output, o.repo ? undefined : o.out),
    freshness,
  };
}

/** Each publication's freshness, as `datawarp status` shows it (state/monitor.json and the config). */
function freshnessOf(config: Config, statePath: string, now: Date): SiteInput['freshness'] {
  const status = monitorStatus(config, readMonitor(monitorPathFor(statePath)), now);
  const out: NonNullable<SiteInput['freshness']> = {};
  for (const [code, s] of Object.entries(status))
    if (s.freshness)
      out[code] = {
        state: s.freshness,
        next_expected: s.next_expected,
        next_expected_precision: s.next_expected_precision,
      };
  return out;
}

/** The versions of revised items, per table: a version and its diff where the table changed. */
export function tableVersions(versions: ItemVersion[]): SiteInput['versions'] {
  const out: NonNullable<SiteInput['versions']> = {};
  for (const v of versions)
    for (const d of v.diff)
      (out[d.table] ??= []).push({
        version: `${v.period} v${v.version}`,
        loaded_at: v.loaded_at,
        files: v.files.filter((f) => f.change !== 'superseded').map((f) => f.url),
        diff: { added: d.rows_added, removed: d.rows_removed, changed: d.rows_changed },
      });
  return out;
}

/** Every enriched manifest under manifests/backfill/<pub>/ (else on the manifests branch: a Pages build's clone). */
export function readManifests(root: string): EnrichedManifest[] {
  return manifestStore(root).readAllEnriched();
}

async function readDatabase(
  ctx: CliEnv,
): Promise<{ ledger: SiteLedgerRow[]; versions: ItemVersion[] } | undefined> {
  const opts = dbOptions(ctx);
  if (!opts.databaseUrl && !existsSync(opts.dataDir)) return undefined;
  let db: Db | undefined;
  try {
    db = await openDb(opts);
    const ledger = await ledgerRows(db);
    // a database loaded before revisions existed has no versions table
    const versions = await listVersions(db).catch(() => []);
    return { ledger, versions };
  } catch {
    return undefined;
  } finally {
    await db?.close().catch(() => {});
  }
}

const sha256File = (path: string) =>
  new Promise<string>((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });

/** Size and hash of each local Parquet file; with `linkInto` the file is also linked (or copied) into the
 * site folder as data/<table>/<period>.parquet. */
async function localFiles(
  catalog: Catalog,
  output: string,
  linkInto?: string,
): Promise<Record<string, LocalFile>> {
  const files: Record<string, LocalFile> = {};
  if (linkInto) rmSync(join(linkInto, 'data'), { recursive: true, force: true });
  for (const t of catalog.tables) {
    for (const period of t.periods) {
      const p = parquetPath(output, t.table, period);
      if (!existsSync(p)) continue;
      const f: LocalFile = { bytes: statSync(p).size, sha256: await sha256File(p) };
      if (linkInto) {
        f.sitePath = `data/${t.table}/${period}.parquet`;
        const dest = join(linkInto, f.sitePath);
        mkdirSync(dirname(dest), { recursive: true });
        try {
          linkSync(p, dest);
        } catch {
          copyFileSync(p, dest);
        }
      }
      files[`${t.table}/${period}`] = f;
    }
  }
  return files;
}
