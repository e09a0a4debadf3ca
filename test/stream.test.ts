// The streamed data path on both engines: a CSV longer than its head streams from disk (or out of a zip) in
// batches; a late value that does not fit widens its column in place; the fast path (PostgreSQL parses the file's
// bytes) gives way to the typed path when a value is rejected; Parquet of a period equals the table's rows,
// whether written while the rows loaded or streamed back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { expect, it } from 'vitest';
import { ParquetTap, exportPeriod } from '../src/export/index.js';
import { ensureSchema, ledgerRows, loadFile, tableColumns, type Db } from '../src/load/index.js';
import { openFile } from '../src/manifest/extract/index.js';
import { recordChunks } from '../src/load/csv-file.js';
import { HEAD_ROWS } from '../src/manifest/extract/csv.js';
import type { TableSource } from '../src/model.js';
import { forEachEngine } from './support/db.js';
import { streamedFile } from './support/load-fixtures.js';
import { writeCsv, zipFiles } from './support/big-csv.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-stream-'));
const N = 120_000;

/** id, a code with leading zeros, an integer that turns 12.5 and ':' after 100,000 rows, a date, a name. */
const late = writeCsv(path.join(dir, 'late.csv'), N, (i) => [
  String(i + 1),
  `E${String(i % 977).padStart(6, '0')}`,
  i === 100_000 ? '12.5' : i === 100_001 || i === 110_000 ? ':' : String(i % 1000),
  `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`,
  i % 7 === 0 ? 'Smith, "Jr"' : `name ${i % 50}`,
]);
const clean = writeCsv(path.join(dir, 'clean.csv'), N, (i) => [
  String(i + 1),
  `E${String(i % 977).padStart(6, '0')}`,
  String(i % 1000),
  `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`,
  i % 7 === 0 ? 'Smith, "Jr"' : `name ${i % 50}`,
]);
/** Windows-1252, CRLF, longer than the head: `£` and `é` in names, quoted line breaks and quotes in notes. */
const W = 30_000;
const win1252 = path.join(dir, 'win1252.csv');
{
  const lines = ['id,name,note,amount'];
  for (let i = 0; i < W; i++) {
    const note = i % 11 === 0 ? `"line one\r\nline ""two"", ${i}"` : i % 5 === 0 ? '' : `plain ${i % 3}`;
    lines.push(`${i + 1},Caf\u00e9 \u00a3${i % 9},${note},${i % 100}`);
  }
  fs.writeFileSync(win1252, Buffer.from(lines.join('\r\n') + '\r\n', 'latin1'));
}

const zip = zipFiles(path.join(dir, 'two.zip'), { 'late.csv': late.path, 'clean.csv': clean.path });

const input = (pub: string, fileUrl: string, sources: TableSource[], names: string[]) =>
  streamedFile({ pub, fileUrl }, sources, names);

async function sums(db: Db, table: string) {
  const [r] = await db.query<{ n: number; ids: string; amount: string; nulls: number }>(
    `SELECT count(*)::int AS n, sum(id)::text AS ids, sum(amount)::text AS amount,
            count(*) FILTER (WHERE amount IS NULL)::int AS nulls FROM staging."${table}"`,
  );
  return r;
}

async function parquetOf(file: string) {
  const buf = fs.readFileSync(file);
  const rows = await parquetReadObjects({
    file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length),
  });
  let ids = 0n;
  let amount = 0;
  for (const r of rows) {
    ids += BigInt(r.id as bigint);
    amount += r.amount == null ? 0 : Number(r.amount);
  }
  return { n: rows.length, ids: String(ids), amount, rows };
}

it('a CSV longer than its head is not read whole: the head decides, the rest streams', async () => {
  expect(N).toBeGreaterThan(HEAD_ROWS);
  const f = await openFile(late.path, { ext: 'csv' });
  const [t] = f.tables;
  expect(t.spec.columns.map((c) => [c.header, c.type])).toEqual([
    ['id', 'integer'],
    ['code', 'text'],
    ['amount', 'integer'],
    ['day', 'date'],
    ['name', 'text'],
  ]);
  expect(t.raw?.encoding).toBe('UTF8');
  let batches = 0;
  let rows = 0;
  for await (const b of t.batches(10_000)) {
    batches++;
    rows += b.rows.length;
    expect(b.rows.length).toBeLessThanOrEqual(10_000);
  }
  expect([rows, batches]).toEqual([N, 12]);
  // reading to the end settled the spec: the column widened, the marker was counted
  expect(t.spec.rowCount).toBe(N);
  expect(t.spec.columns[2]).toMatchObject({ type: 'numeric', markers: { ':': 2 } });
});

