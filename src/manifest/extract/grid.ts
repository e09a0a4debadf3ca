// A worksheet bounded by its real cells: ghost used ranges (to column XFD) cost nothing.
import * as XLSX from 'xlsx';
import type { SheetCell } from './types.js';
import { parseNumberText, serialToIso } from './types.js';
import { markerOf } from './markers.js';

export type Kind = 'text' | 'num' | 'date' | 'marker';

export interface GridCell {
  c: number;
  cell: SheetCell;
  /** cleaned display text (dates as ISO) */
  text: string;
  kind: Kind;
}

export interface GridRow {
  /** 0-based sheet row */
  r: number;
  cells: GridCell[];
}

export interface Merge {
  s: { r: number; c: number };
  e: { r: number; c: number };
}

export interface Grid {
  rows: GridRow[];
  merges: Merge[];
}

/** Days between the 1900 and the 1904 date systems' day 0. */
export const DAYS_1904 = 1462;

export const DATE_TEXT = /[A-Za-z]{3}|^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}/;

function isDateCell(cell: XLSX.CellObject): boolean {
  if (cell.t !== 'n') return false;
  if (cell.t === 'n' && typeof cell.z === 'string' && XLSX.SSF.is_date(cell.z)) return true;
  const w = cell.w;
  return (
    typeof w === 'string' &&
    DATE_TEXT.test(w) &&
    !/[%£$]/.test(w) &&
    !/E[+-]\d/.test(w) &&
    (cell.v as number) > 0
  );
}

/** `date1904`: the workbook counts days from 1904 (a date's number is 1,462 less than in the 1900 system). */
function toCell(x: XLSX.CellObject | undefined, date1904 = false): SheetCell | undefined {
  if (!x || x.v === undefined || x.v === null) return undefined;
  if (x.t === 's' || x.t === 'd') {
    const v = String(x.t === 'd' ? (x.v as Date).toISOString().slice(0, 10) : x.v);
    return v.trim() === '' ? undefined : { t: 's', v };
  }
  if (x.t === 'n') {
    // a percent number format (SheetJS keeps it in z, or shows it in the formatted text w)
    const pct =
      (typeof x.z === 'string' && x.z.includes('%')) || (typeof x.w === 'string' && /%\s*$/.test(x.w))
        ? true
        : undefined;
    const date = isDateCell(x);
    const v = (x.v as number) + (date && date1904 ? DAYS_1904 : 0);
    return { t: 'n', v, date: date || undefined, ...(pct ? { pct } : {}) };
  }
  if (x.t === 'b') return { t: 'b', v: x.v as boolean };
  if (x.t === 'e') return { t: 'e', v: String(x.w ?? '#ERR'), w: x.w };
  return undefined;
}

export function cleanText(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function describeCell(cell: SheetCell): { text: string; kind: Kind } {
  if (cell.t === 'n') {
    const n = cell.v as number;
    if (cell.date) return { text: serialToIso(n) ?? String(n), kind: 'date' };
    return { text: String(n), kind: 'num' };
  }
  if (cell.t === 'e') return { text: String(cell.v), kind: 'marker' };
  if (cell.t === 'b') return { text: String(cell.v), kind: 'text' };
  const text = cleanText(String(cell.v));
  if (markerOf(text) !== undefined) return { text, kind: 'marker' };
  if (parseNumberText(text) !== undefined) return { text, kind: 'num' };
  return { text, kind: 'text' };
}

/** Read a dense SheetJS worksheet into rows of real cells. */
export function readGrid(ws: XLSX.WorkSheet, date1904 = false): Grid {
  const data = (ws['!data'] ?? []) as (XLSX.CellObject[] | undefined)[];
  const rows: GridRow[] = [];
  for (let r = 0; r < data.length; r++) {
    const row = data[r];
    if (!row) continue;
    const cells: GridCell[] = [];
    for (let c = 0; c < row.length; c++) {
      const cell = toCell(row[c], date1904);
      if (!cell) continue;
      cells.push({ c, cell, ...describeCell(cell) });
    }
    if (cells.length) rows.push({ r, cells });
  }
  return { rows, merges: (ws['!merges'] ?? []) as Merge[] };
}
