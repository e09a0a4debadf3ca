// Plain data passed between stages. No stage-specific logic lives here.

/** A cell value after extraction: numbers are JS numbers, dates are ISO `YYYY-MM-DD` strings tagged by the
 * column type, suppressed/missing cells are null, everything else is text. */
export type CellValue = string | number | null;

/** Column types only ever widen: integer -> numeric -> text, date -> text (the one exception: a text column an
 * older extractor loaded narrows back to a number, src/load/narrow.ts). */
export type ColumnType = 'integer' | 'numeric' | 'date' | 'text';

export interface ColumnSpec {
  /** SQL-safe, unique within the table: ^[a-z][a-z0-9_]{0,62}$ and never starting with `_dw_`. */
  name: string;
  /** The header text as it stands in the source (levels of multi-row headers joined with " | "). */
  header: string;
  type: ColumnType;
  /** Per suppression marker, how many cells of this column carried it (they load as NULL). */
  markers?: Record<string, number>;
  /** how many cells of this column loaded other than as written (symbols, censored values, annotations as NULL;
   * flagged numbers as their number): their text is kept in the row's `_dw_flags` */
  flagged?: number;
  description?: string;
}

/** A row's cells whose own text is kept beside the value loaded: column index in the row -> the cell's text.
 * The loader stores them as the row's `_dw_flags` jsonb (`{"<column name>": "<text>"}`). */
export type RowFlags = Record<number, string>;

export interface Fingerprint {
  sheet: string;
  title: string;
  columns: string[];
}

export type SheetKind = 'data' | 'metadata' | 'empty';

/** One detected table: where it is, what its columns are. No data rows (those travel in ExtractedTable). */
export interface TableSpec {
  /** Stable within one file: `<sheet or member>#<n>` */
  id: string;
  /** zip member path when the table came out of a zip */
  member?: string;
  sheet?: string;
  hidden?: boolean;
  /** A1-style range of header + data rows */
  range?: string;
  /** 1-based sheet rows that form the header (empty for headerless CSV) */
  headerRows: number[];
  firstDataRow: number;
  headerless?: boolean;
  title?: string;
  notes?: string[];
  /** Key/value metadata parsed from title blocks (Title:, Period:, Source:, Published: ...) */
  meta?: Record<string, string>;
  columns: ColumnSpec[];
  rowCount: number;
  /** Row numbers (1-based, source rows) of total rows kept and flagged */
  totalRows?: number[];
  /** how each row's `_dw_row_kind` is decided (src/manifest/extract/row-kinds.ts) */
  rowKinds?: RowKindRule;
  /** what the symbols found in this table's columns mean, in the workbook's own legend's words (symbol ->
   * meaning; only symbols its legend explains) */
  legend?: Record<string, string>;
  fingerprint: Fingerprint;
}

/** A table's row-kind rule (src/manifest/extract/row-kind-rule.ts reads it). Column indices are positions in
 * the table spec's columns (the order of a row's values). */
export interface RowKindRule {
  /** leading text columns: `Total` / `Grand total` in any of them makes a total */
  labels: number[];
  /** the row's own identifier column, when national or subtotal rows are possible */
  id?: number;
  /** the national row (England, E92000001) in `id` is a total */
  national?: boolean;
  /** pattern of `id` values that are subtotals (regions, ICBs above lower levels) */
  subtotal?: string;
  /** breakdown columns: a row reading All in every one is a total */
  all?: number[];
}

export interface ExtractedTable {
  spec: TableSpec;
  /** rows[i][j] is the value of spec.columns[j]; sourceRows[i] is its 1-based row in the sheet/CSV. */
  rows: CellValue[][];
  sourceRows: number[];
  /** flags[i] of rows[i] (absent or null: none) */
  flags?: (RowFlags | null)[];
  /** a table of one piece of a sheet: the sheet columns (0-based) its columns come from, in order */
  sheetCols?: number[];
}

/** A batch of a table's rows as they stream: values converted to `types`, the column types settled so far
 * (they only ever widen from one batch to the next). */
export interface RowBatch {
  rows: CellValue[][];
  /** 1-based source row of each row */
  sourceRows: number[];
  types: ColumnType[];
  /** flags[i] of rows[i] (absent or null: none) */
  flags?: (RowFlags | null)[];
}

/** The file's own bytes, for PostgreSQL to parse as CSV when the head of the file showed clean values
 * (plain numbers and dates, no markers, trimmed text, one width): the fast path. The loader falls back to
 * `batches` when PostgreSQL rejects a later value. */
export interface RawCsv {
  /** the bytes of the CSV (BOM removed); each call reads them again */
  open(): AsyncIterable<Uint8Array>;
  encoding: 'UTF8' | 'WIN1252';
  delimiter: string;
  newline: '\n' | '\r\n' | '\r';
  /** the first line is a header to skip */
  header: boolean;
  /** source row of the first data record */
  firstRow: number;
  /** the column types the head showed; the loader uses the fast path only when the table's are the same or wider */
  types: ColumnType[];
}

/** A table whose rows are read on demand: as batches (any number of times), or as raw CSV for the fast path.
 * Reading the batches to the end settles `spec` (rowCount, range, markers, totalRows, column types). */
export interface TableSource {
  spec: TableSpec;
  /** the first rows, as the head typed them (samples for enrichment) */
  sample: CellValue[][];
  batches(batchRows: number): AsyncIterable<RowBatch>;
  raw?: RawCsv;
}

