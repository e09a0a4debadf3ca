// The fast path's bytes read the way PostgreSQL's COPY (FORMAT csv) reads them, without a string per field: a
// record is the positions of its fields in the bytes, and the caller (raw-values.ts) makes a value only of bytes it
// has not seen before (NHS files are sorted; most fields repeat). PostgreSQL's rules: a quote anywhere in a field
// opens a quoted section (a doubled quote inside is one quote, a line break inside is data), and the line break is
// the file's own (CRLF, LF or CR).
import type { RawCsv } from '../model.js';
import { decodeWin1252 } from '../manifest/extract/decode.js';

const QUOTE = 0x22;
const CR = 0x0d;

export type CsvBytesShape = Pick<RawCsv, 'delimiter' | 'newline' | 'encoding'>;

/** Records of a byte stream. After `push` or `end` has called `each(buf, fields)`, field k of the record is
 * buf[starts[k], ends[k]), and quoted[k] is 1 when it holds a quote (its text then needs `fieldText`). */
export class CsvBytes {
  /** where the fields of the record passed to `each` start and end, and whether each holds a quote; a record
   * with more fields than `width` reports how many it has, with only the first `width + 1` here */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly quoted: Uint8Array;
  private carry?: Buffer;
  private readonly delimiter: number;
  private readonly eol: number;
  private readonly crlf: boolean;
  private readonly win1252: boolean;

  constructor(shape: CsvBytesShape, width: number) {
    this.delimiter = shape.delimiter.charCodeAt(0);
    this.eol = shape.newline === '\r' ? CR : 0x0a;
    this.crlf = shape.newline === '\r\n';
    this.win1252 = shape.encoding === 'WIN1252';
    this.starts = new Int32Array(width + 1);
    this.ends = new Int32Array(width + 1);
    this.quoted = new Uint8Array(width + 1);
  }

  /** Every whole record so far; an unfinished last one waits for the next chunk. */
  push(chunk: Uint8Array, each: (buf: Buffer, fields: number) => void): void {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) buf = Buffer.concat([this.carry, buf]);
    this.carry = undefined;
    const rest = this.records(buf, each, false);
    if (rest < buf.length) this.carry = Buffer.from(buf.subarray(rest)); // a copy: the chunk may go
  }

  /** The last record, when the file does not end with a line break. */
  end(each: (buf: Buffer, fields: number) => void): void {
    const buf = this.carry;
    this.carry = undefined;
    if (buf?.length) this.records(buf, each, true);
  }

  /** Calls `each` for every record in `buf`; returns where the unfinished one starts (buf.length if none). */
  private records(buf: Buffer, each: (buf: Buffer, fields: number) => void, last: boolean): number {
    const { delimiter, eol, crlf, starts, ends, quoted } = this;
    const cap = starts.length;
    const len = buf.length;
    let pos = 0;
    for (;;) {
      const start = pos;
      let n = 0;
      let from = pos;
      let q = 0;
      for (;;) {
        if (pos >= len) {
          if (!last || pos === start) return start;
          if (n < cap) {
            starts[n] = from;
            ends[n] = pos;
            quoted[n] = q;
          }
          each(buf, n + 1);
          return len;
        }
        const c = buf[pos];
        if (c === delimiter) {
          if (n < cap) {
            starts[n] = from;
            ends[n] = pos;
            quoted[n] = q;
          }
          n++;
          from = ++pos;
          q = 0;
        } else if (c === eol) {
          if (n < cap) {
            starts[n] = from;
            ends[n] = crlf && pos > from && buf[pos - 1] === CR ? pos - 1 : pos;
            quoted[n] = q;
          }
          pos++;
          each(buf, n + 1);
          break;
        } else if (c === QUOTE) {
          q = 1;
          // to the closing quote; a doubled quote is a quote and the section goes on
          let close = buf.indexOf(QUOTE, pos + 1);
          while (close >= 0 && close + 1 < len && buf[close + 1] === QUOTE)
            close = buf.indexOf(QUOTE, close + 2);
          if (close < 0 || (close + 1 >= len && !last)) {
            if (last) throw new Error('a quoted field is never closed');
            return start;
          }
          pos = close + 1;
        } else pos++;
      }
    }
  }

  /** The text of field k of the record just passed to `each`. */
  fieldText(buf: Buffer, k: number): string {
    const s = this.starts[k];
    const e = this.ends[k];
    const text = this.win1252 ? decodeWin1252(buf.subarray(s, e)) : buf.toString('utf8', s, e);
    return this.quoted[k] ? unquote(text) : text;
  }
}

/** A field's text without its quotes: quoted sections lose their quotes, a doubled quote inside one is a quote. */
export function unquote(s: string): string {
  if (s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"' && s.indexOf('"', 1) === s.length - 1)
    return s.slice(1, -1);
  let out = '';
  let inside = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '"') out += c;
    else if (inside && s[i + 1] === '"') {
      out += '"';
      i++;
    } else inside = !inside;
  }
  return out;
}

/** Whether bytes a[as, as+len) equal b[bs, bs+len). */
export function sameBytes(a: Buffer, as: number, b: Buffer, bs: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[as + k] !== b[bs + k]) return false;
  return true;
}
