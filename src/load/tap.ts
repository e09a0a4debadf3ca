// What the loader lets a listener see of the rows it copies (the export writes Parquet from them while they
// load). Small on purpose: the loader knows nothing of Parquet.
import type { RawCsv, RowBatch, RowKindRule } from '../model.js';

export interface TapTable {
  /** staging table */
  table: string;
  period: string;
  fileUrl: string;
  sha256: string;
  sheet: string;
  /** the table's columns in table order (provenance included), as information_schema has them */
  tableColumns: { column_name: string; data_type: string }[];
  /** the columns the rows fill, in the order of the values */
  columns: string[];
  /** now() of the file's transaction, in epoch milliseconds: `_dw_loaded_at` */
  loadedAtMs: number;
  /** how each row's `_dw_row_kind` is decided (absent: every row is `detail`) */
  rowKinds?: RowKindRule;
}

export interface TableSink {
  /** typed rows as they are copied (their values in final form) */
  rows(batch: RowBatch): Promise<void>;
  /** the file's own bytes as they go to COPY (the fast path) */
  raw(raw: RawCsv, chunk: Uint8Array): Promise<void>;
  /** every row of the table from this file was copied: `copied` of them */
  end(copied: number): Promise<void>;
  /** what was seen cannot be trusted (rolled back, a column widened) */
  fail(): void;
}

export interface LoadTap {
  begin(t: TapTable): TableSink | undefined;
}
