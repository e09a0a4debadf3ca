// list_publications, search_tables and describe_table: views of the catalog, the ledger and the manifests.
// Descriptions and headers come from the source files, so they go to structuredContent only; the text names
// publication keys, table names (identifiers DataWarp made) and counts.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { periodStart } from '../config/index.js';
import type { CatalogTable } from '../export/index.js';
import { describeQueryError } from './errors.js';
import { workspaceModel } from './model.js';
import { ownError, plural, safeKey } from './tools-query.js';
import type { Workspace } from './workspace.js';

const annotations = { readOnlyHint: true, openWorldHint: false };
const anyObject = z.record(z.string(), z.unknown());

/** Drift a publication's latest manifest reports (columns renamed, added, missing; tables unmatched). */
function openDrift(ws: Workspace): Map<string, Record<string, unknown>> {
  const latest = new Map<string, { period: string; drift: Record<string, unknown> }>();
  for (const m of ws.manifests()) {
    const d = (m.drift ?? undefined) as Record<string, unknown> | undefined;
    const open = (m as unknown as { open_drift?: unknown }).open_drift;
    const changes =
      open ??
      (d && ['renamed', 'added', 'missing', 'unmatched'].some((k) => (d[k] as unknown[])?.length)
        ? d
        : undefined);
    const prev = latest.get(m.pub);
    if (!prev || periodStart(prev.period) <= periodStart(m.period))
      latest.set(m.pub, { period: m.period, drift: (changes ?? {}) as Record<string, unknown> });
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const [pub, v] of latest)
    if (Object.keys(v.drift).length) out.set(pub, { period: v.period, ...v.drift });
  return out;
}

export function registerCatalogTools(server: McpServer, ws: Workspace, repo?: string): void {
  registerListPublications(server, ws, repo);
  registerSearchTables(server, ws);
  registerDescribeTable(server, ws, repo);
}

const failed = (e: unknown) => ownError(describeQueryError(e, 60_000).text);

function registerListPublications(server: McpServer, ws: Workspace, repo?: string): void {
  server.registerTool(
    'list_publications',
    {
      title: 'Publications in the warehouse',
      description:
        'Every publication: key, name, periods loaded, latest period, freshness (fresh, due, late, missing) and ' +
        'open drift (columns renamed, added or missing in the latest period).',
      inputSchema: {},
      outputSchema: {
        publications: z.array(
          z.object({
            key: z.string(),
            name: z.string(),
            periods: z.array(z.object({ period: z.string(), rows: z.number() })),
            latest_period: z.string().nullable(),
            tables: z.array(z.string()),
            rows: z.number(),
            failed: z.array(z.object({ period: z.string(), error: z.string() })),
            freshness: anyObject.nullable(),
            open_drift: anyObject.nullable(),
          }),
        ),
      },
      annotations,
    },
    async () => {
      let m;
      try {
        m = await workspaceModel(ws, repo);
      } catch (e) {
        return failed(e);
      }
      const drift = openDrift(ws);
      const publications = m.publications.map((p) => ({
        key: p.code,
        name: p.name,
        periods: p.periods,
        latest_period: p.latest ?? null,
        tables: p.tables.map((t) => t.table),
        rows: p.periods.reduce((s, x) => s + x.rows, 0),
        failed: p.failed,
        freshness: (p.freshness as Record<string, unknown> | undefined) ?? null,
        open_drift: drift.get(p.code) ?? null,
      }));
      const lines = publications.map(
        (p) =>
          `${p.key}: ${plural(p.periods.length, 'period')}, latest ${p.latest_period ?? 'none'}, ` +
          `${plural(p.tables.length, 'table')}, ${plural(p.rows, 'row')}` +
          `${p.freshness ? `, ${String(p.freshness.state)}` : ''}${p.open_drift ? ', open drift' : ''}` +
          `${p.failed.length ? `, ${plural(p.failed.length, 'failed period')}` : ''}`,
      );
      const text = `${plural(publications.length, 'publication')}\n${lines.join('\n')}`;
      return { content: [{ type: 'text', text }], structuredContent: { publications } };
    },
  );
}

function registerSearchTables(server: McpServer, ws: Workspace): void {
  server.registerTool(
    'search_tables',
    {
      title: 'Find tables',
      description:
        'Tables whose names, descriptions, column names or column descriptions match the words of the query, ' +
        'best first, with their publication, periods and rows.',
      inputSchema: { query: z.string().min(1).describe('words to look for, e.g. "waiting times referrals"') },
      outputSchema: {
        tables: z.array(
          z.object({
            table: z.string(),
            publication: z.string(),
            description: z.string(),
            periods: z.array(z.string()),
            rows: z.number(),
            score: z.number(),
            matched_columns: z.array(z.string()),
          }),
        ),
      },
      annotations,
    },
    async ({ query }) => {
      const words = query
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 1);
      const found = ws
        .catalog()
        .tables.map((t) => ({ t, ...score(t, words) }))
        .filter((x) => x.score > 0)
        .sort((a, b) => b.score - a.score || a.t.table.localeCompare(b.t.table))
        .slice(0, 25);
      const tables = found.map(({ t, score: s, columns }) => ({
        table: t.table,
        publication: t.publication,
        description: t.description ?? '',
        periods: t.periods,
        rows: Number(t.rows) || 0,
        score: s,
        matched_columns: columns,
      }));
      const text = tables.length
        ? `${plural(tables.length, 'table')} match, best first: ${tables.map((t) => `${t.table} (${t.publication})`).join(', ')}`
        : 'no table matches; list_publications shows what is loaded';
      return { content: [{ type: 'text', text }], structuredContent: { tables } };
    },
  );
}

