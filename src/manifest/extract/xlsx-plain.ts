// Which rows after a streamed sheet's head plainly continue the table open at its end (xlsx-stream.ts's first
// pass): such a row is only counted, and the rows from the first that does not are kept and detected with the
// head. `plain` decides on the built row; `surelyPlain` on its cells' columns and kinds alone (xlsx-rows.ts
// shapeAt), for the common row, and is unsure of any other.
import type { GridRow } from './grid.js';
import { detectTables, type Block } from './detect.js';
import { headerLike } from './header-rows.js';
import { isFootnote, isMeta, mayStartMeta, rowText } from './rows.js';
import type { RowShape } from './xlsx-rows.js';

export interface Open {
  block: Block;
  lo: number;
  hi: number;
  numeric: Set<number>;
  mainText: string;
}

/** The table open at the end of the head, when the head's last row is one of its data rows. */
export function openTable(head: GridRow[]): Open | undefined {
  const blocks = detectTables({ rows: head, merges: [] });
  const block = blocks[blocks.length - 1];
  const last = head[head.length - 1];
  if (!block || block.dataRows[block.dataRows.length - 1] !== last) return undefined;
  const numeric = new Set<number>();
  for (const d of block.dataRows) for (const x of d.cells) if (x.kind === 'num') numeric.add(x.c);
  const main = block.headerRows[block.headerRows.length - 1];
  return { block, lo: block.minC, hi: block.maxC, numeric, mainText: main ? rowText(main) : '' };
}

/** A row the detector would take as one more data row of the open table, whatever follows. */
export function plain(row: GridRow, prevR: number, o: Open): boolean {
  const cells = row.cells;
  if (cells.length < 2 || cells[0].c < o.lo || cells[cells.length - 1].c > o.hi) return false;
  if (isMeta(row) || isFootnote(row)) return false;
  const gap = row.r - prevR - 1;
  // a text-only row (a name and a code, its numbers blank) is data unless a header could start there
  if (headerLike(row) && (gap > 0 || cells.some((x) => o.numeric.has(x.c)))) return false;
  if (gap > 0 && (rowText(row) === o.mainText || (gap > 1 && o.numeric.size === 0))) return false;
  return cells.every((x) => x.kind !== 'num' || o.numeric.has(x.c));
}

/**
 * What `plain` says of the row, told from its cells' columns and kinds alone (`shapeAt`), for the common row: the
 * next row, in the table's columns, its numbers in numeric columns, with a number or a marker (so neither a
 * footnote nor header-like) and a first cell that cannot open a meta row. False when unsure: the row is built
 * and `plain` decides.
 */
export function surelyPlain(sh: RowShape, r: number, prevR: number, o: Open): boolean {
  const n = sh.n;
  if (r !== prevR + 1 || n < 2 || sh.cols[0] < o.lo || sh.cols[n - 1] > o.hi) return false;
  let numbers = false;
  for (let k = 0; k < n; k++) {
    const kind = sh.kinds[k];
    if (kind === 'num') {
      if (!o.numeric.has(sh.cols[k])) return false;
      numbers = true;
    } else if (kind === 'marker') numbers = true;
  }
  return numbers && (sh.kinds[0] !== 'text' || !mayStartMeta(sh.text!));
}
