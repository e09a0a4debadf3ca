// The rows of a streamed table typed as they pass (a CSV's records, a big sheet's rows): each value typed, its
// column widened when it does not fit (integer -> numeric -> text, never failed), markers and flags counted, total
// rows noted, the rows handed on in batches; at the end the spec's types, markers, flags, count and totals settled.
import type { CellValue, ColumnType, RowBatch, RowFlags, TableSpec } from '../../model.js';
import { cellValue, fitType, flagOf, markerCounted, type Parsed } from './types.js';

export class TypedRows {
  /** the columns' types so far (widened as values arrive) */
  readonly types: ColumnType[];
  /** rows taken so far */
  count = 0;
  private readonly markers: Record<string, number>[];
  private readonly flagged: number[];
  private readonly totalRows: number[] = [];
  private rows: CellValue[][] = [];
  private sourceRows: number[] = [];
  private flags: (RowFlags | null)[] = [];
  private anyFlags = false;
  private row: CellValue[] = [];
  private rowFlags: RowFlags | null = null;

  constructor(
    types: ColumnType[],
    private readonly batchRows: number,
  ) {
    this.types = [...types];
    this.markers = types.map(() => ({}));
    this.flagged = types.map(() => 0);
  }

  /** Starts a row: every cell null until `cell` sets it. */
  begin(): void {
    this.row = new Array<CellValue>(this.types.length).fill(null);
    this.rowFlags = null;
  }

  /** Column j's value of the row, parsed: typed, its column widened, its marker and flag counted. */
  cell(j: number, p: Parsed): void {
    const types = this.types;
    const t = fitType(types[j], p);
    if (t !== types[j]) types[j] = t;
    this.row[j] = cellValue(p, t);
    const m = markerCounted(p, t);
    if (m !== undefined) this.markers[j][m] = (this.markers[j][m] ?? 0) + 1;
    const f = flagOf(p, t);
    if (f !== undefined) {
      (this.rowFlags ??= {})[j] = f;
      this.flagged[j]++;
    }
  }

  /** Column j's value when it is a plain number (no date or percent format): loaded as itself when the column
   * is numeric, an integer column widened when it is not a safe integer. False when the column is text or date
   * (the caller parses the cell then). A big sheet's cells are mostly these: typing them without a `Parsed`
   * object keeps that object off a path V8 had learnt to allocate in the old generation (see xlsx-source). */
  number(j: number, n: number): boolean {
    const t = this.types[j];
    if (t === 'integer') {
      if (!Number.isSafeInteger(n)) this.types[j] = 'numeric';
    } else if (t !== 'numeric') return false;
    this.row[j] = n;
    return true;
  }

  /** Ends the row (1-based `sourceRow`); returns a batch once batchRows rows are held. */
  end(sourceRow: number, isTotal: boolean): RowBatch | undefined {
    if (isTotal) this.totalRows.push(sourceRow);
    this.rows.push(this.row);
    this.sourceRows.push(sourceRow);
    this.flags.push(this.rowFlags);
    if (this.rowFlags) this.anyFlags = true;
    this.count++;
    return this.rows.length >= this.batchRows ? this.take() : undefined;
  }

  /** The rows still held, as a last batch (undefined when none). */
  rest(): RowBatch | undefined {
    return this.rows.length ? this.take() : undefined;
  }

  /** The spec as read to the end: row count, column types, markers and flags, total rows. */
  settle(spec: TableSpec): void {
    spec.rowCount = this.count;
    spec.columns.forEach((c, j) => {
      c.type = this.types[j];
      if (Object.keys(this.markers[j]).length) c.markers = this.markers[j];
      else delete c.markers;
      if (this.flagged[j]) c.flagged = this.flagged[j];
      else delete c.flagged;
    });
    if (this.totalRows.length) spec.totalRows = this.totalRows;
    else delete spec.totalRows;
  }

  private take(): RowBatch {
    const b: RowBatch = {
      rows: this.rows,
      sourceRows: this.sourceRows,
      types: [...this.types],
      ...(this.anyFlags ? { flags: this.flags } : {}),
    };
    this.rows = [];
    this.sourceRows = [];
    this.flags = [];
    this.anyFlags = false;
    return b;
  }
}
