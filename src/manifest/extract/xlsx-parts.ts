// The parts of an xlsx/xlsm a streamed read needs before its sheets: the workbook (sheet names, hidden state,
// the 1904 date system), the relationships naming each sheet's part, the styles (which cell styles show a date
// or a percentage) and the shared-strings table. Each part is inflated by yauzl through `memberBytes`, so the
// zip caps (src/manifest/extract/caps.ts) apply as it inflates.
import * as XLSX from 'xlsx';
import { listZip, memberBytes, type ZipMember } from './zip-read.js';
import type { ExtractLimits } from './caps.js';
import { DATE_TEXT, type Kind } from './grid.js';
import type { Parsed, SheetCell } from './types.js';

function format(fmt: string, v: number): string {
  try {
    return XLSX.SSF.format(fmt, v);
  } catch {
    return '';
  }
}

export interface SheetPart {
  name: string;
  hidden: boolean;
  /** the part's zip member */
  member: ZipMember;
}

export interface StyleInfo {
  /** per cell style (the `s` attribute): a positive number shows as a date (the grid path's test, grid.ts) */
  date: boolean[];
  /** per cell style: shows a percentage */
  pct: boolean[];
}

export interface XlsxParts {
  path: string;
  sheets: SheetPart[];
  date1904: boolean;
  styles: StyleInfo;
  strings: string[];
  /** each shared string's cell as the grid sees it (made once, when first met; `parsed` and `total`, whether it
   * names a total row, once a stream types it); null: an empty string */
  described: (
    { cell: SheetCell; text: string; kind: Kind; parsed?: Parsed; total?: boolean } | null | undefined
  )[];
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML text to its characters: entities, character references and OOXML's `_xHHHH_` escapes. */
export function unescapeXml(s: string): string {
  // XML reads a line break written CRLF (or CR) as LF
  if (s.indexOf('\r') >= 0) s = s.replace(/\r\n?/g, '\n');
  if (s.indexOf('&') >= 0)
    s = s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
      e[0] === '#'
        ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
        : ENTITY[e],
    );
  if (s.indexOf('_x') >= 0)
    s = s.replace(/_x([0-9a-fA-F]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return s;
}

export function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(tag);
  return m ? unescapeXml(m[2] ?? m[3]) : undefined;
}

/** The text of a string item (`<si>`, `<is>`): its `<t>` runs, phonetic runs (`<rPh>`) left out. */
export function itemText(xml: string): string {
  const body = xml.indexOf('<rPh') >= 0 ? xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : xml;
  let out = '';
  const re = /<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g;
  for (let m = re.exec(body); m; m = re.exec(body)) out += m[1];
  return unescapeXml(out);
}

/** A part's text, as decoded chunks (UTF-8). */
export async function* partText(path: string, m: ZipMember, l: ExtractLimits): AsyncGenerator<string> {
  const dec = new TextDecoder('utf-8');
  for await (const b of memberBytes(path, m.index, l)) yield dec.decode(b, { stream: true });
  const end = dec.decode();
  if (end) yield end;
}

async function wholeText(path: string, m: ZipMember | undefined, l: ExtractLimits): Promise<string> {
  if (!m) return '';
  let s = '';
  for await (const t of partText(path, m, l)) s += t;
  return s;
}

/** Every `<tag>...</tag>` item of a part, read as a stream (a big shared-strings table is never one string). */
async function* items(chunks: AsyncIterable<string>, tag: string): AsyncGenerator<string> {
  const close = `</${tag}>`;
  const open = new RegExp(`<${tag}[\\s>/]`, 'g');
  let buf = '';
  for await (const c of chunks) {
    buf += c;
    let end = buf.lastIndexOf(close);
    if (end < 0) continue;
    end += close.length;
    const done = buf.slice(0, end);
    buf = buf.slice(end);
    let at = nextOpen(done, open, 0);
    while (at >= 0) {
      const gt = done.indexOf('>', at);
      // `<si/>`: an empty item (a search for `/>` from here would run on through every later item)
      if (done.charCodeAt(gt - 1) === 47) {
        yield '';
        at = nextOpen(done, open, gt);
        continue;
      }
      const stop = done.indexOf(close, gt);
      yield done.slice(gt + 1, stop);
      at = nextOpen(done, open, stop);
    }
  }
}
function nextOpen(s: string, open: RegExp, from: number): number {
  open.lastIndex = from;
  return open.exec(s)?.index ?? -1;
}

function styles(xml: string): StyleInfo {
  const table = XLSX.SSF.get_table() as Record<number, string>;
  const formats = new Map<number, string>();
  for (const m of xml.matchAll(/<(?:\w+:)?numFmt\b[^>]*>/g)) {
    const id = Number(attr(m[0], 'numFmtId'));
    const code = attr(m[0], 'formatCode');
    if (Number.isFinite(id) && code !== undefined) formats.set(id, code);
  }
  const out: StyleInfo = { date: [], pct: [] };
  const xfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)?.[1] ?? '';
  for (const m of xfs.matchAll(/<(?:\w+:)?xf\b[^>]*>/g)) {
    const id = Number(attr(m[0], 'numFmtId') ?? 0);
    const fmt = formats.get(id) ?? table[id] ?? 'General';
    // what SheetJS's formatted text (w) of a day number shows decides, as in grid.ts (isDateCell, toCell)
    const w = format(fmt, 45000);
    out.date.push(id !== 0 && DATE_TEXT.test(w) && !/[%£$]/.test(w) && !/E[+-]\d/.test(w));
    out.pct.push(/%\s*$/.test(format(fmt, 0.5)));
  }
  return out;
}

function rels(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (id && target) out.set(id, target);
  }
  return out;
}

function partPath(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = ['xl', ...target.split('/')];
  const out: string[] = [];
  for (const p of parts)
    if (p === '..') out.pop();
    else if (p !== '.') out.push(p);
  return out.join('/');
}

/** Read everything but the sheets' rows, when `wanted` (told the sheets and the shared strings' inflated size)
 * says the workbook is to be streamed. */
export async function readParts(
  path: string,
  l: ExtractLimits,
  wanted: (sheets: SheetPart[], stringsBytes: number) => boolean,
): Promise<XlsxParts | undefined> {
  const members = await listZip(path);
  const byName = new Map(members.map((m) => [m.name.replace(/\\/g, '/').toLowerCase(), m]));
  const find = (p: string) => byName.get(p.toLowerCase());
  const wb = await wholeText(path, find('xl/workbook.xml'), l);
  if (!wb) throw new Error('not an xlsx workbook: xl/workbook.xml is missing');
  const rel = rels(await wholeText(path, find('xl/_rels/workbook.xml.rels'), l));
  const pr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(wb)?.[0] ?? '';
  const d1904 = attr(pr, 'date1904');
  const sheets: SheetPart[] = [];
  for (const m of wb.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = attr(m[0], 'name') ?? '';
    const target = rel.get(attr(m[0], 'r:id') ?? '');
    const member = target ? find(partPath(target)) : undefined;
    const state = attr(m[0], 'state');
    if (member) sheets.push({ name, hidden: state === 'hidden' || state === 'veryHidden', member });
  }
  const strings: string[] = [];
  const sst = find('xl/sharedStrings.xml');
  if (!wanted(sheets, sst?.uncompressedSize ?? 0)) return undefined;
  if (sst) for await (const si of items(partText(path, sst, l), 'si')) strings.push(itemText(si));
  return {
    path,
    sheets,
    date1904: d1904 === '1' || d1904 === 'true',
    styles: styles(await wholeText(path, find('xl/styles.xml'), l)),
    strings,
    described: [],
  };
}
