// An xlsx read as a stream gives the tables the grid path (SheetJS, whole) gives: titles over merged cells, a
// header, dates and percentages by number format, shared and inline strings, a late symbol and a late decimal
// past the head, footnotes below; a doc sheet's text. And the parts the stream needs: date1904, formats.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { collectTable, extractFile, openFile } from '../src/manifest/extract/index.js';
import { releaseParsedRows } from '../src/manifest/extract/isolate.js';
import { streamPlan, SHEET_HEAD_ROWS } from '../src/manifest/extract/xlsx-stream.js';
import { STREAM_BATCH_ROWS } from '../src/manifest/extract/xlsx-source.js';
import { extractLimits } from '../src/manifest/extract/caps.js';
import { HeapGuard } from '../src/manifest/extract/collect.js';
import { writeXlsx, type XCell } from './support/xlsx-write.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-xlsx-stream-'));
const N = SHEET_HEAD_ROWS + 5000;
const LATE = SHEET_HEAD_ROWS + 1234;

function* dataRows(): Iterable<[number, XCell[]]> {
  yield [0, ['Table 1: Appointments by practice, England']];
  yield [1, ['Published 1 March 2024']];
  yield [3, ['Practice code', 'Practice name', 'Week ending', 'Appointments', 'Share', 'Mean minutes']];
  for (let i = 0; i < N; i++) {
    const appts: XCell = i === LATE ? ':' : i === LATE + 7 ? { n: 12.5, s: 0 } : 1000 + (i % 977);
    yield [
      4 + i,
      [
        `P${String(i % 500).padStart(5, '0')}`,
        { inline: `Practice & Sons ${i % 300}` },
        { n: 45000 + (i % 60), s: 1 },
        appts,
        { n: (i % 100) / 1000, s: 2 },
        { n: 7 + (i % 13) / 4, s: 0 },
      ],
    ];
  }
  yield [4 + N + 1, ['Source: NHS England, Appointments in General Practice']];
  yield [4 + N + 2, [': = not available']];
}

const file = path.join(dir, 'appointments.xlsx');
writeXlsx(file, {
  formats: ['0.0%'],
  styles: [14, 164],
  sheets: [
    {
      name: 'Notes',
      rows: () => [
        [0, ['Notes']],
        [1, [': = not available']],
        [2, ['c = confidential']],
      ],
    },
    { name: 'Table 1', rows: dataRows, merges: ['A1:F1', 'A2:F2'] },
  ],
});

describe('a streamed xlsx', () => {
  it('gives the same tables as the grid path', async () => {
    const plan = await streamPlan(file, extractLimits(), 0);
    // the data sheet is streamed (not handed to the grid path)
    expect(plan?.grid).toEqual([]);
    const grid = await extractFile(file, { ext: 'xlsx' });
    const stream = await extractFile(file, { ext: 'xlsx', streamFrom: 0 });
    expect(grid.tables).toHaveLength(1);
    const [g] = grid.tables;
    const [s] = stream.tables;
    expect(s.spec).toEqual(g.spec);
    expect(s.sourceRows).toEqual(g.sourceRows);
    expect(s.flags).toEqual(g.flags);
    expect(s.rows).toEqual(g.rows);
    expect(stream.docs).toEqual(grid.docs);
    expect(stream.legend).toEqual(grid.legend);
    // what the table is, independently of either path
    expect(g.spec.rowCount).toBe(N);
    expect(g.spec.columns.map((c) => c.type)).toEqual([
      'text',
      'text',
      'date',
      'numeric',
      'numeric',
      'numeric',
    ]);
    expect(g.spec.title).toContain('Table 1: Appointments');
    expect(g.rows[0]).toEqual(['P00000', 'Practice & Sons 0', '2023-03-15', 1000, 0, 7]);
    expect(s.rows[LATE][3]).toBeNull();
    expect(s.spec.columns[3].markers).toEqual({ ':': 1 });
  });

  it('hands its rows on in small batches, whatever the loader asks (memory stays flat)', async () => {
    const plan = await streamPlan(file, extractLimits(), 0);
    const t = plan!.sheets.flatMap((f) => f?.tables ?? []).find((x) => x.spec.sheet === 'Table 1')!;
    const sizes: number[] = [];
    let first = -1;
    for await (const b of t.batches(50_000)) {
      sizes.push(b.rows.length);
      if (first < 0) first = b.sourceRows[0];
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(N);
    expect(Math.max(...sizes)).toBe(STREAM_BATCH_ROWS);
    expect(sizes.length).toBe(Math.ceil(N / STREAM_BATCH_ROWS));
    expect(first).toBe(5);
  });

  it('collects the heap while its rows stream once it passes the guard (memory stays flat on a long load)', async () => {
    const plan = await streamPlan(file, extractLimits(), 0);
    const t = plan!.sheets.flatMap((f) => f?.tables ?? []).find((x) => x.spec.sheet === 'Table 1')!;
    const floor = HeapGuard.floor;
    const before = HeapGuard.collections;
    HeapGuard.floor = 1; // any heap is over it: the first full batch collects
    try {
      let rows = 0;
      for await (const b of t.batches(50_000)) rows += b.rows.length;
      expect(rows).toBe(N);
    } finally {
      HeapGuard.floor = floor;
    }
    expect(HeapGuard.collections).toBeGreaterThan(before);
  });
});

describe('the corpus through the stream reader', () => {
  const nhs = path.join(import.meta.dirname, 'fixtures/nhs');
  it('every xlsx gives the same tables, docs and legend as the grid path', async () => {
    const files = fs.readdirSync(nhs).filter((f) => /\.xlsx$/i.test(f));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      const grid = await extractFile(path.join(nhs, f), { ext: 'xlsx' });
      const stream = await extractFile(path.join(nhs, f), { ext: 'xlsx', streamFrom: 0 });
      expect(JSON.stringify(stream), f).toBe(JSON.stringify(grid));
    }
  }, 600_000);
});

