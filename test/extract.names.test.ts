// Hostile and awkward headers still give legal, unique, non-reserved column names; header text is kept.
import { describe, it, expect } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnNames } from '../src/manifest/extract/names.js';
import { extractFile } from '../src/manifest/extract/index.js';

const LEGAL = /^[a-z][a-z0-9_]{0,62}$/;

describe('column names', () => {
  const headers = [
    '"; DROP TABLE x; --',
    '__proto__',
    '_dw_period',
    'Value',
    'value',
    'VALUE',
    '',
    '  ',
    '2019/20 [note 3]',
    'x'.repeat(200),
    'constructor',
    '£ Earnings (%)',
  ];
  const names = columnNames(headers);

  it('are legal, unique and never use the provenance prefix', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(LEGAL);
      expect(n.startsWith('_dw_')).toBe(false);
    }
    expect(names.slice(0, 6)).toEqual(['drop_table_x', 'proto', 'dw_period', 'value', 'value_2', 'value_3']);
    expect(names[6]).toBe('col_7');
    expect(names[8]).toBe('c_2019_20');
  });

  it('survive a CSV with hostile headers end to end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-names-'));
    const p = join(dir, 'hostile.csv');
    writeFileSync(p, '"""; DROP TABLE x; --",__proto__,_dw_period,a,a,\r\nx,1,2,3,4,5\r\ny,NULL,,7,8,9\r\n');
    const r = await extractFile(p, { ext: 'csv' });
    const t = r.tables[0];
    expect(t.spec.headerless).toBeUndefined();
    const cols = t.spec.columns;
    expect(cols.map((c) => c.header)).toEqual([
      '"; DROP TABLE x; --',
      '__proto__',
      '_dw_period',
      'a',
      'a',
      '',
    ]);
    for (const c of cols) expect(c.name).toMatch(LEGAL);
    expect(new Set(cols.map((c) => c.name)).size).toBe(cols.length);
    expect(cols[1].type).toBe('integer');
    expect(cols[1].markers).toEqual({ NULL: 1 });
    expect(t.rows[1]).toEqual(['y', null, null, 7, 8, 9]);
  });
});
