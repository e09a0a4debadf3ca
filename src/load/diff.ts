// The diff of an item's version against the one before, per table, computed in SQL: the rows the version
// superseded (history.<table>, ledger `superseded_in` = version) against the rows it loaded (staging.<table>,
// ledger `version` = version). Rows are matched on their text and date columns (the n-th duplicate with the
// n-th); a matched row whose numeric cells differ is changed, each differing cell counted.
import type { Db } from './db.js';
import { qualified, quoteIdent } from './ident.js';
import { HISTORY_SCHEMA, LEDGER, STAGING_SCHEMA, columnsOf } from './schema.js';

export interface TableDiff {
  table: string;
  rows_added: number;
  rows_removed: number;
  /** matched rows with at least one changed numeric cell */
  rows_changed: number;
  cells_changed: number;
}

const NUMERIC = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']);
const KEY = new Set([
  'text',
  'date',
  'character varying',
  'timestamp with time zone',
  'timestamp without time zone',
]);

type Part = { file_url: string; sheet: string; sha256: string; at: string | null };

/** Parts (file, sheet) of a table on one side of the version, as SQL conditions on the provenance columns. */
function partsWhere(parts: Part[], period: string, history: boolean): string {
  const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
  if (!parts.length) return 'false';
  return `"_dw_period" = ${lit(period)} AND (${parts
    .map(
      (p) =>
        `("_dw_file_url" = ${lit(p.file_url)} AND "_dw_sheet" = ${lit(p.sheet)}` +
        (history
          ? ` AND "_dw_sha256" = ${lit(p.sha256)} AND "_dw_superseded_at" = ${lit(p.at!)}::timestamptz)`
          : ')'),
    )
    .join(' OR ')})`;
}

async function tableDiff(
  db: Db,
  table: string,
  period: string,
  oldParts: Part[],
  newParts: Part[],
): Promise<TableDiff> {
  const staging = await columnsOf(db, STAGING_SCHEMA, table);
  const history = oldParts.length ? await columnsOf(db, HISTORY_SCHEMA, table) : [];
  const hist = new Map(history.map((c) => [c.name, c.data_type]));
  const data = staging.filter((c) => !c.name.startsWith('_dw_') && hist.has(c.name));
  const keys = data.filter((c) => KEY.has(c.data_type)).map((c) => quoteIdent(c.name));
  const nums = data
    .filter((c) => NUMERIC.has(c.data_type) && NUMERIC.has(hist.get(c.name)!))
    .map((c) => quoteIdent(c.name));
  const key = keys.length ? `ROW(${keys.map((k) => `${k}::text`).join(', ')})::text` : `''`;
  const side = (from: string, where: string) =>
    `SELECT ${key} AS k, row_number() OVER (PARTITION BY ${key} ORDER BY "_dw_file_url", "_dw_sheet", "_dw_row") AS rn
            ${nums.map((n, i) => `, ${n}::numeric AS n${i}`).join('')}
       FROM ${from} WHERE ${where}`;
  const oldSql = history.length
    ? side(qualified(HISTORY_SCHEMA, table), partsWhere(oldParts, period, true))
    : `SELECT ''::text AS k, 0::bigint AS rn ${nums.map((_, i) => `, NULL::numeric AS n${i}`).join('')} WHERE false`;
  const newSql = staging.length
    ? side(qualified(STAGING_SCHEMA, table), partsWhere(newParts, period, false))
    : `SELECT ''::text AS k, 0::bigint AS rn ${nums.map((_, i) => `, NULL::numeric AS n${i}`).join('')} WHERE false`;
  const differs = nums.map((_, i) => `(o.n${i} IS DISTINCT FROM n.n${i})::int`);
  const both = 'o.k IS NOT NULL AND n.k IS NOT NULL';
  const [r] = await db.query<Record<string, string>>(
    `WITH o AS (${oldSql}), n AS (${newSql})
     SELECT count(*) FILTER (WHERE o.k IS NULL)::text AS added,
            count(*) FILTER (WHERE n.k IS NULL)::text AS removed,
            count(*) FILTER (WHERE ${both} AND ${differs.length ? differs.join(' + ') : '0'} > 0)::text AS rows,
            coalesce(sum(${differs.length ? differs.join(' + ') : '0'}) FILTER (WHERE ${both}), 0)::text AS cells
       FROM o FULL JOIN n ON o.k = n.k AND o.rn = n.rn`,
  );
  return {
    table,
    rows_added: Number(r.added),
    rows_removed: Number(r.removed),
    rows_changed: Number(r.rows),
    cells_changed: Number(r.cells),
  };
}

/** The diff of version `version` of (pub, period), per table it touched. */
export async function versionDiff(
  db: Db,
  item: { pub: string; period: string },
  version: number,
): Promise<TableDiff[]> {
  const rows = await db.query<Part & { table_name: string; side: string }>(
    `SELECT table_name, file_url, sheet, sha256, superseded_at::text AS at,
            CASE WHEN superseded_in = $3 THEN 'old' ELSE 'new' END AS side
       FROM ${LEDGER}
      WHERE pub = $1 AND period = $2
        AND (superseded_in = $3 OR (version = $3 AND status = 'loaded'))
      ORDER BY table_name, file_url, sheet`,
    [item.pub, item.period, version],
  );
  const tables = [...new Set(rows.map((r) => r.table_name))];
  const out: TableDiff[] = [];
  for (const t of tables) {
    const of = (side: string) => rows.filter((r) => r.table_name === t && r.side === side);
    out.push(await tableDiff(db, t, item.period, of('old'), of('new')));
  }
  return out;
}
