// The catalog's record of where each Parquet asset was released (CatalogTable.assets): written after uploads,
// read to send a re-upload to the release that already holds the asset (spill-over parts included).
import {
  appendCatalogJournal,
  readCatalog,
  type Catalog,
  type CatalogAsset,
  type CatalogTable,
} from '../export/index.js';
import type { AssetPlacement, KnownMember } from './publish-run.js';

/** asset name -> the catalog's record of it (of one of its members, for an item zip) */
export function knownAssets(catalog: Catalog): Map<string, CatalogAsset> {
  return new Map(catalog.tables.flatMap((t) => (t.assets ?? []).map((a) => [a.name, a] as const)));
}

/** item zip name -> the catalog's record of each member (one per table) */
export function knownMembers(catalog: Catalog): Map<string, KnownMember[]> {
  const out = new Map<string, KnownMember[]>();
  for (const t of catalog.tables)
    for (const a of t.assets ?? [])
      if (a.member) out.set(a.name, [...(out.get(a.name) ?? []), { table: t.table, asset: a }]);
  return out;
}

/** Merge asset lists by (period, name); `b` wins. */
export function mergeAssets(a: CatalogAsset[] = [], b: CatalogAsset[] = []): CatalogAsset[] {
  const m = new Map(a.map((x) => [`${x.period}\u0000${x.name}`, x]));
  for (const x of b) m.set(`${x.period}\u0000${x.name}`, x);
  return [...m.values()].sort((x, y) => x.period.localeCompare(y.period) || x.name.localeCompare(y.name));
}

/**
 * Record placements in the catalog (tables it does not list are left out), and forget `removed` assets (renamed
 * away: a table a new version no longer has). Only the tables whose assets change are written, to the catalog's
 * journal (the whole file is written once a run: src/export/catalog.ts). Returns how many were set or forgotten.
 */
export function recordAssets(
  catalogPath: string,
  placements: AssetPlacement[],
  removed: { table: string; period: string; name: string }[] = [],
): number {
  if (!placements.length && !removed.length) return 0;
  const catalog = readCatalog(catalogPath);
  let n = 0;
  const changed: CatalogTable[] = [];
  for (const t of catalog.tables) {
    const gone = removed.filter((r) => r.table === t.table);
    const kept = (t.assets ?? []).filter(
      (a) => !gone.some((r) => r.period === a.period && r.name === a.name),
    );
    const forgotten = (t.assets?.length ?? 0) - kept.length;
    const had = new Map(kept.map((a) => [`${a.period}\u0000${a.name}`, JSON.stringify(a)]));
    const mine = placements
      .filter((p) => p.table === t.table)
      .map(({ table: _table, ...asset }) => asset)
      .filter((a) => had.get(`${a.period}\u0000${a.name}`) !== JSON.stringify(a));
    if (!forgotten && !mine.length) continue;
    changed.push({ ...t, assets: mergeAssets(kept, mine) });
    n += forgotten + mine.length;
  }
  if (!n) return 0;
  appendCatalogJournal(catalogPath, changed);
  return n;
}

/**
 * The catalog without the ledger rows (files) of a pending item's tables that have no released asset of that
 * period: an item whose upload failed is loaded again on a fresh runner, so its Parquet is written and uploaded.
 */
export function withoutUnreleased(
  catalog: Catalog,
  pending: (pub: string, period: string) => boolean,
): Catalog {
  const tables = catalog.tables.map((t) => {
    const released = new Set((t.assets ?? []).map((a) => a.period));
    const files = (t.files ?? []).filter((f) => released.has(f.period) || !pending(t.publication, f.period));
    return files.length === (t.files ?? []).length ? t : { ...t, files };
  });
  return { ...catalog, tables };
}
