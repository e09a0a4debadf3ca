// Past its head, a streamed sheet's first pass tells most rows by their cells' columns and kinds alone (shapeAt,
// surelyPlain), building a row only when unsure. Whatever row comes past the head, the tables must be the grid
// path's: rows that only look plain (a note with numbers, a total, a marker, a date in a numeric column, a text-
// only row) and rows that end the table (a meta row, a number in a text column, a footnote, a cell past the
// table, a gap). And the scanner's pieces: text in several scripts, cut wherever the inflater cuts it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { extractFile } from '../src/manifest/extract/index.js';
import { streamPlan, SHEET_HEAD_ROWS } from '../src/manifest/extract/xlsx-stream.js';
import { extractLimits } from '../src/manifest/extract/caps.js';
import { readParts } from '../src/manifest/extract/xlsx-parts.js';
import { writeXlsx, type XCell, type XSheet } from './support/xlsx-write.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-xlsx-shape-'));
const LATE = SHEET_HEAD_ROWS + 40;
const N = SHEET_HEAD_ROWS + 120;

/** A data row of the table: code, name, week ending (date), appointments, share (percentage). */
const row = (i: number): XCell[] => [
  `P${String(i % 400).padStart(5, '0')}`,
  `Practice ${i % 250}`,
  { n: 45000 + (i % 30), s: 1 },
  1000 + (i % 777),
  { n: (i % 100) / 1000, s: 2 },
];

const HEADER = ['Practice code', 'Practice name', 'Week ending', 'Appointments', 'Share'];

/** A table of text only: code, name, status. */
const textRow = (i: number): XCell[] => [
  `P${String(i % 400).padStart(5, '0')}`,
  `Practice ${i % 250}`,
  'Open',
];

/** A sheet of N data rows under a title and a header, `late` rows in place of the data row LATE (and after). */
function sheet(name: string, late: XCell[][], gap = 0, make = row, header: XCell[] = HEADER): XSheet {
  return {
    name,
    *rows(): Iterable<[number, XCell[]]> {
      yield [0, [`Table: ${name}`]];
      yield [2, header];
      let r = 3;
      for (let i = 0; i < N; i++) {
        if (i === LATE) {
          r += gap;
          for (const cells of late) yield [r++, cells];
        } else yield [r++, make(i)];
      }
      yield [r + 1, ['Source: generated for the test']];
    },
  };
}

const book = path.join(dir, 'shapes.xlsx');
writeXlsx(book, {
  formats: ['0.0%'],
  styles: [14, 164],
  sheets: [
    // rows the shape alone may take as data, or that only the built row can tell are data
    sheet('Plain', [
      ['Note: provisional', 'Practice 1', { n: 45001, s: 1 }, 1200, { n: 0.1, s: 2 }],
      ['Total', null, null, 50_000, null],
      ['P00001', 'Practice 1', { n: 45001, s: 1 }, ':', { n: 0.1, s: 2 }],
      ['P00002', 'Practice 2', { n: 45002, s: 1 }, { n: 45002, s: 1 }, { n: 0.2, s: 2 }],
      ['P00003', 'Practice 3'],
      [null, null, null, 7, 0.5],
      ['P00004', { err: '#N/A' }, { n: 45003, s: 1 }, 9, { n: 0.3, s: 2 }],
    ]),
    // a meta row with a number (Period:, then far to the right the year)
    sheet('Meta', [['Period:', null, null, 2024]]),
    // a number in a text column: the text-only row after it is a header there (the grid path starts a table)
    sheet('NumberInText', [
      ['P00005', 12345, { n: 45001, s: 1 }, 3, { n: 0.1, s: 2 }],
      ['P00007', 'Practice 7'],
    ]),
    // a table of text, and after two blank rows a row with a symbol: the table ends there
    sheet('TextOnly', [['P00009', 'Practice 9', ':']], 2, textRow, [
      'Practice code',
      'Practice name',
      'Status',
    ]),
    sheet('Footnote', [['1. Excludes practices that closed']]),
    sheet('Wide', [['P00006', 'Practice 6', { n: 45001, s: 1 }, 3, { n: 0.1, s: 2 }, 'stray']]),
    sheet('Gap', [row(1)], 1),
    sheet('Repeat', [['Practice code', 'Practice name', 'Week ending', 'Appointments', 'Share']], 2),
    // the header's last two cells alike (as a merged cell's halves read), the second's column empty in the head
    // and filled by a row past it: a column the head alone would drop as the blank half of a merged header
    sheet('MergedHalf', [[...row(LATE), 'revised']], 0, row, [...HEADER, 'Share']),
  ],
});

