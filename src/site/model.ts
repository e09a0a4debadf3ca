// What the site shows, assembled from plain data (catalog, state, manifests, ledger rows, local file facts):
// one view per publication and per table. No I/O here; the CLI reads the files and passes them in.
import { periodStart } from '../config/index.js';
import type { Catalog, CatalogReconciliation, CatalogTable } from '../export/index.js';
import { assetName, isVersionAssetName, releaseTag } from '../github/release-names.js';
import type { EnrichedManifest } from '../model.js';
import type { State } from '../state/index.js';

export type FreshnessState = 'fresh' | 'due' | 'late' | 'missing' | 'cancelled' | 'unknown';

export interface Freshness {
  state: FreshnessState;
  next_expected?: string;
  /** estimate: from the frequency and past publication dates */
  next_expected_precision?: 'day' | 'month' | 'estimate';
}

export interface TableVersion {
  version: number | string;
  loaded_at: string;
  /** the source files of the version (or how many there were) */
  files: number | string[];
  diff?: { added: number; removed: number; changed: number };
}

/** One row of datawarp.tbl_manifest_files (the load ledger), as much as the site needs. */
export interface SiteLedgerRow {
  pub: string;
  table_name: string;
  period: string;
  rows_loaded: number | string;
  status: string;
}

/** A Parquet file on this machine: its size and hash, and where it sits relative to the site folder. */
export interface LocalFile {
  bytes: number;
  sha256: string;
  /** POSIX path inside the site folder when the file was put there (no repository to link to) */
  sitePath?: string;
}

export interface SiteInput {
  generatedAt: string;
  /** `owner/name` of the repository whose releases hold the Parquet files; unset = local files only */
  repo?: string;
  /** names of the configured publications (publications only in the catalog show their key) */
  publications: { code: string; name: string; landingPage?: string }[];
  catalog: Catalog;
  state: State;
  manifests: EnrichedManifest[];
  /** the load ledger when a database is reachable: rows per period come from it, else from the catalog */
  ledger?: SiteLedgerRow[];
  /** key `<table>/<period>` */
  files?: Record<string, LocalFile>;
  /** per publication key, from the monitor */
  freshness?: Record<string, Freshness>;
  /** per table, oldest first */
  versions?: Record<string, TableVersion[]>;
}

export interface AssetView {
  name: string;
  /** the zip member holding the table's Parquet, when the asset is an item zip (release layout `item`) */
  member?: string;
  tag: string;
  /** the release asset URL (public repositories), else undefined */
  url?: string;
  local?: LocalFile;
}

export interface PeriodView {
  period: string;
  rows: number;
  asset: AssetView;
  sources: string[];
}

export interface ColumnView {
  name: string;
  type: string;
  header?: string;
  description: string;
  flags: string[];
}

export interface TableView {
  table: string;
  pub: string;
  description: string;
  columns: ColumnView[];
  periods: PeriodView[];
  rows: number;
  versions?: TableVersion[];
  /** the table marks aggregate rows in `_dw_row_kind` */
  rowKinds?: boolean;
  /** parts with one total row: the total against the sum of the detail rows */
  reconciliation?: CatalogReconciliation[];
}

export interface PublicationView {
  code: string;
  name: string;
  landingPage?: string;
  tables: TableView[];
  /** rows per period over all tables, oldest first */
  periods: { period: string; rows: number }[];
  latest?: string;
  processed: number;
  failed: { period: string; error: string }[];
  freshness?: Freshness;
}

export interface SiteModel {
  generatedAt: string;
  repo?: string;
  publications: PublicationView[];
  tables: TableView[];
}

export const byPeriod = (a: string, b: string) =>
  periodStart(a).localeCompare(periodStart(b)) || a.localeCompare(b);

/** Where the catalog says the asset went (`assets[]`, written after each upload), else the release it would be in. */
function assetOf(t: CatalogTable, period: string, input: SiteInput): AssetView {
  const rec = t.assets?.find((a) => a.period === period && !isVersionAssetName(a.name));
  const tag = rec?.release ?? releaseTag(t.publication, periodStart(period).slice(0, 4));
  const name = rec?.name ?? assetName(t.table, period);
  const url = input.repo
    ? `https://github.com/${input.repo}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(name)}`
    : undefined;
  // the file on this machine, else the size and hash the catalog recorded at upload (a Pages build has no files)
  const recorded =
    rec?.bytes !== undefined && rec.sha256 ? { bytes: rec.bytes, sha256: rec.sha256 } : undefined;
  const member = rec?.member ? { member: rec.member } : {};
  return { name, ...member, tag, url, local: input.files?.[`${t.table}/${period}`] ?? recorded };
}

/** The inputs looked up per table, indexed once (a catalogue has ~100,000 ledger rows and 36,000 manifests). */
interface ByTable {
  ledger?: Map<string, SiteLedgerRow[]>;
  manifests: Map<string, EnrichedManifest[]>;
}

function indexByTable(input: SiteInput): ByTable {
  const group = <T>(items: T[], keys: (x: T) => string[]) => {
    const m = new Map<string, T[]>();
    for (const x of items)
      for (const k of new Set(keys(x))) {
        const list = m.get(k);
        if (list) list.push(x);
        else m.set(k, [x]);
      }
    return m;
  };
  return {
    ledger: input.ledger && group(input.ledger, (l) => [l.table_name]),
    manifests: group(input.manifests, (m) => [
      ...(m.sources ?? []).map((s) => s.table_name),
      ...(m.drift?.added ?? []).map((a) => a.table),
    ]),
  };
}

