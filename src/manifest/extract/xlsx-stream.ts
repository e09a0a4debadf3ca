// An xlsx/xlsm read as a stream, in the main process: memory holds a sheet's head and a small tail, never its
// rows. A sheet's first SHEET_HEAD_ROWS rows (its head) decide its tables as the grid path would (detect.ts,
// header.ts, table.ts on the same cells); the table still open at the end of the head streams on. Rows after the
// head that plainly continue it (in its columns, several cells, not header-like, no note, no title) are only
// counted in the first pass, most of them told by their cells' columns and kinds without being built; from the
// first row that does not, the rest of the sheet (its tail: footnotes, a second table) is kept, and the head, the
// last plain row and the tail are detected together with the sheet's merges (which come after its rows). A sheet
// this cannot settle goes to the grid path (SheetJS in the child process): a layout the head does not settle (the
// open table ends in side-by-side pieces, shares its header with a later block), a tail over TAIL_ROWS rows, XML
// with namespace prefixes.
import type { ExtractedFile, ExtractedTable, RowBatch, SourceFile, TableSource } from '../../model.js';
import type { Grid, GridCell, GridRow } from './grid.js';
import { detectTables } from './detect.js';
import { applyLegend } from './describe.js';
import { addSheet, isDocSheet } from './workbook.js';
import { piecesOf } from './header.js';
import { readParts, type SheetPart, type XlsxParts } from './xlsx-parts.js';
import { memberBytes } from './zip-read.js';
import { NeedsGrid, rowAt, scanSheet, shapeAt, type RowShape, type RowText } from './xlsx-rows.js';
import { openTable, plain, surelyPlain, type Open } from './xlsx-plain.js';
import { streamedSource } from './xlsx-source.js';
import type { ExtractLimits } from './caps.js';

/** Rows of a sheet that decide its tables (as HEAD_ROWS records decide a CSV's). */
export const SHEET_HEAD_ROWS = 20_000;
/** Rows after the first that does not plainly continue the open table, at most (else the grid path). */
export const TAIL_ROWS = 20_000;
/** A workbook is streamed when one of its sheet parts inflates to more than this; smaller ones ("small") are
 * read whole by SheetJS in the child process, as before (their parse stays a small multiple of this). */
export const STREAM_SHEET_BYTES = 16 * 2 ** 20;
/** A shared-strings table over this (inflated) is read by the grid path, whose memory is capped. */
export const MAX_STRINGS_BYTES = 64 * 2 ** 20;

type SheetResult = { grid: true } | { file: SourceFile };

interface Pass {
  head: GridRow[];
  /** rows plainly continuing the open table after the head, counted; the last one kept */
  middle: number;
  lastPlain?: GridRow;
  tail: GridRow[];
  merges: Grid['merges'];
}

/** Distinct cells the first pass keeps, at most: past this, kept cells are copies of their own. */
const KEPT_DISTINCT = 2 ** 16;

/**
 * Copies of the rows the first pass keeps (the head and the tail; the last plain row is one row, replaced as the
 * pass goes, so it stays the scanner's own). V8 allocates objects of a code site that mostly survive straight
 * into the old generation ("pretenuring"): had the scanner's own objects been kept for the head, every row
 * scanned after it would be allocated there too, as garbage for a full collection (~120 MB per 200,000 rows).
 * Copied here, the scanner's objects die young. A cell equal to one kept before in its column is that one (no
 * stage changes a cell): a head's columns repeat their values, and what the pass holds while it reads the rest
 * of the sheet is what V8 sizes its old generation by (docs/benchmarks.md).
 */
class Kept {
  /** per column and sort of cell (string, number, date, percentage): its cells by value */
  private readonly seen: Map<string | number, GridCell>[] = [];
  private size = 0;

  row(row: GridRow): GridRow {
    const cells = new Array<GridCell>(row.cells.length);
    for (let i = 0; i < cells.length; i++) cells[i] = this.cell(row.cells[i]);
    return { r: row.r, cells };
  }

  private cell(x: GridCell): GridCell {
    const cell = x.cell;
    const sort =
      cell.t === 's' ? 0 : cell.t !== 'n' || Object.is(cell.v, -0) ? -1 : cell.date ? 1 : cell.pct ? 2 : 3;
    const at = x.c * 4 + sort;
    const v = cell.v as string | number;
    let got = sort < 0 ? undefined : this.seen[at]?.get(v);
    if (got) return got;
    // a shared string's cell is the reader's own (one per distinct string), kept anyway
    got = { c: x.c, cell: cell.t === 's' ? cell : { ...cell }, text: x.text, kind: x.kind };
    if (sort >= 0 && this.size < KEPT_DISTINCT) {
      (this.seen[at] ??= new Map()).set(v, got);
      this.size++;
    }
    return got;
  }
}

