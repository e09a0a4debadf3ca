// Where release and asset names are decided: one release per publication and year, one asset per table and
// period (layout `table`) or one zip per item holding its tables (layout `item`), and the rolling catalog
// release. The action publishes with these names; `restore --repo` finds them.

export const CATALOG_TAG = 'datawarp-catalog';
export const CATALOG_ASSET = 'catalog.json';

/** A publication-year release; a year whose assets pass the 1000-per-release cap spills into `-2`, `-3` ... */
export const releaseTag = (pub: string, year: string, part = 1) =>
  `datawarp-${pub}-${year}${part > 1 ? `-${part}` : ''}`;
/** Matches the tags releaseTag makes (not the catalog's), spill-over parts included. */
export const isDataReleaseTag = (tag: string) => /^datawarp-.+-\d{4}(-\d+)?$/.test(tag);

export const releaseTitle = (pubName: string, year: string, part = 1) =>
  `${pubName} ${year}${part > 1 ? ` (part ${part})` : ''}`;
/** The download URL of an asset, from its release's page URL (https://github.com/o/r/releases/tag/<tag>). */
export const assetDownloadUrl = (releaseHtmlUrl: string, name: string) =>
  `${releaseHtmlUrl.replace('/releases/tag/', '/releases/download/')}/${name}`;
export const releaseBody = (pubName: string, pub: string, year: string) =>
  `Parquet files of ${pubName} (${pub}) for ${year}, one per table and period, published by DataWarp.`;

export const assetName = (table: string, period: string) => normaliseAssetName(`${table}__${period}.parquet`);
/** A superseded version of a period's table, kept beside the current one. */
export const versionAssetName = (table: string, period: string, version: number) =>
  normaliseAssetName(`${table}__${period}__v${version}.parquet`);
/** Names of kept earlier versions (restore and rehydrate leave them out: they are not the current rows). */
export const isVersionAssetName = (name: string) => /__v\d+\.(parquet|zip)$/.test(name);

/** How a release holds an item's Parquet: one asset per (table, period), or one zip per (publication, period). */
export type ReleaseAssetLayout = 'table' | 'item';
export const RELEASE_ASSET_LAYOUTS: readonly ReleaseAssetLayout[] = ['table', 'item'];

/** The zip of an item (layout `item`): every table of the (publication, period), members `<table>.parquet`. */
export const itemAssetName = (pub: string, period: string) => normaliseAssetName(`${pub}-${period}.zip`);
/** A superseded version of an item's zip, kept beside the current one. */
export const itemVersionAssetName = (pub: string, period: string, version: number) =>
  normaliseAssetName(`${pub}-${period}__v${version}.zip`);
/** The member of an item zip that holds a table's Parquet. */
export const memberName = (table: string) => `${table}.parquet`;
/** An item zip (current or kept version). */
export const isItemAssetName = (name: string) => name.endsWith('.zip');

/** GitHub renames uploaded assets: characters outside [A-Za-z0-9._+-] become '.', runs of dots collapse,
 * leading and trailing dots go. Naming assets that way up front lets a re-run find them again. */
export function normaliseAssetName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9._+-]/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '');
}
