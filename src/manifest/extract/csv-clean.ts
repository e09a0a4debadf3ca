// When may PostgreSQL parse a CSV itself? When the head shows that its own reading of every value equals ours:
// one width, no blank lines, no markers, trimmed text, and numbers and dates written the way PostgreSQL reads
// them. A later value that breaks this makes COPY fail, and the loader replays the file through JavaScript.
import type { ColumnType } from '../../model.js';
import type { DecodeInfo } from './decode.js';

const INTEGER = /^-?\d{1,18}$/;
const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$/;
/** ISO `2024-01-31` and `31JAN2024` (read the same by PostgreSQL whatever its DateStyle) */
const DATE = /^(?:\d{4}-\d{2}-\d{2}|\d{2}[A-Za-z]{3}\d{4})$/;

export interface CleanHeadInput {
  head: { blankLines: number; info: DecodeInfo };
  /** the head's data records (header excluded) */
  data: string[][];
  width: number;
  types: ColumnType[];
  headerless: boolean;
  markers: boolean;
}

function valueIsClean(v: string, t: ColumnType): boolean {
  if (v === '') return true; // unquoted or quoted empty: NULL (FORCE_NULL) either way
  switch (t) {
    case 'integer':
      return INTEGER.test(v);
    case 'numeric':
      return NUMERIC.test(v);
    case 'date':
      return DATE.test(v);
    default:
      return v.charCodeAt(0) > 32 && v.charCodeAt(v.length - 1) > 32 && !v.includes('\u0000');
  }
}

export function isCleanHead(x: CleanHeadInput): boolean {
  if (x.width < 2 || x.head.blankLines > 0 || x.markers) return false;
  if (x.head.info.encoding !== 'utf-8' && x.head.info.encoding !== 'windows-1252') return false;
  for (const rec of x.data) {
    if (rec.length !== x.width) return false;
    for (let j = 0; j < x.width; j++) if (!valueIsClean(rec[j], x.types[j])) return false;
  }
  return true;
}