function rowsPerPeriod(t: CatalogTable, ledger?: SiteLedgerRow[]): Map<string, number> {
  const rows = new Map<string, number>();
  const add = (period: string, n: number) => rows.set(period, (rows.get(period) ?? 0) + n);
  if (ledger) {
    for (const l of ledger)
      if (l.table_name === t.table && l.status === 'loaded') add(l.period, Number(l.rows_loaded));
  } else {
    for (const f of t.files) add(f.period, Number(f.rows));
  }
  return rows;
}

/** Flags of each column from the manifests: suppression markers seen, the period a column first appeared. */
function columnFlags(table: string, manifests: EnrichedManifest[]): Map<string, string[]> {
  const markers = new Map<string, Map<string, number>>();
  const added = new Map<string, string>();
  for (const m of manifests) {
    for (const s of m.sources ?? []) {
      if (s.table_name !== table) continue;
      const spec = m.files?.find((f) => f.url === s.file_url)?.tables.find((x) => x.id === s.table_id);
      for (const c of spec?.columns ?? []) {
        const name = s.columns.find((x) => x.source === c.name)?.name ?? c.name;
        for (const [mark, n] of Object.entries(c.markers ?? {})) {
          const per = markers.get(name) ?? new Map<string, number>();
          per.set(mark, (per.get(mark) ?? 0) + n);
          markers.set(name, per);
        }
      }
    }
    for (const a of m.drift?.added ?? [])
      if (a.table === table && (!added.has(a.column) || byPeriod(m.period, added.get(a.column)!) < 0))
        added.set(a.column, m.period);
  }
  const flags = new Map<string, string[]>();
  const push = (col: string, f: string) => flags.set(col, [...(flags.get(col) ?? []), f]);
  for (const [col, per] of markers) {
    const list = [...per].map(([mark, n]) => `"${mark}" ×${n.toLocaleString('en-GB')}`).join(', ');
    push(col, `suppressed cells (loaded as empty): ${list}`);
  }
  for (const [col, period] of added) push(col, `new in ${period}`);
  return flags;
}

function tableView(t: CatalogTable, input: SiteInput, by: ByTable): TableView {
  const rows = rowsPerPeriod(t, by.ledger && (by.ledger.get(t.table) ?? []));
  const periods = [...new Set([...t.periods, ...rows.keys()])].sort(byPeriod);
  const flags = columnFlags(t.table, by.manifests.get(t.table) ?? []);
  const columns = t.columns.map((c): ColumnView => ({
    name: c.name,
    type: c.type,
    header: c.header,
    description: c.description ?? '',
    flags: [
      ...(c.name.startsWith('_dw_') ? ['provenance (added by DataWarp)'] : []),
      ...(c.name === '_dw_row_kind' ? ['aggregate rows: total / subtotal'] : []),
      ...(flags.get(c.name) ?? []),
    ],
  }));
  const views = periods.map((period): PeriodView => ({
    period,
    rows: rows.get(period) ?? 0,
    asset: assetOf(t, period, input),
    sources: [...new Set(t.files.filter((f) => f.period === period).map((f) => f.url))],
  }));
  return {
    table: t.table,
    pub: t.publication,
    description: t.description,
    columns,
    periods: views,
    rows: views.reduce((s, p) => s + p.rows, 0),
    versions: input.versions?.[t.table],
    ...(t.columns.some((c) => c.name === '_dw_row_kind') ? { rowKinds: true } : {}),
    ...(t.reconciliation?.length ? { reconciliation: t.reconciliation } : {}),
  };
}

export function siteModel(input: SiteInput): SiteModel {
  const by = indexByTable(input);
  const tables = input.catalog.tables
    .map((t) => tableView(t, input, by))
    .sort((a, b) => a.table.localeCompare(b.table));
  const codes = [...new Set([...input.publications.map((p) => p.code), ...tables.map((t) => t.pub)])];
  // processed periods per publication key (a state key is <pub>/<period>)
  const processed = new Map<string, number>();
  for (const k of Object.keys(input.state.processed)) {
    const pub = k.slice(0, k.indexOf('/'));
    processed.set(pub, (processed.get(pub) ?? 0) + 1);
  }
  const publications = codes.map((code): PublicationView => {
    const conf = input.publications.find((p) => p.code === code);
    const mine = tables.filter((t) => t.pub === code);
    const sums = new Map<string, number>();
    for (const t of mine) for (const p of t.periods) sums.set(p.period, (sums.get(p.period) ?? 0) + p.rows);
    const periods = [...sums]
      .map(([period, rows]) => ({ period, rows }))
      .sort((a, b) => byPeriod(a.period, b.period));
    const prefix = `${code}/`;
    const failed = Object.entries(input.state.failed)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => ({ period: k.slice(prefix.length), error: String(v.error) }));
    return {
      code,
      name: conf?.name ?? code,
      landingPage: conf?.landingPage,
      tables: mine,
      periods,
      latest: periods.at(-1)?.period,
      processed: processed.get(code) ?? 0,
      failed,
      freshness: input.freshness?.[code],
    };
  });
  return { generatedAt: input.generatedAt, repo: input.repo, publications, tables };
}
