// A worksheet part read as a stream: its rows as grid rows (the cells SheetJS would give the grid path, grid.ts),
// parsed by a scanner over the inflated text — a row is complete at its `</row>`, so memory holds the rows of
// one chunk of text, never the sheet. The merged ranges (`<mergeCells>`, after `<sheetData>`) come at the end.
import type { GridCell, GridRow, Merge } from './grid.js';
import { DAYS_1904, describeCell } from './grid.js';
import type { SheetCell } from './types.js';
import { attr, itemText, unescapeXml, type XlsxParts } from './xlsx-parts.js';

/** A row's text over this many characters is refused (a part with no `</row>` is not a sheet we can stream). */
const MAX_PENDING = 256 * 2 ** 20;

/** A sheet this scanner does not read: the grid path (SheetJS in the child process) reads it. */
export class NeedsGrid extends Error {}

export interface SheetScan {
  rows: AsyncGenerator<GridRow[]>;
  /** filled once `rows` is done */
  merges: Merge[];
}

function colOf(ref: string): number {
  let c = 0;
  for (let i = 0; i < ref.length; i++) {
    const k = ref.charCodeAt(i);
    if (k < 65 || k > 90) break;
    c = c * 26 + (k - 64);
  }
  return c - 1;
}

function cellRef(ref: string): { r: number; c: number } {
  const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(ref);
  return m ? { r: +m[2] - 1, c: colOf(m[1]) } : { r: -1, c: -1 };
}

/** An attribute of the start tag at xml[at..gt]: by plain search (the common `name="..."`), else by the
 * general rule. */
function quick(xml: string, at: number, gt: number, key: string): string | undefined {
  const k = xml.indexOf(key, at);
  if (k >= 0 && k < gt) {
    const from = k + key.length;
    const v = xml.slice(from, xml.indexOf('"', from));
    return v.indexOf('&') >= 0 ? unescapeXml(v) : v;
  }
  const head = xml.slice(at, gt + 1);
  return head.indexOf("'") >= 0 ? attr(head, key.slice(1, -2)) : undefined;
}

interface CellTag {
  r?: string;
  s?: string;
  t?: string;
}

/** The r, s and t attributes of a cell's start tag xml[at..gt], in one walk over the tag (either quote, entities
 * unescaped). Searching for each by name ran past a tag without it into the next cells: most numbers carry no
 * `t`, many no `s`. */
function cellTag(xml: string, at: number, gt: number, out: CellTag): CellTag {
  out.r = out.s = out.t = undefined;
  let eq = xml.indexOf('=', at);
  while (eq >= 0 && eq < gt) {
    const q = xml.charCodeAt(eq + 1);
    if (q !== 34 && q !== 39) return out;
    const end = xml.indexOf(q === 34 ? '"' : "'", eq + 2);
    if (end < 0) return out;
    const before = xml.charCodeAt(eq - 2);
    // a one-letter name after white space: r, s or t (not cm=, x14ac:dyDescent=, ...)
    if (before === 32 || before === 9 || before === 10 || before === 13) {
      const name = xml.charCodeAt(eq - 1);
      if (name === 114 || name === 115 || name === 116) {
        let v = xml.slice(eq + 2, end);
        if (v.indexOf('&') >= 0) v = unescapeXml(v);
        if (name === 114) out.r = v;
        else if (name === 115) out.s = v;
        else out.t = v;
      }
    }
    eq = xml.indexOf('=', end + 1);
  }
  return out;
}

/** The text of the cell's `<v>` between from and to, if it has one. */
function valueOf(xml: string, from: number, to: number): string | undefined {
  const at = xml.indexOf('<v', from);
  if (at < 0 || at >= to) return undefined;
  const gt = xml.indexOf('>', at);
  if (xml.charCodeAt(gt - 1) === 47) return '';
  return xml.slice(gt + 1, xml.indexOf('</v>', gt));
}

/** One cell (start tag at..gt, body to `to`) as the grid path sees it (grid.ts toCell, describeCell). */
function cellOf(
  c: number,
  tag: CellTag,
  xml: string,
  gt: number,
  to: number,
  p: XlsxParts,
): GridCell | undefined {
  const t = tag.t ?? 'n';
  if (t === 'n') {
    const raw = valueOf(xml, gt, to);
    if (raw === undefined || raw === '') return undefined;
    const v = Number(raw);
    if (Number.isNaN(v)) return undefined;
    const s = Number(tag.s ?? 0);
    const cell: SheetCell =
      p.styles.date[s] && v > 0
        ? { t: 'n', v: p.date1904 ? v + DAYS_1904 : v, date: true }
        : p.styles.pct[s]
          ? { t: 'n', v, pct: true }
          : { t: 'n', v };
    const d = describeCell(cell);
    return { c, cell, text: d.text, kind: d.kind };
  }
  if (t === 's') {
    const k = Number(valueOf(xml, gt, to));
    let known = p.described[k];
    if (known === undefined) {
      const v = p.strings[k];
      if (v === undefined) return undefined;
      const cell: SheetCell | undefined = v.trim() === '' ? undefined : { t: 's', v };
      known = cell ? { cell, ...describeCell(cell) } : null;
      p.described[k] = known;
    }
    return known ? { c, cell: known.cell, text: known.text, kind: known.kind } : undefined;
  }
  const cell = otherCell(t, xml.slice(gt + 1, to));
  return cell && { c, cell, ...describeCell(cell) };
}

