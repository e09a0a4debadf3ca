// One `<c>` element of a worksheet's XML, read where it lies in the text: its start tag's r, s and t told by
// walking their characters, its `<v>` by position (`<c r=".." t="s"><v>12</v></c>`, the form nearly every writer
// uses, is read without a search), and the cell as the grid path sees it (grid.ts toCell, describeCell). Nothing
// is copied out of the text for a plain number or a shared string: a big sheet is millions of these.
import type { GridCell, Kind } from './grid.js';
import { DAYS_1904, describeCell } from './grid.js';
import type { SheetCell } from './types.js';
import { itemText, unescapeXml, type XlsxParts } from './xlsx-parts.js';

/** Where a cell lies in the text and what its start tag says (one object, reused cell after cell). */
export interface CellAt {
  /** its column: from r, else the column after the previous cell's */
  c: number;
  /** its style (s), 0 when it has none */
  s: number;
  /** its type (t), 'n' when it has none */
  t: string;
  /** the start tag's `>` */
  gt: number;
  /** its `</c>`; -1 when the start tag closes itself */
  close: number;
  /** its `<v>` text is xml[v0..v1]; v0 is -1 when it has no `<v>` */
  v0: number;
  v1: number;
}

/** A CellAt to read cells into. */
export const cellAt = (): CellAt => ({ c: 0, s: 0, t: 'n', gt: -1, close: -1, v0: -1, v1: -1 });

export function colOf(ref: string): number {
  let c = 0;
  for (let i = 0; i < ref.length; i++) {
    const k = ref.charCodeAt(i);
    if (k < 65 || k > 90) break;
    c = c * 26 + (k - 64);
  }
  return c - 1;
}

const text = (xml: string, from: number, to: number): string => {
  const v = xml.slice(from, to);
  return v.indexOf('&') >= 0 ? unescapeXml(v) : v;
};

/** r's column, read off the characters (colOf's rule); -2 for an empty r (as if it had none). */
function colAt(xml: string, from: number, to: number): number {
  if (from === to) return -2;
  let c = 0;
  for (let i = from; i < to; i++) {
    const k = xml.charCodeAt(i);
    if (k < 65 || k > 90) {
      if (k === 38) return colOf(text(xml, from, to)); // an entity: its character may be a letter
      break;
    }
    c = c * 26 + (k - 64);
  }
  return c - 1;
}

/** s as a number (digits read off the characters; anything else as Number reads it). */
function styleAt(xml: string, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) {
    const k = xml.charCodeAt(i);
    if (k < 48 || k > 57) return Number(text(xml, from, to));
    s = s * 10 + (k - 48);
  }
  return s;
}

function typeAt(xml: string, from: number, to: number): string {
  if (to - from === 1) {
    const k = xml.charCodeAt(from);
    if (k === 115) return 's';
    if (k === 110) return 'n';
  }
  return text(xml, from, to);
}

/** Reads the start tag from `at` (its `<c`): its r, s and t into x (either quote, entities unescaped; a later one
 * of a name wins); returns where its `>` is (-1: none). One walk over the tag's characters: a search for each
 * attribute by name ran past a tag without it into the next cells (most numbers carry no `t`, many no `s`), and
 * a search is a call where a tag is a dozen characters. */
function startTag(xml: string, at: number, x: CellAt): number {
  x.c = -2;
  x.s = 0;
  x.t = 'n';
  const n = xml.length;
  for (let i = at + 2; i < n; i++) {
    const k = xml.charCodeAt(i);
    if (k === 62) return i;
    if (k !== 61) continue;
    const q = xml.charCodeAt(i + 1);
    if (q !== 34 && q !== 39) return xml.indexOf('>', i);
    let end = i + 2;
    while (end < n && xml.charCodeAt(end) !== q) end++;
    if (end === n) return -1;
    const before = xml.charCodeAt(i - 2);
    // a one-letter name after white space: r, s or t (not cm=, x14ac:dyDescent=, ...)
    if (before === 32 || before === 9 || before === 10 || before === 13) {
      const name = xml.charCodeAt(i - 1);
      if (name === 114) x.c = colAt(xml, i + 2, end);
      else if (name === 115) x.s = styleAt(xml, i + 2, end);
      else if (name === 116) x.t = typeAt(xml, i + 2, end);
    }
    i = end;
  }
  return -1;
}

