// Reconciliation: a part (file, period, sheet) of a staging table with exactly one `total` row has that row
// compared, per numeric column, with the sum of its `detail` rows (subtotals not added; NULLs — suppressed
// cells — count as missing). Computed in SQL inside the file's transaction, right after the rows are marked
// (src/load/row-kind.ts). A difference is a warning: NHS totals differ legitimately by suppression and rounding.
import type { ColumnReconciliation, ColumnType, ReconcileStatus, Reconciliation } from '../model.js';
import type { Tx } from './db.js';
import { quoteIdent } from './ident.js';
import { ROW_KIND_COLUMN } from './row-kind.js';

/** Means, medians, rates, ratios, shares, percentages: a total of these is no sum of its rows. */
const NOT_ADDITIVE =
  /(^|_)(mean|means|average|averages|avg|median|medians|rate|rates|ratio|ratios|share|shares|percent|percentage|percentages|pct|proportion|proportions|per|perc)(_|$)/;
const PERCENT_NOTE = /Unit: percent/;

export function isNotAdditive(column: { name: string; header?: string; description?: string }): boolean {
  return (
    NOT_ADDITIVE.test(column.name) ||
    /%|\b(mean|median|average|rate|ratio|share|percent(age)?|proportion)\b/i.test(column.header ?? '') ||
    PERCENT_NOTE.test(column.description ?? '')
  );
}

export interface ReconcileColumn {
  name: string;
  type: ColumnType;
  header?: string;
  description?: string;
}

const isNumeric = (t: ColumnType) => t === 'integer' || t === 'numeric';

/** Reconcile one part; undefined unless it has exactly one `total` row and a numeric column. `totalRows`: the
 * part's total rows when counted as they were copied (the typed path); then the rows are read only for one. */
export async function reconcilePart(
  tx: Tx,
  target: string,
  columns: ReconcileColumn[],
  part: { fileUrl: string; period: string; sheet: string },
  totalRows?: number,
): Promise<Reconciliation | undefined> {
  const numeric = columns.filter((c) => isNumeric(c.type));
  if (!numeric.length || (totalRows !== undefined && totalRows !== 1)) return undefined;
  const where = `"_dw_file_url" = $1 AND "_dw_period" = $2 AND "_dw_sheet" = $3`;
  const params = [part.fileUrl, part.period, part.sheet];
  const kind = quoteIdent(ROW_KIND_COLUMN);
  const totals = await tx.query<{ r: number | null }>(
    `SELECT "_dw_row" AS r FROM ${target} WHERE ${where} AND ${kind} = 'total' LIMIT 2`,
    params,
  );
  if (totals.length !== 1) return undefined;
  const additive = numeric.filter((c) => !isNotAdditive(c));
  const out: ColumnReconciliation[] = numeric
    .filter((c) => !additive.includes(c))
    .map((c) => ({ column: c.name, status: 'not additive' as const }));
  if (additive.length) {
    const exprs = additive.map((c, k) => {
      const q = quoteIdent(c.name);
      const tot = `(SELECT ${q}::numeric FROM ${target} WHERE ${where} AND ${kind} = 'total')`;
      return `${tot}::text AS t${k}, (sum(${q}) FILTER (WHERE ${kind} = 'detail'))::numeric::text AS s${k},
              (count(${q}) FILTER (WHERE ${kind} = 'detail'))::int AS n${k},
              CASE WHEN ${tot} IS NULL OR sum(${q}) FILTER (WHERE ${kind} = 'detail') IS NULL THEN 'no values'
                   WHEN ${tot} = sum(${q}) FILTER (WHERE ${kind} = 'detail') THEN 'exact'
                   WHEN abs(${tot} - sum(${q}) FILTER (WHERE ${kind} = 'detail'))
                        <= greatest(0.5 * count(${q}) FILTER (WHERE ${kind} = 'detail'), 0.001 * abs(${tot}))
                     THEN 'within rounding'
                   ELSE 'differs' END AS st${k},
              (${tot} - sum(${q}) FILTER (WHERE ${kind} = 'detail'))::text AS d${k}`;
    });
    const [row] = await tx.query<Record<string, string | number | null>>(
      `SELECT ${exprs.join(', ')} FROM ${target} WHERE ${where}`,
      params,
    );
    additive.forEach((c, k) => {
      const status = row[`st${k}`] as ReconcileStatus;
      const total = row[`t${k}`];
      const sum = row[`s${k}`];
      out.push({
        column: c.name,
        status,
        ...(total !== null ? { total: String(total) } : {}),
        ...(sum !== null ? { sum: String(sum) } : {}),
        ...(status === 'differs' || status === 'within rounding' ? { difference: String(row[`d${k}`]) } : {}),
        rows: Number(row[`n${k}`]),
      });
    });
  }
  const order = new Map(numeric.map((c, j) => [c.name, j]));
  out.sort((a, b) => order.get(a.column)! - order.get(b.column)!);
  return { totalRow: totals[0].r === null ? null : Number(totals[0].r), columns: out };
}

/** One line per column that does not reconcile (for warnings and the run summary). */
export function reconciliationWarnings(table: string, r: Reconciliation | undefined): string[] {
  if (!r) return [];
  return r.columns
    .filter((c) => c.status === 'differs')
    .map(
      (c) =>
        `staging.${table}: the total row (row ${r.totalRow ?? '?'}) of ${c.column} is ${c.total}, its detail rows sum to ${c.sum} (difference ${c.difference})`,
    );
}