function registerDescribeTable(server: McpServer, ws: Workspace, repo?: string): void {
  server.registerTool(
    'describe_table',
    {
      title: 'Describe a table',
      description:
        'A table in staging: columns with types, descriptions, flags and units; row kinds; rows per period; ' +
        'versions; reconciliation; the Parquet file of each period (release asset URL or local path; `parquet_member` names the file inside a zip asset).',
      inputSchema: { table: z.string().min(1).describe('table name (search_tables finds them)') },
      outputSchema: {
        table: z.string(),
        sql_name: z.string(),
        publication: z.string(),
        description: z.string(),
        columns: z.array(anyObject),
        periods: z.array(
          z.object({
            period: z.string(),
            rows: z.number(),
            parquet: z.string().nullable(),
            /** set when `parquet` is an item zip: the member holding this table's Parquet */
            parquet_member: z.string().optional(),
            sources: z.array(z.string()),
          }),
        ),
        rows: z.number(),
        versions: z.array(anyObject),
        row_kinds: z.array(z.object({ kind: z.string().nullable(), rows: z.number() })).nullable(),
        reconciliation: z.unknown().optional(),
      },
      annotations,
    },
    async ({ table }) => {
      const name = table.replace(/^staging\./, '').replace(/^"(.*)"$/, '$1');
      const entry = new Map(ws.catalog().tables.map((t) => [t.table, t])).get(name);
      if (!entry) return ownError(`no table "${safeKey(name)}" in the catalog (search_tables finds tables)`);
      try {
        return await describe(ws, entry, repo);
      } catch (e) {
        return failed(e);
      }
    },
  );
}

function score(t: CatalogTable, words: string[]): { score: number; columns: string[] } {
  let s = 0;
  const columns = new Set<string>();
  const has = (text: string | undefined, w: string) => (text ?? '').toLowerCase().includes(w);
  for (const w of words) {
    if (has(t.table, w)) s += 5;
    if (has(t.description, w)) s += 2;
    for (const c of t.columns) {
      const hit = has(c.name, w) ? 3 : has(c.description, w) || has(c.header, w) ? 1 : 0;
      if (hit) columns.add(c.name);
      s += hit;
    }
  }
  return { score: s, columns: [...columns] };
}

async function describe(ws: Workspace, entry: CatalogTable, repo?: string) {
  const m = await workspaceModel(ws, repo);
  const view = m.tables.find((t) => t.table === entry.table)!;
  const dbColumns = await ws.columns(entry.table);
  const extra = new Map(entry.columns.map((c) => [c.name, c as Record<string, unknown>]));
  const columns = view.columns.map((c) => {
    const unit = extra.get(c.name)?.unit;
    return { ...c, ...(unit !== undefined ? { unit } : {}) };
  });
  let rowKinds: { kind: string | null; rows: number }[] | null = null;
  if (dbColumns.some((c) => c.name === '_dw_row_kind')) {
    const rows = await ws.select(
      `SELECT _dw_row_kind::text AS kind, count(*) AS rows FROM staging."${entry.table.replace(/"/g, '""')}" GROUP BY 1 ORDER BY 1`,
    );
    rowKinds = rows.map((r) => ({ kind: r.kind == null ? null : String(r.kind), rows: Number(r.rows) }));
  }
  const reconciliation = reconciliationOf(ws, entry.table);
  const out = {
    table: entry.table,
    sql_name: `staging."${entry.table}"`,
    publication: entry.publication,
    description: entry.description ?? '',
    columns,
    periods: view.periods.map((p) => ({
      period: p.period,
      rows: p.rows,
      parquet: p.asset.url ?? p.asset.local?.sitePath ?? null,
      ...(p.asset.url && p.asset.member ? { parquet_member: p.asset.member } : {}),
      sources: p.sources,
    })),
    rows: view.rows,
    versions: (view.versions ?? []) as unknown as Record<string, unknown>[],
    row_kinds: rowKinds,
    ...(reconciliation !== undefined ? { reconciliation } : {}),
  };
  const text =
    `${entry.table} (publication ${entry.publication}, SQL staging."${entry.table}"): ` +
    `${plural(columns.length, 'column')}, ${plural(out.periods.length, 'period')}, ${plural(out.rows, 'row')}` +
    `${out.versions.length ? `, ${plural(out.versions.length, 'revision')}` : ''}` +
    `${rowKinds ? `, ${plural(rowKinds.length, 'row kind')}` : ''}; details in structuredContent.`;
  return { content: [{ type: 'text' as const, text }], structuredContent: out };
}

/** Reconciliation results the manifests carry for `table`, when the validation stage wrote any. */
function reconciliationOf(ws: Workspace, table: string): unknown {
  const found: unknown[] = [];
  for (const m of ws.manifests()) {
    const r = (m as unknown as { reconciliation?: unknown }).reconciliation;
    if (r === undefined || r === null) continue;
    const items = Array.isArray(r) ? r : [r];
    for (const x of items) {
      const t = (x as { table?: unknown })?.table;
      if (t === undefined || t === table) found.push({ period: m.period, ...(x as object) });
    }
  }
  return found.length ? found : undefined;
}
