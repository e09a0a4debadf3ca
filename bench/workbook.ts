// An NHS-shaped workbook for the benchmark and the tests: a notes sheet, then data sheets each with two title
// rows, a header and `rows` rows × 10 columns (practice codes and names, a week-ending date, a region and a
// category, counts, a mean, a share as a percentage, an ICB code, a flag), string columns with a bounded number of
// distinct values (shared strings). Written as a stream (test/support/xlsx-write.ts), so a million-row sheet
// costs no more memory than a thousand-row one.
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeXlsx, type XCell } from '../test/support/xlsx-write.js';

export interface Workbook {
  path: string;
  /** data rows over all sheets */
  rows: number;
  /** sum of the Appointments column over all sheets */
  total: number;
  bytes: number;
}

const REGIONS = [
  'London',
  'Midlands',
  'North East and Yorkshire',
  'North West',
  'South East',
  'South West',
  'East of England',
];
const CATEGORIES = ['Face-to-Face', 'Telephone', 'Video', 'Home Visit', 'Unknown'];

const count = (i: number) => (i * 7919) % 1000;

function row(i: number): XCell[] {
  const p = i % 6500;
  return [
    `P${String(p).padStart(5, '0')}`,
    `Practice ${p} Surgery`,
    { n: 45292 + ((i >> 6) % 52) * 7, s: 1 },
    REGIONS[p % REGIONS.length],
    CATEGORIES[i % CATEGORIES.length],
    count(i),
    { n: Math.round(((i % 400) / 7) * 100) / 100, s: 0 },
    { n: (i % 1000) / 1000, s: 2 },
    `E54${String(p % 42).padStart(6, '0')}`,
    i % 3 ? 'Y' : 'N',
  ];
}

const HEADER = [
  'Practice code',
  'Practice name',
  'Week ending',
  'Region',
  'Appointment mode',
  'Appointments',
  'Mean wait (days)',
  'Share of appointments',
  'ICB code',
  'Dispensing',
];

/** Write (or reuse) `rows` rows per sheet over `sheets` data sheets. */
export function generateWorkbook(dir: string, rows: number, sheets = 1): Workbook {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `appointments-${rows}x${sheets}.xlsx`);
  let total = 0;
  for (let i = 0; i < rows; i++) total += count(i);
  total *= sheets;
  if (!existsSync(path))
    writeXlsx(path, {
      formats: ['0.0%'],
      styles: [14, 164],
      sheets: [
        {
          name: 'Notes',
          rows: () => [
            [0, ['Notes']],
            [1, ['Appointments in General Practice (generated for the benchmark)']],
          ],
        },
        ...Array.from({ length: sheets }, (_, k) => ({
          name: `Table ${k + 1}`,
          merges: ['A1:J1'],
          *rows(): Iterable<[number, XCell[]]> {
            yield [0, [`Table ${k + 1}: Appointments by practice and week, England`]];
            yield [1, ['Source: generated']];
            yield [3, HEADER];
            for (let i = 0; i < rows; i++) yield [4 + i, row(i)];
          },
        })),
      ],
    });
  return { path, rows: rows * sheets, total, bytes: statSync(path).size };
}

/** A workspace (a temp folder named `prefix…`) whose config lists the workbook at `url` as one period. */
export function workbookWorkspace(url: string, prefix: string): string {
  const ws = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(ws, 'config'));
  writeFileSync(
    join(ws, 'config/publications.yaml'),
    `allowed_hosts: ['127.0.0.1']\npublications:\n  appts:\n    name: Appointments by practice\n` +
      `    frequency: monthly\n    urls:\n      - period: 2024-01\n        url: ${url}\n`,
  );
  return ws;
}
