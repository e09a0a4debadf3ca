// Column headers of a detected block: merged and multi-row headers joined level by level.
import type { Grid, GridCell, GridRow } from './grid.js';
import type { Block } from './detect.js';
import { noteLike } from './rows.js';

export interface Piece {
  block: Block;
  cols: number[];
  /** header text per column (levels joined with " | "), '' when none */
  headers: string[];
  minC: number;
  maxC: number;
  /** a lone unmerged label above the header ("Mean", "Median"): it qualifies the whole table, not the columns
   * right of it */
  qualifier?: string;
}

function levelsFor(block: Block, grid: Grid, cols: number[]): { levels: string[][]; qualifier?: string } {
  const hr = block.headerRows;
  if (hr.length === 0) return { levels: cols.map(() => []) };
  const top = hr[0].r,
    bottom = hr[hr.length - 1].r;
  const at = new Map<number, Map<number, GridCell>>();
  for (const row of hr) at.set(row.r, new Map(row.cells.map((x) => [x.c, x])));
  const text = (r: number, c: number): string => {
    const t = at.get(r)?.get(c)?.text ?? '';
    return t.length > 100 || noteLike(t) ? '' : t;
  };
  const filled = new Map<number, Map<number, string>>();
  for (const row of hr) filled.set(row.r, new Map());
  const mergedRows = new Set<number>();
  for (const m of grid.merges) {
    if (m.e.r < top || m.s.r > bottom || !at.has(m.s.r)) continue;
    const t = text(m.s.r, m.s.c);
    if (!t) continue;
    if (m.e.c > m.s.c) mergedRows.add(m.s.r);
    for (let r = Math.max(m.s.r, top); r <= Math.min(m.e.r, bottom); r++)
      for (let c = m.s.c; c <= m.e.c; c++) filled.get(r)?.set(c, t);
  }
  const main = hr[hr.length - 1];
  const mainCols = new Set(main.cells.map((x) => x.c));
  // a lone unmerged label in an upper row (not above the first column) qualifies the table
  let qualifier: string | undefined;
  const lone = new Set<number>();
  for (const row of hr.slice(0, -1)) {
    if (mergedRows.has(row.r) || row.cells.length !== 1 || row.cells[0].c <= main.cells[0].c) continue;
    if (!text(row.r, row.cells[0].c) || main.cells.length < 3) continue;
    lone.add(row.r);
    qualifier ??= text(row.r, row.cells[0].c);
  }
  // sparse upper rows without merges: a group label runs right until the next label
  for (const row of hr.slice(0, -1)) {
    if (lone.has(row.r) || mergedRows.has(row.r) || row.cells.length * 2 > main.cells.length) continue;
    const f = filled.get(row.r)!;
    row.cells.forEach((x, k) => {
      const stop = k + 1 < row.cells.length ? row.cells[k + 1].c : Infinity;
      for (let c = x.c + 1; c < stop && mainCols.has(c); c++) if (!f.has(c)) f.set(c, x.text);
    });
  }
  // a lone label above the first header column ("England Level Data") is a section title, not a header level
  const firstCol = main.cells[0].c;
  const skip = (r: number, c: number) =>
    r !== main.r && c === firstCol && !filled.get(r)!.has(c) && !!text(main.r, c);
  const levels = cols.map((c) => {
    const levels: string[] = [];
    for (const row of hr) {
      if (skip(row.r, c) || lone.has(row.r)) continue;
      const t = text(row.r, c) || filled.get(row.r)!.get(c) || '';
      if (t && levels[levels.length - 1] !== t) levels.push(t);
    }
    return levels;
  });
  return { levels, qualifier };
}

function colsOf(block: Block): number[] {
  const s = new Set<number>();
  const add = (row: GridRow) => {
    for (const x of row.cells) if (x.c >= block.minC && x.c <= block.maxC) s.add(x.c);
  };
  block.headerRows.forEach(add);
  block.dataRows.forEach(add);
  return [...s].sort((a, b) => a - b);
}

/** Split a block into side-by-side pieces at blank columns that start a new label column. */
export function piecesOf(block: Block, grid: Grid, previous: Piece[]): Piece[] {
  const cols = colsOf(block);
  const { levels, qualifier } = levelsFor(block, grid, cols);
  const headers = levels.map((l) => l.join(' | '));
  // borrow headers for columns the block leaves unlabelled from the table above (stacked region/ICB/trust blocks)
  const prev = previous[previous.length - 1];
  if (prev) {
    const prevAt = new Map(prev.cols.map((c, k) => [c, prev.headers[k]]));
    cols.forEach((c, k) => {
      if (!headers[k] && prevAt.get(c)) headers[k] = prevAt.get(c)!;
    });
  }
  const dataAt = (c: number) => {
    let text = 0,
      n = 0;
    for (const row of block.dataRows)
      for (const x of row.cells)
        if (x.c === c) {
          n++;
          if (x.kind === 'text') text++;
        }
    return n > 0 && text * 2 >= n;
  };
  const mainCols = new Set((block.headerRows[block.headerRows.length - 1]?.cells ?? []).map((x) => x.c));
  const pieces: Piece[] = [];
  let start = 0;
  for (let k = 1; k < cols.length; k++) {
    if (cols[k] - cols[k - 1] < 2) continue;
    if (!mainCols.has(cols[k]) || !dataAt(cols[k]) || k - start < 2 || cols.length - k < 2) continue;
    pieces.push(slice(block, cols, headers, start, k));
    start = k;
  }
  pieces.push(slice(block, cols, headers, start, cols.length));
  if (qualifier) for (const p of pieces) p.qualifier = qualifier;
  return pieces;
}

function slice(block: Block, cols: number[], headers: string[], a: number, b: number): Piece {
  return { block, cols: cols.slice(a, b), headers: headers.slice(a, b), minC: cols[a], maxC: cols[b - 1] };
}
