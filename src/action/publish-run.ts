// What the publisher (src/action/publish.ts) keeps for a run, and the steps both release layouts share: the
// release of a publication, year and part (made or found once per run), putting files into it with spill-over
// into the next part when one is full, and the record of where each table's Parquet went (placements).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { CatalogAsset } from '../export/index.js';
import {
  assetDownloadUrl,
  assetName,
  releaseBody,
  releaseTag,
  releaseTitle,
  type ReleaseAssetLayout,
} from '../github/release-names.js';
import type { Release, Releaser } from '../github/releaser.js';
import type { Log } from './env.js';
import { keepPrevious, publishAssets, type AssetFile, type PublishResult } from './releases.js';

/** Rows the load ledger records for a (table, period): a Parquet file with fewer is never uploaded. */
export type LedgerRows = (table: string, period: string) => Promise<number>;

/** An item's uploads: `error` when a request failed (a rate limit, a server error): not all its assets went up. */
export interface ItemUpload {
  /** how many files the item had to upload */
  files: number;
  error?: string;
}

/** Where an asset of a table went: the catalog's record of it, and the table. */
export type AssetPlacement = CatalogAsset & { table: string };

/** A member of a catalog's item zip: the table and the catalog's record of it. */
export type KnownMember = { table: string; asset: CatalogAsset };

export interface PublisherOptions {
  force: boolean;
  pubName(code: string): string;
  log: Log;
  /** assets per release before spilling into the next part (default GitHub's 1000) */
  maxAssets?: number;
  /** `table` (default): one asset per (table, period); `item`: one zip per (publication, period) */
  layout?: ReleaseAssetLayout;
  /** the release the catalog says holds an asset (name), tried first */
  knownRelease?(name: string): string | undefined;
  /** the catalog's record of an asset (name): a renamed asset keeps its sha256 */
  knownAsset?(name: string): CatalogAsset | undefined;
  /** the catalog's records of the members of an item zip (name), one per table */
  knownMembers?(name: string): KnownMember[];
  /** the catalog knows assets in this release (tag): it is looked up, not created first */
  knownTag?(tag: string): boolean;
}

/** Parts tried for one publication-year before giving up (1000 assets each). */
export const MAX_PARTS = 50;

/** A member of an item zip: a table's Parquet file. */
export type MemberFile = { table: string; member: string; path: string };

/** A file to upload, with the table and period it holds (an item zip: `members`, each a table). */
export type ItemFile = AssetFile & { table: string; period: string; members?: MemberFile[] };

/** What a publisher works with, and what it has done so far. */
export interface Run {
  releaser: Releaser;
  opts: PublisherOptions;
  maxAssets: number;
  releases: Map<string, Release>;
  uploaded: string[];
  refused: string[];
  /** by placementKey */
  placed: Map<string, AssetPlacement>;
  removed: Map<string, { table: string; period: string; name: string }>;
  catalogUrl?: string;
}

/** One placement per (asset, table): an item zip holds several tables. */
export const placementKey = (name: string, table: string) => `${name}\u0000${table}`;

