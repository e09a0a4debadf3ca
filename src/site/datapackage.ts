// datapackage.json: a Frictionless Data Package (v1) with one resource per table and period. `path` is the
// release asset URL when the repository is known, else the file's path inside the site folder; `bytes` and
// `hash` come from the local file when there is one.
import type { SiteModel, TableView } from './model.js';

/** PostgreSQL column type -> Table Schema field type. */
export function fieldType(dataType: string): string {
  const t = dataType.toLowerCase();
  if (/^(bigint|integer|smallint|int\d?)$/.test(t)) return 'integer';
  if (/^(numeric|decimal|double precision|real|float\d?)/.test(t)) return 'number';
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp')) return 'datetime';
  if (t.startsWith('time')) return 'time';
  if (t === 'boolean') return 'boolean';
  if (t === 'json' || t === 'jsonb') return 'object';
  return 'string';
}

/** Resource names: lower case letters, digits and `-._/` only (the profile's pattern). */
export const resourceName = (table: string, period: string) =>
  `${table}__${period}`.toLowerCase().replace(/[^-a-z0-9._/]/g, '-');

function resources(t: TableView) {
  const fields = t.columns.map((c) => ({
    name: c.name,
    type: fieldType(c.type),
    ...(c.header ? { title: c.header } : {}),
    ...(c.description ? { description: c.description } : {}),
  }));
  return t.periods.flatMap((p) => {
    const path = p.asset.url ?? p.asset.local?.sitePath;
    if (!path) return [];
    const zip = Boolean(p.asset.url && p.asset.member);
    return [
      {
        profile: 'data-resource',
        name: resourceName(t.table, p.period),
        path,
        title: `${t.table}, ${p.period}`,
        ...(t.description ? { description: t.description } : {}),
        format: 'parquet',
        mediatype: 'application/vnd.apache.parquet',
        // a member of a released item zip: the zip is the path, the Parquet file inside it the innerpath
        ...(zip ? { compression: 'zip', innerpath: p.asset.member } : {}),
        ...(p.asset.local && !zip
          ? { bytes: p.asset.local.bytes, hash: `sha256:${p.asset.local.sha256}` }
          : {}),
        schema: { fields },
        ...(p.sources.length
          ? { sources: p.sources.map((s) => ({ title: 'NHS England source file', path: s })) }
          : {}),
      },
    ];
  });
}

export function dataPackage(m: SiteModel): Record<string, unknown> {
  const name = (m.repo?.split('/')[1] ?? 'datawarp').toLowerCase().replace(/[^-a-z0-9._/]/g, '-');
  return {
    profile: 'data-package',
    name,
    title: 'NHS England statistical publications (DataWarp)',
    description:
      'Tables loaded by DataWarp from NHS England statistical publications: one Parquet file per table and period.',
    ...(m.repo ? { homepage: `https://github.com/${m.repo}` } : {}),
    created: m.generatedAt,
    resources: m.tables.flatMap(resources),
  };
}
