// The big table of a streamed sheet: its rows read again from the sheet part on demand, typed as they pass
// (starting from the head's types, widened as a CSV's are: integer -> numeric -> text, never failed), in batches
// the loader pulls (back-pressure); the spec's types, markers, flags and totals are settled at the end.
import type { CellValue, ColumnType, RowBatch, RowFlags, TableSource, TableSpec } from '../../model.js';
import type { GridCell } from './grid.js';
import { isTotalRow } from './rows.js';
import { noteMarkers } from './describe.js';
import { cellValue, fitType, flagOf, markerCounted, parseCell, type Parsed } from './types.js';
import { partText, type SheetPart, type XlsxParts } from './xlsx-parts.js';
import { scanSheet } from './xlsx-rows.js';
import type { ExtractLimits } from './caps.js';

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

export function streamedSource(spec: TableSpec, sample: CellValue[][], t: StreamedTable): TableSource {
  return { spec, sample, batches: (n: number) => streamRows(spec, t, n) };
}

async function* streamRows(spec: TableSpec, t: StreamedTable, batchRows: number): AsyncGenerator<RowBatch> {
  const types: ColumnType[] = spec.columns.map((c) => c.type);
  const width = t.cols.length;
  const caches = t.cols.map(() => new Map<string, Parsed>());
  const markers: Record<string, number>[] = t.cols.map(() => ({}));
  const flagged = t.cols.map(() => 0);
  const totalRows: number[] = [];
  let rows: CellValue[][] = [];
  let sourceRows: number[] = [];
  let flags: (RowFlags | null)[] = [];
  let anyFlags = false;
  let count = 0;
  const at = new Array<GridCell | undefined>(t.maxC + 1);
  const scan = scanSheet(partText(t.parts.path, t.sheet.member, t.limits), t.parts);
  for await (const got of scan.rows) {
    for (const row of got) {
      if (row.r <= t.after) continue;
      if (row.r > t.last) break;
      const inside = row.cells.filter((x) => x.c >= t.minC && x.c <= t.maxC);
      if (inside.length === 0) continue;
      at.fill(undefined);
      for (const x of inside) at[x.c] = x;
      const out = new Array<CellValue>(width);
      let rowFlags: RowFlags | null = null;
      for (let j = 0; j < width; j++) {
        const x = at[t.cols[j]];
        if (x === undefined) {
          out[j] = null;
          continue;
        }
        const p = parsed(x, caches[j]);
        const ty = fitType(types[j], p);
        if (ty !== types[j]) types[j] = ty;
        out[j] = cellValue(p, ty);
        const m = markerCounted(p, ty);
        if (m !== undefined) markers[j][m] = (markers[j][m] ?? 0) + 1;
        const f = flagOf(p, ty);
        if (f !== undefined) {
          (rowFlags ??= {})[j] = f;
          flagged[j]++;
        }
      }
      if (isTotalRow({ r: row.r, cells: inside })) totalRows.push(row.r + 1);
      rows.push(out);
      sourceRows.push(row.r + 1);
      flags.push(rowFlags);
      if (rowFlags) anyFlags = true;
      count++;
      if (rows.length >= batchRows) {
        yield { rows, sourceRows, types: [...types], ...(anyFlags ? { flags } : {}) };
        rows = [];
        sourceRows = [];
        flags = [];
        anyFlags = false;
      }
    }
    if (got.length && got[got.length - 1].r > t.last) break;
  }
  if (rows.length) yield { rows, sourceRows, types: [...types], ...(anyFlags ? { flags } : {}) };
  settle(spec, { count, types, markers, flagged, totalRows });
}

/** Strings repeat down a column: each distinct one parsed once (as typeColumn and the CSV stream do). */
function parsed(x: GridCell, cache: Map<string, Parsed>): Parsed {
  if (x.cell.t !== 's') return parseCell(x.cell);
  const s = x.cell.v as string;
  let p = cache.get(s);
  if (p === undefined) {
    p = parseCell(x.cell);
    if (cache.size < 50_000) cache.set(s, p);
  }
  return p;
}

function settle(
  spec: TableSpec,
  s: {
    count: number;
    types: ColumnType[];
    markers: Record<string, number>[];
    flagged: number[];
    totalRows: number[];
  },
): void {
  spec.rowCount = s.count;
  spec.columns.forEach((c, j) => {
    c.type = s.types[j];
    if (Object.keys(s.markers[j]).length) c.markers = s.markers[j];
    else delete c.markers;
    if (s.flagged[j]) c.flagged = s.flagged[j];
    else delete c.flagged;
    noteMarkers(c);
  });
  if (s.totalRows.length) spec.totalRows = s.totalRows;
  else delete spec.totalRows;
}
