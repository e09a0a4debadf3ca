// Cell parsing and per-column type inference.
import type { CellValue, ColumnType } from '../../model.js';
import { markerOf } from './markers.js';

/** A spreadsheet cell as read from SheetJS (t: s string, n number, b boolean, e error). */
export interface SheetCell {
  t: 's' | 'n' | 'b' | 'e';
  v: string | number | boolean;
  /** number cell carrying a date number format */
  date?: boolean;
  /** formatted text (used for error cells) */
  w?: string;
}

/** CSV cells are plain strings; sheet cells are SheetCell; empty is undefined. */
export type RawCell = string | SheetCell | undefined;

export type Parsed =
  | { k: 'null'; marker?: string }
  | { k: 'num'; n: number; date?: string; text: string }
  | { k: 'date'; iso: string; text: string; serial?: number }
  | { k: 'text'; text: string };

const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

function iso(y: number, m: number, d: number): string | undefined {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1) return undefined;
  return t.toISOString().slice(0, 10);
}

/** Excel serial day number (1900 system) to ISO date. */
export function serialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return undefined;
  const ms = Math.round((Math.floor(serial) - 25569) * 86400000);
  const s = new Date(ms).toISOString().slice(0, 10);
  return s >= '1900-01-01' ? s : undefined;
}

/** yyyymmdd integer-like text to ISO date, when it is a valid date. */
function compactDate(s: string): string | undefined {
  if (!/^(19|20)\d{6}$/.test(s)) return undefined;
  return iso(+s.slice(0, 4), +s.slice(4, 6), +s.slice(6, 8));
}

/** Recognise the date spellings NHS files use. Returns ISO or undefined. */
export function parseDateText(s: string): string | undefined {
  let m = /^(\d{1,2})([A-Za-z]{3})(\d{4})$/.exec(s);
  if (m && MONTHS[m[2].toUpperCase()]) return iso(+m[3], MONTHS[m[2].toUpperCase()], +m[1]);
  m = /^([A-Za-z]{3})[- ]?(\d{4})$/.exec(s);
  if (m && MONTHS[m[1].toUpperCase()]) return iso(+m[2], MONTHS[m[1].toUpperCase()], 1);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return iso(+m[3], +m[2], +m[1]);
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/.exec(s);
  if (m) return iso(+m[1], +m[2], +m[3]);
  return undefined;
}

const NUM_TEXT = /^([+-]?)\s*£?\s*(\d{1,3}(?:,\d{3})+|\d*)(\.\d+)?\s*%?(?:\s+[rp])?$/i;
const PLAIN_NUM = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** Numbers stored as text: `£482,400`, `+2.7%`, `1,234`, `-50`. Codes with leading zeros stay text. */
export function parseNumberText(s: string): number | undefined {
  if (!/\d/.test(s) || s.length > 40) return undefined;
  if (/^[+-]?0\d/.test(s)) return undefined;
  if (PLAIN_NUM.test(s)) {
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  }
  const m = NUM_TEXT.exec(s);
  if (!m || (!m[2] && !m[3])) return undefined;
  const n = Number(m[1] + m[2].replace(/,/g, '') + (m[3] ?? ''));
  return Number.isFinite(n) ? n : undefined;
}

export function parseText(s: string): Parsed {
  const text = s.trim();
  if (text === '') return { k: 'null' };
  const marker = markerOf(text);
  if (marker !== undefined) return { k: 'null', marker };
  // every number and date spelling holds a digit: plain words skip the parsers
  if (!/\d/.test(text)) return { k: 'text', text };
  const n = parseNumberText(text);
  if (n !== undefined) return { k: 'num', n, text, date: compactDate(text) };
  const d = parseDateText(text);
  if (d) return { k: 'date', iso: d, text };
  return { k: 'text', text };
}

export function parseCell(raw: RawCell): Parsed {
  if (raw === undefined) return { k: 'null' };
  if (typeof raw === 'string') return parseText(raw);
  switch (raw.t) {
    case 's':
      return parseText(String(raw.v));
    case 'n': {
      const n = raw.v as number;
      if (raw.date) {
        const d = serialToIso(n);
        if (d) return { k: 'date', iso: d, text: d, serial: n };
      }
      const text = String(n);
      return { k: 'num', n, text, date: Number.isInteger(n) ? compactDate(text) : undefined };
    }
    case 'b':
      return { k: 'text', text: raw.v ? 'true' : 'false' };
    default:
      return { k: 'null', marker: raw.w || '#ERR' };
  }
}

export interface ColumnResult {
  type: ColumnType;
  values: CellValue[];
  markers?: Record<string, number>;
}

/** Infer one column's type from all its cells and convert them. */
export function typeColumn(cells: RawCell[]): ColumnResult {
  let nonNull = 0,
    nums = 0,
    ints = 0,
    dates = 0,
    serialDates = 0,
    compact = 0;
  const markers: Record<string, number> = {};
  let nMarkers = 0;
  // long-format files repeat the same few strings in a column: parse each distinct string once
  const cache = new Map<string, Parsed>();
  const parsed = cells.map((raw) => {
    if (typeof raw !== 'string') return parseCell(raw);
    let p = cache.get(raw);
    if (p === undefined) {
      p = parseText(raw);
      if (cache.size < 50_000) cache.set(raw, p);
    }
    return p;
  });
  for (const p of parsed) {
    if (p.k === 'null') {
      if (p.marker !== undefined) {
        markers[p.marker] = (markers[p.marker] ?? 0) + 1;
        nMarkers++;
      }
      continue;
    }
    nonNull++;
    if (p.k === 'num') {
      nums++;
      if (Number.isSafeInteger(p.n)) ints++;
      if (p.date) compact++;
    } else if (p.k === 'date') {
      dates++;
      if (p.serial !== undefined) serialDates++;
    }
  }
  let type: ColumnType = 'text';
  if (nonNull === 0) type = 'text';
  else if (dates === nonNull) type = 'date';
  else if (compact === nonNull) type = 'date';
  else if (nums + serialDates === nonNull && nums > 0)
    type = ints === nums && serialDates === 0 ? 'integer' : 'numeric';
  else if (nums === nonNull) type = ints === nums ? 'integer' : 'numeric';
  const values: CellValue[] = parsed.map((p) => cellValue(p, type));
  return { type, values, markers: nMarkers ? markers : undefined };
}

/** The narrowest type >= `t` that holds `p` (types only widen: integer -> numeric -> text, date -> text). */
export function fitType(t: ColumnType, p: Parsed): ColumnType {
  if (p.k === 'null' || t === 'text') return t;
  if (p.k === 'text') return 'text';
  if (p.k === 'num') {
    if (t === 'date') return p.date ? 'date' : 'text';
    return t === 'integer' && !Number.isSafeInteger(p.n) ? 'numeric' : t;
  }
  if (t === 'date') return 'date';
  return p.serial !== undefined ? 'numeric' : 'text';
}

/** The value a parsed cell loads as in a column of type `t` (the same rule `typeColumn` applies). */
export function cellValue(p: Parsed, t: ColumnType): CellValue {
  switch (p.k) {
    case 'null':
      return null;
    case 'num':
      if (t === 'integer' || t === 'numeric') return p.n;
      if (t === 'date') return p.date ?? null;
      return p.text;
    case 'date':
      if (t === 'date') return p.iso;
      if ((t === 'numeric' || t === 'integer') && p.serial !== undefined) return p.serial;
      return p.text;
    default:
      return p.text;
  }
}
