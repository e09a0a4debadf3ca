// Where release and asset names are decided: one release per publication and year, one asset per table and
// period, and the rolling catalog release. The action publishes with these names; `restore --repo` finds them.

export const CATALOG_TAG = 'datawarp-catalog';
export const CATALOG_ASSET = 'catalog.json';

export const releaseTag = (pub: string, year: string) => `datawarp-${pub}-${year}`;
/** Matches the tags releaseTag makes (not the catalog's). */
export const isDataReleaseTag = (tag: string) => /^datawarp-.+-\d{4}$/.test(tag);

export const releaseTitle = (pubName: string, year: string) => `${pubName} ${year}`;
export const releaseBody = (pubName: string, pub: string, year: string) =>
  `Parquet files of ${pubName} (${pub}) for ${year}, one per table and period, published by DataWarp.`;

export const assetName = (table: string, period: string) => normaliseAssetName(`${table}__${period}.parquet`);
/** A superseded version of a period's table, kept beside the current one. */
export const versionAssetName = (table: string, period: string, version: number) =>
  normaliseAssetName(`${table}__${period}__v${version}.parquet`);
/** Names of kept earlier versions (restore and rehydrate leave them out: they are not the current rows). */
export const isVersionAssetName = (name: string) => /__v\d+\.parquet$/.test(name);

/** GitHub renames uploaded assets: characters outside [A-Za-z0-9._+-] become '.', runs of dots collapse,
 * leading and trailing dots go. Naming assets that way up front lets a re-run find them again. */
export function normaliseAssetName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9._+-]/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+|\.+$/g, '');
}
