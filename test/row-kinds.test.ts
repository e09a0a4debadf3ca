// `_dw_row_kind`: totals and subtotals marked by the row's own identifier, on both engines, on the fast path
// (SQL in the file's transaction) and the typed path, in the Parquet written while loading and streamed back,
// and back again through restore. The corpus traps (a parent column naming England or a region on every row)
// give no aggregate.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { ParquetTap, exportPeriod } from '../src/export/index.js';
import { ensureSchema, loadFile, type Db } from '../src/load/index.js';
import { openFile } from '../src/manifest/extract/index.js';
import { classifyRow } from '../src/manifest/extract/row-kinds.js';
import { dirSource, restoreFromParquet } from '../src/restore/index.js';
import type { CellValue, TableSource } from '../src/model.js';
import { forEachEngine } from './support/db.js';
import { streamedFile } from './support/load-fixtures.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-kinds-'));
const CORPUS = '/work/shared/corpus/nhs/files';

/** national + regions + trusts + a Total footer; `Parent` names a region on every trust row (a trap). */
const LINES = [
  'Code,Name,Parent,Patients,Rate',
  'E92000001,England,,1000,0.5',
  'Y56,London,E92000001,400,0.4',
  'Y58,South West,E92000001,600,0.6',
  'RAN,Royal National,Y56,150,0.3',
  'RJ1,Guy and St Thomas,Y56,250,0.2',
  'RA7,Bristol,Y58,600,0.7',
  'Total,,,3000,',
];
const EXPECTED = ['total', 'subtotal', 'subtotal', 'detail', 'detail', 'detail', 'total'];
const generated = path.join(dir, 'orgs.csv');
fs.writeFileSync(generated, LINES.join('\n') + '\n');

const input = (pub: string, fileUrl: string, sources: TableSource[], name: string) =>
  streamedFile({ pub, fileUrl }, sources, name);

async function kindsOfFile(file: string): Promise<Map<string, number>> {
  const f = await openFile(file, { ext: 'csv' });
  const t = f.tables[0];
  const out = new Map<string, number>();
  for await (const b of t.batches(5000))
    for (const row of b.rows) {
      const k = classifyRow(t.spec.rowKinds, (j) => text(row[j]));
      out.set(k, (out.get(k) ?? 0) + 1);
    }
  return out;
}
const text = (v: CellValue | undefined) => (v === null || v === undefined ? null : String(v));

async function parquetRows(file: string) {
  const buf = fs.readFileSync(file);
  return parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) });
}

describe('the rule', () => {
  it('marks the national row, regions above trusts and the Total footer; a parent column decides nothing', async () => {
    const f = await openFile(generated, { ext: 'csv' });
    const t = f.tables[0];
    expect(t.spec.rowKinds).toMatchObject({ id: 0, national: true });
    const kinds: string[] = [];
    for await (const b of t.batches(100))
      for (const row of b.rows) kinds.push(classifyRow(t.spec.rowKinds, (j) => text(row[j])));
    expect(kinds).toEqual(EXPECTED);
  });

  it('corpus traps: Country=England, NHSE_REGION_CODE, Parent Org give no false aggregate', async () => {
    const heec = await kindsOfFile(`${CORPUS}/heec_gp_earnings_2023.csv`);
    expect([...heec.keys()]).toEqual(['detail']);
    expect(heec.get('detail')).toBe(17841);
    const sick = await kindsOfFile(`${CORPUS}/nhs_sickness_absence_2024-04.csv`);
    expect([...sick.keys()]).toEqual(['detail']);
    // the one Total row at the foot of the A&E file, nothing else
    const ae = await kindsOfFile(`${CORPUS}/ae_activity_2024-04.csv`);
    expect(Object.fromEntries(ae)).toEqual({ detail: 197, total: 1 });
  });

  it('a row reading All in every breakdown column is a total; regions alone are detail under England', async () => {
    const file = path.join(dir, 'all.csv');
    fs.writeFileSync(file, 'Age,Sex,Count\n0-17,Male,1\n0-17,Female,2\nAll,Male,1\nAll,All,3\n');
    expect(Object.fromEntries(await kindsOfFile(file))).toEqual({ detail: 3, total: 1 });
    const regions = path.join(dir, 'regions.csv');
    fs.writeFileSync(regions, 'Code,Value\nE92000001,3\nY56,1\nY58,2\n');
    expect(Object.fromEntries(await kindsOfFile(regions))).toEqual({ total: 1, detail: 2 });
    // ICBs are subtotals above sub-ICB locations
    const icb = path.join(dir, 'icb.csv');
    fs.writeFileSync(icb, 'Code,Value\nE54000027,3\nE38000001,1\nE38000002,2\n');
    expect(Object.fromEntries(await kindsOfFile(icb))).toEqual({ subtotal: 1, detail: 2 });
  });
});