/** A file opened for loading: tables as sources, documentation text, what was skipped. */
export interface SourceFile {
  tables: TableSource[];
  docs: DocSheet[];
  skipped: { name: string; reason: string }[];
  /** the workbook's own symbol legend (symbol -> meaning), read from its notes sheets */
  legend?: Record<string, string>;
}

/** Documentation sheets (cover, contents, notes) kept as context for enrichment. */
export interface DocSheet {
  sheet: string;
  member?: string;
  hidden?: boolean;
  text: string;
}

export interface ExtractedFile {
  tables: ExtractedTable[];
  docs: DocSheet[];
  /** sheets/members skipped and why (empty sheet, PDF in zip, __MACOSX ...) */
  skipped: { name: string; reason: string }[];
  /** the workbook's own symbol legend (symbol -> meaning), read from its notes sheets ("c = confidential") */
  legend?: Record<string, string>;
}

/** A data file found on a release page. */
export interface DataFileLink {
  url: string;
  title: string;
  ext: 'xlsx' | 'xls' | 'csv' | 'zip' | 'ods' | 'xlsm';
}

export interface DownloadedFile extends DataFileLink {
  path: string;
  sha256: string;
  bytes: number;
}

/** A table as the loader sees it: where rows go and what each column is called. */
export interface SourcePlan {
  /** `<pub>_<name>`; also the table name in schema `staging` */
  sourceCode: string;
  tableName: string;
  description?: string;
  columns: ColumnSpec[];
}

export interface ManifestFile {
  url: string;
  title: string;
  sha256: string;
  bytes: number;
  tables: TableSpec[];
  docs: { sheet: string; member?: string; hidden?: boolean; chars: number }[];
  skipped: { name: string; reason: string }[];
  /** the file's own symbol legend (symbol -> meaning), read from its notes sheets */
  legend?: Record<string, string>;
}

/** Written as manifests/backfill/<pub>/<pub>_<period>.yaml */
export interface Manifest {
  pub: string;
  period: string;
  page_url: string;
  generated_at: string;
  files: ManifestFile[];
  /** the item's version these files make (1: first load) and its diff against the version before */
  version?: number;
  diff?: VersionDiff;
  /** files found but not loaded (a revision's original, the same bytes at a new URL), with why */
  not_loaded?: { url: string; reason: string }[];
  /** per part with exactly one total row: the total against the sum of its detail rows */
  reconciliation?: ReconciledPart[];
}

/** Rows added and removed, and changed numeric cells of matched rows, per table and in all (computed in SQL). */
export interface VersionDiff {
  previous: number;
  rows_added: number;
  rows_removed: number;
  rows_changed: number;
  cells_changed: number;
  tables: {
    table: string;
    rows_added: number;
    rows_removed: number;
    rows_changed: number;
    cells_changed: number;
  }[];
}

export interface EnrichedSource {
  /** TableSpec.id within the file plus file url makes the key */
  file_url: string;
  table_id: string;
  source_code: string;
  table_name: string;
  description: string;
  /** how the names were obtained */
  origin: 'reference' | 'llm' | 'deterministic';
  /** source column name (TableSpec.columns[].name) -> enriched column */
  columns: { source: string; name: string; header: string; description: string; type: ColumnType }[];
}

export interface DriftReport {
  matched: string[];
  unmatched: string[];
  renamed: { table: string; from: string; to: string }[];
  added: { table: string; column: string }[];
  missing: { table: string; column: string }[];
}

/** Written as manifests/backfill/<pub>/<pub>_<period>_enriched.yaml */
export interface EnrichedManifest extends Manifest {
  sources: EnrichedSource[];
  drift?: DriftReport;
}

/** A part's total row against the sum of its detail rows (src/load/reconcile.ts). */
export type ReconcileStatus = 'exact' | 'within rounding' | 'differs' | 'not additive' | 'no values';

export interface ColumnReconciliation {
  column: string;
  status: ReconcileStatus;
  /** the total row's value and the sum of the detail rows (as PostgreSQL prints them) */
  total?: string;
  sum?: string;
  /** total - sum, when they differ */
  difference?: string;
  /** detail rows summed (non-NULL values) */
  rows?: number;
}

export interface Reconciliation {
  /** the total row's source row number */
  totalRow: number | null;
  columns: ColumnReconciliation[];
}

/** A reconciliation with where it was made: table, file, sheet (the period is the item's). */
export interface ReconciledPart extends Reconciliation {
  table: string;
  file_url: string;
  sheet: string;
}

export interface LoadResult {
  rowsLoaded: number;
  files: {
    file_url: string;
    sheet: string;
    table_name: string;
    rows_loaded: number;
    status: 'loaded' | 'skipped' | 'failed';
    /** the file's bytes went to COPY as they are (no JavaScript parse) */
    fast?: boolean;
    /** the table's column types after this file (loaded files only) */
    types?: Record<string, ColumnType>;
    /** columns an older extractor had loaded as text that this load narrowed to numbers */
    narrowed?: string[];
    /** what the user may want to do (a column kept as text until older periods are reloaded) */
    warnings?: string[];
    /** the part's one total row against its detail rows (absent: not exactly one total row) */
    reconciliation?: Reconciliation;
  }[];
  /** sources of earlier bytes of this file (or of the files it replaces) moved to history by this load */
  superseded?: { file_url: string; sha256: string; sheet: string; table_name: string }[];
}
