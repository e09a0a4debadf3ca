// The sheet scanner's pieces (src/manifest/extract/xlsx-rows.ts): however the inflater chunks the bytes, each
// piece decoded to a string stays under PIECE_BYTES (V8 makes bigger strings in its slow large-object space)
// unless one row is longer, and every row comes once, whole and in order, with the merges after them.
import { describe, expect, it } from 'vitest';
import { PIECE_BYTES, scanSheet } from '../src/manifest/extract/xlsx-rows.js';

const rowXml = (r: number, text: string) =>
  `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${text}</t></is></c><c r="B${r}"><v>${r * 3}</v></c></row>`;

function sheet(rows: string[]): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
      rows.join('') +
      `</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`,
  );
}

async function* chunks(b: Buffer, size: number) {
  for (let at = 0; at < b.length; at += size) yield b.subarray(at, at + size);
}

async function scan(b: Buffer, size: number) {
  const s = scanSheet(chunks(b, size));
  const pieces: number[] = [];
  const rows: { r: number; xml: string }[] = [];
  for await (const t of s.rows) {
    pieces.push(Buffer.byteLength(t.xml));
    for (let i = 0; i < t.spans.length / 3; i++)
      rows.push({ r: t.spans[3 * i], xml: t.xml.slice(t.spans[3 * i + 1], t.spans[3 * i + 2]) });
  }
  return { pieces, rows, merges: s.merges };
}

describe('the sheet scanner cuts its text into pieces under PIECE_BYTES', () => {
  const texts = Array.from({ length: 6000 }, (_, i) => (i % 7 ? `Practice ${i}` : `Café ${i} – Ærø`));
  const book = sheet(texts.map((t, i) => rowXml(i + 1, t)));

  it('from 128 KiB chunks (the inflater’s) and from one chunk: every row once, whole, in order', async () => {
    for (const size of [128 * 1024, book.length, 4093]) {
      const got = await scan(book, size);
      expect(Math.max(...got.pieces)).toBeLessThanOrEqual(PIECE_BYTES);
      expect(got.rows.map((x) => x.r)).toEqual(texts.map((_, i) => i));
      got.rows.forEach((x, i) => expect(x.xml).toContain(`<t>${texts[i]}</t>`));
      expect(got.merges).toEqual([{ s: { r: 0, c: 0 }, e: { r: 0, c: 1 } }]);
    }
  });

  it('a row longer than a piece comes whole, in a piece of its own size', async () => {
    const long = 'x'.repeat(3 * PIECE_BYTES);
    const rows = [
      rowXml(1, 'a'),
      rowXml(2, long),
      rowXml(3, 'b'),
      ...texts.slice(0, 900).map((t, i) => rowXml(i + 4, t)),
    ];
    const got = await scan(sheet(rows), 128 * 1024);
    expect(got.rows.map((x) => x.r)).toEqual(rows.map((_, i) => i));
    expect(got.rows[1].xml).toContain(long);
    expect(got.pieces.filter((n) => n > PIECE_BYTES)).toHaveLength(1);
  });
});