it('pieces of a CSV for PGlite end where records end, never inside quotes, and come out as UTF-8', async () => {
  const text = 'a,b\n"x\ny",1\n"q""\n",2\nz\u00e9,3\n';
  const bytes = Buffer.from(text, 'latin1');
  // fed a byte at a time, cut as soon as a piece may end (1 byte): every piece is whole records
  const one = async function* () {
    for (const b of bytes) yield Uint8Array.of(b);
  };
  const pieces: string[] = [];
  for await (const p of recordChunks(one(), { encoding: 'WIN1252', newline: '\n' }, 1))
    pieces.push(Buffer.from(p).toString('utf8'));
  expect(pieces).toEqual(['a,b\n', '"x\ny",1\n', '"q""\n",2\n', 'z\u00e9,3\n']);
  // CR line ends; the last record without one
  const cr: string[] = [];
  const src = async function* () {
    yield Buffer.from('a\r"b\rc"\rd');
  };
  for await (const p of recordChunks(src(), { encoding: 'UTF8', newline: '\r' }, 1))
    cr.push(Buffer.from(p).toString('utf8'));
  expect(cr).toEqual(['a\r"b\rc"\r', 'd']);
});

forEachEngine('streamed load', (ctx) => {
  it('a Windows-1252 file with quoted line breaks takes the fast path; every value and row number as the typed path loads them, and its Parquet (read from the bytes) as the table holds them', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const out = fs.mkdtempSync(path.join(dir, 'out-'));
    const tap = new ParquetTap(out, '2024-01');
    const f = await openFile(win1252, { ext: 'csv' });
    expect(f.tables[0].raw?.encoding).toBe('WIN1252');
    const fast = await loadFile(db, input('w1252', 'https://example.org/w.csv', f.tables, ['w_fast']), {
      tap,
    });
    expect(fast.files[0].fast).toBe(true);
    const g = await openFile(win1252, { ext: 'csv' });
    const typed = await loadFile(db, input('w1252', 'https://example.org/w2.csv', g.tables, ['w_typed']), {
      fastPath: false,
    });
    expect(typed.files[0].fast).toBe(false);
    expect([fast.rowsLoaded, typed.rowsLoaded]).toEqual([W, W]);
    const rows = (t: string) =>
      db.query<{ r: string }>(
        `SELECT concat_ws('|', _dw_row, id, name, coalesce(note, ''), amount) AS r FROM staging.${t} ORDER BY _dw_row`,
      );
    const [a, b] = [await rows('w_fast'), await rows('w_typed')];
    expect(a.length).toBe(W);
    expect(a).toEqual(b);
    expect(a[0].r).toBe('2|1|Caf\u00e9 \u00a30|line one\r\nline "two", 0|0');
    expect(a[W - 1].r).toBe(
      `${W + 1}|${W}|Caf\u00e9 \u00a3${(W - 1) % 9}|plain ${(W - 1) % 3}|${(W - 1) % 100}`,
    );
    // the Parquet written from the file's bytes holds what PostgreSQL read from them, row for row
    const tables = [{ pub: 'w1252', tableName: 'w_fast', columns: [] }];
    const [e] = await exportPeriod(db, { outDir: out, period: '2024-01', tables, tap });
    expect(e.tapped).toBe(true);
    const pq = (await parquetOf(e.path)).rows.map((r) =>
      [r._dw_row, r.id, r.name, r.note ?? '', r.amount].map(String).join('|'),
    );
    expect(pq).toEqual(a.map((x) => x.r));
    await tap.abort();
  });

  it("PostgreSQL's reading of quotes is the Parquet's: a quote inside a field opens a quoted section", async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const out = fs.mkdtempSync(path.join(dir, 'out-'));
    const file = path.join(dir, 'quirks.csv');
    const body = ['id,name,n', '1,Caf"e x"y,1', '2,"a""b",2', '3,"",3', '4,"x,\ny",4', '5,plain,'];
    fs.writeFileSync(file, body.join('\n') + '\n');
    const tap = new ParquetTap(out, '2024-01');
    const f = await openFile(file, { ext: 'csv' });
    const res = await loadFile(db, input('quirks', 'https://example.org/q.csv', f.tables, ['quirks']), {
      tap,
    });
    expect(res.files[0].fast).toBe(true);
    const table = await db.query<{ id: string; name: string | null; n: string | null }>(
      `SELECT id::text, name, n::text FROM staging.quirks ORDER BY _dw_row`,
    );
    expect(table.map((r) => r.name)).toEqual(['Cafe xy', 'a"b', null, 'x,\ny', 'plain']);
    const [e] = await exportPeriod(db, {
      outDir: out,
      period: '2024-01',
      tables: [{ pub: 'quirks', tableName: 'quirks', columns: [] }],
      tap,
    });
    expect(e.tapped).toBe(true);
    const pq = (await parquetOf(e.path)).rows;
    expect(pq.map((r) => [String(r.id), r.name ?? null, r.n == null ? null : String(r.n)])).toEqual(
      table.map((r) => [r.id, r.name, r.n]),
    );
    await tap.abort();
  });

  it('a column of integers whose later values include 12.5 and ":" ends numeric with every value', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const f = await openFile(late.path, { ext: 'csv' });
    const res = await loadFile(db, input('late', 'https://example.org/late.csv', f.tables, ['late_t']));
    expect(res.rowsLoaded).toBe(N);
    // PostgreSQL refused the fast path's 12.5, the typed path loaded it
    expect(res.files[0].fast).toBe(false);
    const types = Object.fromEntries((await tableColumns(db, 'late_t')).map((c) => [c.name, c.data_type]));
    expect(types).toMatchObject({ id: 'bigint', code: 'text', amount: 'numeric', day: 'date', name: 'text' });
    expect(await sums(db, 'late_t')).toEqual({
      n: N,
      ids: String((N * (N + 1)) / 2),
      amount: String(late.sum(2)),
      nulls: 2,
    });
    expect(f.tables[0].spec.columns[2].markers).toEqual({ ':': 2 });
    const [r] = await db.query<{ amount: string; row: number }>(
      `SELECT amount::text, _dw_row AS row FROM staging.late_t WHERE id = 100001`,
    );
    expect(r).toEqual({ amount: '12.5', row: 100_002 });
  });

  it('a zip of two long CSVs: clean bytes go straight to COPY (both engines), Parquet equals the table', async () => {
    const db = ctx.db;
    const out = fs.mkdtempSync(path.join(dir, 'out-'));
    const f = await openFile(zip, { ext: 'zip' });
    const names = f.tables.map((t) => (t.spec.member === 'late.csv' ? 'zip_late' : 'zip_clean'));
    const tap = new ParquetTap(out, '2024-01');
    const res = await loadFile(db, input('zipped', 'https://example.org/two.zip', f.tables, names), { tap });
    expect(res.rowsLoaded).toBe(2 * N);
    const fast = Object.fromEntries(res.files.map((x) => [x.table_name, x.fast]));
    expect(fast).toEqual({ zip_late: false, zip_clean: true });
    const tables = names.map((n) => ({ pub: 'zipped', tableName: n, columns: [] }));
    const exported = await exportPeriod(db, { outDir: out, period: '2024-01', tables, tap });
    // written while loading: the clean table (fast path or typed); the late one widened mid-file
    expect(Object.fromEntries(exported.map((e) => [e.table, !!e.tapped]))).toEqual({
      zip_late: false,
      zip_clean: true,
    });
    for (const e of exported) {
      const pq = await parquetOf(e.path);
      const db_ = await sums(db, e.table);
      expect({ n: pq.n, ids: pq.ids, amount: pq.amount }).toEqual({
        n: db_.n,
        ids: db_.ids,
        amount: Number(db_.amount),
      });
      expect(pq.rows[0]).toMatchObject({ _dw_period: '2024-01', _dw_row: 2, _dw_sheet: expect.any(String) });
    }
    // streamed back (no tap) gives the same files' contents
    const again = await exportPeriod(db, {
      outDir: fs.mkdtempSync(path.join(dir, 'back-')),
      period: '2024-01',
      tables,
    });
    for (const e of again) {
      const first = await parquetOf(exported.find((x) => x.table === e.table)!.path);
      const back = await parquetOf(e.path);
      expect(e.tapped).toBeFalsy();
      expect([back.n, back.ids, back.amount]).toEqual([first.n, first.ids, first.amount]);
      const key = (r: Record<string, unknown>) =>
        JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v));
      expect(back.rows.map(key).sort()).toEqual(first.rows.map(key).sort());
    }
    // the ledger holds one row per member; a re-run skips both, and export then streams back
    expect((await ledgerRows(db, { pub: 'zipped' })).map((l) => l.rows_loaded)).toEqual([N, N]);
    const tap2 = new ParquetTap(out, '2024-01');
    const rerun = await loadFile(
      db,
      input('zipped', 'https://example.org/two.zip', (await openFile(zip, { ext: 'zip' })).tables, names),
      { tap: tap2 },
    );
    expect(rerun.rowsLoaded).toBe(0);
    const third = await exportPeriod(db, { outDir: out, period: '2024-01', tables, tap: tap2 });
    expect(third.map((e) => [e.table, !!e.tapped, e.rows])).toEqual([
      ['zip_late', false, N],
      ['zip_clean', false, N],
    ]);
    await tap.abort();
    await tap2.abort();
  });
});
