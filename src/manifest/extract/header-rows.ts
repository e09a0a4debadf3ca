// Which rows are headers: the one rule, for sheets (a header row is text and dates only, may have upper levels
// directly above or below it, and is followed by data within three rows) and for CSV files (a first record is a
// header unless it holds numbers or dates, or is mostly empty).
import type { GridRow } from './grid.js';
import { hasNumbers, isFootnote, isMeta } from './rows.js';
import { parseDateText, parseNumberText } from './types.js';

/** Header-like: text and date cells only (no plain numbers, no suppression markers). */
export function headerLike(row: GridRow): boolean {
  return (
    row.cells.length > 0 &&
    row.cells.every((x) => x.kind === 'text' || x.kind === 'date') &&
    row.cells.some((x) => x.kind === 'date' || /[A-Za-z]/.test(x.text))
  );
}

/** A first row is a header unless it holds numbers or dates, or is mostly empty. */
export function looksLikeHeader(row: string[]): boolean {
  const filled = row.filter((v) => v.trim() !== '');
  if (filled.length * 2 < row.length) return false;
  return filled.every(
    (v) => parseNumberText(v.trim()) === undefined && parseDateText(v.trim()) === undefined,
  );
}

export function span(rows: GridRow[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const row of rows) {
    lo = Math.min(lo, row.cells[0].c);
    hi = Math.max(hi, row.cells[row.cells.length - 1].c);
  }
  return [lo, hi];
}

// b directly under a is a further header row (a is an upper level: sparse, merged or dates)
function extendsHeader(a: GridRow, b: GridRow | undefined, hmerge: Set<number>): boolean {
  if (!b || b.r !== a.r + 1 || !headerLike(b) || isMeta(b)) return false;
  if (a.cells.some((x) => x.kind === 'date') || hmerge.has(a.r)) return true;
  return b.cells.length > a.cells.length + 1 || a.cells[0].c > b.cells[0].c;
}
function dataFor(h: GridRow, d: GridRow | undefined): boolean {
  if (!d || d.r - h.r > 3 || isMeta(d) || isFootnote(d)) return false;
  const [lo, hi] = span([h]);
  if (d.cells[d.cells.length - 1].c < lo || d.cells[0].c > hi + 2) return false;
  if (hasNumbers(d) || d.cells.some((x) => x.kind === 'date')) return true;
  return d.cells.length >= 2 && d.cells.length <= h.cells.length + 1;
}
/** index of the main header row when a table starts at i, else -1 */
export function mainHeaderRow(rows: GridRow[], i: number, hmerge: Set<number>): number {
  const row = rows[i];
  if (!headerLike(row) || isMeta(row) || row.cells.length < 2) return -1;
  if (row.cells.every((x) => x.text.length > 60)) return -1;
  let k = i;
  while (k - i < 4 && extendsHeader(rows[k], rows[k + 1], hmerge)) k++;
  return dataFor(rows[k], rows[k + 1]) ? k : -1;
}
