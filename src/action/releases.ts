// Publishing files to a release (the Releaser interface: src/github/releaser.ts; names: src/github/release-names.ts).
// A re-run replaces an asset: list, delete, upload; a 422 already_exists (another run uploaded the same name
// meanwhile) is handled once the same way. A new version of a period keeps the asset it replaces: renamed to
// <table>__<period>__v<n>.parquet, then uploaded.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { normaliseAssetName } from '../github/release-names.js';
import { httpStatus, type Release, type ReleaseAsset, type Releaser } from '../github/releaser.js';

export const MAX_ASSETS_PER_RELEASE = 1000;

/** The asset cap: DATAWARP_MAX_RELEASE_ASSETS (tests lower it), at most GitHub's 1000. */
export function maxReleaseAssets(env: NodeJS.ProcessEnv): number {
  const n = Number(env.DATAWARP_MAX_RELEASE_ASSETS);
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_ASSETS_PER_RELEASE) : MAX_ASSETS_PER_RELEASE;
}
export const MAX_ASSET_BYTES = 2 * 1024 * 1024 * 1024 - 1;
const isAlreadyExists = (e: unknown) =>
  httpStatus(e) === 422 &&
  /already_exists|already exists/i.test(
    JSON.stringify((e as { response?: { data?: unknown } }).response?.data ?? (e as Error).message),
  );

export interface AssetFile {
  name: string;
  path: string;
  /** rows in the file (the label records it) */
  rows?: number;
  /** rows the load ledger records for this (table, period): a file with fewer is never uploaded */
  ledgerRows?: number;
  /** a new version: the asset this file replaces is kept under this name (renamed), not deleted */
  keepPreviousAs?: string;
}

export interface PublishResult {
  uploaded: string[];
  replaced: string[];
  unchanged: string[];
  refused: { name: string; reason: string }[];
  /** not uploaded because the release holds the maximum number of assets (the caller spills them over) */
  full: string[];
  /** assets of the version before, renamed to their kept name (`to`) before the new file went up */
  kept: { from: string; to: string; size: number }[];
}

const labelOf = (f: AssetFile, sha: string) =>
  `${f.rows !== undefined ? `${f.rows} rows, ` : ''}sha256 ${sha.slice(0, 16)}`;

/**
 * Upload files to a release; an asset with the same name is replaced (deleted, then uploaded) unless its
 * label shows the same content and `force` is off. Serial, so GitHub's secondary rate limits are respected.
 */
export async function publishAssets(
  rel: Releaser,
  release: Release,
  files: AssetFile[],
  opts: { force?: boolean; log?(msg: string): void; maxAssets?: number } = {},
): Promise<PublishResult> {
  const log = opts.log ?? (() => {});
  const max = opts.maxAssets ?? MAX_ASSETS_PER_RELEASE;
  const out: PublishResult = { uploaded: [], replaced: [], unchanged: [], refused: [], full: [], kept: [] };
  if (!files.length) return out;
  let existing = await rel.listAssets(release);
  for (const f of files) {
    const name = normaliseAssetName(f.name);
    const size = statSync(f.path).size;
    if (size > MAX_ASSET_BYTES) {
      out.refused.push({ name, reason: `${size} bytes is over GitHub's 2 GiB asset limit` });
      continue;
    }
    if (f.ledgerRows !== undefined && f.rows !== undefined && f.rows < f.ledgerRows) {
      out.refused.push({
        name,
        reason: `the file holds ${f.rows} rows but the ledger records ${f.ledgerRows}; the released asset is kept`,
      });
      continue;
    }
    const data = readFileSync(f.path);
    const sha = createHash('sha256').update(data).digest('hex');
    const label = labelOf(f, sha);
    let old = existing.find((a) => a.name === name);
    if (old && old.label === label && old.size === size && !opts.force) {
      out.unchanged.push(name);
      continue;
    }
    if (old && f.keepPreviousAs) {
      existing = await keepPrevious(rel, existing, old, f.keepPreviousAs, out);
      old = undefined;
    }
    if (!old && existing.length >= max) {
      out.full.push(name);
      continue;
    }
    if (old) await rel.deleteAsset(old.id);
    let uploaded: ReleaseAsset | undefined;
    for (let attempt = 1; !uploaded; attempt++) {
      try {
        uploaded = await rel.uploadAsset(release, name, data, label);
      } catch (e) {
        if (!isAlreadyExists(e) || attempt >= 4) throw e;
        // Someone uploaded the same name between our list and our upload: replace theirs.
        log(`${release.tag}/${name}: 422 already_exists; replacing the asset uploaded meanwhile`);
        if (attempt > 1) await new Promise((r) => setTimeout(r, 200 + Math.random() * 800 * attempt));
        existing = await rel.listAssets(release, { fresh: true });
        const dup = existing.find((a) => a.name === name);
        if (dup) await rel.deleteAsset(dup.id);
      }
    }
    existing = [...existing.filter((a) => a.name !== name), uploaded];
    (old ? out.replaced : out.uploaded).push(name);
  }
  return out;
}

/**
 * The asset a new version replaces, kept: renamed to `to`, unless an asset of that name is there already (a re-run
 * after a stop, or the kept file uploaded), when the replaced one is deleted. Returns the release's assets after.
 */
export async function keepPrevious(
  rel: Releaser,
  existing: ReleaseAsset[],
  old: ReleaseAsset,
  to: string,
  out: Pick<PublishResult, 'kept'>,
): Promise<ReleaseAsset[]> {
  const name = normaliseAssetName(to);
  if (existing.some((a) => a.name === name)) {
    await rel.deleteAsset(old.id);
    return existing.filter((a) => a.id !== old.id);
  }
  const kept = { from: old.name, to: name, size: old.size };
  const renamed = await rel.renameAsset(old.id, name);
  out.kept.push(kept);
  return [...existing.filter((a) => a.id !== old.id), renamed];
}
