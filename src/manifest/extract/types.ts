// Cell parsing and per-column type inference.
import type { CellValue, ColumnType, RowFlags } from '../../model.js';
import { markerOf } from './markers.js';
import { parseNumberish } from './numbers.js';

/** A spreadsheet cell as read from SheetJS (t: s string, n number, b boolean, e error). */
export interface SheetCell {
  t: 's' | 'n' | 'b' | 'e';
  v: string | number | boolean;
  /** number cell carrying a date number format */
  date?: boolean;
  /** number cell carrying a percent number format (its value is the fraction) */
  pct?: boolean;
  /** formatted text (used for error cells) */
  w?: string;
}

/** CSV cells are plain strings; sheet cells are SheetCell; empty is undefined. */
export type RawCell = string | SheetCell | undefined;

export type Parsed =
  /** marker: the cell's text (a symbol, censored value or null spelling); symbol: data in a text column */
  | { k: 'null'; marker?: string; symbol?: boolean }
  /** flagged: the text carries a flag (`12.3 p`, `£194,800 r`, `45 [e]`): the number loads, the text is kept */
  | { k: 'num'; n: number; date?: string; text: string; flagged?: boolean; unit?: Unit }
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
  const day = Math.floor(serial);
  // a column of dates repeats its days: each day's text made once
  const known = isoOfDay.get(day);
  if (known !== undefined) return known || undefined;
  const s = new Date(Math.round((day - 25569) * 86400000)).toISOString().slice(0, 10);
  const iso = s >= '1900-01-01' ? s : undefined;
  if (isoOfDay.size < 100_000) isoOfDay.set(day, iso ?? '');
  return iso;
}
const isoOfDay = new Map<number, string>();

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

/** Numbers stored as text: `£482,400`, `+2.7%` (0.027), `1,234`, `-50`, `12.3 p`. Codes with leading zeros
 * stay text. */
export function parseNumberText(s: string): number | undefined {
  return parseNumberish(s)?.n;
}

export function parseText(s: string): Parsed {
  const text = s.trim();
  if (text === '') return { k: 'null' };
  const marker = markerOf(text);
  if (marker !== undefined) return { k: 'null', marker: marker.text, symbol: marker.symbol || undefined };
  // every number and date spelling holds a digit: plain words skip the parsers
  if (!/\d/.test(text)) return { k: 'text', text };
  const num = parseNumberish(text);
  if (num !== undefined) {
    const unit: Unit | undefined = num.percent ? 'percent' : num.currency ? 'GBP' : undefined;
    return num.flagged || unit
      ? { k: 'num', n: num.n, text, ...(num.flagged ? { flagged: true } : {}), ...(unit ? { unit } : {}) }
      : { k: 'num', n: num.n, text, date: compactDate(text) };
  }
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
      if (raw.pct) return { k: 'num', n, text, unit: 'percent' };
      return { k: 'num', n, text, date: Number.isInteger(n) ? compactDate(text) : undefined };
    }
    case 'b':
      return { k: 'text', text: raw.v ? 'true' : 'false' };
    default:
      return { k: 'null', marker: raw.w || '#ERR' };
  }
}

/** How a number was written: with `%` (or a percent format: the value is the fraction), or with `£`. */
export type Unit = 'percent' | 'GBP';

export interface ColumnResult {
  type: ColumnType;
  values: CellValue[];
  markers?: Record<string, number>;
  /** row index -> the cell's own text, where the value loaded differs from it (see flagOf) */
  flags?: Map<number, string>;
  /** the unit most of the column's numbers were written with */
  unit?: Unit;
}

/** A text that names a thing rather than annotating a number: one short token, or one holding a digit
 * (`E38000001`, `0123`, `2019/20`, `0-4`, `Y`). A column holding one is not numeric. */
function codeLike(text: string): boolean {
  if (/\s/.test(text)) return false;
  return /\d/.test(text) || text.length <= 3;
}

interface Counts {
  nonNull: number;
  nums: number;
  ints: number;
  dates: number;
  serialDates: number;
  compact: number;
  codes: number;
  symbols: number;
}

function count(parsed: Parsed[]): Counts {
  const c: Counts = {
    nonNull: 0,
    nums: 0,
    ints: 0,
    dates: 0,
    serialDates: 0,
    compact: 0,
    codes: 0,
    symbols: 0,
  };
  for (const p of parsed) {
    if (p.k === 'null') {
      if (p.symbol) c.symbols++;
      continue;
    }
    c.nonNull++;
    if (p.k === 'num') {
      c.nums++;
      if (Number.isSafeInteger(p.n)) c.ints++;
      if (p.date) c.compact++;
    } else if (p.k === 'date') {
      c.dates++;
      if (p.serial !== undefined) c.serialDates++;
      else c.codes++;
    } else if (codeLike(p.text)) c.codes++;
  }
  return c;
}

