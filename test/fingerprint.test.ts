// Fingerprints match the same tables across editions (reworded titles, changed columns, renamed files,
// reordered sheets) and keep unrelated tables apart.
import { describe, it, expect, beforeAll } from 'vitest';
import { extractFile } from '../src/manifest/extract/index.js';
import { DEFAULT_MATCH_THRESHOLD, fingerprintScore, matchTables } from '../src/manifest/fingerprint.js';
import type { TableSpec } from '../src/model.js';

const DIR = 'test/fixtures/nhs/';
const specs = async (f: string, name?: string): Promise<TableSpec[]> =>
  (await extractFile(DIR + f, { ext: f.split('.').pop() as 'csv', name })).tables.map((t) => t.spec);

let april: TableSpec[],
  nov: TableSpec[],
  pcnMar: TableSpec[],
  pcnSep: TableSpec[],
  waiting: TableSpec[],
  payments: TableSpec[];
beforeAll(async () => {
  april = await specs('dtoc_April_11.xls');
  nov = await specs('dtoc_Nov_19.xls');
  pcnMar = await specs('1.Primary Care Networks – March 2020 Individual Level.csv');
  pcnSep = await specs(
    '3.Primary Care Networks – September 2020 Individual Level.csv',
    'renamed_download.csv',
  );
  waiting = await specs('Waiting time statistics for FY 201920.xlsx');
  payments = await specs('heec_payments_14-15.csv');
});

const bySheet = (a: TableSpec[], b: TableSpec[], m: { a: number; b: number }[]) =>
  m.map((p) => [a[p.a].sheet?.toLowerCase(), b[p.b].sheet?.toLowerCase()]);

describe('fingerprints', () => {
  it('DTOC April 2011 and November 2019 match table for table', () => {
    expect(april).toHaveLength(4);
    expect(nov).toHaveLength(4);
    const m = matchTables(april, nov);
    expect(m).toHaveLength(4);
    for (const [x, y] of bySheet(april, nov, m)) expect(x).toBe(y);
  });

  it('matching does not depend on sheet order', () => {
    const reversed = [...nov].reverse();
    const m = matchTables(april, reversed);
    expect(m).toHaveLength(4);
    for (const [x, y] of bySheet(april, reversed, m)) expect(x).toBe(y);
  });

  it('the two PCN workforce CSVs match although one was renamed', () => {
    const m = matchTables(pcnMar, pcnSep);
    expect(m).toEqual([{ a: 0, b: 0, score: expect.any(Number) }]);
    expect(m[0].score).toBeGreaterThan(0.7);
  });

  it('unrelated files do not match', () => {
    expect(matchTables(april, waiting)).toEqual([]);
    expect(matchTables(pcnMar, payments)).toEqual([]);
    expect(matchTables(nov, pcnSep)).toEqual([]);
    for (const a of april)
      for (const b of payments)
        expect(fingerprintScore(a.fingerprint, b.fingerprint)).toBeLessThan(DEFAULT_MATCH_THRESHOLD);
  });

  it('scores lie in [0, 1] and identical fingerprints score 1', () => {
    for (const t of [...april, ...pcnMar]) expect(fingerprintScore(t.fingerprint, t.fingerprint)).toBe(1);
    for (const a of april)
      for (const b of nov) {
        const s = fingerprintScore(a.fingerprint, b.fingerprint);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }
  });
});
