// What loadTable hands to its helpers: the Parquet sink of a (file, sheet) and the columns reconciliation reads.
import type { ColumnSpec, RowKindRule } from '../model.js';
import type { Tx } from './db.js';
import type { CopyTarget } from './copy.js';
import type { ReconcileColumn } from './reconcile.js';
import { STAGING_SCHEMA, columnsOf } from './schema.js';
import type { LoadTap } from './tap.js';

/** The columns as reconciliation reads them: the table's types, the source's headers and descriptions. */
export function reconcileColumns(
  t: CopyTarget,
  specColumns: ColumnSpec[],
  planColumns: ColumnSpec[],
): ReconcileColumn[] {
  return t.columns.map((name, j) => {
    const spec = specColumns[j];
    const plan = planColumns[j];
    return {
      name,
      type: t.types[j],
      header: plan?.header ?? spec?.header,
      description: [spec?.description, plan?.description].filter(Boolean).join(' '),
    };
  });
}

export async function openSink(
  tx: Tx,
  tap: LoadTap,
  input: { period: string; fileUrl: string; sha256: string },
  sheet: string,
  t: CopyTarget,
  rowKinds: RowKindRule | undefined,
) {
  const [now] = await tx.query<{ ms: string }>(
    `SELECT (extract(epoch from now()) * 1000)::bigint::text AS ms`,
  );
  return tap.begin({
    table: t.table,
    period: input.period,
    fileUrl: input.fileUrl,
    sha256: input.sha256,
    sheet,
    tableColumns: (await columnsOf(tx, STAGING_SCHEMA, t.table)).map((c) => ({
      column_name: c.name,
      data_type: c.data_type,
    })),
    columns: t.columns,
    loadedAtMs: Number(now.ms),
    ...(rowKinds ? { rowKinds } : {}),
  });
}
