// Hand-checked expectations (test/fixtures/expectations/*.json, each says how it was checked):
// table count, header rows, first data row and column names per table.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { extractFile } from '../src/manifest/extract/index.js';

interface Expectation {
  file: string;
  checked: string;
  tableCount: number;
  tables: { id: string; headerRows: number[]; firstDataRow: number; columns: string[] }[];
}

const DIR = 'test/fixtures/expectations/';
const cases: Expectation[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'non-data-rows.json' && f !== 'numeric-misses.json')
  .map((f) => JSON.parse(readFileSync(DIR + f, 'utf8')));

describe('hand-checked expectations', () => {
  it('cover at least 10 files', () => expect(cases.length).toBeGreaterThanOrEqual(10));

  it.each(cases.map((c) => [c.file, c] as const))('%s', async (file, exp) => {
    expect(exp.checked.length).toBeGreaterThan(20);
    const r = await extractFile(`test/fixtures/nhs/${file}`, { ext: file.split('.').pop() as 'csv' });
    expect(r.tables.length).toBe(exp.tableCount);
    for (const t of exp.tables) {
      const got = r.tables.find((x) => x.spec.id === t.id);
      expect(got, t.id).toBeDefined();
      expect(got!.spec.headerRows, t.id).toEqual(t.headerRows);
      expect(got!.spec.firstDataRow, t.id).toBe(t.firstDataRow);
      expect(
        got!.spec.columns.map((c) => c.name),
        t.id,
      ).toEqual(t.columns);
    }
  });
});
