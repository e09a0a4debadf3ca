// Numbers stay numbers (issue 9): every GSS symbol, flag and censored form in a generated workbook and CSV
// leaves its column numeric, loads as NULL or as its number, and keeps its text in the row's `_dw_flags`; a
// late symbol in a long CSV (after the head) becomes a flag on the typed and the fast path; `_dw_flags` is added
// by schema evolution when a period first needs it, and Parquet carries it as a JSON string.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { zipSync } from 'fflate';
import { parquetReadObjects } from 'hyparquet';
import { expect, it } from 'vitest';
import { ParquetTap, exportPeriod } from '../src/export/index.js';
import { ensureSchema, ledgerRows, loadFile, tableColumns, type Db } from '../src/load/index.js';
import { EXTRACTOR_VERSION, manifestFile } from '../src/manifest/index.js';
import { openFile } from '../src/manifest/extract/index.js';
import { HEAD_ROWS } from '../src/manifest/extract/csv.js';
import { parseLegend } from '../src/manifest/extract/describe.js';
import type { TableSource } from '../src/model.js';
import { forEachEngine } from './support/db.js';
import { streamedFile } from './support/load-fixtures.js';
import { writeCsv } from './support/big-csv.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-numbers-'));

/** Each form as written, and the number it loads as (null: the value is not known). */
const FORMS: [string, number | null][] = [
  ['[c]', null],
  ['c', null],
  ['[x]', null],
  ['x', null],
  ['[z]', null],
  ['z', null],
  ['[u]', null],
  ['[w]', null],
  ['[low]', null],
  [':', null],
  ['..', null],
  ['-', null],
  ['*', null],
  ['£194,800 r', 194800],
  ['12.3 p', 12.3],
  ['45 e', 45],
  ['7 [b]', 7],
  ['[b] 8', 8],
  ['<25', null],
  ['<5', null],
  ['*<5', null],
  ['now in "Other"', null],
];

/** rows: a plain number, then a form, then the next number ...; code (leading zeros) and label (x, NA) are
 * text columns whose `x` and `NA` are data. */
function grid(): (string | number)[][] {
  const out: (string | number)[][] = [['Area', 'Value', 'Code', 'Label']];
  FORMS.forEach(([form], k) => {
    out.push([`Area ${2 * k}`, 100 + k, `0${k}12`, 'x']);
    out.push([`Area ${2 * k + 1}`, form, `0${k}34`, k % 2 ? 'NA' : 'plain words']);
  });
  return out;
}

function workbook(file: string): string {
  const ws = XLSX.utils.aoa_to_sheet([['Table 1: generated'], [], ...grid()]);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, 'Data');
  const pct = XLSX.utils.aoa_to_sheet([
    ['Rate (%)', 'Share', 'Written share', 'Change'],
    [93.4, { t: 'n', v: 0.027, z: '0.0%' }, '2.7%', '+3.5 percentage points'],
    [88.1, { t: 'n', v: 0.125, z: '0.0%' }, '12.5%', '-1.2 percentage points'],
    [75, { t: 'n', v: 0.5, z: '0%' }, '50%', '0 percentage points'],
  ]);
  XLSX.utils.book_append_sheet(wb, pct, 'Percent');
  const p = path.join(dir, file);
  fs.writeFileSync(p, XLSX.write(wb, { bookType: 'xlsx', type: 'buffer' }));
  return p;
}