describe('rows past the head told by their shape', () => {
  it('give the tables the grid path gives, sheet by sheet', async () => {
    const plan = await streamPlan(book, extractLimits(), 0);
    // the sheet of plain rows is streamed: its rows past the head were told by shape or built, not sent away
    expect(plan?.grid).not.toContain('Plain');
    const grid = await extractFile(book, { ext: 'xlsx' });
    const stream = await extractFile(book, { ext: 'xlsx', streamFrom: 0 });
    const names = [
      'Plain',
      'Meta',
      'NumberInText',
      'TextOnly',
      'Footnote',
      'Wide',
      'Gap',
      'Repeat',
      'MergedHalf',
    ];
    for (const name of names) {
      // (a streamed table's spec gets its total rows last: the same keys in another order)
      const of = (x: typeof grid) =>
        JSON.parse(JSON.stringify(x.tables.filter((t) => t.spec.sheet === name)));
      expect(of(stream), name).toEqual(of(grid));
      expect(of(grid), name).not.toEqual([]);
    }
    const plain = grid.tables.find((t) => t.spec.sheet === 'Plain')!;
    expect(plain.spec.rowCount).toBe(N - 1 + 7);
    // a row that ends the table there: the grid path's table stops before it
    const meta = grid.tables.find((t) => t.spec.sheet === 'Meta')!;
    expect(meta.spec.rowCount).toBe(LATE);
    // the column empty in the head is the grid path's sixth, its one value kept
    const half = grid.tables.find((t) => t.spec.sheet === 'MergedHalf')!;
    expect(half.spec.columns).toHaveLength(6);
    expect(half.rows.filter((r) => r[5] === 'revised')).toHaveLength(1);
  }, 120_000);
});

describe('the scanner cuts its text where rows end', () => {
  it('text in several scripts, over many inflated pieces: the same table as the grid path', async () => {
    const f = path.join(dir, 'scripts.xlsx');
    const names = ['Café Médical', 'Ysbyty – Cymru', 'Łódź ✓', 'Clinic 🏥 North', 'Ærø'];
    writeXlsx(f, {
      sheets: [
        {
          name: 'Data',
          *rows(): Iterable<[number, XCell[]]> {
            yield [0, ['Code', 'Name', 'Count']];
            for (let i = 0; i < 30_000; i++)
              yield [1 + i, [`C${i}`, { inline: `${names[i % names.length]} ${i}` }, i]];
          },
        },
      ],
    });
    const grid = await extractFile(f, { ext: 'xlsx' });
    const stream = await extractFile(f, { ext: 'xlsx', streamFrom: 0 });
    expect(grid.tables[0].rows[3]).toEqual(['C3', 'Clinic 🏥 North 3', 3]);
    expect(stream.tables[0].spec.rowCount).toBe(30_000);
    expect(JSON.stringify(stream.tables)).toBe(JSON.stringify(grid.tables));
  });
});

describe('the shared strings', () => {
  it('empty items, rich text runs and phonetic runs: each item in its place', async () => {
    const f = path.join(dir, 'sst.xlsx');
    writeXlsx(f, { sheets: [{ name: 'Data', rows: () => [[0, ['a', 'b']]] }] });
    const parts = unzipSync(new Uint8Array(fs.readFileSync(f)));
    const items = [
      '<si><t>first</t></si>',
      '<si/>',
      '<si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r></si>',
      '<si><t/></si>',
      '<si><t>kanji</t><rPh sb="0" eb="1"><t>reading</t></rPh></si>',
      // many items after the empty ones: a search for `/>` ran from each item to the end of its piece
      ...Array.from({ length: 5000 }, (_, i) => `<si><t xml:space="preserve">item ${i} &amp; more</t></si>`),
      '<si><t>last</t></si>',
    ];
    parts['xl/sharedStrings.xml'] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${items.join('')}</sst>`,
    );
    const g = path.join(dir, 'sst2.xlsx');
    fs.writeFileSync(g, zipSync(parts));
    const p = await readParts(g, extractLimits(), () => true);
    expect(p!.strings.slice(0, 5)).toEqual(['first', '', 'rich text', '', 'kanji']);
    expect(p!.strings[5 + 4321]).toBe('item 4321 & more');
    expect(p!.strings).toHaveLength(items.length);
    expect(p!.strings[items.length - 1]).toBe('last');
  });
});

describe('a cell without its end tag (hostile input)', () => {
  it('is dropped and the read goes on to the end: no step back into the row, no endless loop', async () => {
    const f = path.join(dir, 'open-cell.xlsx');
    writeXlsx(f, {
      sheets: [
        {
          name: 'Data',
          *rows(): Iterable<[number, XCell[]]> {
            yield [0, ['Code', 'Count']];
            for (let i = 0; i < 40; i++) yield [1 + i, [`C${i}`, i]];
          },
        },
      ],
    });
    const parts = unzipSync(new Uint8Array(fs.readFileSync(f)));
    const name = Object.keys(parts).find((k) => /worksheets\/sheet\d+\.xml$/.test(k))!;
    const xml = new TextDecoder().decode(parts[name]);
    // the last row's number loses its </c>: nothing after it closes a cell (the old scanner stepped back to the
    // piece's first cell from there, and read the row again and again)
    const at = xml.lastIndexOf('</c></row>');
    const broken = xml.slice(0, at) + xml.slice(at + 4);
    expect(broken.indexOf('</c>', xml.lastIndexOf('<c '))).toBe(-1);
    const g = path.join(dir, 'open-cell-2.xlsx');
    fs.writeFileSync(g, zipSync({ ...parts, [name]: strToU8(broken) }));
    const stream = await extractFile(g, { ext: 'xlsx', streamFrom: 0 });
    // the last row keeps only its code (its count, in the cell that never ends, is not read): a lone text cell
    // after rows of two, which the detector takes as a note below the table
    const rows = stream.tables[0].rows;
    expect(rows).toHaveLength(39);
    expect(rows[38]).toEqual(['C38', 38]);
  }, 20_000);
});
