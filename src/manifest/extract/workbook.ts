// Spreadsheets (xlsx, xlsm, xls, ods): every sheet, hidden ones included.
import * as XLSX from 'xlsx';
import type { ExtractedFile } from '../../model.js';
import { readGrid, type Grid } from './grid.js';
import { detectTables, headerlessBlock, sheetText } from './detect.js';
import { piecesOf, type Piece } from './header.js';
import { buildTables } from './table.js';
import { explainReadError, unreadableWorkbook } from './workbook-errors.js';
import { applyLegend } from './describe.js';

const DOC_SHEET =
  /^(cover|contents|index|notes|definitions|glossary|read ?me|about|information|metadata|title( sheet)?|guidance|background|methodology)\b/i;

function read(buf: Uint8Array, sheets?: string[]): XLSX.WorkBook {
  const bad = unreadableWorkbook(buf);
  if (bad) throw new Error(bad);
  try {
    return XLSX.read(buf, {
      dense: true,
      cellDates: false,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      ...(sheets ? { sheets } : {}),
    });
  } catch (e) {
    throw explainReadError(buf, e);
  }
}

/** The tables or the text of one sheet's grid, added to `out` (the grid path; the streamed path reuses it). */
export function addSheet(
  out: ExtractedFile,
  grid: Grid,
  where: { sheet: string; member?: string; hidden?: boolean },
): void {
  const { sheet, member, hidden } = where;
  const name = member ? `${member}:${sheet}` : sheet;
  if (grid.rows.length === 0) {
    out.skipped.push({ name, reason: 'empty sheet' });
    return;
  }
  const doc = DOC_SHEET.test(sheet.trim());
  const blocks = doc ? [] : detectTables(grid);
  const fallback = doc || blocks.length ? undefined : headerlessBlock(grid);
  if (fallback) blocks.push(fallback);
  if (blocks.length === 0) {
    out.docs.push({
      sheet,
      ...(member ? { member } : {}),
      ...(hidden ? { hidden } : {}),
      text: sheetText(grid),
    });
    return;
  }
  const pieces: Piece[] = [];
  for (const b of blocks) pieces.push(...piecesOf(b, grid, pieces));
  out.tables.push(...buildTables(pieces, { sheet, member, hidden, grid }, 1));
}

/** A documentation sheet by its name (cover, contents, notes ...): its text is kept, no table is looked for. */
export const isDocSheet = (sheet: string) => DOC_SHEET.test(sheet.trim());

/** Every sheet of a workbook (or only `sheets`, by name) through the grid path. */
export function readWorkbook(buf: Uint8Array, member?: string, sheets?: string[]): ExtractedFile {
  const wb = read(buf, sheets);
  const out: ExtractedFile = { tables: [], docs: [], skipped: [] };
  const props = wb.Workbook?.Sheets ?? [];
  const date1904 = !!wb.Workbook?.WBProps?.date1904;
  for (const sheet of wb.SheetNames) {
    if (sheets && !sheets.includes(sheet)) continue;
    const hidden = !!props.find((s) => s.name === sheet)?.Hidden;
    addSheet(out, readGrid(wb.Sheets[sheet], date1904), { sheet, member, hidden });
  }
  applyLegend(out);
  return out;
}
