// Release uploads of a backfill: each processed item's Parquet files (what the pipeline says it exported) to
// its publication-year release as the item finishes, and catalog.json to the rolling catalog release at the end.
// A release holds at most `maxAssets` (GitHub: 1000): new assets then spill into the next part of the same
// publication and year (datawarp-<pub>-<yyyy>-2, -3 ...). Where each asset went is recorded (placements) so the
// catalog can say which release holds it, and a re-upload goes to that release first.
// Layout `item` (src/action/publish-items.ts): one zip per (publication, period) holding the item's tables.
// An item loaded as version n > 1 keeps version n-1 as assets <table>__<period>__v<n-1>.parquet: the runner has no
// earlier Parquet, so the released current asset is renamed before the new one goes up, and the current asset of
// a table the new version no longer has is renamed too (no "current" asset shows old rows).
import { existsSync } from 'node:fs';
import { periodStart } from '../config/index.js';
import { assetName, CATALOG_ASSET, CATALOG_TAG, versionAssetName } from '../github/release-names.js';
import type { Releaser } from '../github/releaser.js';
import type { ItemOutcome } from '../pipeline/backfill.js';
import { uploadItemZips } from './publish-items.js';
import {
  record,
  retire,
  spread,
  type AssetPlacement,
  type ItemFile,
  type ItemUpload,
  type LedgerRows,
  type PublisherOptions,
  type Run,
} from './publish-run.js';
import { MAX_ASSETS_PER_RELEASE, publishAssets } from './releases.js';

export type { AssetPlacement, ItemUpload, LedgerRows, PublisherOptions } from './publish-run.js';

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

/** The version this item's run made, when it replaced an earlier one (its assets are then kept). */
const newVersion = (o: ItemOutcome) => (o.version && o.version.version > 1 ? o.version.version : undefined);

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
  if (s.opts.layout === 'item') return uploadItemZips(s, o, await itemFiles(o, ledgerRows, v), v);
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
