// Release uploads of a backfill: each processed item's Parquet files (what the pipeline says it exported) to
// its publication-year release as the item finishes, and catalog.json to the rolling catalog release at the end.
// A release holds at most `maxAssets` (GitHub: 1000): new assets then spill into the next part of the same
// publication and year (datawarp-<pub>-<yyyy>-2, -3 ...). Where each asset went is recorded (placements) so the
// catalog can say which release holds it, and a re-upload goes to that release first.
// An item loaded as version n > 1 keeps version n-1 as assets <table>__<period>__v<n-1>.parquet: the runner has no
// earlier Parquet, so the released current asset is renamed before the new one goes up, and the current asset of
// a table the new version no longer has is renamed too (no "current" asset shows old rows).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { periodStart } from '../config/index.js';
import type { CatalogAsset } from '../export/index.js';
import {
  assetDownloadUrl,
  assetName,
  CATALOG_ASSET,
  CATALOG_TAG,
  releaseBody,
  releaseTag,
  releaseTitle,
  versionAssetName,
} from '../github/release-names.js';
import type { ItemOutcome } from '../pipeline/backfill.js';
import type { Log } from './env.js';
import {
  keepPrevious,
  MAX_ASSETS_PER_RELEASE,
  publishAssets,
  type AssetFile,
  type PublishResult,
  type Release,
  type Releaser,
} from './releases.js';

/** Rows the load ledger records for a (table, period): a Parquet file with fewer is never uploaded. */
export type LedgerRows = (table: string, period: string) => Promise<number>;

/** Which release holds the asset of a (table, period). */
/** Where an asset of a table went: the catalog's record of it, and the table. */
export type AssetPlacement = CatalogAsset & { table: string };