async function firstPass(p: XlsxParts, s: SheetPart, l: ExtractLimits): Promise<Pass | undefined> {
  const scan = scanSheet(memberBytes(p.path, s.member.index, l));
  const pass: Pass = { head: [], middle: 0, tail: [], merges: scan.merges };
  const kept = new Kept();
  const shape: RowShape = { n: 0, cols: [], kinds: [] };
  let open: Open | undefined;
  let prevR = -1;
  // the last plain row: built (lastRow) or, when only its shape was read, where it is (lastText, lastAt)
  let lastRow: GridRow | undefined;
  let lastText: RowText | undefined;
  let lastAt = 0;
  // the table open after the head, once a row with cells follows it; undefined: the sheet takes the grid path
  const opened = () => (open ??= openTable(pass.head)) && !isDocSheet(s.name);
  for await (const text of scan.rows)
    for (let i = 0; i < text.spans.length / 3; i++) {
      const r = text.spans[3 * i];
      if (pass.head.length >= SHEET_HEAD_ROWS && !pass.tail.length && shapeAt(text, i, p, shape)) {
        if (shape.n === 0) continue;
        if (!opened()) return undefined;
        if (surelyPlain(shape, r, prevR, open!)) {
          pass.middle++;
          lastRow = undefined;
          lastText = text;
          lastAt = i;
          prevR = r;
          continue;
        }
      }
      const row = rowAt(text, i, p);
      if (!row) continue;
      if (pass.head.length < SHEET_HEAD_ROWS) pass.head.push(kept.row(row));
      else if (pass.tail.length) pass.tail.push(kept.row(row));
      else if (!opened()) return undefined;
      else if (plain(row, prevR, open!)) {
        pass.middle++;
        lastRow = row;
        lastText = undefined;
      } else pass.tail.push(kept.row(row));
      if (pass.tail.length > TAIL_ROWS) return undefined;
      prevR = r;
    }
  pass.lastPlain = lastRow ?? (lastText && rowAt(lastText, lastAt, p));
  return pass;
}

/** One sheet: its tables (the open one streamed), or the grid path's turn. */
async function readSheet(
  p: XlsxParts,
  s: SheetPart,
  l: ExtractLimits,
  member?: string,
): Promise<SheetResult> {
  const pass = await firstPass(p, s, l);
  if (!pass) return { grid: true };
  const where = { sheet: s.name, ...(member ? { member } : {}), ...(s.hidden ? { hidden: true } : {}) };
  const x: ExtractedFile = { tables: [], docs: [], skipped: [] };
  if (!pass.lastPlain) {
    // the whole sheet is in memory (the head, a tail): the grid path's own reading of it
    addSheet(x, { rows: [...pass.head, ...pass.tail], merges: pass.merges }, where);
    return { file: { ...x, tables: x.tables.map(memorySource) } };
  }
  const grid: Grid = { rows: [...pass.head, pass.lastPlain, ...pass.tail], merges: pass.merges };
  const stream = streamedPiece(grid, pass);
  if (!stream) return { grid: true };
  addSheet(x, grid, where);
  const at = pass.lastPlain.r + 1;
  const tables: TableSource[] = [];
  let streamed = 0;
  for (const t of x.tables) {
    if (!t.sourceRows.includes(at)) {
      tables.push(memorySource(t));
      continue;
    }
    streamed++;
    // the table has the piece's columns, all of them: a column dropped as empty (buildOne keeps an empty one for
    // its header, unless it is the blank half of a merged one) might not be empty in the rows only counted
    const cols = t.sheetCols;
    if (!cols || cols.length !== stream.cols.length || cols.some((c, k) => c !== stream.cols[k]))
      return { grid: true };
    if (t.rows.length !== stream.sketchRows) return { grid: true };
    t.spec.rowCount = t.rows.length + pass.middle - 1;
    tables.push(
      streamedSource(t.spec, t.rows.slice(0, 5), {
        parts: p,
        sheet: s,
        limits: l,
        after: stream.after,
        last: t.sourceRows[t.sourceRows.length - 1] - 1,
        cols: stream.cols,
        minC: stream.minC,
        maxC: stream.maxC,
      }),
    );
  }
  if (streamed !== 1) return { grid: true };
  return { file: { ...x, tables } };
}

