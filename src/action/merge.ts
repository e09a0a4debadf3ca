// What the state commit merges by key when another run pushed first: state.json (per key the newest timestamp
// wins, src/state) and catalog.json (tables by name, files by period, URL and sheet; ours win on equal keys).
import type { Catalog, CatalogTable } from '../export/index.js';
import { emptyState, type State } from '../state/index.js';
import { mergeAssets } from './catalog-assets.js';

/** Merge two catalogs by table; within a table by (period, url, sheet); `b` (ours) wins on equal keys. */
export function mergeCatalogs(a: Catalog | undefined, b: Catalog | undefined): Catalog {
  if (!a) return b ?? { generated_at: new Date(0).toISOString(), tables: [] };
  if (!b) return a;
  const byName = new Map<string, CatalogTable>(a.tables.map((t) => [t.table, t]));
  for (const t of b.tables) {
    const o = byName.get(t.table);
    if (!o) {
      byName.set(t.table, t);
      continue;
    }
    const files = new Map(o.files.map((f) => [`${f.period}\u0000${f.url}\u0000${f.sheet}`, f]));
    for (const f of t.files) files.set(`${f.period}\u0000${f.url}\u0000${f.sheet}`, f);
    const fl = [...files.values()].sort(
      (x, y) =>
        x.period.localeCompare(y.period) || x.url.localeCompare(y.url) || x.sheet.localeCompare(y.sheet),
    );
    const columns = [...t.columns];
    for (const c of o.columns) if (!columns.some((x) => x.name === c.name)) columns.push(c);
    byName.set(t.table, {
      ...o,
      ...t,
      description: t.description || o.description,
      files: fl,
      rows: fl.reduce((s, f) => s + f.rows, 0),
      periods: [...new Set(fl.map((f) => f.period))].sort(),
      columns,
      ...(o.assets || t.assets ? { assets: mergeAssets(o.assets, t.assets) } : {}),
    });
  }
  return {
    generated_at: a.generated_at > b.generated_at ? a.generated_at : b.generated_at,
    tables: [...byName.values()].sort((x, y) => x.table.localeCompare(y.table)),
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
