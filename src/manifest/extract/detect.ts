// Find every table on a sheet: header rows, data rows, columns, the text above and the notes below.
import type { Grid, GridCell, GridRow, Merge } from './grid.js';
import { hasNumbers, isFootnote, isFootnoteText, isMeta, noteLike, rowText } from './rows.js';
import { headerLike, mainHeaderRow, span } from './header-rows.js';

export interface MetaEntry {
  r: number;
  c: number;
  key: string;
  value: string;
}

export interface Block {
  /** header rows, top to bottom; the last one is the main header row */
  headerRows: GridRow[];
  dataRows: GridRow[];
  /** text rows between the previous table and this one (titles, notes) */
  texts: GridRow[];
  meta: MetaEntry[];
  /** footnotes found right after the data */
  footnotes: string[];
  minC: number;
  maxC: number;
}

function horizontalMergeRows(merges: Merge[]): Set<number> {
  const s = new Set<number>();
  for (const m of merges) if (m.e.c > m.s.c) s.add(m.s.r);
  return s;
}

export function parseMeta(row: GridRow): MetaEntry[] {
  const out: MetaEntry[] = [];
  let cur: MetaEntry | undefined;
  let last = -1;
  for (const x of row.cells) {
    if (cur && x.c - last > 2) cur = undefined;
    last = x.c;
    if (x.kind === 'text' && /:$/.test(x.text) && x.text.length <= 42) {
      cur = { r: row.r, c: x.c, key: x.text.slice(0, -1).trim(), value: '' };
      out.push(cur);
    } else if (cur) {
      cur.value = cur.value ? `${cur.value} ${x.text}` : x.text;
    } else {
      const m = /^([^:]{1,30}):\s+(.*)$/.exec(x.text);
      if (m) out.push((cur = { r: row.r, c: x.c, key: m[1].trim(), value: m[2].trim() }));
    }
  }
  return out;
}

/** A lone text cell that is one more value of a column already filled with short text (a list of codes under a
 * label, one per row: `00V`, `00W`, ... below a row naming the group), not a title or a note below the table: it
 * sits right of the table's first column, is short and holds no note wording. */
function continuesColumn(cell: GridCell, dataRows: GridRow[], lo: number): boolean {
  if (cell.c <= lo || cell.text.length > 40 || noteLike(cell.text)) return false;
  let filled = 0;
  for (const row of dataRows)
    if (row.cells.some((x) => x.c === cell.c && x.kind === 'text' && x.text.length <= 40)) filled++;
  return filled >= 2 && filled * 2 >= dataRows.length;
}

/** Upper header levels sitting directly above the header (group labels such as "Mean" over value columns)
 * move from the pending texts to the front of `headerRows`. */
function takeUpperHeaders(texts: GridRow[], headerRows: GridRow[]): void {
  while (texts.length) {
    const up = texts[texts.length - 1];
    const top = headerRows[0];
    if (up.r !== top.r - 1 || !headerLike(up) || up.cells.some((x) => x.text.length > 80 || noteLike(x.text)))
      break;
    if (up.cells.length < 2 && up.cells[0].c <= headerRows[headerRows.length - 1].cells[0].c) break;
    headerRows.unshift(texts.pop()!);
  }
}

/** The data rows under the header row `main`: up to a note, a new header, a title or a gap that ends the
 * table. Returns them, the index after the last, and the columns they span. */
