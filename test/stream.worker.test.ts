// The Parquet worker thread (src/export/tap-thread.ts): when it dies mid-load (here ended at its first row group;
// in life, a table that outgrows its heap) the load goes on, and every table it held is streamed back from the
// database, so the Parquet still equals the table; the next item starts a new worker and writes while loading.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { expect, it } from 'vitest';
import { ParquetTap, exportPeriod } from '../src/export/index.js';
import { stopParquetWorker } from '../src/export/tap-thread.js';
import { ensureSchema, loadFile, type Db } from '../src/load/index.js';
import { openFile } from '../src/manifest/extract/index.js';
import type { TableSource } from '../src/model.js';
import { forEachEngine } from './support/db.js';
import { streamedFile } from './support/load-fixtures.js';
import { writeCsv } from './support/big-csv.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-tapworker-'));
const N = 50_000;
const csv = writeCsv(path.join(dir, 'clean.csv'), N, (i) => [
  String(i + 1),
  `E${String(i % 977).padStart(6, '0')}`,
  String(i % 1000),
  `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`,
  i % 7 === 0 ? 'Smith, "Jr"' : `name ${i % 50}`,
]);

const input = (period: string, sources: TableSource[], table: string) =>
  streamedFile(
    { pub: 'tw', period, fileUrl: `https://example.org/${period}/clean.csv`, sha256: `sha-${period}` },
    sources,
    table,
  );

async function loadAndExport(db: Db, period: string, table: string) {
  const out = fs.mkdtempSync(path.join(dir, 'out-'));
  const f = await openFile(csv.path, { ext: 'csv' });
  const tap = new ParquetTap(out, period);
  try {
    const res = await loadFile(db, input(period, f.tables, table), { tap });
    expect(res.rowsLoaded).toBe(N);
    const tables = [{ pub: 'tw', tableName: table, columns: [] }];
    const [e] = await exportPeriod(db, { outDir: out, period, tables, tap });
    const buf = fs.readFileSync(e.path);
    const rows = await parquetReadObjects({
      file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length),
    });
    const [db_] = await db.query<{ n: number; ids: string; amount: string }>(
      `SELECT count(*)::int AS n, sum(id)::text AS ids, sum(amount)::text AS amount
         FROM staging."${table}" WHERE _dw_period = $1`,
      [period],
    );
    const sum = (k: string) => rows.reduce((s, r) => s + BigInt(r[k] as bigint | number), 0n).toString();
    expect({ n: rows.length, ids: sum('id'), amount: sum('amount') }).toEqual(db_);
    return e;
  } finally {
    await tap.abort();
  }
}

forEachEngine('the Parquet worker', (ctx) => {
  it('dies at its first row group: the load goes on and the table is streamed back, equal to the table', async () => {
    await ensureSchema(ctx.db);
    await stopParquetWorker(); // the next worker starts with the fault in its environment
    process.env.DATAWARP_FAULT_AT = 'parquet:1';
    process.env.DATAWARP_FAULT_ACTION = 'exit-thread';
    try {
      const e = await loadAndExport(ctx.db, '2024-01', 'tw_clean');
      expect(e.tapped).toBeFalsy();
    } finally {
      delete process.env.DATAWARP_FAULT_AT;
      delete process.env.DATAWARP_FAULT_ACTION;
    }
    // a new worker for the next item (it reads the environment afresh): written while loading again
    const next = await loadAndExport(ctx.db, '2024-02', 'tw_clean');
    expect(next.tapped).toBe(true);
  });
});
