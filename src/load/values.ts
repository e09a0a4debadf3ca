// Column typing (widen-only) and CSV encoding of cell values for COPY.
import type { CellValue, ColumnType, RowFlags } from '../model.js';

/** SQL type used for each ColumnType. */
export const SQL_TYPE: Record<ColumnType, string> = {
  integer: 'bigint',
  numeric: 'numeric',
  date: 'date',
  text: 'text',
};

/** The ColumnType an existing table column (information_schema data_type) stands for. */
export function kindOfSqlType(dataType: string): ColumnType {
  switch (dataType.toLowerCase()) {
    case 'bigint':
    case 'integer':
    case 'smallint':
      return 'integer';
    case 'numeric':
    case 'double precision':
    case 'real':
      return 'numeric';
    case 'date':
      return 'date';
    default:
      return 'text';
  }
}

/** Least type both a and b fit in: integer -> numeric -> text, date -> text. */
export function joinTypes(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if ((a === 'integer' && b === 'numeric') || (a === 'numeric' && b === 'integer')) return 'numeric';
  return 'text';
}

const INT_STR = /^-?\d+$/;
const DEC_STR = /^-?(?:\d+\.\d*|\.\d+)$/;
const DATE_STR = /^(\d{4})-(\d{2})-(\d{2})$/;
const BIGINT_MAX = 9223372036854775807n;
const BIGINT_MIN = -9223372036854775808n;
const TWO_63 = 2 ** 63;

function isBlank(s: string): boolean {
  return s.trim() === '';
}

export function isIsoDate(s: string): boolean {
  const m = DATE_STR.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(2000, mo, 0)).getUTCDate(); // days in month (leap-year agnostic)
  if (d > dim) return false;
  if (mo === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

function intStrFits(s: string): boolean {
  const v = BigInt(s);
  return v >= BIGINT_MIN && v <= BIGINT_MAX;
}

/** The narrowest type >= `t` that can hold `v`. */
export function widenFor(t: ColumnType, v: CellValue): ColumnType {
  if (v === null || v === undefined || t === 'text') return t;
  if (typeof v === 'number') {
    if (t === 'date') return 'text';
    if (t === 'integer') return Number.isInteger(v) && v > -TWO_63 && v < TWO_63 ? 'integer' : 'numeric';
    return 'numeric'; // finite numbers print as plain decimals; NaN/±Infinity are valid numeric input
  }
  const s = String(v);
  if (isBlank(s)) return t; // loads as NULL in a typed column
  if (t === 'date') return isIsoDate(s) ? 'date' : 'text';
  if (INT_STR.test(s)) return t === 'integer' && !intStrFits(s) ? 'numeric' : t;
  if (DEC_STR.test(s)) return 'numeric';
  return 'text';
}

/** Type of a column after seeing all of its incoming values (declared type widened as needed). */
export function columnTypeFor(declared: ColumnType, values: Iterable<CellValue>): ColumnType {
  let t = declared;
  for (const v of values) {
    if (t === 'text') break;
    t = widenFor(t, v);
  }
  return t;
}

/** A finite JS number as a plain decimal string: never exponent notation (1e21 -> "1000000000000000000000"). */
export function plainNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  const s = String(n); // "-0" prints as "0"
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const sign = m[1];
  const digits = m[2] + (m[3] ?? '');
  const exp = Number(m[4]);
  if (exp >= 0) {
    const pos = 1 + exp;
    return (
      sign +
      (digits.length <= pos
        ? digits + '0'.repeat(pos - digits.length)
        : `${digits.slice(0, pos)}.${digits.slice(pos)}`)
    );
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** Always-quoted CSV text field; NUL cannot be stored in PostgreSQL text so it is dropped. */
export function csvText(s: string): string {
  const clean = s.includes('\u0000') ? s.split('\u0000').join('') : s;
  return `"${clean.replace(/"/g, '""')}"`;
}

/** CSV field for value `v` in a column of final type `t` (NULL = unquoted empty). */
export function csvField(v: CellValue | undefined, t: ColumnType): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (t === 'text') return csvText(plainNumber(v));
    return plainNumber(v);
  }
  const s = String(v);
  if (t !== 'text' && isBlank(s)) return '';
  return csvText(s);
}

/** The `_dw_flags` column: each row's kept cell texts, `{"<column>": "<text>"}`. */
export const FLAGS_COLUMN = '_dw_flags';

/** A row's flags as the JSON text PostgreSQL prints for the jsonb (keys by length, then name; `": "`), so the
 * Parquet written while loading equals the one read back; undefined when the row has none. */
export function flagsJson(flags: RowFlags | null | undefined, columns: string[]): string | undefined {
  if (!flags) return undefined;
  const keys = Object.keys(flags)
    .map(Number)
    .filter((j) => columns[j] !== undefined)
    .sort((a, b) => columns[a].length - columns[b].length || (columns[a] < columns[b] ? -1 : 1));
  if (!keys.length) return undefined;
  return `{${keys.map((j) => `${JSON.stringify(columns[j])}: ${JSON.stringify(flags[j])}`).join(', ')}}`;
}
