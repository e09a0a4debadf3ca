// The big table of a streamed sheet: its rows read again from the sheet part on demand, typed as they pass
// (starting from the head's types, widened as a CSV's are: integer -> numeric -> text, never failed), in batches
// the loader pulls (back-pressure); the spec's types, markers, flags and totals are settled at the end.
import type { CellValue, RowBatch, TableSource, TableSpec } from '../../model.js';
import { isTotalCell, TOTAL_LEAD } from './rows.js';
import { noteMarkers } from './describe.js';
import { parseCell, type Parsed, type SheetCell } from './types.js';
import { TypedRows } from './typed-rows.js';
import type { SheetPart, XlsxParts } from './xlsx-parts.js';
import { memberBytes } from './zip-read.js';
import { scanSheet, type RowText } from './xlsx-rows.js';
import {
  cellAt,
  cellOf,
  dated,
  nextCell,
  numberCell,
  numberOf,
  readCell,
  sharedOf,
  type CellAt,
} from './xlsx-cell.js';
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
  const caches = t.cols.map(() => new Map<string | number, Parsed>());
  // each sheet column of the piece: its column of the table, or -1 (a column the table does not keep)
  const slot = new Array<number>(t.maxC - t.minC + 1).fill(-1);
  t.cols.forEach((c, j) => (slot[c - t.minC] = j));
  const x = cellAt();
  const scan = scanSheet(memberBytes(t.parts.path, t.sheet.member.index, t.limits));
  // a long load's main heap is collected near what is alive, not at V8's ~4x (collect.ts)
  const guard = new HeapGuard();
  for await (const got of scan.rows) {
    const spans = got.spans;
    for (let i = 0; i < spans.length / 3; i++) {
      const r = spans[3 * i];
      if (r <= t.after) continue;
      if (r > t.last) break;
      const kind = typeRow(got, i, t, { typed, caches, slot, x });
      if (kind === NO_ROW) continue;
      const full = typed.end(r + 1, kind === TOTAL_ROW);
      if (!full) continue;
      guard.check();
      yield full;
    }
    if (spans[spans.length - 3] > t.last) break;
  }
  const last = typed.rest();
  if (last) yield last;
  typed.settle(spec);
  spec.columns.forEach((c) => noteMarkers(c));
}

const [NO_ROW, DATA_ROW, TOTAL_ROW] = [0, 1, 2];

interface Typing {
  typed: TypedRows;
  caches: Map<string | number, Parsed>[];
  slot: number[];
  x: CellAt;
}

/**
 * Row i of the chunk typed into the table's columns straight from the text, as the grid's cells of the row
 * would be (grid.ts): a plain number as itself, a shared string parsed once, a date once per column and value,
 * any other cell built as the grid builds it. A big sheet is millions of cells: building each (its text, its
 * description) only to type its number cost a third of the stream. NO_ROW when the row has no cell in the
 * piece's columns (the grid has no row of the table there); TOTAL_ROW when one of its first three is "Total".
 */
function typeRow(text: RowText, i: number, t: StreamedTable, { typed, caches, slot, x }: Typing): number {
  const xml = text.xml;
  const to = text.spans[3 * i + 2];
  const p = t.parts;
  let inside = 0;
  let total = false;
  let next = 0;
  typed.begin();
  for (let at = nextCell(xml, text.spans[3 * i + 1], to); at >= 0;) {
    const end = readCell(xml, at, next, x);
    next = x.c + 1;
    at = nextCell(xml, end, to);
    if (x.c < t.minC || x.c > t.maxC || x.close < 0) continue;
    const j = slot[x.c - t.minC];
    if (x.t === 'n') {
      const v = numberOf(xml, x);
      if (v === undefined) continue;
      inside++;
      if (j < 0) continue;
      if (!dated(v, x.s, p) && typed.number(j, v)) continue;
      typed.cell(j, parsed(numberCell(v, x.s, p), caches[j]));
      continue;
    }
    if (x.t === 's') {
      const known = sharedOf(xml, x, p);
      if (!known) continue;
      if (inside++ < TOTAL_LEAD && (known.total ??= isTotalCell(known))) total = true;
      // a shared string is parsed once, whatever its column
      if (j >= 0) typed.cell(j, (known.parsed ??= parseCell(known.cell)));
      continue;
    }
    const cell = cellOf(xml, x, p);
    if (!cell) continue;
    if (inside++ < TOTAL_LEAD && isTotalCell(cell)) total = true;
    if (j >= 0) typed.cell(j, parsed(cell.cell, caches[j]));
  }
  return inside === 0 ? NO_ROW : total ? TOTAL_ROW : DATA_ROW;
}

/** Strings and dates repeat down a column: each distinct one parsed once (as typeColumn and the CSV stream do). */
function parsed(cell: SheetCell, cache: Map<string | number, Parsed>): Parsed {
  if (cell.t !== 's' && !(cell.t === 'n' && cell.date)) return parseCell(cell);
  const s = cell.v as string | number;
  let p = cache.get(s);
  if (p === undefined) {
    p = parseCell(cell);
    if (cache.size < 50_000) cache.set(s, p);
  }
  return p;
}