/** The one piece holding the head's last row and the last plain row, when it stands alone; its columns. */
function streamedPiece(grid: Grid, pass: Pass) {
  const blocks = detectTables(grid);
  const headLast = pass.head[pass.head.length - 1];
  const block = blocks.find((b) => b.dataRows.includes(headLast));
  if (!block || !block.dataRows.includes(pass.lastPlain!)) return undefined;
  const pieces = piecesOf(block, grid, []);
  if (pieces.length !== 1) return undefined;
  const piece = pieces[0];
  const hr = block.headerRows;
  return {
    cols: piece.cols,
    minC: piece.minC,
    maxC: piece.maxC,
    after: hr.length ? hr[hr.length - 1].r : block.dataRows[0].r - 1,
    sketchRows: block.dataRows.filter((r) => r.cells.some((x) => x.c >= piece.minC && x.c <= piece.maxC))
      .length,
  };
}

function memorySource(t: ExtractedTable): TableSource {
  return {
    spec: t.spec,
    sample: t.rows.slice(0, 5),
    async *batches(n: number) {
      for (let i = 0; i < t.rows.length; i += n)
        yield {
          rows: t.rows.slice(i, i + n),
          sourceRows: t.sourceRows.slice(i, i + n),
          types: t.spec.columns.map((c) => c.type),
          ...(t.flags ? { flags: t.flags.slice(i, i + n) } : {}),
        };
    },
  };
}

export interface StreamPlan {
  parts: XlsxParts;
  /** the sheets left to the grid path (by name) */
  grid: string[];
  /** each sheet's result in sheet order; undefined for the grid path's */
  sheets: (SourceFile | undefined)[];
}

/** A streamed read of the workbook, when one of its sheet parts inflates to more than `streamFrom` bytes.
 * `member`: the workbook's name inside a zip (table ids and specs carry it, as the grid path's do). */
export async function streamPlan(
  path: string,
  l: ExtractLimits,
  streamFrom = STREAM_SHEET_BYTES,
  member?: string,
): Promise<StreamPlan | undefined> {
  const parts = await readParts(
    path,
    l,
    (sheets, strings) =>
      strings <= MAX_STRINGS_BYTES && sheets.some((s) => s.member.uncompressedSize > streamFrom),
  );
  if (!parts) return undefined;
  const plan: StreamPlan = { parts, grid: [], sheets: [] };
  for (const s of parts.sheets) {
    let r: SheetResult;
    try {
      r = await readSheet(parts, s, l, member);
    } catch (e) {
      if (!(e instanceof NeedsGrid)) throw e;
      r = { grid: true };
    }
    if ('grid' in r) plan.grid.push(s.name);
    plan.sheets.push('file' in r ? r.file : undefined);
  }
  return plan;
}

/** The streamed sheets and the grid path's, in sheet order, with the workbook's legend over all of them. */
export function mergePlan(plan: StreamPlan, fromGrid: SourceFile | undefined): SourceFile {
  const out: SourceFile = { tables: [], docs: [], skipped: [] };
  plan.parts.sheets.forEach((s, k) => {
    const f = plan.sheets[k];
    out.tables.push(...(f ? f.tables : (fromGrid?.tables ?? []).filter((t) => t.spec.sheet === s.name)));
    out.docs.push(...(f ? f.docs : (fromGrid?.docs ?? []).filter((d) => d.sheet === s.name)));
    out.skipped.push(...(f ? f.skipped : (fromGrid?.skipped ?? []).filter((d) => d.name === s.name)));
  });
  const legendOf = (tables: TableSource[]) => {
    const x: ExtractedFile = { tables: tables.map(specOnly), docs: out.docs, skipped: [] };
    applyLegend(x);
    return x.legend;
  };
  const legend = legendOf(out.tables);
  if (legend) {
    out.legend = legend;
    // a streamed table's markers are settled when its rows have passed: their meanings are added then
    out.tables = out.tables.map((t) => ({ ...t, batches: (n: number) => thenLegend(t, n, legendOf) }));
  }
  return out;
}

const specOnly = (t: TableSource): ExtractedTable => ({ spec: t.spec, rows: [], sourceRows: [] });

async function* thenLegend(
  t: TableSource,
  n: number,
  legendOf: (tables: TableSource[]) => unknown,
): AsyncGenerator<RowBatch> {
  yield* t.batches(n);
  legendOf([t]);
}