/** xml[at..at + 3] is `<v>` (or, with slash, `</v>`; `</c>`). */
const isTag = (xml: string, at: number, slash: boolean, name: number): boolean =>
  xml.charCodeAt(at) === 60 &&
  (slash
    ? xml.charCodeAt(at + 1) === 47 && xml.charCodeAt(at + 2) === name && xml.charCodeAt(at + 3) === 62
    : xml.charCodeAt(at + 1) === name && xml.charCodeAt(at + 2) === 62);

/** Reads the cell whose start tag begins at `at` into x (`next`: the column a cell without r gets); returns
 * where the cell ends. */
export function readCell(xml: string, at: number, next: number, x: CellAt): number {
  const gt = startTag(xml, at, x);
  if (gt < 0) {
    // no end to the tag in the rest of the text: no cell, and the row ends here
    x.close = -1;
    return xml.length;
  }
  if (x.c === -2) x.c = next;
  x.gt = gt;
  x.v0 = -1;
  if (xml.charCodeAt(gt - 1) === 47) {
    x.close = -1;
    return gt + 1;
  }
  if (isTag(xml, gt + 1, false, 118)) {
    // <v>text</v>, the common form: its end is the next `<`
    const end = xml.indexOf('<', gt + 4);
    if (isTag(xml, end, true, 118)) {
      x.v0 = gt + 4;
      x.v1 = end;
      x.close = isTag(xml, end + 4, true, 99) ? end + 4 : xml.indexOf('</c>', end);
      return x.close < 0 ? xml.length : x.close + 4;
    }
  }
  x.close = xml.indexOf('</c>', gt);
  // no `</c>` in the rest of the text: the cell is dropped and the row ends here (never a step back)
  if (x.close < 0) return xml.length;
  const v = xml.indexOf('<v', gt);
  if (v >= 0 && v < x.close) {
    const vgt = xml.indexOf('>', v);
    const empty = xml.charCodeAt(vgt - 1) === 47;
    x.v0 = empty ? vgt : vgt + 1;
    x.v1 = empty ? vgt : xml.indexOf('</v>', vgt);
  }
  return x.close + 4;
}

/** The next cell's start tag from `from` on, before `to` (not `<col`, `<cfRule`, ...); -1 when none. */
export function nextCell(xml: string, from: number, to: number): number {
  // most often the next cell starts right here
  let at = xml.charCodeAt(from) === 60 && xml.charCodeAt(from + 1) === 99 ? from : xml.indexOf('<c', from);
  while (at >= 0 && at < to) {
    const ch = xml.charCodeAt(at + 2);
    if (ch === 32 || ch === 62 || ch === 47 || ch === 9 || ch === 10 || ch === 13) return at;
    at = xml.indexOf('<c', at + 2);
  }
  return -1;
}

/** The number in xml[from..to] as Number reads it (plain digits read off the characters). */
function numberAt(xml: string, from: number, to: number): number {
  const neg = xml.charCodeAt(from) === 45;
  const first = neg ? from + 1 : from;
  if (to > first && to - first <= 15) {
    let v = 0;
    let i = first;
    for (; i < to; i++) {
      const k = xml.charCodeAt(i);
      if (k < 48 || k > 57) break;
      v = v * 10 + (k - 48);
    }
    if (i === to) return neg ? -v : v;
  }
  return Number(xml.slice(from, to));
}

