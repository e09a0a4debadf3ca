// The Parquet worker's reading of the fast path's bytes (src/export/csv-bytes.ts): records and field texts as
// PostgreSQL's COPY (FORMAT csv) reads them, whatever the chunk boundaries. (That PostgreSQL reads them so is shown
// against both engines in stream.test.ts.)
import { expect, it } from 'vitest';
import { CsvBytes, unquote } from '../src/export/csv-bytes.js';

function read(
  bytes: Buffer,
  cuts: number[],
  shape: ConstructorParameters<typeof CsvBytes>[0] = { delimiter: ',', newline: '\n', encoding: 'UTF8' },
) {
  const csv = new CsvBytes(shape, 8);
  const out: string[][] = [];
  const each = (b: Buffer, n: number) => out.push(Array.from({ length: n }, (_, k) => csv.fieldText(b, k)));
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    csv.push(Uint8Array.from(bytes.subarray(at, c)), each);
    at = c;
  }
  csv.end(each);
  return out;
}

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

it('records and fields as written, for every way the bytes may be cut into chunks', () => {
  const random = rng(7);
  const pieces = ['a', 'b c', ',', '"', '\n', '\r\n', 'é', '£', ' ', '12', ''];
  const records: string[][] = [];
  for (let r = 0; r < 400; r++) {
    const width = 3;
    records.push(
      Array.from({ length: width }, () => {
        let v = '';
        for (let k = Math.floor(random() * 4); k > 0; k--) v += pieces[Math.floor(random() * pieces.length)];
        return v;
      }),
    );
  }
  for (const newline of ['\n', '\r\n'] as const) {
    // quoted when it must be (and sometimes when it need not be), a quote doubled inside quotes
    const text = records
      .map((rec, i) =>
        rec.map((v) => (/[",\r\n]/.test(v) || i % 3 === 0 ? `"${v.replace(/"/g, '""')}"` : v)).join(','),
      )
      .join(newline);
    const bytes = Buffer.from(text + newline);
    for (let trial = 0; trial < 30; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
        Math.floor(random() * bytes.length),
      ).sort((x, y) => x - y);
      expect(read(bytes, cuts, { delimiter: ',', newline, encoding: 'UTF8' })).toEqual(records);
    }
    // the last record without a line break
    expect(read(Buffer.from(text), [7], { delimiter: ',', newline, encoding: 'UTF8' })).toEqual(records);
  }
});

it("PostgreSQL's rules: a quote anywhere opens a quoted section; CR line ends; another delimiter; Windows-1252", () => {
  const text = 'Caf"e x"y,"a""b"c,"",x\n';
  expect(read(Buffer.from(text), [])).toEqual([['Cafe xy', 'a"bc', '', 'x']]);
  expect(
    read(Buffer.from('a;"b;\rc"\r1;2'), [3], { delimiter: ';', newline: '\r', encoding: 'UTF8' }),
  ).toEqual([
    ['a', 'b;\rc'],
    ['1', '2'],
  ]);
  // CRLF file: the CR of the line end is not data; a CR inside quotes is
  expect(read(Buffer.from('"x\r",y\r\n'), [], { delimiter: ',', newline: '\r\n', encoding: 'UTF8' })).toEqual(
    [['x\r', 'y']],
  );
  const w = Buffer.from('Caf\u00e9,\u00a35,\u20ac\n', 'latin1'); // € is not Latin-1: 0x80 in Windows-1252
  w[w.length - 2] = 0x80;
  expect(read(w, [4], { delimiter: ',', newline: '\n', encoding: 'WIN1252' })).toEqual([
    ['Caf\u00e9', '\u00a35', '\u20ac'],
  ]);
  expect(unquote('"a"')).toBe('a');
  expect(unquote('a"b""c"d')).toBe('ab"cd');
});

it('an unterminated quoted field at the end is an error, not a record', () => {
  expect(() => read(Buffer.from('a,"b\n'), [])).toThrow(/never closed/);
});

it('values as PostgreSQL stores them: digits straight from the bytes, repeated fields reuse their value', async () => {
  const { FieldValues } = await import('../src/export/raw-values.js');
  const text = [
    '7,007,-12,12.5,2024-01-31,"a ""b"""',
    '7,70000,1e3,-0.5,31JAN2024,x',
    '8,123456789012345678,12,,,"a ""b"""',
    '9,-3,12, 4 ,2024-01-31,x',
  ].join('\n');
  const kinds = ['int', 'bigint', 'int', 'double', 'days', 'text'] as const;
  const csv = new CsvBytes({ delimiter: ',', newline: '\n', encoding: 'UTF8' }, kinds.length);
  const readers = kinds.map((k) => new FieldValues(k));
  const rows: unknown[][] = [];
  const each = (b: Buffer) => rows.push(readers.map((r, j) => r.value(csv, b, j)));
  csv.push(Buffer.from(text), each);
  csv.end(each);
  const jan31 = Date.UTC(2024, 0, 31) / 86_400_000;
  expect(rows).toEqual([
    [7, 7n, -12, 12.5, jan31, 'a "b"'],
    [7, 70000n, 1000, -0.5, jan31, 'x'],
    [8, 123456789012345678n, 12, null, null, 'a "b"'],
    [9, -3n, 12, 4, jan31, 'x'],
  ]);
});
