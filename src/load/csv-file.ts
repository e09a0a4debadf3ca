// A CSV file's own bytes into COPY (the fast path), for both engines: the statement's options, and for PGlite
// (which COPYs from a blob per statement, and has no WIN1252 conversion) the bytes cut at record boundaries and
// re-encoded as UTF-8.
import type { RawCsv } from '../model.js';
import { quoteIdent } from './ident.js';

/** How the file is written: what PostgreSQL needs to parse it. */
export type CsvFileFormat = Pick<RawCsv, 'header' | 'delimiter' | 'encoding' | 'newline'>;

/** The WITH (...) of a COPY of the file into `columns` (empty fields are NULL in every column, quoted or not). */
export function copyFileOptions(
  columns: string[],
  f: Pick<CsvFileFormat, 'header' | 'delimiter' | 'encoding'>,
) {
  return [
    'FORMAT csv',
    `HEADER ${f.header}`,
    `DELIMITER '${f.delimiter === "'" ? "''" : f.delimiter}'`,
    `ENCODING '${f.encoding}'`,
    `FORCE_NULL (${columns.map(quoteIdent).join(', ')})`,
  ].join(', ');
}

const QUOTE = 0x22;

/** The bytes in pieces of at least `minBytes` that each end where a record ends (a line break outside quotes),
 * so each piece is a whole CSV of its own; WIN1252 text comes out as UTF-8. */
export async function* recordChunks(
  data: AsyncIterable<Uint8Array>,
  f: Pick<CsvFileFormat, 'encoding' | 'newline'>,
  minBytes = 2 << 20,
): AsyncGenerator<Uint8Array> {
  const eol = f.newline === '\r' ? 0x0d : 0x0a;
  const win1252 = f.encoding === 'WIN1252' ? new TextDecoder('windows-1252') : undefined;
  let parts: Uint8Array[] = [];
  let size = 0;
  const quotes = { inside: false };
  for await (const chunk of data) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = lastRecordEnd(b, eol, quotes);
    if (end < 0 || size + end + 1 < minBytes) {
      parts.push(b);
      size += b.length;
      continue;
    }
    parts.push(b.subarray(0, end + 1));
    yield utf8(Buffer.concat(parts), win1252);
    parts = end + 1 < b.length ? [b.subarray(end + 1)] : [];
    size = b.length - end - 1;
  }
  if (size) yield utf8(Buffer.concat(parts), win1252);
}

/** Index of the last line break of `b` outside quotes, or -1; `quotes.inside` carries over between chunks (a ""
 * inside quotes closes and opens again, so it needs no special case). */
function lastRecordEnd(b: Buffer, eol: number, quotes: { inside: boolean }): number {
  let end = -1;
  let i = 0;
  while (i < b.length) {
    const q = b.indexOf(QUOTE, i);
    if (quotes.inside) {
      if (q < 0) break;
      quotes.inside = false;
    } else {
      const stop = q < 0 ? b.length : q;
      const n = stop > i ? b.lastIndexOf(eol, stop - 1) : -1;
      if (n >= i) end = n;
      if (q < 0) break;
      quotes.inside = true;
    }
    i = q + 1;
  }
  return end;
}

function utf8(b: Buffer, win1252: TextDecoder | undefined): Uint8Array {
  // pieces end at line breaks, so no character is cut in two
  return win1252 ? Buffer.from(win1252.decode(b), 'utf8') : b;
}