/** A numeric cell's value; undefined when it has none (no `<v>`, an empty one, or not a number). */
export function numberOf(xml: string, x: CellAt): number | undefined {
  if (x.v0 < 0 || x.v0 === x.v1) return undefined;
  const v = numberAt(xml, x.v0, x.v1);
  return Number.isNaN(v) ? undefined : v;
}

/** Shared string k's cell as the grid sees it, described once; null for a blank one, undefined when k is not in
 * the table. */
function sharedCell(k: number, p: XlsxParts): XlsxParts['described'][number] {
  let known = p.described[k];
  if (known === undefined) {
    const v = p.strings[k];
    if (v === undefined) return undefined;
    const cell: SheetCell | undefined = v.trim() === '' ? undefined : { t: 's', v };
    known = cell ? { cell, ...describeCell(cell) } : null;
    p.described[k] = known;
  }
  return known;
}

export const sharedOf = (xml: string, x: CellAt, p: XlsxParts) =>
  sharedCell(x.v0 < 0 ? NaN : numberAt(xml, x.v0, x.v1), p);

/** A number in a cell of style s shows as a date: the grid path's rule (grid.ts toCell). */
export const dated = (v: number, s: number, p: XlsxParts): boolean => !!p.styles.date[s] && v > 0;

/** A number's cell as the grid path sees it: a day number when its style shows a date (the 1904 system counted
 * in), a fraction marked as a percentage when its style shows one. */
export function numberCell(v: number, s: number, p: XlsxParts): SheetCell {
  if (dated(v, s, p)) return { t: 'n', v: p.date1904 ? v + DAYS_1904 : v, date: true };
  return p.styles.pct[s] ? { t: 'n', v, pct: true } : { t: 'n', v };
}

/** The cell as the grid path sees it; undefined when the grid has none there. */
export function cellOf(xml: string, x: CellAt, p: XlsxParts): GridCell | undefined {
  if (x.close < 0) return undefined;
  const c = x.c;
  if (x.t === 'n') {
    const v = numberOf(xml, x);
    if (v === undefined) return undefined;
    const cell = numberCell(v, x.s, p);
    const d = describeCell(cell);
    return { c, cell, text: d.text, kind: d.kind };
  }
  if (x.t === 's') {
    const known = sharedOf(xml, x, p);
    return known ? { c, cell: known.cell, text: known.text, kind: known.kind } : undefined;
  }
  const cell = otherCell(x.t, xml.slice(x.gt + 1, x.close));
  return cell && { c, cell, ...describeCell(cell) };
}

/** What `cellOf` would say of the cell's kind, without building it: null when the grid has no cell there,
 * undefined when its type needs its text built to tell (an inline or formula string, a boolean, an error, an ISO
 * date). A string's text goes to `first` when asked. */
export function kindOf(
  xml: string,
  x: CellAt,
  p: XlsxParts,
  first?: { text?: string },
): Kind | null | undefined {
  if (x.close < 0) return null;
  if (x.t === 'n') {
    const v = numberOf(xml, x);
    if (v === undefined) return null;
    return dated(v, x.s, p) ? 'date' : 'num';
  }
  if (x.t !== 's') return undefined;
  const known = sharedOf(xml, x, p);
  if (!known) return null;
  if (first) first.text = known.text;
  return known.kind;
}

/** The text of the `<v>` in body, if it has one. */
function valueIn(body: string): string | undefined {
  const at = body.indexOf('<v');
  if (at < 0) return undefined;
  const gt = body.indexOf('>', at);
  if (body.charCodeAt(gt - 1) === 47) return '';
  return body.slice(gt + 1, body.indexOf('</v>', gt));
}

function otherCell(t: string, body: string): SheetCell | undefined {
  if (t === 'inlineStr') {
    const is = /<is>([\s\S]*)<\/is>/.exec(body);
    const v = is ? itemText(is[1]) : '';
    return v.trim() === '' ? undefined : { t: 's', v };
  }
  const raw = valueIn(body);
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
