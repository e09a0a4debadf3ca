// Profiling aid: node --cpu-prof --import tsx bench/prof-load.ts (loads BENCH_ROWS generated rows into DATABASE_URL)
import { ensureSchema, loadFile, openDb } from '../src/load/index.js';
import type { CellValue } from '../src/model.js';

const N = Number(process.env.BENCH_ROWS ?? 300_000);
const rows: CellValue[][] = [];
for (let i = 0; i < N; i++)
  rows.push(['2024-01-01', `E38${i}`, 'E40000001', `Category ${i % 20}`, i, i % 9000, 0.5, '']);
const columns = [
  { name: 'd', header: 'd', type: 'date' as const },
  { name: 'a', header: 'a', type: 'text' as const },
  { name: 'b', header: 'b', type: 'text' as const },
  { name: 'c', header: 'c', type: 'text' as const },
  { name: 'x', header: 'x', type: 'integer' as const },
  { name: 'y', header: 'y', type: 'integer' as const },
  { name: 'z', header: 'z', type: 'numeric' as const },
  { name: 'n', header: 'n', type: 'text' as const },
];
const db = await openDb({ databaseUrl: process.env.DATABASE_URL });
await ensureSchema(db);
await db.query('DROP TABLE IF EXISTS staging.prof_load');
await db.query(`DELETE FROM datawarp.tbl_manifest_files WHERE pub = 'prof'`);
const t0 = performance.now();
await loadFile(db, {
  pub: 'prof',
  period: '2024-01',
  fileUrl: 'https://example.invalid/prof.csv',
  sha256: 'x',
  tables: [
    {
      source: { sourceCode: 'prof_load', tableName: 'prof_load', columns },
      table: {
        spec: {
          id: 'p#1',
          headerRows: [1],
          firstDataRow: 2,
          columns,
          rowCount: N,
          fingerprint: { sheet: '', title: '', columns: [] },
        },
        rows,
        sourceRows: rows.map((_, i) => i + 2),
      },
      sheet: 'p#1',
    },
  ],
});
console.log(`${N} rows in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
await db.query('DROP TABLE IF EXISTS staging.prof_load');
await db.close();