/** Size and sha256 of an uploaded file, for the catalog (absent when the file is not on this machine). */
export function fileDigest(path: string): { bytes: number; sha256: string } | Record<string, never> {
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

/** Where a file's tables now are: one placement per table (per member of an item zip). */
function place(s: Run, rel: Release, n: string, f: ItemFile): void {
  const url = assetDownloadUrl(rel.htmlUrl, n);
  const base = { period: f.period, name: n, release: rel.tag, url };
  if (!f.members) {
    s.placed.set(placementKey(n, f.table), { table: f.table, ...base, ...fileDigest(f.path) });
    return;
  }
  for (const m of f.members)
    s.placed.set(placementKey(n, m.table), {
      table: m.table,
      ...base,
      member: m.member,
      ...fileDigest(m.path),
    });
}

/** Note what a publish did: uploads, refusals (warned), and where each file's asset now is. */
export function record(s: Run, rel: Release, res: PublishResult, files: ItemFile[] = []): void {
  s.uploaded.push(...[...res.uploaded, ...res.replaced].map((n) => `${rel.tag}/${n}`));
  for (const r of res.refused) {
    s.refused.push(`${rel.tag}/${r.name}: ${r.reason}`);
    s.opts.log.warning(`${rel.tag}/${r.name} not uploaded: ${r.reason}`);
  }
  for (const n of [...res.uploaded, ...res.replaced, ...res.unchanged]) {
    const f = files.find((x) => x.name === n);
    if (f) place(s, rel, n, f);
  }
  for (const k of res.kept) {
    const f = files.find((x) => x.name === k.from);
    if (f?.members) keptMembers(s, rel, f.period, k);
    else if (f) keptPlacement(s, rel, f.table, f.period, k);
  }
}

/** Record an asset kept (renamed) as an earlier version: its new name, release and the old sha256. */
export function keptPlacement(
  s: Run,
  rel: Release,
  table: string,
  period: string,
  k: PublishResult['kept'][number],
): void {
  s.uploaded.push(`${rel.tag}/${k.from} -> ${k.to}`);
  const sha256 = s.opts.knownAsset?.(k.from)?.sha256;
  const url = assetDownloadUrl(rel.htmlUrl, k.to);
  s.placed.set(placementKey(k.to, table), {
    table,
    period,
    name: k.to,
    release: rel.tag,
    url,
    bytes: k.size,
    ...(sha256 ? { sha256 } : {}),
  });
  s.removed.delete(placementKey(k.to, table));
}

/** An item zip kept (renamed) as an earlier version: each member the catalog knew in it, under the new name. */
function keptMembers(s: Run, rel: Release, period: string, k: PublishResult['kept'][number]): void {
  s.uploaded.push(`${rel.tag}/${k.from} -> ${k.to}`);
  const url = assetDownloadUrl(rel.htmlUrl, k.to);
  for (const { table, asset } of s.opts.knownMembers?.(k.from) ?? []) {
    const { bytes, sha256, member } = asset;
    s.placed.set(placementKey(k.to, table), {
      table,
      period,
      name: k.to,
      ...(member ? { member } : {}),
      release: rel.tag,
      url,
      ...(bytes !== undefined ? { bytes } : {}),
      ...(sha256 ? { sha256 } : {}),
    });
    s.removed.delete(placementKey(k.to, table));
  }
}

/** The release of a publication, year and part: made or found once per run. */
export async function release(s: Run, pub: string, year: string, part: number): Promise<Release> {
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
export function partOf(tag: string, pub: string, year: string): number | undefined {
  for (let p = 1; p <= MAX_PARTS; p++) if (releaseTag(pub, year, p) === tag) return p;
  return undefined;
}

/** The release the catalog says holds an asset (its part), else part 1. */
export async function knownReleaseOf(s: Run, pub: string, year: string, name: string): Promise<Release> {
  const tag = s.opts.knownRelease?.(name);
  return release(s, pub, year, (tag && partOf(tag, pub, year)) || 1);
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
export async function spread(s: Run, pub: string, year: string, files: ItemFile[]): Promise<void> {
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

/**
 * The current asset of a table (`<table>__<period>.parquet`) that no longer holds the table's current rows: kept
 * as the version before (`to`: renamed), or deleted when there is no version before (a table-layout asset an item
 * zip now holds).
 */
export async function retire(s: Run, pub: string, year: string, table: string, period: string, to?: string) {
  const name = assetName(table, period);
  const rel = await knownReleaseOf(s, pub, year, name);
  const existing = await s.releaser.listAssets(rel);
  const old = existing.find((a) => a.name === name);
  if (!old) return;
  if (to) {
    const res: Pick<PublishResult, 'kept'> = { kept: [] };
    await keepPrevious(s.releaser, existing, old, to, res);
    s.opts.log.info(
      `${rel.tag}/${name}: ${table} has no current rows of ${period} here any more; kept as ${to}`,
    );
    for (const k of res.kept) keptPlacement(s, rel, table, period, k);
  } else {
    await s.releaser.deleteAsset(old.id);
    s.opts.log.info(`${rel.tag}/${name}: deleted, the item's zip holds ${table} of ${period} now`);
  }
  s.placed.delete(placementKey(name, table));
  s.removed.set(placementKey(name, table), { table, period, name });
}
