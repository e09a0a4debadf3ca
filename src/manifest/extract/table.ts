// Turn detected pieces of a sheet into ExtractedTables (same-header blocks become one table).
import * as XLSX from 'xlsx';
import type { ColumnSpec, ExtractedTable, TableSpec } from '../../model.js';
import type { Grid, GridRow } from './grid.js';
import type { MetaEntry } from './detect.js';
import type { Piece } from './header.js';
import { isTotalRow, rowText } from './rows.js';
import { rowFlags, typeColumn, type ColumnResult, type RawCell } from './types.js';
import { columnNames } from './names.js';
import { columnNotes } from './describe.js';
import { metaRecord, splitTitle } from './meta.js';
import { makeFingerprint, normHeader } from '../fingerprint.js';
import { withRowKinds } from './row-kinds.js';

interface PieceInfo {
  piece: Piece;
  /** position among the side-by-side pieces of its block, and the text above that position in the first block */
  pos: number;
  side?: string;
  title?: string;
  notes: string[];
  meta: Record<string, string>;
  entries: MetaEntry[];
  lines: string[];
}

function lineFor(row: GridRow, p: Piece): string {
  const inside = row.cells.some((x) => x.c >= p.minC && x.c <= p.maxC);
  return row.cells
    .filter((x) => (x.c >= p.minC && x.c <= p.maxC) || x.c < p.block.minC || (!inside && x.c < p.minC))
    .map((x) => x.text)
    .join(' ')
    .trim();
}

function infoOf(p: Piece, sheetMeta: MetaEntry[]): PieceInfo {
  const b = p.block;
  const first = p.minC === b.minC;
  const entries = b.meta.filter(
    (m) => (m.c >= p.minC && m.c <= p.maxC) || m.c < b.minC || (first && m.c <= p.maxC),
  );
  const lines = b.texts.map((r) => lineFor(r, p)).filter(Boolean);
  const { title, notes } = splitTitle(lines);
  const meta = metaRecord([...sheetMeta, ...entries]);
  return {
    piece: p,
    pos: 0,
    title: title ?? meta.title,
    notes: [...notes, ...b.footnotes],
    meta,
    entries,
    lines,
  };
}

/** Labels telling same-header blocks apart: side-by-side position text, the `Key:` values that vary, the title
 * when it varies; the whole text above the block when nothing else does. */
function labels(infos: PieceInfo[]): { header: string; values: string[] } {
  const parts: string[][] = infos.map(() => []);
  const headers: string[] = [];
  const varies = (vals: string[]) => new Set(vals).size > 1;
  if (varies(infos.map((i) => String(i.pos)))) infos.forEach((i, k) => i.side && parts[k].push(i.side));
  const keys = [...new Set(infos.flatMap((i) => i.entries.map((e) => e.key)))];
  for (const key of keys) {
    const vals = infos.map((i) => i.entries.find((e) => e.key === key)?.value ?? '');
    if (!varies(vals)) continue;
    headers.push(key);
    vals.forEach((v, k) => v && parts[k].push(v));
  }
  const titles = infos.map((i) => i.title ?? '');
  if (varies(titles)) {
    headers.push('title');
    titles.forEach((t, k) => t && !parts[k].includes(t) && parts[k].push(t));
  }
  if (!headers.length)
    infos.forEach((i, k) => parts[k].push(...i.lines.filter((l) => !parts[k].includes(l))));
  return {
    header: headers.length === 1 && headers[0] !== 'title' ? headers[0] : 'block',
    values: parts.map((p, k) => p.join(' | ') || `block ${k + 1}`),
  };
}

export interface SheetContext {
  sheet: string;
  member?: string;
  hidden?: boolean;
  grid: Grid;
}

export function buildTables(pieces: Piece[], ctx: SheetContext, startId: number): ExtractedTable[] {
  const sheetMeta = pieces.length ? pieces[0].block.meta : [];
  const infos = pieces.map((p, k) => infoOf(p, k === 0 || p.block === pieces[0].block ? [] : sheetMeta));
  const sides: string[] = [];
  infos.forEach((info, k) => {
    info.pos = pieces.slice(0, k).filter((q) => q.block === info.piece.block).length;
  });
  // text rows spanning several side-by-side pieces ("ASTRO PU 2013" ... "ASTRO PU 2009") name the positions
  for (const b of new Set(pieces.map((p) => p.block))) {
    const mine = pieces.filter((p) => p.block === b);
    if (mine.length < 2) continue;
    for (const r of b.texts) {
      const texts = mine.map((p) => rowText(r, p.minC, p.maxC));
      if (texts.filter(Boolean).length < 2) continue;
      texts.forEach((t, pos) => {
        if (t && sides[pos] === undefined) sides[pos] = t;
      });
    }
  }
  for (const info of infos) info.side = sides[info.pos];
  const groups = new Map<string, PieceInfo[]>();
  for (const info of infos) {
    const key = [info.piece.qualifier ?? '', ...info.piece.headers.map(normHeader)].join('\u0001');
    const g = groups.get(key);
    if (g) g.push(info);
    else groups.set(key, [info]);
  }
  const out: ExtractedTable[] = [];
  for (const group of apart([...groups.values()], infos))
    out.push(buildOne(group, ctx, startId + out.length));
  return out;
}

