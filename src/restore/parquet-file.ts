// One Parquet file of a restore, checked before anything of it is written: that it is Parquet at all, that it
// carries DataWarp's metadata (table, period, publication, columns), that every column has a name and a type
// restore allows and is in the file's schema, and that the row counts it declares agree with each other and
// stay under a sane bound (a declared 2^40 rows never reaches an allocation). Rows are then read one row group
// at a time as arrays in column order, never as objects keyed by column name (a column named `__proto__` or
// `constructor` is data like any other).
import { parquetMetadata, parquetRead, type FileMetaData } from 'hyparquet';
import { isStagingName } from '../ident.js';
import { isValidIdent } from '../load/index.js';
import { FLAGS_COLUMN } from '../load/values.js';
import { RESTORABLE_TYPES } from './rehydrate.js';

/** Most rows one row group may declare (DataWarp writes far smaller groups). */
export const MAX_GROUP_ROWS = 50_000_000;

export class BadParquetFile extends Error {}

export interface CheckedFile {
  buf: ArrayBuffer;
  meta: FileMetaData;
  table: string;
  period: string;
  pub: string;
  columns: { name: string; type: string }[];
  /** the columns to copy, in this order */
  copyCols: string[];
  rows: number;
}

/** undefined: not a DataWarp file (no datawarp.* metadata), skipped rather than refused. */
export function checkParquet(bytes: Uint8Array): CheckedFile | undefined {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let meta: FileMetaData;
  try {
    meta = parquetMetadata(buf);
  } catch (e) {
    throw new BadParquetFile(`not a readable Parquet file (${(e as Error).message})`);
  }
  const kv = new Map((meta.key_value_metadata ?? []).map((k) => [k.key, k.value ?? '']));
  const table = kv.get('datawarp.table') ?? '';
  const period = kv.get('datawarp.period') ?? '';
  const pub = kv.get('datawarp.publication') ?? '';
  if (!table && !period && !pub) return undefined;
  if (!isValidIdent(table))
    throw new BadParquetFile(`datawarp.table ${JSON.stringify(table)} is not a table name`);
  if (!period || !pub) throw new BadParquetFile('datawarp.period or datawarp.publication is missing');
  const columns = parseColumns(kv.get('datawarp.columns'));
  const inSchema = new Set(meta.schema.slice(1).map((s) => s.name));
  for (const c of columns) {
    if (!inSchema.has(c.name))
      throw new BadParquetFile(`column ${JSON.stringify(c.name)} is declared but not in the file's schema`);
  }
  const rows = checkRowCounts(meta);
  const names = columns.map((c) => c.name).filter(isStagingName);
  return { buf, meta, table, period, pub, columns, copyCols: names, rows };
}

function parseColumns(text: string | undefined): { name: string; type: string }[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    throw new BadParquetFile('datawarp.columns is not JSON');
  }
  if (!Array.isArray(raw) || !raw.length)
    throw new BadParquetFile('datawarp.columns is not a list of columns');
  const out: { name: string; type: string }[] = [];
  for (const c of raw as { name?: unknown; type?: unknown }[]) {
    const name = c?.name;
    const type = c?.type;
    if (typeof name !== 'string' || typeof type !== 'string' || !isStagingName(name))
      throw new BadParquetFile(
        `datawarp.columns holds a column that is not {name, type}: ${JSON.stringify(c)}`,
      );
    const allowed = RESTORABLE_TYPES.has(type) || (name === FLAGS_COLUMN && type === 'jsonb');
    if (!allowed)
      throw new BadParquetFile(
        `column ${name} has type ${JSON.stringify(type)}, which restore does not allow (allowed: ${[...RESTORABLE_TYPES].join(', ')})`,
      );
    out.push({ name, type });
  }
  return out;
}

function checkRowCounts(meta: FileMetaData): number {
  const total = Number(meta.num_rows);
  let sum = 0;
  for (const g of meta.row_groups) {
    const n = Number(g.num_rows);
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_GROUP_ROWS)
      throw new BadParquetFile(
        `a row group declares ${g.num_rows} rows (at most ${MAX_GROUP_ROWS} are read)`,
      );
    for (const c of g.columns)
      if (c.meta_data && Number(c.meta_data.num_values) > n && c.meta_data.path_in_schema.length === 1)
        throw new BadParquetFile(
          `column ${c.meta_data.path_in_schema[0]} declares ${c.meta_data.num_values} values in a row group of ${n} rows`,
        );
    sum += n;
  }
  if (!Number.isSafeInteger(total) || total !== sum)
    throw new BadParquetFile(`the file declares ${meta.num_rows} rows but its row groups hold ${sum}`);
  return total;
}

/** The rows of one row group as arrays in `columns` order. */
export async function readGroup(f: CheckedFile, group: number, columns: string[]): Promise<unknown[][]> {
  let start = 0;
  for (let i = 0; i < group; i++) start += Number(f.meta.row_groups[i].num_rows);
  const end = start + Number(f.meta.row_groups[group].num_rows);
  let rows: unknown[][] = [];
  try {
    await parquetRead({
      file: f.buf,
      metadata: f.meta,
      columns,
      rowStart: start,
      rowEnd: end,
      rowFormat: 'array',
      onComplete: (r: unknown[][]) => {
        rows = r;
      },
    });
  } catch (e) {
    throw new BadParquetFile(`row group ${group + 1} cannot be read (${(e as Error).message})`);
  }
  if (rows.length !== end - start)
    throw new BadParquetFile(
      `row group ${group + 1} holds ${rows.length} rows, not the ${end - start} it declares`,
    );
  return rows;
}