function otherCell(t: string, body: string): SheetCell | undefined {
  if (t === 'inlineStr') {
    const is = /<is>([\s\S]*)<\/is>/.exec(body);
    const v = is ? itemText(is[1]) : '';
    return v.trim() === '' ? undefined : { t: 's', v };
  }
  const raw = valueOf(body, 0, body.length);
  if (raw === undefined) return undefined;
  switch (t) {
    case 'str': {
      const v = unescapeXml(raw);
      return v.trim() === '' ? undefined : { t: 's', v };
    }
    case 'b':
      return { t: 'b', v: raw === '1' || raw === 'true' };
    case 'e': {
      const w = unescapeXml(raw);
      return { t: 'e', v: w || '#ERR', w };
    }
    case 'd': {
      // an ISO date cell: the grid path (cellDates off) sees its day number
      const ms = Date.parse(raw);
      const v = Number.isNaN(ms) ? NaN : ms / 86400000 + 25569;
      return Number.isNaN(v) ? undefined : { t: 'n', v, date: true };
    }
    default:
      return undefined;
  }
}

/** The cells of the row whose inner text is xml[from..to]. */
function rowCells(xml: string, from: number, to: number, p: XlsxParts): GridCell[] {
  const cells: GridCell[] = [];
  const tag: CellTag = {};
  let next = 0;
  let at = xml.indexOf('<c', from);
  while (at >= 0 && at < to) {
    const ch = xml.charCodeAt(at + 2);
    if (ch !== 32 && ch !== 62 && ch !== 47 && ch !== 9 && ch !== 10 && ch !== 13) {
      at = xml.indexOf('<c', at + 2);
      continue;
    }
    const gt = xml.indexOf('>', at);
    let end = gt + 1;
    let cell: GridCell | undefined;
    const ref = cellTag(xml, at, gt, tag).r;
    const c = ref ? colOf(ref) : next;
    next = c + 1;
    if (xml.charCodeAt(gt - 1) !== 47) {
      const close = xml.indexOf('</c>', gt);
      cell = cellOf(c, tag, xml, gt, close, p);
      end = close + 4;
    }
    if (cell) cells.push(cell);
    at = xml.indexOf('<c', end);
  }
  return cells;
}

/** The rows of complete `<row>...</row>` text; `state.next` is the 0-based row a row without `r` gets. */
function rowsOf(xml: string, p: XlsxParts, state: { next: number }): GridRow[] {
  const out: GridRow[] = [];
  let at = xml.indexOf('<row');
  while (at >= 0) {
    const gt = xml.indexOf('>', at);
    const rAttr = quick(xml, at, gt, ' r="');
    const r = rAttr ? +rAttr - 1 : state.next;
    state.next = r + 1;
    if (xml.charCodeAt(gt - 1) === 47) {
      at = xml.indexOf('<row', gt);
      continue;
    }
    const close = xml.indexOf('</row>', gt);
    const cells = rowCells(xml, gt + 1, close, p);
    if (cells.length) out.push({ r, cells });
    at = xml.indexOf('<row', close);
  }
  return out;
}

function mergesOf(xml: string, into: Merge[]): void {
  for (const m of xml.matchAll(/<(?:\w+:)?mergeCell\b[^>]*>/g)) {
    const ref = attr(m[0], 'ref');
    if (!ref) continue;
    const [a, b = a] = ref.split(':');
    const s = cellRef(a);
    const e = cellRef(b);
    if (s.r >= 0 && e.r >= 0) into.push({ s, e });
  }
}

/** Scan a sheet's text: batches of its rows (the rows of each chunk of text), then its merges. */
export function scanSheet(chunks: AsyncIterable<string>, p: XlsxParts): SheetScan {
  const merges: Merge[] = [];
  async function* rows(): AsyncGenerator<GridRow[]> {
    const state = { next: 0 };
    let buf = '';
    let after = false;
    let seen = false;
    for await (const c of chunks) {
      buf += c;
      if (after) {
        if (buf.indexOf('<mergeCells') < 0) buf = buf.slice(-64);
        continue;
      }
      if (!seen) {
        if (/<sheetData[\s>/]/.test(buf)) seen = true;
        else if (/<\w+:sheetData[\s>/]/.test(buf))
          throw new NeedsGrid('its XML elements carry a namespace prefix');
      }
      const endData = buf.indexOf('</sheetData>');
      const cut = endData >= 0 ? endData : buf.lastIndexOf('</row>');
      if (cut < 0) {
        if (buf.length > MAX_PENDING)
          throw new Error(`a row of the sheet is longer than ${MAX_PENDING / 2 ** 20} MiB of XML`);
        continue;
      }
      const stop = endData >= 0 ? endData : cut + 6;
      const got = rowsOf(buf.slice(0, stop), p, state);
      buf = buf.slice(stop);
      if (endData >= 0) after = true;
      if (got.length) yield got;
      if (after) {
        // what follows the rows is small (merges, formatting); keep only from the merges on
        const k = buf.indexOf('<mergeCells');
        buf = k >= 0 ? buf.slice(k) : buf.slice(-64);
      }
    }
    if (!after && buf.indexOf('</row>') >= 0) {
      const got = rowsOf(buf, p, state);
      if (got.length) yield got;
    }
    mergesOf(buf, merges);
  }
  return { rows: rows(), merges };
}