/** Size and sha256 of an uploaded file, for the catalog (absent when the file is not on this machine). */
function fileDigest(path: string): { bytes: number; sha256: string } | Record<string, never> {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const hash = createHash('sha256');
    const buf = Buffer.alloc(1 << 20);
    let bytes = 0;
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; bytes += n) hash.update(buf.subarray(0, n));
    return { bytes, sha256: hash.digest('hex') };
  } catch {
    return {};
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** An item's uploads: `error` when a request failed (a rate limit, a server error): not all its assets went up. */
export interface ItemUpload {
  /** how many files the item had to upload */
  files: number;
  error?: string;
}

export interface Publisher {
  uploadItem(o: ItemOutcome, ledgerRows: LedgerRows): Promise<ItemUpload>;
  publishCatalog(catalogPath: string): Promise<void>;
  /** every asset this run uploaded, kept (renamed) or found unchanged, with its release */
  placements(): AssetPlacement[];
  /** current assets this run renamed away without a replacement (a table a new version no longer has) */
  removed(): { table: string; period: string; name: string }[];
  /** what the summary shows */
  result(): {
    releases: { tag: string; url: string }[];
    catalogUrl?: string;
    uploaded: string[];
    refused: string[];
  };
}

export interface PublisherOptions {
  force: boolean;
  pubName(code: string): string;
  log: Log;
  /** assets per release before spilling into the next part (default GitHub's 1000) */
  maxAssets?: number;
  /** the release the catalog says holds an asset (name), tried first */
  knownRelease?(name: string): string | undefined;
  /** the catalog's record of an asset (name): a renamed asset keeps its sha256 */
  knownAsset?(name: string): CatalogAsset | undefined;
  /** the catalog knows assets in this release (tag): it is looked up, not created first */
  knownTag?(tag: string): boolean;
}

/** Parts tried for one publication-year before giving up (1000 assets each). */
const MAX_PARTS = 50;

type ItemFile = AssetFile & { table: string; period: string };

/** The version this item's run made, when it replaced an earlier one (its assets are then kept). */
const newVersion = (o: ItemOutcome) => (o.version && o.version.version > 1 ? o.version.version : undefined);

/** What a publisher works with, and what it has done so far. */
interface Run {
  releaser: Releaser;
  opts: PublisherOptions;
  maxAssets: number;
  releases: Map<string, Release>;
  uploaded: string[];
  refused: string[];
  placed: Map<string, AssetPlacement>;
  removed: Map<string, { table: string; period: string; name: string }>;
  catalogUrl?: string;
}

/** Note what a publish did: uploads, refusals (warned), and where each file's asset now is. */
function record(s: Run, rel: Release, res: PublishResult, files: ItemFile[] = []): void {
  s.uploaded.push(...[...res.uploaded, ...res.replaced].map((n) => `${rel.tag}/${n}`));
  for (const r of res.refused) {
    s.refused.push(`${rel.tag}/${r.name}: ${r.reason}`);
    s.opts.log.warning(`${rel.tag}/${r.name} not uploaded: ${r.reason}`);
  }
  for (const n of [...res.uploaded, ...res.replaced, ...res.unchanged]) {
    const f = files.find((x) => x.name === n);
    if (f)
      s.placed.set(n, {
        table: f.table,
        period: f.period,
        name: n,
        release: rel.tag,
        url: assetDownloadUrl(rel.htmlUrl, n),
        ...fileDigest(f.path),
      });
  }
  for (const k of res.kept) {
    const f = files.find((x) => x.name === k.from);
    if (f) keptPlacement(s, rel, f.table, f.period, k);
  }
}

/** Record an asset kept (renamed) as an earlier version: its new name, release and the old sha256. */
function keptPlacement(
  s: Run,
  rel: Release,
  table: string,
  period: string,
  k: PublishResult['kept'][number],
): void {
  s.uploaded.push(`${rel.tag}/${k.from} -> ${k.to}`);
  const sha256 = s.opts.knownAsset?.(k.from)?.sha256;
  const url = assetDownloadUrl(rel.htmlUrl, k.to);
  s.placed.set(k.to, {
    table,
    period,
    name: k.to,
    release: rel.tag,
    url,
    bytes: k.size,
    ...(sha256 ? { sha256 } : {}),
  });
  s.removed.delete(k.to);
}

/** The release of a publication, year and part: made or found once per run. */
async function release(s: Run, pub: string, year: string, part: number): Promise<Release> {
  const tag = releaseTag(pub, year, part);
  let rel = s.releases.get(tag);
  if (!rel) {
    const name = s.opts.pubName(pub);
    rel = await s.releaser.ensureRelease(tag, releaseTitle(name, year, part), releaseBody(name, pub, year), {
      exists: s.opts.knownTag?.(tag),
    });
    s.releases.set(tag, rel);
  }
  return rel;
}

/** The part number of a release tag of this publication and year (undefined: another one's). */
function partOf(tag: string, pub: string, year: string): number | undefined {
  for (let p = 1; p <= MAX_PARTS; p++) if (releaseTag(pub, year, p) === tag) return p;
  return undefined;
}

/** Upload files to a release; returns those it had no room for. */
async function put(s: Run, rel: Release, files: ItemFile[]): Promise<ItemFile[]> {
  const res = await publishAssets(s.releaser, rel, files, {
    force: s.opts.force,
    log: s.opts.log.info,
    maxAssets: s.maxAssets,
  });
  record(s, rel, res, files);
  return files.filter((f) => res.full.includes(f.name));
}

/** The files to their known release, the rest to the first part with room. */
async function spread(s: Run, pub: string, year: string, files: ItemFile[]): Promise<void> {
  let rest: ItemFile[] = [];
  const known = new Map<number, ItemFile[]>();
  for (const f of files) {
    const part = (() => {
      const tag = s.opts.knownRelease?.(f.name);
      return tag ? partOf(tag, pub, year) : undefined;
    })();
    if (part) known.set(part, [...(known.get(part) ?? []), f]);
    else rest.push(f);
  }
  for (const [part, fs] of known) rest.push(...(await put(s, await release(s, pub, year, part), fs)));
  for (let part = 1; rest.length && part <= MAX_PARTS; part++) {
    const full = await put(s, await release(s, pub, year, part), rest);
    if (full.length && part < MAX_PARTS)
      s.opts.log.info(
        `${releaseTag(pub, year, part)} holds ${s.maxAssets} assets: ${full.length} go to ${releaseTag(pub, year, part + 1)}`,
      );
    rest = full;
  }
  for (const f of rest) s.refused.push(`${f.name}: every part of ${releaseTag(pub, year)} is full`);
}

/** The current asset of a table the new version no longer has: kept as the version before (`to`). */
async function retire(s: Run, pub: string, year: string, table: string, period: string, to: string) {
  const name = assetName(table, period);
  const tag = s.opts.knownRelease?.(name);
  const rel = await release(s, pub, year, (tag && partOf(tag, pub, year)) || 1);
  const existing = await s.releaser.listAssets(rel);
  const old = existing.find((a) => a.name === name);
  if (!old) return;
  const res: Pick<PublishResult, 'kept'> = { kept: [] };
  await keepPrevious(s.releaser, existing, old, to, res);
  s.opts.log.info(`${rel.tag}/${name}: ${table} has no rows of ${period} any more; kept as ${to}`);
  for (const k of res.kept) keptPlacement(s, rel, table, period, k);
  s.placed.delete(name);
  s.removed.set(name, { table, period, name });
}

/** The files of an item to upload: its exported Parquet, an earlier version's first. */
async function itemFiles(o: ItemOutcome, ledgerRows: LedgerRows, v: number | undefined): Promise<ItemFile[]> {
  const files: ItemFile[] = [];
  // an earlier version's Parquet written here goes first: the current asset it matches is then deleted
  const exported = [...(o.exported ?? [])].sort((a, b) => Number(!a.version) - Number(!b.version));
  for (const f of exported)
    files.push({
      // an earlier version kept beside the current one: its own name, no ledger count to match
      name: f.version ? versionAssetName(f.table, f.period, f.version) : assetName(f.table, f.period),
      path: f.path,
      rows: f.rows,
      ledgerRows: f.version ? undefined : await ledgerRows(f.table, f.period),
      table: f.table,
      period: f.period,
      ...(v && !f.version ? { keepPreviousAs: versionAssetName(f.table, f.period, v - 1) } : {}),
    });
  return files;
}

/** Upload a processed item's Parquet files by year, and retire the current assets of tables it no longer has. */
async function uploadItem(s: Run, o: ItemOutcome, ledgerRows: LedgerRows): Promise<ItemUpload> {
  const v = newVersion(o);
  if (o.status !== 'processed' || (!o.exported?.length && !v)) return { files: 0 };
  const files = await itemFiles(o, ledgerRows, v);
  const year = periodStart(o.period).slice(0, 4);
  try {
    // by the year of each file's period (a narrowed column re-exports the table's other periods too)
    const years = new Map<string, ItemFile[]>();
    for (const f of files) {
      const y = periodStart(f.period).slice(0, 4);
      years.set(y, [...(years.get(y) ?? []), f]);
    }
    for (const [y, list] of years) await spread(s, o.pub, y, list);
    const current = new Set(files.filter((f) => f.keepPreviousAs).map((f) => f.table));
    for (const t of new Set(o.version?.diff.map((d) => d.table) ?? []))
      if (v && !current.has(t))
        await retire(s, o.pub, year, t, o.period, versionAssetName(t, o.period, v - 1));
  } catch (e) {
    const error = (e as Error).message;
    s.opts.log.warning(`uploading the Parquet files of ${o.key} failed: ${error}; the item stays pending`);
    return { files: files.length, error };
  }
  return { files: files.length };
}

export function createPublisher(releaser: Releaser, opts: PublisherOptions): Publisher {
  const s: Run = {
    releaser,
    opts,
    maxAssets: opts.maxAssets ?? MAX_ASSETS_PER_RELEASE,
    releases: new Map(),
    uploaded: [],
    refused: [],
    placed: new Map(),
    removed: new Map(),
  };
  return {
    uploadItem: (o, ledgerRows) => uploadItem(s, o, ledgerRows),
    async publishCatalog(catalogPath) {
      if (!existsSync(catalogPath)) return;
      const rel = await releaser.ensureRelease(
        CATALOG_TAG,
        'DataWarp catalog',
        'Every table DataWarp has loaded: publication, periods, rows, columns and source files.',
      );
      s.catalogUrl = rel.htmlUrl;
      const files = [{ name: CATALOG_ASSET, path: catalogPath }];
      record(s, rel, await publishAssets(releaser, rel, files, { log: opts.log.info }));
    },
    placements: () => [...s.placed.values()],
    removed: () => [...s.removed.values()],
    result: () => ({
      releases: [...s.releases.values()].map((r) => ({ tag: r.tag, url: r.htmlUrl })),
      catalogUrl: s.catalogUrl,
      uploaded: [...s.uploaded],
      refused: [...s.refused],
    }),
  };
}
