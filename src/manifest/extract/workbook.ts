// Spreadsheets (xlsx, xlsm, xls, ods): every sheet, hidden ones included.
import * as XLSX from 'xlsx';
import type { ExtractedFile } from '../../model.js';
import { readGrid } from './grid.js';
import { detectTables, headerlessBlock, sheetText } from './detect.js';
import { piecesOf, type Piece } from './header.js';
import { buildTables } from './table.js';
import { explainReadError, unreadableWorkbook } from './workbook-errors.js';
import { applyLegend } from './describe.js';

const DOC_SHEET =
  /^(cover|contents|index|notes|definitions|glossary|read ?me|about|information|metadata|title( sheet)?|guidance|background|methodology)\b/i;

function read(buf: Uint8Array): XLSX.WorkBook {
  const bad = unreadableWorkbook(buf);
  if (bad) throw new Error(bad);
  try {
    return XLSX.read(buf, {
      dense: true,
      cellDates: false,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
    });
  } catch (e) {
    throw explainReadError(buf, e);
  }
}

export function readWorkbook(buf: Uint8Array, member?: string): ExtractedFile {
  const wb = read(buf);
  const out: ExtractedFile = { tables: [], docs: [], skipped: [] };
  const props = wb.Workbook?.Sheets ?? [];
  for (const sheet of wb.SheetNames) {
    const hidden = !!props.find((s) => s.name === sheet)?.Hidden;
    const grid = readGrid(wb.Sheets[sheet]);
    const where = member ? `${member}:${sheet}` : sheet;
    if (grid.rows.length === 0) {
      out.skipped.push({ name: where, reason: 'empty sheet' });
      continue;
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
      continue;
    }
    const pieces: Piece[] = [];
    for (const b of blocks) pieces.push(...piecesOf(b, grid, pieces));
    out.tables.push(...buildTables(pieces, { sheet, member, hidden, grid }, 1));
  }
  applyLegend(out);
  return out;
}
