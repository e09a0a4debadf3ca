// An .ods written by SheetJS goes through the same detector: title block, metadata, two-row merged
// header, suppression markers, numbers stored as text, a footnote.
import { describe, it, expect } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as XLSX from 'xlsx';
import { extractFile } from '../src/manifest/extract/index.js';

describe('ods', () => {
  it('extracts a generated .ods', async () => {
    const aoa = [
      ['Title:', 'Test publication'],
      ['Period:', 'April 2024'],
      [],
      ['Table 1: Attendances by organisation'],
      ['', '', 'Attendances', ''],
      ['Code', 'Name', 'Type 1', 'Type 2'],
      ['R0A', 'Manchester', 100, '1,234'],
      ['R1K', 'London NW', '*', 5],
      ['RXX', 'Elsewhere', 7, 'c'],
      ['Total', '', 107, 1239],
      [],
      ['Source: a footnote that must not load'],
    ];
    const ws = XLSX.utils.aoa_to_sheet(aoa);
    ws['!merges'] = [{ s: { r: 4, c: 2 }, e: { r: 4, c: 3 } }];
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, 'Data');
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['Contents'], ['Data: the data']]), 'Contents');
    const p = join(mkdtempSync(join(tmpdir(), 'dw-ods-')), 'test.ods');
    writeFileSync(p, XLSX.write(wb, { bookType: 'ods', type: 'buffer' }));
    const r = await extractFile(p, { ext: 'ods' });
    expect(r.tables).toHaveLength(1);
    expect(r.docs.map((d) => d.sheet)).toEqual(['Contents']);
    const t = r.tables[0];
    expect(t.spec.id).toBe('Data#1');
    expect(t.spec.headerRows).toEqual([5, 6]);
    expect(t.spec.firstDataRow).toBe(7);
    expect(t.spec.title).toBe('Table 1: Attendances by organisation');
    expect(t.spec.meta).toMatchObject({ title: 'Test publication', period: 'April 2024' });
    expect(t.spec.columns.map((c) => c.name)).toEqual([
      'code',
      'name',
      'attendances_type_1',
      'attendances_type_2',
    ]);
    expect(t.spec.columns[2].header).toBe('Attendances | Type 1');
    expect(t.spec.columns.map((c) => c.type)).toEqual(['text', 'text', 'integer', 'integer']);
    expect(t.spec.columns[2].markers).toEqual({ '*': 1 });
    expect(t.spec.columns[3].markers).toEqual({ c: 1 });
    expect(t.rows).toEqual([
      ['R0A', 'Manchester', 100, 1234],
      ['R1K', 'London NW', null, 5],
      ['RXX', 'Elsewhere', 7, null],
      ['Total', null, 107, 1239],
    ]);
    expect(t.sourceRows).toEqual([7, 8, 9, 10]);
    expect(t.spec.totalRows).toEqual([10]);
    expect(t.spec.notes?.join(' ')).toContain('Source:');
  });
});
