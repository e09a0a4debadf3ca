// A worksheet part read as a stream: its bytes cut into pieces at a row's end (so memory holds one piece, never
// the sheet), each piece's rows found (`RowText`) and built into grid rows (the cells SheetJS would give the grid
// path, grid.ts) only when a reader asks, or told by their cells' columns and kinds (`shapeAt`). The merged ranges
// (`<mergeCells>`, after `<sheetData>`) come at the end.
import type { GridCell, GridRow, Kind, Merge } from './grid.js';
import { attr, unescapeXml, type XlsxParts } from './xlsx-parts.js';
import { cellAt, cellOf, colOf, kindOf, nextCell, readCell } from './xlsx-cell.js';

/** A row's text over this many characters is refused (a part with no `</row>` is not a sheet we can stream). */
const MAX_PENDING = 256 * 2 ** 20;

/** A sheet this scanner does not read: the grid path (SheetJS in the child process) reads it. */
export class NeedsGrid extends Error {}

export interface SheetScan {
  /** the sheet's rows, chunk by chunk of its text */
  rows: AsyncGenerator<RowText>;
  /** filled once `rows` is done */
  merges: Merge[];
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

/** The cells of the row whose inner text is xml[from..to]. */
function rowCells(xml: string, from: number, to: number, p: XlsxParts): GridCell[] {
  const cells: GridCell[] = [];
  const x = cellAt();
  let next = 0;
  for (let at = nextCell(xml, from, to); at >= 0;) {
    const end = readCell(xml, at, next, x);
    next = x.c + 1;
    const cell = cellOf(xml, x, p);
    if (cell) cells.push(cell);
    at = nextCell(xml, end, to);
  }
  return cells;
}

/**
 * The complete rows of one chunk of a sheet's text, found but not built: row i is sheet row `spans[3i]` (0-based),
 * its inner text `xml[spans[3i + 1]..spans[3i + 2]]`. A reader builds the rows it needs (`rowAt`), or first asks
 * what a row is like (`shapeAt`), which costs a fraction of building it.
 */
export interface RowText {
  xml: string;
  spans: number[];
}

/** Row i of a chunk with its cells, as the grid path sees them; undefined when it has none. */
export function rowAt(t: RowText, i: number, p: XlsxParts): GridRow | undefined {
  const cells = rowCells(t.xml, t.spans[3 * i + 1], t.spans[3 * i + 2], p);
  return cells.length ? { r: t.spans[3 * i], cells } : undefined;
}

/** A row's cells told by column and kind only. */
export interface RowShape {
  n: number;
  cols: number[];
  kinds: Kind[];
  /** the first cell's text, when it is a string */
  text?: string;
}

/** Row i's cells as `rowAt` would give them, by column and kind (describeCell's), without building them. False
 * when a cell is of a type whose kind needs its text built (an inline or formula string, a boolean, an error, an
 * ISO date): the caller builds the row then. */
export function shapeAt(t: RowText, i: number, p: XlsxParts, out: RowShape): boolean {
  const xml = t.xml;
  const to = t.spans[3 * i + 2];
  const x = cellAt();
  let next = 0;
  out.n = 0;
  out.text = undefined;
  for (let at = nextCell(xml, t.spans[3 * i + 1], to); at >= 0;) {
    const end = readCell(xml, at, next, x);
    next = x.c + 1;
    at = nextCell(xml, end, to);
    const kind = kindOf(xml, x, p, out.n === 0 ? out : undefined);
    if (kind === undefined) return false;
    if (kind === null) continue;
    out.cols[out.n] = x.c;
    out.kinds[out.n++] = kind;
  }
  return true;
}

/** The 0-based row of the `<row` tag at xml[at..gt]: its `r`, read off the digits when it comes first (as Excel
 * writes it), else by attribute; `next` when it has none. */
function rowNumber(xml: string, at: number, gt: number, next: number): number {
  // ' r="'
  if (
    xml.charCodeAt(at + 4) === 32 &&
    xml.charCodeAt(at + 5) === 114 &&
    xml.charCodeAt(at + 6) === 61 &&
    xml.charCodeAt(at + 7) === 34
  ) {
    let n = 0;
    let i = at + 8;
    let c = xml.charCodeAt(i);
    for (; c >= 48 && c <= 57; c = xml.charCodeAt(++i)) n = n * 10 + c - 48;
    if (c === 34 && i > at + 8) return n - 1;
  }
  const rAttr = quick(xml, at, gt, ' r="');
  return rAttr ? +rAttr - 1 : next;
}

/** Where the complete `<row>...</row>` elements of xml are (RowText's spans); `state.next` is the 0-based row a
 * row without `r` gets. */
function spansOf(xml: string, state: { next: number }): number[] {
  const out: number[] = [];
  let at = xml.indexOf('<row');
  while (at >= 0) {
    const gt = xml.indexOf('>', at);
    const r = rowNumber(xml, at, gt, state.next);
    state.next = r + 1;
    if (xml.charCodeAt(gt - 1) === 47) {
      at = xml.indexOf('<row', gt);
      continue;
    }
    const close = xml.indexOf('</row>', gt);
    out.push(r, gt + 1, close);
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

/** The namespace check: a sheet whose elements carry a prefix (`<x:row>`) is the grid path's. */
function checkPrefix(text: string): boolean {
  if (/<sheetData[\s>/]/.test(text)) return true;
  if (/<\w+:sheetData[\s>/]/.test(text)) throw new NeedsGrid('its XML elements carry a namespace prefix');
  return false;
}

/** The bytes not yet cut into pieces, in one buffer used again chunk after chunk (grown for a longer row): a new
 * buffer per chunk doubled what a sheet's read leaves for the collector outside V8's heap. */
class Held {
  private buf = Buffer.allocUnsafe(256 * 1024);
  private length = 0;

  /** The held bytes with b after them (valid until the next call). */
  add(b: Uint8Array): Buffer {
    if (this.length + b.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.length + b.length));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.buf.set(b, this.length);
    this.length += b.length;
    return this.bytes();
  }

  /** The held bytes. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Keeps the bytes from `from` on. */
  keep(from: number): void {
    this.buf.copyWithin(0, from, this.length);
    this.length -= from;
  }
}

/** From the merges on (what follows the rows is small: merges, formatting). */
const fromMerges = (text: string): string => {
  const k = text.indexOf('<mergeCells');
  return k >= 0 ? text.slice(k) : text.slice(-64);
};

/** Bytes of XML decoded into one string, at most, when its rows allow: V8 makes a string of 128 KiB or more in
 * its large-object space, ~30 times as slowly (docs/benchmarks.md); a string with a character outside Latin-1
 * takes two bytes a character, so it reaches that size at 64 Ki characters. */
export const PIECE_BYTES = 60 * 1024;

/** Where the pieces of bytes[0..stop] end: each at a `</row>`, PIECE_BYTES long at most unless one row is longer;
 * the last at `stop`. */
function pieceEnds(bytes: Buffer, stop: number): number[] {
  const ends: number[] = [];
  let from = 0;
  while (stop - from > PIECE_BYTES) {
    let at = bytes.lastIndexOf('</row>', from + PIECE_BYTES - 6);
    if (at < from) at = bytes.indexOf('</row>', from + PIECE_BYTES - 6);
    if (at < 0 || at + 6 >= stop) break;
    from = at + 6;
    ends.push(from);
  }
  ends.push(stop);
  return ends;
}

/**
 * Scan a sheet's bytes: its rows piece by piece (found, built when asked), then its merges. The inflated bytes up
 * to their last `</row>` are cut at rows' ends into pieces (PIECE_BYTES), each decoded on its own: one flat string,
 * which the scanner reads character by character about a third faster than a string joined from pieces and cut
 * out of it.
 */
export function scanSheet(chunks: AsyncIterable<Uint8Array>): SheetScan {
  const merges: Merge[] = [];
  async function* rows(): AsyncGenerator<RowText> {
    const state = { next: 0 };
    // a piece ends at `</row>` or `</sheetData>`, never inside a character: each decodes whole
    const dec = new TextDecoder('utf-8', { ignoreBOM: true });
    const held = new Held();
    let seen = false;
    // the text after `</sheetData>`, once it has come
    let after: string | undefined;
    for await (const b of chunks) {
      if (after !== undefined) {
        after = fromMerges(after + dec.decode(b, { stream: true }));
        continue;
      }
      const all = held.add(b);
      if (!seen) seen = checkPrefix(all.toString('latin1'));
      const endData = all.indexOf('</sheetData>');
      const cut = endData >= 0 ? endData : all.lastIndexOf('</row>');
      if (cut < 0) {
        if (all.length > MAX_PENDING)
          throw new Error(`a row of the sheet is longer than ${MAX_PENDING / 2 ** 20} MiB of XML`);
        continue;
      }
      const stop = endData >= 0 ? endData : cut + 6;
      const ends = pieceEnds(all, stop);
      for (let k = 0, from = 0; k < ends.length; from = ends[k++]) {
        const xml = dec.decode(all.subarray(from, ends[k]));
        const spans = spansOf(xml, state);
        if (spans.length) yield { xml, spans };
      }
      if (endData >= 0) after = fromMerges(dec.decode(all.subarray(stop), { stream: true }));
      else held.keep(stop);
    }
    if (after === undefined) {
      const text = dec.decode(held.bytes());
      const spans = text.indexOf('</row>') >= 0 ? spansOf(text, state) : [];
      if (spans.length) yield { xml: text, spans };
      after = text;
    } else after += dec.decode();
    mergesOf(after, merges);
  }
  return { rows: rows(), merges };
}