describe('the 1904 date system', () => {
  it('reads dates as written, through the stream and the grid path alike', async () => {
    const f = path.join(dir, 'd1904.xlsx');
    writeXlsx(f, {
      date1904: true,
      styles: [14],
      sheets: [
        {
          name: 'Data',
          *rows(): Iterable<[number, XCell[]]> {
            yield [0, ['Week ending', 'Count']];
            for (let i = 0; i < 50; i++) yield [1 + i, [{ n: 45000 - 1462 + i, s: 1 }, i]];
          },
        },
      ],
    });
    const grid = await extractFile(f, { ext: 'xlsx' });
    const stream = await extractFile(f, { ext: 'xlsx', streamFrom: 0 });
    expect(grid.tables[0].rows[0]).toEqual(['2023-03-15', 0]);
    expect(stream.tables[0].rows).toEqual(grid.tables[0].rows);
    expect(stream.tables[0].spec).toEqual(grid.tables[0].spec);
  });
});

describe('cell tags as other writers spell them', () => {
  it('single quotes, attributes in any order, extra attributes: the same table as the grid path', async () => {
    const plain = path.join(dir, 'tags-plain.xlsx');
    writeXlsx(plain, {
      styles: [14, 164],
      formats: ['0.0%'],
      sheets: [
        {
          name: 'Data',
          *rows(): Iterable<[number, XCell[]]> {
            yield [0, ['Code', 'Week ending', 'Count', 'Share']];
            for (let i = 0; i < 40; i++)
              yield [1 + i, [`C${i}`, { n: 45000 + i, s: 1 }, 10 * i, { n: i / 100, s: 2 }]];
          },
        },
      ],
    });
    const parts = unzipSync(new Uint8Array(fs.readFileSync(plain)));
    const name = Object.keys(parts).find((k) => /worksheets\/sheet\d+\.xml$/.test(k) && k.endsWith('1.xml'))!;
    const xml = new TextDecoder().decode(parts[name]);
    let k = 0;
    // each cell's tag rewritten in turn: t before r in single quotes, extra attributes before and after
    const odd = xml.replace(/<c r="([A-Z]+\d+)"((?: [st]="[^"]*")*)>/g, (_m, ref: string, rest: string) => {
      const attrs = [...rest.matchAll(/ ([st])="([^"]*)"/g)].map((a) => ` ${a[1]}='${a[2]}'`).join('');
      const n = k++ % 3;
      if (n === 0) return `<c${attrs} r='${ref}'>`;
      if (n === 1) return `<c cm="1" r="${ref}"${attrs.replace(/'/g, '"')} x14ac:dyDescent="0.25">`;
      return `<c r="${ref}"${attrs} ph="1">`;
    });
    expect(odd).not.toBe(xml);
    expect(odd).toContain(`<c t='s' r='A1'>`);
    expect(odd).toContain(`<c s='1' r='B3'>`);
    const file2 = path.join(dir, 'tags-odd.xlsx');
    fs.writeFileSync(file2, zipSync({ ...parts, [name]: strToU8(odd) }));
    const plan = await streamPlan(file2, extractLimits(), 0);
    expect(plan?.grid).toEqual([]);
    const grid = await extractFile(file2, { ext: 'xlsx' });
    const stream = await extractFile(file2, { ext: 'xlsx', streamFrom: 0 });
    expect(grid.tables[0].rows[3]).toEqual(['C3', '2023-03-18', 30, 0.03]);
    expect(JSON.stringify(stream.tables)).toBe(JSON.stringify(grid.tables));
    // and the same as the file written plainly
    expect(JSON.stringify((await extractFile(plain, { ext: 'xlsx', streamFrom: 0 })).tables)).toBe(
      JSON.stringify(stream.tables),
    );
  });
});

describe('an xlsx inside a zip', () => {
  const zip = path.join(dir, 'appointments.zip');
  fs.writeFileSync(
    zip,
    zipSync(
      {
        'data/appointments.xlsx': [new Uint8Array(fs.readFileSync(file)), { level: 0 }],
        'data/readme.csv': strToU8('code,n\nA,1\nB,2\n'),
      },
      { level: 6 },
    ),
  );
  const members = (d: string) => fs.readdirSync(d).filter((f) => /\.zip\.m\d+\..*\.part$/.test(f));

  it('streams as a downloaded xlsx does, with the same tables as the grid path', async () => {
    const tmp = fs.mkdtempSync(path.join(dir, 'zip-tmp-'));
    const opened = await openFile(zip, { ext: 'zip', streamFrom: 0, tmpDir: tmp });
    // the member's file stays on disk while its rows stream from it (the grid path leaves none)
    expect(members(tmp)).toHaveLength(1);
    const stream = { tables: [] as Awaited<ReturnType<typeof collectTable>>[] };
    for (const t of opened.tables) stream.tables.push(await collectTable(t));
    releaseParsedRows(tmp);
    expect(members(tmp)).toEqual([]);

    const gridTmp = fs.mkdtempSync(path.join(dir, 'zip-grid-'));
    const grid = await extractFile(zip, { ext: 'zip', tmpDir: gridTmp });
    expect(members(gridTmp)).toEqual([]);
    expect(grid.tables.map((t) => t.spec.member)).toEqual(['data/appointments.xlsx', 'data/readme.csv']);
    expect(JSON.stringify(stream.tables)).toBe(JSON.stringify(grid.tables));
    expect(stream.tables[0].spec.rowCount).toBe(N);
    expect(opened.docs).toEqual(grid.docs);
  });
});