/** The column rule: numeric when, symbols aside, most cells are numbers and the rest are annotations (never
 * codes); a column of symbols only is numeric too (a suppressed column in one edition, numbers in the next). */
function decide(c: Counts): ColumnType {
  const numType: ColumnType = c.ints === c.nums && c.serialDates === 0 ? 'integer' : 'numeric';
  if (c.nonNull === 0) return c.symbols > 0 ? 'integer' : 'text';
  if (c.dates === c.nonNull || c.compact === c.nonNull) return 'date';
  if (c.nums > 0 && c.nums + c.serialDates === c.nonNull) return numType;
  const annotations = c.nonNull - c.nums - c.serialDates;
  if (c.nums > 0 && c.codes === 0 && annotations < c.nums) return numType;
  return 'text';
}

/** Infer one column's type from all its cells and convert them. */
export function typeColumn(cells: RawCell[]): ColumnResult {
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
  const counts = count(parsed);
  const type = decide(counts);
  const markers: Record<string, number> = {};
  let nMarkers = 0;
  const flags = new Map<number, string>();
  const values: CellValue[] = parsed.map((p, i) => {
    const m = markerCounted(p, type);
    if (m !== undefined) {
      markers[m] = (markers[m] ?? 0) + 1;
      nMarkers++;
    }
    const f = flagOf(p, type);
    if (f !== undefined) flags.set(i, f);
    return cellValue(p, type);
  });
  const unit = isNumeric(type) ? unitOf(parsed, counts.nums) : undefined;
  return {
    type,
    values,
    ...(nMarkers ? { markers } : {}),
    ...(flags.size ? { flags } : {}),
    ...(unit ? { unit } : {}),
  };
}

function unitOf(parsed: Parsed[], nums: number): Unit | undefined {
  const n: Record<Unit, number> = { percent: 0, GBP: 0 };
  for (const p of parsed) if (p.k === 'num' && p.unit) n[p.unit]++;
  if (n.percent * 2 > nums) return 'percent';
  if (n.GBP * 2 > nums) return 'GBP';
  return undefined;
}

/** The marker a cell counts as in a column of type `t` (a symbol in a text column is data, not a marker). */
export function markerCounted(p: Parsed, t: ColumnType): string | undefined {
  if (p.k !== 'null' || p.marker === undefined) return undefined;
  return t === 'text' && p.symbol ? undefined : p.marker;
}

/** The narrowest type >= `t` that holds `p` (types only widen: integer -> numeric -> text, date -> text). A
 * numeric column never widens to text: a symbol, an annotation or a date there becomes a flag. */
export function fitType(t: ColumnType, p: Parsed): ColumnType {
  if (p.k === 'null' || t === 'text') return t;
  if (p.k === 'text') return t === 'date' ? 'text' : t;
  if (p.k === 'num') {
    if (t === 'date') return p.date ? 'date' : 'text';
    return t === 'integer' && !Number.isSafeInteger(p.n) ? 'numeric' : t;
  }
  if (t === 'date') return 'date';
  return p.serial !== undefined ? 'numeric' : t;
}

const isNumeric = (t: ColumnType) => t === 'integer' || t === 'numeric';

/** The value a parsed cell loads as in a column of type `t` (the same rule `typeColumn` applies). */
export function cellValue(p: Parsed, t: ColumnType): CellValue {
  switch (p.k) {
    case 'null':
      return t === 'text' && p.symbol ? p.marker! : null;
    case 'num':
      if (isNumeric(t)) return p.n;
      if (t === 'date') return p.date ?? null;
      return p.text;
    case 'date':
      if (t === 'date') return p.iso;
      if (isNumeric(t)) return p.serial ?? null;
      return p.text;
    default:
      return isNumeric(t) ? null : p.text;
  }
}

/** The cell's own text when the value it loads as in a column of type `t` is not all of it: a symbol, a
 * censored value or an annotation (loaded as NULL), a flagged number (loaded as its number). The loader keeps
 * these in the row's `_dw_flags`. */
export function flagOf(p: Parsed, t: ColumnType): string | undefined {
  if (t === 'text') return undefined;
  switch (p.k) {
    case 'null':
      return p.marker !== undefined && p.marker.toUpperCase() !== 'NULL' ? p.marker : undefined;
    case 'num':
      return p.flagged && isNumeric(t) ? p.text : undefined;
    case 'date':
      return isNumeric(t) && p.serial === undefined ? p.text : undefined;
    default:
      return isNumeric(t) ? p.text : undefined;
  }
}

/** Each row's flags keyed by column index in the row (`offset` columns come before the typed ones). */
export function rowFlags(typed: ColumnResult[], n: number, offset = 0): (RowFlags | null)[] | undefined {
  if (!typed.some((t) => t.flags)) return undefined;
  const out: (RowFlags | null)[] = new Array<RowFlags | null>(n).fill(null);
  typed.forEach((t, k) => {
    for (const [i, text] of t.flags ?? []) (out[i] ??= {})[k + offset] = text;
  });
  return out;
}
