// The big table of a streamed sheet: its rows read again from the sheet part on demand, typed as they pass
// (starting from the head's types, widened as a CSV's are: integer -> numeric -> text, never failed), in batches
// the loader pulls (back-pressure); the spec's types, markers, flags and totals are settled at the end.
import type { CellValue, RowBatch, TableSource, TableSpec } from '../../model.js';
import type { GridCell } from './grid.js';
import { isTotalRow } from './rows.js';
import { noteMarkers } from './describe.js';
import { parseCell, type Parsed } from './types.js';
import { TypedRows } from './typed-rows.js';
import { partText, type SheetPart, type XlsxParts } from './xlsx-parts.js';
import { scanSheet } from './xlsx-rows.js';
import type { ExtractLimits } from './caps.js';
import { HeapGuard } from './collect.js';

export interface StreamedTable {
  parts: XlsxParts;
  sheet: SheetPart;
  limits: ExtractLimits;
  /** 0-based sheet rows: data rows are those after `after` up to `last` */
  after: number;
  last: number;
  /** sheet columns of the table, in order (the columns kept), and the piece's bounds */
  cols: number[];
  minC: number;
  maxC: number;
}

/** Rows per batch of a streamed sheet, whatever the loader asks (its default is 50,000). A sheet's row is a
 * dozen objects; a batch that big outlives V8's young generation, so every row of it is promoted and the old
 * generation grows to several times the live heap before it is collected. 5,000 kept the 200,000-row bench
 * workbook at ~360 MB summed (50,000: ~450 MB) at the same speed (docs/benchmarks.md). */
export const STREAM_BATCH_ROWS = 5_000;

export function streamedSource(spec: TableSpec, sample: CellValue[][], t: StreamedTable): TableSource {
  return { spec, sample, batches: (n: number) => streamRows(spec, t, Math.min(n, STREAM_BATCH_ROWS)) };
}

async function* streamRows(spec: TableSpec, t: StreamedTable, batchRows: number): AsyncGenerator<RowBatch> {
  const typed = new TypedRows(
    spec.columns.map((c) => c.type),
    batchRows,
  );
  const width = t.cols.length;
  const caches = t.cols.map(() => new Map<string | number, Parsed>());
  const at = new Array<GridCell | undefined>(t.maxC + 1);
  const scan = scanSheet(partText(t.parts.path, t.sheet.member, t.limits), t.parts);
  // a long load's main heap is collected near what is alive, not at V8's ~4x (collect.ts)
  const guard = new HeapGuard();
  for await (const got of scan.rows) {
    for (const row of got) {
      if (row.r <= t.after) continue;
      if (row.r > t.last) break;
      const inside = row.cells.filter((x) => x.c >= t.minC && x.c <= t.maxC);
      if (inside.length === 0) continue;
      at.fill(undefined);
      for (const x of inside) at[x.c] = x;
      typed.begin();
      for (let j = 0; j < width; j++) {
        const x = at[t.cols[j]];
        if (x === undefined) continue;
        const cell = x.cell;
        if (cell.t === 'n' && !cell.date && typed.number(j, cell.v as number)) continue;
        typed.cell(j, parsed(x, caches[j]));
      }
      const full = typed.end(row.r + 1, isTotalRow({ r: row.r, cells: inside }));
      if (!full) continue;
      guard.check();
      yield full;
    }
    if (got.length && got[got.length - 1].r > t.last) break;
  }
  const last = typed.rest();
  if (last) yield last;
  typed.settle(spec);
  spec.columns.forEach((c) => noteMarkers(c));
}

/** Strings and dates repeat down a column: each distinct one parsed once (as typeColumn and the CSV stream do). */
function parsed(x: GridCell, cache: Map<string | number, Parsed>): Parsed {
  const cell = x.cell;
  if (cell.t !== 's' && !(cell.t === 'n' && cell.date)) return parseCell(cell);
  const s = cell.v as string | number;
  let p = cache.get(s);
  if (p === undefined) {
    p = parseCell(cell);
    if (cache.size < 50_000) cache.set(s, p);
  }
  return p;
}
