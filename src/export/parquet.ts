// One Parquet file of a table and period, written row group by row group to a temp file and renamed into place
// when finished: the schema from the table's columns, descriptions and provenance in the key-value metadata.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { kindOf, type OutColumn, type Value } from './rows.js';
import { faultPoint } from '../faults.js';
import { renameIntoPlace, tempPathFor } from '../fs/atomic.js';
import { parquetPath } from './parquet-layout.js';

export interface ExportColumn {
  name: string;
  header?: string;
  description?: string;
}

export interface ExportTable {
  pub: string;
  tableName: string;
  description?: string;
  columns: ExportColumn[];
}

export interface DbColumn {
  column_name: string;
  data_type: string;
}

export { parquetPath };

function parquetType(dataType: string): Record<string, unknown> {
  switch (dataType) {
    case 'bigint':
      return { type: 'INT64' };
    case 'integer':
      return { type: 'INT32' };
    case 'numeric':
    case 'double precision':
      return { type: 'DOUBLE' };
    case 'date':
      return { type: 'INT32', converted_type: 'DATE' };
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' };
    default:
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8' };
  }
}

/** a Map, never an object looked up by column name: `{...}['constructor']` is Object */
const PROVENANCE_DESCRIPTIONS = new Map<string, string>(
  Object.entries({
    _dw_period: 'DataWarp: canonical period of the release this row came from',
    _dw_file_url: 'DataWarp: URL of the source file',
    _dw_sha256: 'DataWarp: sha256 of the source file',
    _dw_sheet: 'DataWarp: sheet, zip member or table id within the source file',
    _dw_row: 'DataWarp: 1-based row number in the source sheet or CSV',
    _dw_loaded_at: 'DataWarp: when the row was loaded',
    _dw_row_kind:
      'DataWarp: detail, total (Total, the national row, All in every breakdown) or subtotal (a region or ICB above lower levels); NULL for rows loaded before row kinds',
    _dw_flags:
      'DataWarp: JSON {"<column>": "<cell text>"} of the cells of this row that loaded other than as written (a symbol or annotation as NULL, a flagged or censored value), NULL when none',
  }),
);

export function provenanceDescription(name: string): string | undefined {
  return PROVENANCE_DESCRIPTIONS.get(name);
}

function kvMetadata(t: ExportTable, period: string, cols: DbColumn[], files: string[]) {
  const described = new Map(t.columns.map((c) => [c.name, c]));
  return [
    { key: 'datawarp.publication', value: t.pub },
    { key: 'datawarp.table', value: t.tableName },
    { key: 'datawarp.period', value: period },
    { key: 'datawarp.description', value: t.description ?? '' },
    { key: 'datawarp.source_files', value: JSON.stringify(files) },
    {
      key: 'datawarp.columns',
      value: JSON.stringify(
        cols.map((c) => ({
          name: c.column_name,
          type: c.data_type,
          header: described.get(c.column_name)?.header ?? null,
          description:
            described.get(c.column_name)?.description ?? provenanceDescription(c.column_name) ?? null,
        })),
      ),
    },
  ];
}

export class ParquetFile {
  readonly path: string;
  readonly columns: OutColumn[];
  rows = 0;
  private readonly tmp: string;
  private readonly writer: ParquetWriter;

  constructor(outDir: string, table: string, period: string, cols: DbColumn[]) {
    this.path = parquetPath(outDir, table, period);
    mkdirSync(dirname(this.path), { recursive: true });
    this.tmp = tempPathFor(this.path);
    this.columns = cols.map((c) => ({ name: c.column_name, kind: kindOf(c.data_type) }));
    const schema = [
      { name: 'root', num_children: cols.length },
      ...cols.map((c) => ({
        name: c.column_name,
        repetition_type: 'OPTIONAL' as const,
        ...parquetType(c.data_type),
      })),
    ];
    this.writer = new ParquetWriter({
      writer: fileWriter(this.tmp),
      schema: schema as never,
      createdBy: 'datawarp',
    });
    this.meta = { period, cols };
  }

  private readonly meta: { period: string; cols: DbColumn[] };

  /** One row group: `data[j]` holds the values of column j. */
  async write(data: Value[][]): Promise<void> {
    const n = data[0]?.length ?? 0;
    if (!n) return;
    const columnData = this.columns.map((c, j) => ({
      name: c.name,
      data: data[j],
      // min/max of text columns cost more than they help; numbers and dates keep theirs
      ...(c.kind === 'text' ? { statistics: false } : {}),
    }));
    await this.writer.write({ columnData: columnData as never, rowGroupSize: n });
    this.rows += n;
    await faultPoint('parquet');
  }

  /** Finish and move into place; `files` are the source files the rows came from. */
  finish(t: ExportTable, files: string[]): void {
    const w = this.writer as unknown as { kvMetadata: ReturnType<typeof kvMetadata> };
    w.kvMetadata = kvMetadata(t, this.meta.period, this.meta.cols, files);
    this.writer.finish();
    void faultPoint('parquet-rename');
    renameIntoPlace(this.tmp, this.path);
  }

  abort(): void {
    rmSync(this.tmp, { force: true });
  }
}
