// The catalog's format: its types and its text (parseCatalog, serializeCatalog). The text is JSON, one table a
// line. An asset's download URL is not repeated in it when it is `<asset_base>/<release>/<name>` (the top-level
// `asset_base`, e.g. https://github.com/<owner>/<repo>/releases/download): a quarter of a catalogue's bytes at
// 300 x 120, and GitHub warns at 50 MB and refuses 100 MB per file. parseCatalog puts every URL back, so a
// catalog in memory always has them; an asset whose URL is anything else keeps it in the text.
import type { ReconciledPart } from '../model.js';

export interface CatalogTable {
  table: string;
  publication: string;
  description: string;
  periods: string[];
  rows: number;
  columns: { name: string; type: string; header?: string; description?: string }[];
  files: {
    period: string;
    url: string;
    sheet: string;
    sha256: string;
    rows: number;
    version?: number;
    /** the extractor version that produced the rows (a rehydrated ledger keeps it, so unchanged files skip) */
    extractor?: string;
  }[];
  /** versions after the first of the table's periods (revisions), each with its diff of this table */
  versions?: CatalogVersion[];
  /** the released Parquet file of each period: its asset name (and member, in an item zip), release (tag) and URL */
  assets?: CatalogAsset[];
  /** parts (period, file, sheet) with one total row: the total against the sum of the detail rows */
  reconciliation?: CatalogReconciliation[];
}

export interface CatalogReconciliation extends ReconciledPart {
  period: string;
}

export interface CatalogAsset {
  period: string;
  /** the release asset: `<table>__<period>.parquet`, or the item's zip `<pub>-<period>.zip` */
  name: string;
  /** in an item zip (the `item` release layout): the member holding this table's Parquet, `<table>.parquet` */
  member?: string;
  release: string;
  /** the asset's download URL (the zip's, for a member) */
  url: string;
  /** size and sha256 of the table's Parquet file (the member's, in a zip); a Pages build has no Parquet files:
   * datapackage.json reads these */
  bytes?: number;
  sha256?: string;
}

export interface CatalogVersion {
  period: string;
  version: number;
  loaded_at: string;
  rows_added: number;
  rows_removed: number;
  rows_changed: number;
  cells_changed: number;
}

export interface Catalog {
  generated_at: string;
  tables: CatalogTable[];
}

export const emptyCatalog = (): Catalog => ({ generated_at: new Date(0).toISOString(), tables: [] });

/** The text's top level: `asset_base` is the text's own (parseCatalog takes it out). */
type CatalogText = Catalog & { asset_base?: unknown };

/** A catalog from its text, every asset URL in place; empty when there is none or it is not a catalog. */
export function parseCatalog(text: string | undefined): Catalog {
  if (text === undefined) return emptyCatalog();
  let c: CatalogText;
  try {
    c = JSON.parse(text) as CatalogText;
  } catch {
    return emptyCatalog();
  }
  if (!c || !Array.isArray(c.tables)) return emptyCatalog();
  const base = c.asset_base;
  delete c.asset_base;
  if (typeof base === 'string')
    for (const t of c.tables) for (const a of t.assets ?? []) a.url ??= `${base}/${a.release}/${a.name}`;
  return c;
}

/** The catalog's text: JSON, one table a line (compact: no indentation repeated for every field). */
export function serializeCatalog(c: Catalog): string {
  const base = assetBase(c);
  const tables = c.tables.map((t) => JSON.stringify(base ? withoutBase(t, base) : t)).join(',\n');
  const top = `"generated_at":${JSON.stringify(c.generated_at)}${base ? `,"asset_base":${JSON.stringify(base)}` : ''}`;
  return `{${top},"tables":[\n${tables}\n]}\n`;
}

/** The prefix of the first asset URL that ends in `/<release>/<name>` (a GitHub release download), if any. */
function assetBase(c: Catalog): string | undefined {
  for (const t of c.tables)
    for (const a of t.assets ?? []) {
      const tail = `/${a.release}/${a.name}`;
      if (typeof a.url === 'string' && a.url.length > tail.length && a.url.endsWith(tail))
        return a.url.slice(0, -tail.length);
    }
  return undefined;
}

/** `t` with the asset URLs `base` gives left out (a copy; `t` is not changed). */
function withoutBase(t: CatalogTable, base: string): CatalogTable {
  if (!t.assets?.length) return t;
  const assets = t.assets.map((a) => {
    if (a.url !== `${base}/${a.release}/${a.name}`) return a;
    // a rest copy, not a delete (which makes V8 store the object as a slow dictionary: 3x the stringify)
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { url, ...rest } = a;
    return rest;
  });
  return { ...t, assets: assets as CatalogAsset[] };
}
