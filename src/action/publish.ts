// Release uploads of a backfill: each processed item's Parquet files (what the pipeline says it exported) to
// its publication-year release as the item finishes, and catalog.json to the rolling catalog release at the end.
import { existsSync } from 'node:fs';
import { periodStart } from '../config/index.js';
import {
  assetName,
  CATALOG_ASSET,
  CATALOG_TAG,
  releaseBody,
  releaseTag,
  releaseTitle,
  versionAssetName,
} from '../github/release-names.js';
import type { ItemOutcome } from '../pipeline.js';
import type { Log } from './env.js';
import { publishAssets, type PublishResult, type Release, type Releaser } from './releases.js';

/** Rows the load ledger records for a (table, period): a Parquet file with fewer is never uploaded. */
export type LedgerRows = (table: string, period: string) => Promise<number>;

export interface Publisher {
  uploadItem(o: ItemOutcome, ledgerRows: LedgerRows): Promise<void>;
  publishCatalog(catalogPath: string): Promise<void>;
  /** what the summary shows */
  result(): {
    releases: { tag: string; url: string }[];
    catalogUrl?: string;
    uploaded: string[];
    refused: string[];
  };
}

export function createPublisher(
  releaser: Releaser,
  opts: { force: boolean; pubName(code: string): string; log: Log },
): Publisher {
  const releases = new Map<string, Release>();
  const uploaded: string[] = [];
  const refused: string[] = [];
  let catalogUrl: string | undefined;
  const record = (tag: string, res: PublishResult) => {
    uploaded.push(...[...res.uploaded, ...res.replaced].map((n) => `${tag}/${n}`));
    for (const r of res.refused) {
      refused.push(`${tag}/${r.name}: ${r.reason}`);
      opts.log.warning(`${tag}/${r.name} not uploaded: ${r.reason}`);
    }
  };
  const release = async (o: ItemOutcome, year: string) => {
    const tag = releaseTag(o.pub, year);
    let rel = releases.get(tag);
    if (!rel) {
      const name = opts.pubName(o.pub);
      rel = await releaser.ensureRelease(tag, releaseTitle(name, year), releaseBody(name, o.pub, year));
      releases.set(tag, rel);
    }
    return rel;
  };
  return {
    async uploadItem(o, ledgerRows) {
      if (o.status !== 'processed' || !o.exported?.length) return;
      const files = [];
      for (const f of o.exported)
        files.push({
          // an earlier version kept beside the current one: its own name, no ledger count to match
          name: f.version ? versionAssetName(f.table, f.period, f.version) : assetName(f.table, f.period),
          path: f.path,
          rows: f.rows,
          ledgerRows: f.version ? undefined : await ledgerRows(f.table, f.period),
        });
      try {
        const rel = await release(o, periodStart(o.period).slice(0, 4));
        record(rel.tag, await publishAssets(releaser, rel, files, { force: opts.force, log: opts.log.info }));
      } catch (e) {
        refused.push(`${o.key}: ${(e as Error).message}`);
        opts.log.warning(`uploading the Parquet files of ${o.key} failed: ${(e as Error).message}`);
      }
    },
    async publishCatalog(catalogPath) {
      if (!existsSync(catalogPath)) return;
      const rel = await releaser.ensureRelease(
        CATALOG_TAG,
        'DataWarp catalog',
        'Every table DataWarp has loaded: publication, periods, rows, columns and source files.',
      );
      catalogUrl = rel.htmlUrl;
      const files = [{ name: CATALOG_ASSET, path: catalogPath }];
      record(CATALOG_TAG, await publishAssets(releaser, rel, files, { log: opts.log.info }));
    },
    result: () => ({
      releases: [...releases.values()].map((r) => ({ tag: r.tag, url: r.htmlUrl })),
      catalogUrl,
      uploaded: [...uploaded],
      refused: [...refused],
    }),
  };
}
