// `_dw_row_kind`: the table's row-kind rule (src/manifest/extract/row-kind-rule.ts) applied to the rows a file
// loads, inside the file's transaction. Typed rows are marked as their COPY text is made (`rowKindOf`, the reading
// the Parquet tap applies too). The fast path's bytes go to PostgreSQL untouched, so there the column's default is
// `detail` during the COPY and an UPDATE (`markRowKinds`) then marks the few total and subtotal rows. Its patterns
// are the ones JavaScript reads, so both paths agree.
import type { RowKindRule } from '../model.js';
import { MAX_LABEL, PATTERNS, classifyRow, type RowKind } from '../manifest/extract/row-kind-rule.js';
import type { Tx } from './db.js';
import { quoteIdent } from './ident.js';
import { plainNumber } from './values.js';

export const ROW_KIND_COLUMN = '_dw_row_kind';

/** A value's text as the row-kind patterns read it (null when empty). */
export function kindText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? plainNumber(v) : String(v);
}

/** The kind of a row of values under the table's rule (the rule names values by their place in the row). */
export function rowKindOf(rule: RowKindRule | undefined, row: readonly unknown[]): RowKind {
  return rule ? classifyRow(rule, (j) => kindText(row[j])) : 'detail';
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** SQL conditions (total, subtotal) of the rule over `columns` (the names of the row's values), or undefined. */
export function rowKindConditions(
  rule: RowKindRule | undefined,
  columns: string[],
): { total?: string; subtotal?: string } {
  if (!rule) return {};
  const col = (j: number) => (columns[j] === undefined ? undefined : `${quoteIdent(columns[j])}::text`);
  const match = (j: number, re: string) => {
    const c = col(j);
    return c === undefined ? undefined : `(length(${c}) <= ${MAX_LABEL} AND ${c} ~* ${lit(re)})`;
  };
  const total: string[] = [];
  for (const j of rule.labels) total.push(match(j, PATTERNS.total) ?? 'false');
  if (rule.id !== undefined && rule.national) total.push(match(rule.id, PATTERNS.national) ?? 'false');
  if (rule.all?.length)
    total.push(`(${rule.all.map((j) => match(j, PATTERNS.all) ?? 'false').join(' AND ')})`);
  const subtotal =
    rule.id !== undefined && rule.subtotal ? (match(rule.id, rule.subtotal) ?? undefined) : undefined;
  return {
    ...(total.length ? { total: `(${total.join(' OR ')})` } : {}),
    ...(subtotal ? { subtotal: `(${subtotal})` } : {}),
  };
}

/** Mark the total and subtotal rows of one (file, period, sheet) part the fast path loaded; its other rows stay
 * `detail`. */
export async function markRowKinds(
  tx: Tx,
  target: string,
  rule: RowKindRule | undefined,
  columns: string[],
  part: { fileUrl: string; period: string; sheet: string },
): Promise<void> {
  const { total, subtotal } = rowKindConditions(rule, columns);
  if (!total && !subtotal) return;
  const kind = `CASE${total ? ` WHEN ${total} THEN 'total'` : ''}${subtotal ? ` WHEN ${subtotal} THEN 'subtotal'` : ''} ELSE 'detail' END`;
  const any = [total, subtotal].filter(Boolean).join(' OR ');
  await tx.query(
    `UPDATE ${target} SET ${quoteIdent(ROW_KIND_COLUMN)} = ${kind}
      WHERE "_dw_file_url" = $1 AND "_dw_period" = $2 AND "_dw_sheet" = $3 AND (${any})`,
    [part.fileUrl, part.period, part.sheet],
  );
}