forEachEngine('row kinds loaded', (ctx) => {
  const kindsIn = async (db: Db, table: string) =>
    (
      await db.query<{ k: string | null }>(
        `SELECT _dw_row_kind AS k FROM staging."${table}" ORDER BY _dw_row`,
      )
    ).map((r) => r.k);

  it('fast and typed paths, Parquet written while loading and streamed back, and restore agree', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const out = fs.mkdtempSync(path.join(dir, 'out-'));
    const tap = new ParquetTap(out, '2024-01');
    const f = await openFile(generated, { ext: 'csv' });
    const fast = await loadFile(db, input('kinds', 'https://example.org/k.csv', f.tables, 'kinds_fast'), {
      tap,
    });
    expect(fast.files[0].fast).toBe(true);
    const g = await openFile(generated, { ext: 'csv' });
    const typed = await loadFile(db, input('kinds', 'https://example.org/k2.csv', g.tables, 'kinds_typed'), {
      fastPath: false,
    });
    expect(typed.files[0].fast).toBe(false);
    expect(await kindsIn(db, 'kinds_fast')).toEqual(EXPECTED);
    expect(await kindsIn(db, 'kinds_typed')).toEqual(EXPECTED);
    const [detail] = await db.query<{ s: string }>(
      `SELECT sum(patients)::text AS s FROM staging.kinds_fast WHERE _dw_row_kind = 'detail'`,
    );
    expect(detail.s).toBe('1000');

    const tables = [
      { pub: 'kinds', tableName: 'kinds_fast', columns: [] },
      { pub: 'kinds', tableName: 'kinds_typed', columns: [] },
    ];
    const done = await exportPeriod(db, { outDir: out, period: '2024-01', tables, tap });
    expect(done.map((e) => [e.table, !!e.tapped])).toEqual([
      ['kinds_fast', true],
      ['kinds_typed', false],
    ]);
    for (const e of done) {
      const rows = await parquetRows(e.path);
      expect(rows.map((r) => r._dw_row_kind)).toEqual(EXPECTED);
    }
    await tap.abort();

    // new bytes at the same URL: the rows the file loaded before move to history with their kinds
    const h = await openFile(generated, { ext: 'csv' });
    const again = input('kinds', 'https://example.org/k2.csv', h.tables, 'kinds_typed');
    await loadFile(db, { ...again, sha256: 'sha-new', version: 2 });
    const hist = await db.query<{ k: string }>(
      `SELECT _dw_row_kind AS k FROM history.kinds_typed ORDER BY _dw_row`,
    );
    expect(hist.map((r) => r.k)).toEqual(EXPECTED);
    expect(await kindsIn(db, 'kinds_typed')).toEqual(EXPECTED);

    // restore from the Parquet into emptied tables: the kinds come back
    await db.query(`DELETE FROM staging.kinds_fast`);
    await db.query(`DELETE FROM staging.kinds_typed`);
    await restoreFromParquet(db, dirSource(out));
    expect(await kindsIn(db, 'kinds_fast')).toEqual(EXPECTED);
    expect(await kindsIn(db, 'kinds_typed')).toEqual(EXPECTED);
  });

  it('the corpus traps load with no false aggregate on either path; rows loaded earlier keep NULL', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    // a table from before row kinds: its rows keep NULL when the column arrives
    await db.query(`CREATE SCHEMA IF NOT EXISTS staging`);
    for (const [file, name, fastPath] of [
      ['heec_gp_earnings_2023.csv', 'trap_heec', true],
      ['nhs_sickness_absence_2024-04.csv', 'trap_sick', false],
      ['ae_activity_2024-04.csv', 'trap_ae', true],
      ['ae_activity_2024-04.csv', 'trap_ae_typed', false],
    ] as const) {
      const f = await openFile(`${CORPUS}/${file}`, { ext: 'csv' });
      await loadFile(db, input('traps', `https://example.org/${name}.csv`, f.tables, name), { fastPath });
    }
    const counts = async (t: string) =>
      Object.fromEntries(
        (
          await db.query<{ k: string; n: number }>(
            `SELECT _dw_row_kind AS k, count(*)::int AS n FROM staging."${t}" GROUP BY 1`,
          )
        ).map((r) => [r.k, r.n]),
      );
    expect(await counts('trap_heec')).toEqual({ detail: 17841 });
    expect(await counts('trap_sick')).toEqual({ detail: (await counts('trap_sick')).detail });
    expect(Object.keys(await counts('trap_sick'))).toEqual(['detail']);
    expect(await counts('trap_ae')).toEqual({ detail: 197, total: 1 });
    expect(await counts('trap_ae_typed')).toEqual({ detail: 197, total: 1 });

    await db.query(`CREATE TABLE staging.old_kinds ("_dw_period" text NOT NULL, "_dw_file_url" text NOT NULL,
      "_dw_sha256" text NOT NULL, "_dw_sheet" text NOT NULL, "_dw_row" integer,
      "_dw_loaded_at" timestamptz NOT NULL DEFAULT now(), code text, name text, parent text, patients integer,
      rate numeric)`);
    await db.query(
      `INSERT INTO staging.old_kinds (_dw_period, _dw_file_url, _dw_sha256, _dw_sheet, code) VALUES ('2023-12', 'u', 's', 'x', 'Y56')`,
    );
    const f = await openFile(generated, { ext: 'csv' });
    await loadFile(db, input('kinds', 'https://example.org/old.csv', f.tables, 'old_kinds'));
    const rows = await db.query<{ p: string; k: string | null }>(
      `SELECT _dw_period AS p, _dw_row_kind AS k FROM staging.old_kinds ORDER BY _dw_period, _dw_row`,
    );
    expect(rows.map((r) => r.k)).toEqual([null, ...EXPECTED]);
  });
});
