// The site model (src/site) of the workspace as it is now: catalog, state, manifests, freshness, and the
// ledger and versions read through the read-only engine. describe_table, list_publications and the data
// package resource are views of it.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parquetPath } from '../export/index.js';
import type { ItemVersion } from '../load/index.js';
import { siteModel, type LocalFile, type SiteInput, type SiteModel } from '../site/index.js';
import type { Workspace } from './workspace.js';

/** The versions of revised items, per table (as `datawarp site` shows them). */
function tableVersions(versions: ItemVersion[]): NonNullable<SiteInput['versions']> {
  const out: NonNullable<SiteInput['versions']> = Object.create(null);
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

const hashes = new Map<string, { key: string; sha256: string }>();

/** size and sha256 of a local Parquet file (hashed again only when its size or mtime changed) */
const sha256File = (path: string) =>
  new Promise<string>((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });

async function localFile(path: string, cwd: string): Promise<LocalFile | undefined> {
  if (!existsSync(path)) return undefined;
  const s = statSync(path);
  const key = `${s.size}:${s.mtimeMs}`;
  let h = hashes.get(path);
  if (h?.key !== key) {
    h = { key, sha256: await sha256File(path) };
    hashes.set(path, h);
  }
  return { bytes: s.size, sha256: h.sha256, sitePath: relative(cwd, path).split('\\').join('/') };
}

export async function workspaceModel(ws: Workspace, repo?: string): Promise<SiteModel> {
  const config = ws.config();
  const catalog = ws.catalog();
  const ledger = await ws.ledger();
  const versions = await ws.versions().catch(() => []);
  const files: Record<string, LocalFile> = Object.create(null);
  const output = join(ws.paths.cwd, 'output');
  for (const t of catalog.tables)
    for (const p of t.periods) {
      const f = await localFile(parquetPath(output, t.table, p), ws.paths.cwd);
      if (f) files[`${t.table}/${p}`] = f;
    }
  const freshness: NonNullable<SiteInput['freshness']> = Object.create(null);
  for (const [code, f] of ws.freshness(config))
    freshness[code] = {
      state: f.state,
      next_expected: f.next_expected,
      next_expected_precision: f.next_expected_precision,
    };
  return siteModel({
    generatedAt: ws.now().toISOString(),
    repo,
    publications: (config?.publications ?? []).map((p) => ({
      code: p.code,
      name: p.name,
      landingPage: p.landingPage,
    })),
    catalog,
    state: ws.state(),
    manifests: ws.manifests(),
    ledger,
    versions: tableVersions(versions),
    files,
    freshness,
  });
}