function scanDataRows(
  rows: GridRow[],
  main: number,
  [lo, hi]: [number, number],
  headerStart: (i: number) => number,
): { dataRows: GridRow[]; end: number; lo: number; hi: number } {
  const mainRow = rows[main];
  const mainText = rowText(mainRow);
  const dataRows: GridRow[] = [];
  const numericCols = new Set<number>();
  let j = main + 1;
  let multi = 0;
  for (; j < rows.length; j++) {
    const d = rows[j];
    const prev = dataRows.length ? dataRows[dataRows.length - 1] : mainRow;
    const gap = d.r - prev.r - 1;
    if (isMeta(d) || isFootnote(d)) break;
    if (d.cells[d.cells.length - 1].c < lo || d.cells[0].c > hi + 2) break;
    // a lone text cell after rows of several cells is a title or a note, unless it continues a column
    const lone = d.cells.length === 1 && d.cells[0].kind === 'text';
    const more = lone && dataRows.length > 0 && continuesColumn(d.cells[0], dataRows, lo);
    if (lone && !more && dataRows.length && multi / dataRows.length >= 0.8) break;
    if (headerLike(d) && (gap > 0 || d.cells.some((x) => numericCols.has(x.c))) && headerStart(j) >= 0) break;
    if (gap > 0 && rowText(d) === mainText) break;
    if (gap > 0 && headerLike(d) && d.cells.some((x) => numericCols.has(x.c))) break;
    if (gap > 1 && numericCols.size === 0) break;
    dataRows.push(d);
    if (d.cells.length > 1 || more) multi++;
    for (const x of d.cells) if (x.kind === 'num') numericCols.add(x.c);
    lo = Math.min(lo, d.cells[0].c);
    hi = Math.max(hi, d.cells[d.cells.length - 1].c);
  }
  return { dataRows, end: j, lo, hi };
}

/** Detect the tables of one sheet. */
export function detectTables(grid: Grid): Block[] {
  const rows = grid.rows;
  const hmerge = horizontalMergeRows(grid.merges);
  const blocks: Block[] = [];
  let texts: GridRow[] = [];
  let meta: MetaEntry[] = [];

  const headerStart = (i: number): number => mainHeaderRow(rows, i, hmerge);

  const seenHeaders = new Set<string>();
  let i = 0;
  while (i < rows.length) {
    const row = rows[i];
    if (isMeta(row)) {
      meta.push(...parseMeta(row));
      i++;
      continue;
    }
    const main = headerStart(i);
    if (main < 0) {
      texts.push(row);
      i++;
      continue;
    }
    const headerRows = rows.slice(i, main + 1);
    takeUpperHeaders(texts, headerRows);
    const mainText = rowText(rows[main]);
    const { dataRows, end, lo, hi } = scanDataRows(rows, main, span(headerRows), headerStart);
    let j = end;
    if (dataRows.length < 2 && j < rows.length && !seenHeaders.has(mainText)) {
      // a one-row "table" squeezed between titles is part of a title block
      texts.push(...rows.slice(i, j));
      i = j;
      continue;
    }
    seenHeaders.add(mainText);
    const block: Block = { headerRows, dataRows, texts, meta, footnotes: [], minC: lo, maxC: hi };
    blocks.push(block);
    texts = [];
    meta = [];
    // footnotes right below the table belong to it
    while (j < rows.length && isFootnoteText(rows[j]) && !isMeta(rows[j])) {
      block.footnotes.push(rowText(rows[j]));
      j++;
    }
    i = j;
  }
  if (blocks.length && (texts.length || meta.length)) {
    const last = blocks[blocks.length - 1];
    last.footnotes.push(...texts.map((t) => rowText(t)), ...meta.map((m) => `${m.key}: ${m.value}`));
  }
  return blocks;
}

/** Leftover text when a sheet holds no table (cover sheets, notes). */
export function sheetText(grid: Grid, maxChars = 100_000): string {
  const lines: string[] = [];
  let n = 0;
  for (const row of grid.rows) {
    const seen = new Set<string>();
    const parts: string[] = [];
    for (const x of row.cells) {
      if (seen.has(x.text)) continue;
      seen.add(x.text);
      parts.push(x.text);
    }
    const line = parts.join('\t');
    n += line.length + 1;
    if (n > maxChars) break;
    lines.push(line);
  }
  return lines.join('\n');
}

/** A sheet with numbers but no recognisable header: all its rows as one headerless table. */
export function headerlessBlock(grid: Grid): Block | undefined {
  const data = grid.rows.filter((r) => !isMeta(r));
  if (data.filter((r) => hasNumbers(r) || r.cells.some((x) => x.kind === 'date')).length < 2)
    return undefined;
  const [lo, hi] = span(data);
  return { headerRows: [], dataRows: data, texts: [], meta: [], footnotes: [], minC: lo, maxC: hi };
}
