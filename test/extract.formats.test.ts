// Zip members, CSV encodings and headerless CSVs, hidden sheets, stacked same-header blocks, ghost used ranges.
import { describe, it, expect } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import * as XLSX from 'xlsx';
import { extractFile } from '../src/manifest/extract/index.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-formats-'));
const put = (name: string, data: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const xlsx = (sheets: Record<string, unknown[][]>, hidden: string[] = []): Uint8Array => {
  const wb = XLSX.utils.book_new();
  for (const [name, aoa] of Object.entries(sheets))
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), name);
  wb.Workbook = { Sheets: wb.SheetNames.map((name) => ({ name, Hidden: hidden.includes(name) ? 1 : 0 })) };
  return new Uint8Array(XLSX.write(wb, { bookType: 'xlsx', type: 'buffer' }));
};

describe('zip members', () => {
  it('prefers a spreadsheet over its CSV twin, skips PDFs and __MACOSX, tags members', async () => {
    const zip = zipSync({
      'data/a.csv': strToU8('code,value\r\nA,2\r\n'),
      'data/a.xlsx': xlsx({
        S: [
          ['code', 'value'],
          ['A', 2],
          ['B', 4],
        ],
      }),
      'b.csv': strToU8('code,value\nA,1\nB,2\nC,3\n'),
      'spec.pdf': strToU8('%PDF-1.4'),
      '__MACOSX/._b.csv': strToU8('junk'),
    });
    const r = await extractFile(put('t.zip', zip), { ext: 'zip' });
    expect(r.tables.map((t) => [t.spec.member, t.spec.id, t.spec.rowCount])).toEqual([
      ['data/a.xlsx', 'S#1', 2],
      ['b.csv', 'b.csv#1', 3],
    ]);
    const skipped = Object.fromEntries(r.skipped.map((s) => [s.name, s.reason]));
    expect(Object.keys(skipped).sort()).toEqual(['__MACOSX/._b.csv', 'data/a.csv', 'spec.pdf']);
    expect(skipped['data/a.csv']).toMatch(/twin/);
  });
});

describe('csv', () => {
  it('decodes cp1252 when the bytes are not UTF-8, trims, NULL -> null', async () => {
    const bytes = Buffer.concat([
      Buffer.from('Role,Pay \xA3,Id\r\n', 'latin1'),
      Buffer.from('Clinical Director \x96 Medical ,"1,234",NULL\r\nGP,5,7\r\n', 'latin1'),
    ]);
    const r = await extractFile(put('cp.csv', bytes), { ext: 'csv' });
    const t = r.tables[0];
    expect(t.spec.columns.map((c) => c.header)).toEqual(['Role', 'Pay £', 'Id']);
    expect(t.spec.columns.map((c) => c.name)).toEqual(['role', 'pay_gbp', 'id']);
    expect(t.rows).toEqual([
      ['Clinical Director – Medical', 1234, null],
      ['GP', 5, 7],
    ]);
    expect(t.spec.columns[2].markers).toEqual({ NULL: 1 });
  });

  it('strips a UTF-8 BOM and detects headerless extracts', async () => {
    const r = await extractFile(
      put('h.csv', '\uFEFF"A81001","THE SURGERY","19740401",""\n"A81002","OTHER","19800101","20200101"\n'),
      { ext: 'csv' },
    );
    const t = r.tables[0];
    expect(t.spec.headerless).toBe(true);
    expect(t.spec.headerRows).toEqual([]);
    expect(t.spec.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'col_1:text',
      'col_2:text',
      'col_3:date',
      'col_4:date',
    ]);
    expect(t.rows[0]).toEqual(['A81001', 'THE SURGERY', '1974-04-01', null]);
    expect(t.sourceRows).toEqual([1, 2]);
  });

  it('parses dates only when the whole column is dates', async () => {
    const r = await extractFile(
      put(
        'd.csv',
        'm,d,mixed\nMAR2019,30/04/2024,01SEP2017\nAPR2019,01/05/2024,n/a\nMAY2019,02/05/2024,hello\n',
      ),
      { ext: 'csv' },
    );
    const t = r.tables[0];
    expect(t.spec.columns.map((c) => c.type)).toEqual(['date', 'date', 'text']);
    expect(t.rows[0]).toEqual(['2019-03-01', '2024-04-30', '01SEP2017']);
  });
});

describe('workbooks', () => {
  it('loads hidden sheets, flags them, and merges same-header stacked blocks with a label column', async () => {
    const buf = xlsx(
      {
        Report: [
          ['Practice report'],
          ['Primary Care Trust:', 'North PCT'],
          ['Name', 'GPs'],
          ['A surgery', 3],
          ['B surgery', 4],
          [],
          ['Practice report'],
          ['Primary Care Trust:', 'South PCT'],
          ['Name', 'GPs'],
          ['C surgery', 5],
        ],
        Lookup: [
          ['Code', 'Name'],
          ['X1', 'One'],
          ['X2', 'Two'],
        ],
      },
      ['Lookup'],
    );
    const r = await extractFile(put('w.xlsx', buf), { ext: 'xlsx' });
    expect(r.tables).toHaveLength(2);
    const [rep, look] = r.tables;
    expect(rep.spec.columns.map((c) => c.name)).toEqual(['block', 'name', 'gps']);
    expect(rep.spec.columns[0].header).toBe('Primary Care Trust');
    expect(rep.rows).toEqual([
      ['North PCT', 'A surgery', 3],
      ['North PCT', 'B surgery', 4],
      ['South PCT', 'C surgery', 5],
    ]);
    expect(rep.sourceRows).toEqual([4, 5, 10]);
    expect(look.spec.hidden).toBe(true);
    expect(look.spec.rowCount).toBe(2);
  });

  it('a list of codes under a group row stays in its table; a lone line in the first column ends it', async () => {
    // the shape of the stps "ONS STP-CCG mapping" sheet: a group's codes one per row, then a blank row, then a
    // group whose second row is text only (which must not pass for the header of a new table)
    const buf = xlsx({
      Mapping: [
        ['Group', 'Code', 'Region', 'Members', 'Name'],
        ['G1', 'A01', 'North', 3, 'One'],
        [null, 'A02', null, null, 'Two'],
        [null, 'A03'],
        [null, 'A04'],
        [null, 'A05'],
        [],
        ['G2', 'B01', 'South', 2, 'Three'],
        [null, 'B02', null, null, 'Four'],
        [],
        ['Table 2: something else'],
      ],
    });
    const r = await extractFile(put('mapping.xlsx', buf), { ext: 'xlsx' });
    expect(r.tables).toHaveLength(1);
    const t = r.tables[0];
    expect(t.spec.range).toBe('A1:E9');
    expect(t.sourceRows).toEqual([2, 3, 4, 5, 6, 8, 9]);
    expect(t.rows.map((row) => row[1])).toEqual(['A01', 'A02', 'A03', 'A04', 'A05', 'B01', 'B02']);
    expect(t.rows[5]).toEqual(['G2', 'B01', 'South', 2, 'Three']);
    expect(t.spec.notes).toEqual(['Table 2: something else']);
  });

  it('ghost used ranges out to XFD cost no time', async () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ['Code', 'Value'],
      ['A', 1],
      ['B', 2],
    ]);
    ws['!ref'] = 'A1:XFD3';
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, 'Ghost');
    const p = put('ghost.xlsx', new Uint8Array(XLSX.write(wb, { bookType: 'xlsx', type: 'buffer' })));
    const r = await extractFile(p, { ext: 'xlsx' });
    expect(r.tables[0].spec.range).toBe('A1:B3');
    expect(r.tables[0].rows).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
  });
});
