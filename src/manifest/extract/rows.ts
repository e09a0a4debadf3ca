// Row-level tests used by the table detector.
import type { GridRow } from './grid.js';

const META_KEY = /^[A-Za-z][A-Za-z0-9 ()/&'.-]{0,40}:$/;
const META_INLINE = /^([A-Za-z][A-Za-z ]{1,20}):\s+\S/;
const KNOWN_KEYS =
  /^(title|summary|period|source|basis|published|revised|status|contact|report for|date|last updated|publication date)$/i;
const FOOTNOTE =
  /^(\*|source\b|sources\b|notes?\b|©|copyright|footnotes?\b|\d{1,2}[.)]\s|\(\d+\)|data (likely|are|is)\b|please note|figures may|totals may|return to contents)/i;

export function isBlank(row: GridRow | undefined): boolean {
  return !row || row.cells.length === 0;
}

export function hasNumbers(row: GridRow): boolean {
  return row.cells.some((x) => x.kind === 'num' || x.kind === 'marker');
}

/** `Key:` + value rows (Title:, Period:, Primary Care Trust: ...). */
export function isMeta(row: GridRow): boolean {
  const cells = nearCells(row);
  const first = cells[0];
  if (first.kind !== 'text' || cells.length > 6) return false;
  if (META_KEY.test(first.text)) return cells.length > 1 || KNOWN_KEYS.test(first.text.slice(0, -1).trim());
  const m = META_INLINE.exec(first.text);
  return cells.length === 1 && !!m && KNOWN_KEYS.test(m[1].trim());
}

/** A row whose first cell holds other text than this is not a meta row (isMeta), whatever else it holds. */
export function mayStartMeta(text: string): boolean {
  return META_KEY.test(text) || META_INLINE.test(text);
}

/** The leading cells of a row up to the first wide gap (stray labels far to the right are dropped). */
export function nearCells(row: GridRow, gap = 2): GridRow['cells'] {
  let k = 1;
  while (k < row.cells.length && row.cells[k].c - row.cells[k - 1].c <= gap) k++;
  return row.cells.slice(0, k);
}

/** Footnote / source / copyright lines that end a table. */
export function isFootnote(row: GridRow): boolean {
  const texts = row.cells.filter((x) => x.kind === 'text');
  if (texts.length !== row.cells.length || texts.length > 2) return false;
  const t = texts[0].text;
  return FOOTNOTE.test(t) || t.length > 100;
}

export function rowText(row: GridRow, minC = 0, maxC = Infinity): string {
  return row.cells
    .filter((x) => x.c >= minC && x.c <= maxC)
    .map((x) => x.text)
    .join(' ')
    .trim();
}

/** "Total", "Grand total", "TOTAL:" as a whole cell. */
export const TOTAL = /^\s*(grand\s+)?totals?:?\s*$/i;

/** A cell naming its row a total row, when it is one of the row's first TOTAL_LEAD cells. */
export const isTotalCell = (x: { kind: string; text: string }): boolean =>
  x.kind === 'text' && TOTAL.test(x.text);
/** Leading cells of a row that may name it a total row. */
export const TOTAL_LEAD = 3;

/** A total row names itself in one of its leading label cells. */
export function isTotalRow(row: GridRow): boolean {
  return row.cells.slice(0, TOTAL_LEAD).some(isTotalCell);
}

/** Footnote lines by their wording only (used below a table, where long titles of the next table also sit). */
export function isFootnoteText(row: GridRow): boolean {
  const texts = row.cells.filter((x) => x.kind === 'text');
  return (
    texts.length === row.cells.length &&
    texts.length <= 2 &&
    FOOTNOTE.test(texts[0].text) &&
    !/^table\b/i.test(texts[0].text)
  );
}

export function noteLike(text: string): boolean {
  return FOOTNOTE.test(text);
}