interface Box {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

function boxOf(g: PieceInfo[]): Box {
  const b: Box = { r0: Infinity, r1: -Infinity, c0: Infinity, c1: -Infinity };
  for (const { piece: p } of g) {
    const rows = [...p.block.headerRows, ...p.block.dataRows];
    b.r0 = Math.min(b.r0, rows[0]?.r ?? Infinity);
    b.r1 = Math.max(b.r1, rows[rows.length - 1]?.r ?? -Infinity);
    b.c0 = Math.min(b.c0, p.minC);
    b.c1 = Math.max(b.c1, p.maxC);
  }
  return b;
}

const meets = (a: Box, b: Box) => a.r0 <= b.r1 && b.r0 <= a.r1 && a.c0 <= b.c1 && b.c0 <= a.c1;

/** Tables on one sheet never overlap: a same-header group whose range would reach over another table is split
 * into its runs of consecutive pieces (a "Median" table resumed below a "Mean" one stays two tables). */
function apart(groups: PieceInfo[][], order: PieceInfo[]): PieceInfo[][] {
  const at = new Map(order.map((info, k) => [info, k]));
  const out: PieceInfo[][] = [];
  for (const g of groups) {
    const box = boxOf(g);
    if (g.length < 2 || !groups.some((h) => h !== g && meets(box, boxOf(h)))) {
      out.push(g);
      continue;
    }
    let run: PieceInfo[] = [];
    for (const info of g) {
      const last = run[run.length - 1];
      if (last && at.get(info)! - at.get(last)! > 1) {
        out.push(run);
        run = [];
      }
      run.push(info);
    }
    out.push(run);
  }
  return out;
}

/** Which columns a table keeps: an empty column is kept for its header, unless it is the blank half of a merged
 * header cell. */
function keptColumns(typed: ColumnResult[], hs: string[]): boolean[] {
  const filled = typed.map((t) => t.values.some((v) => v !== null));
  return typed.map((_, k) => {
    const h = hs[k];
    if (filled[k]) return true;
    if (h === '' || h.length > 80) return false;
    return !(
      (k > 0 && hs[k - 1] === h && filled[k - 1]) ||
      (k + 1 < hs.length && hs[k + 1] === h && filled[k + 1])
    );
  });
}

function buildOne(group: PieceInfo[], ctx: SheetContext, n: number): ExtractedTable {
  const first = group[0];
  const width = first.piece.cols.length;
  const raws: RawCell[][] = Array.from({ length: width }, () => []);
  const sourceRows: number[] = [];
  const rowLabels: string[] = [];
  const totalRows: number[] = [];
  const lab = group.length > 1 ? labels(group) : undefined;
  let minC = Infinity,
    maxC = -Infinity,
    minR = Infinity,
    maxR = -Infinity;
  group.forEach((info, g) => {
    const p = info.piece;
    minC = Math.min(minC, p.minC);
    maxC = Math.max(maxC, p.maxC);
    minR = Math.min(minR, (p.block.headerRows[0] ?? p.block.dataRows[0]).r);
    for (const row of p.block.dataRows) {
      const at = new Map(row.cells.filter((x) => x.c >= p.minC && x.c <= p.maxC).map((x) => [x.c, x]));
      if (at.size === 0) continue;
      p.cols.forEach((c, k) => raws[k].push(at.get(c)?.cell));
      sourceRows.push(row.r + 1);
      maxR = Math.max(maxR, row.r);
      if (lab) rowLabels.push(lab.values[g]);
      if (isTotalRow({ r: row.r, cells: [...at.values()] })) totalRows.push(row.r + 1);
    }
  });
  const typed = raws.map(typeColumn);
  const keep = keptColumns(typed, first.piece.headers);
  const headers = first.piece.headers.filter((_, k) => keep[k]);
  const kept = typed.filter((_, k) => keep[k]);
  const names = columnNames(headers, lab ? ['block'] : []);
  const columns: ColumnSpec[] = kept.map((t, k) => ({
    name: names[k],
    header: headers[k],
    type: t.type,
    ...(t.markers ? { markers: t.markers } : {}),
    ...(t.flags ? { flagged: t.flags.size } : {}),
    ...columnNotes(headers[k], t),
  }));
  const rows = sourceRows.map((_, i) => {
    const r = kept.map((t) => t.values[i]);
    if (lab) r.unshift(rowLabels[i]);
    return r;
  });
  const flags = rowFlags(kept, sourceRows.length, lab ? 1 : 0);
  if (lab) columns.unshift({ name: 'block', header: lab.header, type: 'text' });
  const qualifier = first.piece.qualifier;
  const notes = [...new Set([...(qualifier ? [qualifier] : []), ...group.flatMap((i) => i.notes)])];
  const hdr = first.piece.block.headerRows.map((r) => r.r + 1);
  const spec: TableSpec = {
    id: `${ctx.member && !ctx.sheet ? ctx.member : ctx.sheet}#${n}`,
    ...(ctx.member ? { member: ctx.member } : {}),
    sheet: ctx.sheet,
    ...(ctx.hidden ? { hidden: true } : {}),
    range: `${XLSX.utils.encode_cell({ r: minR, c: minC })}:${XLSX.utils.encode_cell({ r: Math.max(maxR, minR), c: maxC })}`,
    headerRows: hdr,
    firstDataRow: first.piece.block.dataRows[0]?.r + 1 || hdr[hdr.length - 1] + 1,
    ...(hdr.length === 0 ? { headerless: true } : {}),
    ...(first.title ? { title: first.title } : {}),
    ...(notes.length ? { notes } : {}),
    ...(Object.keys(first.meta).length ? { meta: first.meta } : {}),
    columns,
    rowCount: rows.length,
    ...(totalRows.length ? { totalRows } : {}),
    ...withRowKinds(columns, rows),
    fingerprint: makeFingerprint(ctx.sheet, first.title ?? '', columns),
  };
  const sheetCols = group.length === 1 ? first.piece.cols.filter((_, k) => keep[k]) : undefined;
  return { spec, rows, sourceRows, ...(flags ? { flags } : {}), ...(sheetCols ? { sheetCols } : {}) };
}
