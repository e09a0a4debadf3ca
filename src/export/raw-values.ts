// Values of the fast path's fields as PostgreSQL stores them, for Parquet: one reader per column. Sorted NHS files
// repeat most fields from row to row, and a few values (dates, statuses, codes) all through: a field equal to the
// one above, or to one seen before, reuses its value without a string being made; digits become a number
// straight from the bytes.
import { sameBytes, type CsvBytes } from './csv-bytes.js';
import type { Kind, Value } from './rows.js';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Days since 1970-01-01 of `2024-01-31` or `31JAN2024` (the date forms the fast path lets through). */
export function days(s: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  let y: number, m: number, d: number;
  if (t.length === 10 && t[4] === '-') [y, m, d] = [+t.slice(0, 4), +t.slice(5, 7), +t.slice(8, 10)];
  else [d, m, y] = [+t.slice(0, 2), MONTHS.indexOf(t.slice(2, 5).toUpperCase()) + 1, +t.slice(5)];
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** BigInts of 0..65535 made once: counts are mostly small, and a BigInt per value kept until its row group is
 * written is garbage the old generation has to collect. */
export const SMALL_BIGINTS = Array.from({ length: 65_536 }, (_, i) => BigInt(i));

export function bigint(s: string): bigint {
  const n = s.length < 6 ? Number(s) : NaN;
  return n >= 0 && n < 65_536 && Number.isInteger(n) ? SMALL_BIGINTS[n] : BigInt(s.trim());
}

/** A raw CSV field's text as PostgreSQL stores it in a column of kind `k` (empty is NULL: FORCE_NULL). */
export function fromRaw(s: string, k: Kind): Value {
  if (s === '') return null;
  switch (k) {
    case 'text':
      return s;
    case 'bigint':
      return bigint(s);
    case 'days':
      return days(s);
    default:
      return Number(s);
  }
}

/** distinct field bytes remembered per column (their values are reused when they come again) */
const REMEMBERED = 4096;

interface Seen {
  bytes: Buffer;
  value: Value;
}

/** The values of one column, field by field. */
export class FieldValues {
  private lastBuf?: Buffer;
  private lastAt = 0;
  private lastLen = -1;
  private last: Value = null;
  private readonly seen = new Map<number, Seen>();
  private readonly numeric: boolean;

  constructor(private readonly kind: Kind) {
    this.numeric = kind === 'int' || kind === 'bigint' || kind === 'double';
  }

  /** The value of field `j` of the record `csv` has just read from `buf`. */
  value(csv: CsvBytes, buf: Buffer, j: number): Value {
    const at = csv.starts[j];
    const len = csv.ends[j] - at;
    if (len === this.lastLen && this.lastBuf && sameBytes(buf, at, this.lastBuf, this.lastAt, len))
      return this.last;
    this.lastBuf = buf;
    this.lastAt = at;
    this.lastLen = len;
    return (this.last = this.fresh(csv, buf, j, at, len));
  }

  private fresh(csv: CsvBytes, buf: Buffer, j: number, at: number, len: number): Value {
    if (len === 0) return null;
    if (this.numeric && len < 16) {
      const n = digits(buf, at, len);
      if (n !== undefined)
        return this.kind !== 'bigint' ? n : n >= 0 && n < 65_536 ? SMALL_BIGINTS[n] : BigInt(n);
    }
    let h = len;
    for (let k = 0; k < len; k++) h = Math.imul(h ^ buf[at + k], 16_777_619);
    const known = this.seen.get(h);
    if (known && known.bytes.length === len && sameBytes(buf, at, known.bytes, 0, len)) return known.value;
    const value = fromRaw(csv.fieldText(buf, j), this.kind);
    if (this.seen.size < REMEMBERED)
      this.seen.set(h, { bytes: Buffer.from(buf.subarray(at, at + len)), value });
    return value;
  }
}

/** The integer written as plain digits (an optional `-`) in buf[at, at+len), or undefined. */
function digits(buf: Buffer, at: number, len: number): number | undefined {
  let k = at;
  const end = at + len;
  const negative = buf[k] === 0x2d;
  if (negative && ++k === end) return undefined;
  let n = 0;
  for (; k < end; k++) {
    const d = buf[k] - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}
