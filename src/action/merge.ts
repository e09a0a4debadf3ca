// What the state commit merges by key when another run pushed first: state.json (per key the newest timestamp
// wins, src/state) and catalog.json (tables by name, files by period, URL and sheet; ours win on equal keys).
import type { Catalog, CatalogTable } from '../export/index.js';
import { emptyState, type State } from '../state/index.js';
import { mergeAssets } from './catalog-assets.js';

/** localeCompare's order, without building a collator per call (a merge sorts ~100,000 files). */
const order = new Intl.Collator().compare;

/**
 * Merge catalogs by table; within a table by (period, url, sheet); later catalogs win on equal keys (`b` is ours).
 * Any number fold in one pass (the fan-out's merge of 300 fragments): each table is merged where it changes and
 * the table list is sorted once.
 */
export function mergeCatalogs(a: Catalog | undefined, ...more: (Catalog | undefined)[]): Catalog {
  const rest = more.filter((c): c is Catalog => c !== undefined);
  if (!a) {
    if (!rest.length) return { generated_at: new Date(0).toISOString(), tables: [] };
    return rest.length === 1 ? rest[0] : mergeCatalogs(rest[0], ...rest.slice(1));
  }
  if (!rest.length) return a;
  const byName = new Map<string, CatalogTable>(a.tables.map((t) => [t.table, t]));
  let generated = a.generated_at;
  for (const b of rest) {
    for (const t of b.tables) {
      const o = byName.get(t.table);
      byName.set(t.table, o ? mergeTable(o, t) : t);
    }
    if (b.generated_at > generated) generated = b.generated_at;
  }
  return {
    generated_at: generated,
    tables: [...byName.values()].sort((x, y) => order(x.table, y.table)),
  };
}

/**
 * One table of two catalogs merged: files by (period, url, sheet), columns and assets by name; `t` wins. `t` may
 * hold only some periods (a matrix job's fragment: the periods it processed): the revisions and total checks of
 * its periods are `t`'s, those of the others `o`'s.
 */
function mergeTable(o: CatalogTable, t: CatalogTable): CatalogTable {
  const key = (f: CatalogTable['files'][number]) => `${f.period}\u0000${f.url}\u0000${f.sheet}`;
  const files = new Map(o.files.map((f) => [key(f), f]));
  for (const f of t.files) files.set(key(f), f);
  const fl = [...files.values()].sort(
    (x, y) => order(x.period, y.period) || order(x.url, y.url) || order(x.sheet, y.sheet),
  );
  const columns = [...t.columns];
  const named = new Set(columns.map((c) => c.name));
  for (const c of o.columns) if (!named.has(c.name)) columns.push(c);
  return {
    ...o,
    ...t,
    description: t.description || o.description,
    files: fl,
    rows: fl.reduce((s, f) => s + f.rows, 0),
    periods: [...new Set(fl.map((f) => f.period))].sort(),
    columns,
    ...byPeriod('versions', o, t),
    ...byPeriod('reconciliation', o, t),
    ...(o.assets || t.assets ? { assets: mergeAssets(o.assets, t.assets) } : {}),
  };
}

/** `t`'s entries of list `k` for its periods, `o`'s for the others (absent when both have none). */
function byPeriod<K extends 'versions' | 'reconciliation'>(k: K, o: CatalogTable, t: CatalogTable) {
  const mine = new Set(t.periods);
  const kept = (o[k] ?? []).filter((x) => !mine.has(x.period)) as NonNullable<CatalogTable[K]>;
  if (!kept.length) return t[k] ? { [k]: t[k] } : {};
  return { [k]: [...kept, ...(t[k] ?? [])].sort((x, y) => order(x.period, y.period)) };
}

/**
 * `t` holding only `periods` (what a matrix job hands over of a table: the periods it processed), or undefined
 * when it has none of them. Its rows and periods are those of the files kept; columns and description stay.
 */
export function tablePeriods(t: CatalogTable, periods: Set<string>): CatalogTable | undefined {
  const files = t.files.filter((f) => periods.has(f.period));
  if (!files.length) return undefined;
  const only = <X extends { period: string }>(xs: X[] | undefined) =>
    xs?.filter((x) => periods.has(x.period));
  return {
    ...t,
    periods: t.periods.filter((p) => periods.has(p)),
    rows: files.reduce((s, f) => s + f.rows, 0),
    files,
    ...(t.versions ? { versions: only(t.versions) } : {}),
    ...(t.reconciliation ? { reconciliation: only(t.reconciliation) } : {}),
    ...(t.assets ? { assets: only(t.assets) } : {}),
  };
}

export function parseJson<T>(text: string | undefined): T | undefined {
  if (text === undefined || !text.trim()) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export function asState(v: unknown): State {
  const d = (v ?? {}) as Partial<State>;
  return {
    ...emptyState(),
    ...(d as object),
    processed: { ...(d.processed ?? {}) },
    failed: { ...(d.failed ?? {}) },
  };
}