function csv(file: string): string {
  const q = (v: string | number) => (/[",]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : v);
  const p = path.join(dir, file);
  fs.writeFileSync(
    p,
    grid()
      .map((r) => r.map(q).join(','))
      .join('\r\n') + '\r\n',
  );
  return p;
}

const input = (pub: string, period: string, fileUrl: string, sources: TableSource[], names: string[]) =>
  streamedFile({ pub, period, fileUrl, sha256: `sha-${fileUrl}-${period}` }, sources, names);

async function rowsOf(db: Db, table: string, cols: string) {
  return db.query<Record<string, unknown>>(
    `SELECT ${cols}, to_jsonb(t) ->> '_dw_flags' AS flags FROM staging."${table}" t ORDER BY _dw_row`,
  );
}

/** The Value column loaded every form right: numeric, NULL or the number, the text in `_dw_flags`. */
async function checkForms(db: Db, table: string) {
  const types = Object.fromEntries((await tableColumns(db, table)).map((c) => [c.name, c.data_type]));
  expect(types).toMatchObject({ value: 'numeric', code: 'text', label: 'text', _dw_flags: 'jsonb' });
  const rows = await rowsOf(db, table, 'value::float8 AS value, code, label');
  expect(rows).toHaveLength(2 * FORMS.length);
  FORMS.forEach(([form, n], k) => {
    const plain = rows[2 * k];
    const marked = rows[2 * k + 1];
    expect(plain, form).toMatchObject({ value: 100 + k, flags: null, code: `0${k}12`, label: 'x' });
    expect(marked, form).toMatchObject({ value: n, code: `0${k}34`, label: k % 2 ? 'NA' : 'plain words' });
    expect(JSON.parse(marked.flags as string), form).toEqual({ value: form });
  });
}

const xlsx = workbook('forms.xlsx');
const formsCsv = csv('forms.csv');

it('extraction: the column is numeric, each form counted and kept as a flag', async () => {
  for (const [p, ext] of [
    [xlsx, 'xlsx'],
    [formsCsv, 'csv'],
  ] as const) {
    const f = await openFile(p, { ext });
    const t = f.tables.find((x) => x.spec.columns.some((c) => c.name === 'value'))!;
    const cols = Object.fromEntries(t.spec.columns.map((c) => [c.name, c]));
    expect([cols.value.type, cols.code.type, cols.label.type], ext).toEqual(['numeric', 'text', 'text']);
    expect(cols.value.flagged, ext).toBe(FORMS.length);
    expect(cols.value.markers?.['[c]'], ext).toBe(1);
    expect(cols.label.markers, ext).toBeUndefined();
  }
});

it('descriptions: the unit of a column, what its symbols mean', async () => {
  const f = await openFile(xlsx, { ext: 'xlsx' });
  const pct = f.tables.find((t) => t.spec.sheet === 'Percent')!.spec.columns.map((c) => c.description);
  expect(pct[0]).toMatch(/percent, as written/);
  expect(pct[1]).toMatch(/percent, stored as the fraction/);
  expect(pct[2]).toMatch(/percent, stored as the fraction/);
  expect(pct[3]).toBeUndefined();
  const data = f.tables.find((t) => t.spec.sheet === 'Data')!.spec.columns;
  const value = data.find((c) => c.name === 'value')!.description!;
  for (const s of [
    '[c] = confidential',
    'x = not available',
    '[z] = not applicable',
    '- = nil',
    '* = suppressed',
  ])
    expect(value).toContain(s);
  expect(data.find((c) => c.name === 'label')!.description).toBeUndefined();
  const money = XLSX.utils.aoa_to_sheet([
    ['Practice', 'Earnings'],
    ['A', '£1,200'],
    ['B', '£3,400 r'],
  ]);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, money, 'Money');
  const p = path.join(dir, 'money.xlsx');
  fs.writeFileSync(p, XLSX.write(wb, { bookType: 'xlsx', type: 'buffer' }));
  const earn = (await openFile(p, { ext: 'xlsx' })).tables[0].spec.columns[1];
  expect(earn).toMatchObject({ type: 'integer', description: 'Unit: GBP.', flagged: 1 });
});

it("a workbook's legend: symbol lines of its notes sheets, nothing else", () => {
  expect(
    parseLegend([
      'Symbols used\nc Results have been suppressed.\nz\tNot applicable\n[x] = Not available\nnote 3 Figures are revised\nx-axis label',
    ]),
  ).toEqual({ c: 'Results have been suppressed', z: 'Not applicable', '[x]': 'Not available' });
});

it("a workbook's legend is data in the manifest: the file's legend, each table's symbols, the descriptions", async () => {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(
    wb,
    XLSX.utils.aoa_to_sheet([
      ['Notes'],
      ['Symbols used in this workbook'],
      ['c = Confidential: fewer than five patients'],
      ['[z] = Not applicable to this organisation'],
      ['Figures for 2023 are provisional'],
    ]),
    'Notes',
  );
  XLSX.utils.book_append_sheet(
    wb,
    XLSX.utils.aoa_to_sheet([
      ['Area', 'Patients', 'Rate', 'Label'],
      ['A', 12, '[z]', 'x'],
      ['B', 'c', 4.5, 'y'],
      ['C', 30, 6.5, 'z'],
      ['D', '[x]', 7.5, 'w'],
    ]),
    'Data',
  );
  XLSX.utils.book_append_sheet(
    wb,
    XLSX.utils.aoa_to_sheet([
      ['Area', 'Count'],
      ['A', 1],
      ['B', 2],
    ]),
    'Plain',
  );
  const p = path.join(dir, 'legend.xlsx');
  fs.writeFileSync(p, XLSX.write(wb, { bookType: 'xlsx', type: 'buffer' }));
  const zipped = path.join(dir, 'legend.zip');
  fs.writeFileSync(zipped, zipSync({ 'data/legend.xlsx': new Uint8Array(fs.readFileSync(p)) }));
  const legend = {
    c: 'Confidential: fewer than five patients',
    '[z]': 'Not applicable to this organisation',
  };
  for (const [file, ext] of [
    [p, 'xlsx'],
    [zipped, 'zip'],
  ] as const) {
    const source = await openFile(file, { ext });
    const m = manifestFile({
      file: {
        url: `https://example.org/${path.basename(file)}`,
        title: 't',
        ext,
        path: file,
        sha256: 's',
        bytes: 1,
      },
      source,
    });
    expect(m.legend, ext).toEqual(legend);
    const [data, plain] = m.tables;
    // [x] is not in the workbook's legend: its meaning (GSS) is in the description, not in the table's legend
    expect(data.legend, ext).toEqual(legend);
    expect(plain.legend, ext).toBeUndefined();
    const cols = Object.fromEntries(data.columns.map((c) => [c.name, c]));
    expect(cols.patients.description).toContain('c = Confidential: fewer than five patients');
    expect(cols.patients.description).toContain('[x] = not available');
    expect(cols.rate.description).toContain('[z] = Not applicable to this organisation');
    expect(cols.label.type).toBe('text');
  }
  // a CSV has no legend
  const csvSource = await openFile(formsCsv, { ext: 'csv' });
  expect(csvSource.legend).toBeUndefined();
});

forEachEngine('numbers stay numbers', (ctx) => {
  it('a workbook: every symbol, flag and censored form; percentages as Excel stores them', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const f = await openFile(xlsx, { ext: 'xlsx' });
    const data = f.tables.find((t) => t.spec.sheet === 'Data')!;
    const pct = f.tables.find((t) => t.spec.sheet === 'Percent')!;
    const out = fs.mkdtempSync(path.join(dir, 'out-'));
    const tap = new ParquetTap(out, '2024-01');
    await loadFile(
      db,
      input('wb', '2024-01', 'https://example.org/forms.xlsx', [data, pct], ['wb_forms', 'wb_pct']),
      {
        tap,
      },
    );
    await checkForms(db, 'wb_forms');
    const [rate, share, w, change] = pct.spec.columns.map((c) => `"${c.name}"::float8`);
    const p = await rowsOf(
      db,
      'wb_pct',
      `${rate} AS rate, ${share} AS share, ${w} AS w, ${change} AS change`,
    );
    expect((await tableColumns(db, 'wb_pct')).map((c) => c.name)).not.toContain('_dw_flags');
    expect(p.map((r) => [r.rate, r.share, r.w, r.change, r.flags])).toEqual([
      [93.4, 0.027, 0.027, 3.5, null],
      [88.1, 0.125, 0.125, -1.2, null],
      [75, 0.5, 0.5, 0, null],
    ]);
    // Parquet (written while loading, and streamed back) carries the flags as the JSON text
    const tables = ['wb_forms'].map((n) => ({ pub: 'wb', tableName: n, columns: [] }));
    const db_ = (await rowsOf(db, 'wb_forms', 'value')).map((r) => r.flags);
    for (const exported of [
      await exportPeriod(db, { outDir: out, period: '2024-01', tables, tap }),
      await exportPeriod(db, { outDir: fs.mkdtempSync(path.join(dir, 'back-')), period: '2024-01', tables }),
    ]) {
      const buf = fs.readFileSync(exported[0].path);
      const rows = await parquetReadObjects({
        file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length),
      });
      expect(rows.map((r) => r._dw_flags ?? null)).toEqual(db_);
    }
    await tap.abort();
  });

  it('a CSV: the same forms, the same values and flags', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const f = await openFile(formsCsv, { ext: 'csv' });
    await loadFile(db, input('csv', '2024-01', 'https://example.org/forms.csv', f.tables, ['csv_forms']));
    await checkForms(db, 'csv_forms');
  });

  it('a late symbol after the head is a flag on the typed and the fast path; _dw_flags comes when first needed', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const n = 2 * HEAD_ROWS; // the head ends before the file does
    const late: Record<number, string> = {
      [HEAD_ROWS + 5000]: '[c]',
      [HEAD_ROWS + 6000]: '12 r',
      [HEAD_ROWS + 7000]: 'now in "Other"',
    };
    const header = ['id', 'code', 'amount', 'day', 'name'];
    const row = (marks: boolean) => (i: number) => [
      String(i + 1),
      `E${String(i % 97).padStart(5, '0')}`,
      marks && late[i] !== undefined ? late[i] : String(i % 1000),
      `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`,
      `name ${i % 50}`,
    ];
    const clean = writeCsv(path.join(dir, 'clean.csv'), n, row(false), header);
    const marked = writeCsv(path.join(dir, 'marked.csv'), n, row(true), header);
    // period 1: clean, no flags, no _dw_flags column (the fast path)
    const f1 = await openFile(clean.path, { ext: 'csv' });
    const r1 = await loadFile(
      db,
      input('late', '2024-01', 'https://example.org/p1.csv', f1.tables, ['late_amounts']),
    );
    expect(r1.files[0].fast).toBe(true);
    expect((await tableColumns(db, 'late_amounts')).map((c) => c.name)).not.toContain('_dw_flags');
    // period 2: symbols after the head; the fast path gives way, the column stays an integer
    const f2 = await openFile(marked.path, { ext: 'csv' });
    expect(f2.tables[0].raw).toBeDefined(); // the head was clean
    const r2 = await loadFile(
      db,
      input('late', '2024-02', 'https://example.org/p2.csv', f2.tables, ['late_amounts']),
    );
    expect(r2.files[0].fast).toBe(false);
    const types = Object.fromEntries(
      (await tableColumns(db, 'late_amounts')).map((c) => [c.name, c.data_type]),
    );
    expect(types).toMatchObject({ amount: 'bigint', _dw_flags: 'jsonb' });
    const got = await db.query<{ row: number; amount: string | null; flags: string }>(
      `SELECT _dw_row AS row, amount::text AS amount, _dw_flags::text AS flags FROM staging.late_amounts
        WHERE _dw_flags IS NOT NULL ORDER BY _dw_row`,
    );
    expect(got).toEqual([
      { row: HEAD_ROWS + 5002, amount: null, flags: '{"amount": "[c]"}' },
      { row: HEAD_ROWS + 6002, amount: '12', flags: '{"amount": "12 r"}' },
      { row: HEAD_ROWS + 7002, amount: null, flags: '{"amount": "now in \\"Other\\""}' },
    ]);
    const [sum] = await db.query<{ s: string; n: number }>(
      `SELECT sum(amount)::text AS s, count(*)::int AS n FROM staging.late_amounts WHERE _dw_period = '2024-02'`,
    );
    expect(sum).toEqual({ s: String(marked.sum(2) + 12), n });
    expect(f2.tables[0].spec.columns[2]).toMatchObject({
      type: 'integer',
      flagged: 3,
      markers: { '[c]': 1 },
    });
  });

  it('the ledger records the extractor version; an unchanged file loaded by an older version loads again', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const open = async () => (await openFile(formsCsv, { ext: 'csv' })).tables;
    const url = 'https://example.org/versions.csv';
    const old = await loadFile(db, {
      ...input('ver', '2024-01', url, await open(), ['ver_forms']),
      extractor: '1',
    });
    expect(old.files[0].status).toBe('loaded');
    expect((await ledgerRows(db, { pub: 'ver' })).map((l) => l.extractor)).toEqual(['1']);
    // same file, same sha256: reloaded because an older extractor loaded it
    const again = await loadFile(db, input('ver', '2024-01', url, await open(), ['ver_forms']));
    expect(again.files[0]).toMatchObject({ status: 'loaded', rows_loaded: 2 * FORMS.length });
    expect((await ledgerRows(db, { pub: 'ver' })).map((l) => l.extractor)).toEqual([EXTRACTOR_VERSION]);
    await checkForms(db, 'ver_forms');
    // and now it is up to date: skipped
    const third = await loadFile(db, input('ver', '2024-01', url, await open(), ['ver_forms']));
    expect(third.files[0].status).toBe('skipped');
  });
});
