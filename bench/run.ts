// `npm run bench`: speed and memory of the stages, measured in one run on this machine.
//   1. extraction of the whole NHS corpus (test/fixtures/nhs)
//   2. loading N generated rows into PostgreSQL with DataWarp's loader vs `psql \copy` of the same data (ratio)
//   3. Parquet export of the loaded table
//   4. the same load into PGlite
// BENCH_ROWS (default 1,000,000) and BENCH_PGLITE_ROWS (default 300,000) set the sizes.
// DATABASE_URL is used when set, else a throwaway cluster is started (Debian's postgresql).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { exportPeriod } from '../src/export/index.js';
import { ensureSchema, loadFile, openDb, type Db } from '../src/load/index.js';
import { extractFile } from '../src/manifest/extract.js';
import type { CellValue, ColumnSpec, ExtractedTable } from '../src/model.js';
import { startCluster } from '../scripts/pg-cluster.js';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_ROWS ?? 1_000_000);
const N_PGLITE = Number(process.env.BENCH_PGLITE_ROWS ?? 300_000);

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return () => {
    clearInterval(t);
    return Math.max(peak, process.memoryUsage().rss) / 1e6;
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; s: number; rssMb: number }> {
  const stop = rssSampler();
  const t0 = performance.now();
  const value = await fn();
  return { value, s: (performance.now() - t0) / 1000, rssMb: stop() };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

// ------------------------------------------------------------------ 1. extraction
async function benchExtraction(): Promise<void> {
  const dir = join(ROOT, 'test/fixtures/nhs');
  const files = readdirSync(dir).filter((f) => /\.(xlsx|xls|csv|zip|ods)$/i.test(f));
  console.log(
    `\n1. Extraction of the NHS corpus (${files.length} files, ${(files.reduce((s, f) => s + statSync(join(dir, f)).size, 0) / 1e6).toFixed(1)} MB)`,
  );
  let total = 0;
  let rows = 0;
  const stop = rssSampler();
  for (const f of files) {
    const ext = extname(f).slice(1).toLowerCase() as 'xlsx';
    const t0 = performance.now();
    const x = await extractFile(join(dir, f), { ext, name: f });
    const s = (performance.now() - t0) / 1000;
    total += s;
    const r = x.tables.reduce((n, t) => n + t.rows.length, 0);
    rows += r;
    console.log(
      `   ${f.padEnd(72)} ${s.toFixed(2).padStart(6)} s  ${String(x.tables.length).padStart(3)} tables ${fmt(r).padStart(10)} rows`,
    );
  }
  console.log(`   total: ${total.toFixed(1)} s for ${fmt(rows)} rows; peak RSS ${stop().toFixed(0)} MB`);
}

// ------------------------------------------------------------------ 2-4. load and export
const COLUMNS: ColumnSpec[] = [
  { name: 'appointment_date', header: 'Appointment date', type: 'date' },
  { name: 'sub_icb_code', header: 'Sub ICB code', type: 'text' },
  { name: 'region_code', header: 'Region code', type: 'text' },
  { name: 'category', header: 'Category', type: 'text' },
  { name: 'count_of_appointments', header: 'Count of appointments', type: 'integer' },
  { name: 'attended', header: 'Attended', type: 'integer' },
  { name: 'dna_rate', header: 'DNA rate', type: 'numeric' },
  { name: 'note', header: 'Note', type: 'text' },
];

function generate(n: number): CellValue[][] {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const cats = Array.from({ length: 20 }, (_, i) => `Category ${i + 1}, "quoted"`);
  const rows: CellValue[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2024, 0, 1 + (i % 366)));
    rows[i] = [
      d.toISOString().slice(0, 10),
      `E38${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}`,
      `E40${String(i % 7).padStart(6, '0')}`,
      cats[i % 20],
      Math.floor(rnd() * 10000),
      Math.floor(rnd() * 9000),
      rnd() < 0.1 ? null : Math.round(rnd() * 10000) / 10000,
      i % 1000 === 0 ? 'line one\nline two' : '',
    ];
  }
  return rows;
}

function toCsv(rows: CellValue[][]): string {
  const q = (v: CellValue) =>
    v === null ? '' : typeof v === 'number' ? String(v) : `"${String(v).replace(/"/g, '""')}"`;
  const out: string[] = [COLUMNS.map((c) => c.name).join(',')];
  for (const r of rows) out.push(r.map(q).join(','));
  return out.join('\n') + '\n';
}

function table(rows: CellValue[][]): ExtractedTable {
  return {
    spec: {
      id: 'bench#1',
      headerRows: [1],
      firstDataRow: 2,
      columns: COLUMNS,
      rowCount: rows.length,
      fingerprint: { sheet: '', title: '', columns: COLUMNS.map((c) => c.name) },
    },
    rows,
    sourceRows: rows.map((_, i) => i + 2),
  };
}

async function loadWithDataWarp(db: Db, rows: CellValue[][], sourceCode: string) {
  await ensureSchema(db);
  return timed(() =>
    loadFile(db, {
      pub: 'bench',
      period: '2024-01',
      fileUrl: `https://example.invalid/${sourceCode}.csv`,
      sha256: `${sourceCode}-${Date.now()}`,
      tables: [
        {
          source: { sourceCode, tableName: sourceCode, columns: COLUMNS },
          table: table(rows),
          sheet: 'bench#1',
        },
      ],
    }),
  );
}

function psqlCopy(url: string, csvPath: string): number {
  const ddl = `DROP TABLE IF EXISTS bench_psql; CREATE TABLE bench_psql (appointment_date date, sub_icb_code text, region_code text,
    category text, count_of_appointments bigint, attended bigint, dna_rate numeric, note text);`;
  execFileSync('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', ddl], { stdio: 'pipe' });
  const t0 = performance.now();
  execFileSync(
    'psql',
    [
      url,
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `\\copy bench_psql FROM '${csvPath}' WITH (FORMAT csv, HEADER true)`,
    ],
    { stdio: 'pipe' },
  );
  return (performance.now() - t0) / 1000;
}

async function benchLoad(url: string): Promise<void> {
  console.log(
    `\n2. Load ${fmt(N)} rows × ${COLUMNS.length} columns into PostgreSQL (${url.replace(/\/\/[^@]*@/, '//')})`,
  );
  const rows = generate(N);
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-'));
  const csv = join(dir, 'data.csv');
  writeFileSync(csv, toCsv(rows));
  console.log(`   data: ${(statSync(csv).size / 1e6).toFixed(1)} MB as CSV`);
  const db = await openDb({ databaseUrl: url });
  try {
    await db.query('DROP TABLE IF EXISTS staging.bench_load');
    await db.query(`DELETE FROM datawarp.tbl_manifest_files WHERE pub = 'bench'`).catch(() => undefined);
    const psqlS = psqlCopy(url, csv);
    const dw = await loadWithDataWarp(db, rows, 'bench_load');
    const n = Number((await db.query('SELECT count(*) AS n FROM staging.bench_load'))[0].n);
    const m = Number((await db.query('SELECT count(*) AS n FROM bench_psql'))[0].n);
    if (n !== N || m !== N) throw new Error(`row counts differ: datawarp ${n}, psql ${m}, expected ${N}`);
    console.log(
      `   psql \\copy (CSV file)           ${psqlS.toFixed(2).padStart(6)} s  ${fmt(N / psqlS).padStart(10)} rows/s`,
    );
    console.log(
      `   DataWarp loadFile (COPY stream) ${dw.s.toFixed(2).padStart(6)} s  ${fmt(N / dw.s).padStart(10)} rows/s  peak RSS ${dw.rssMb.toFixed(0)} MB`,
    );
    console.log(
      `   ratio DataWarp / psql \\copy: ${(psqlS / dw.s).toFixed(2)} of psql's speed (rows verified: ${fmt(n)})`,
    );

    console.log(`\n3. Parquet export of the loaded table`);
    const out = join(dir, 'out');
    const ex = await timed(() =>
      exportPeriod(db, {
        outDir: out,
        period: '2024-01',
        tables: [{ pub: 'bench', tableName: 'bench_load', columns: [] }],
      }),
    );
    const f = ex.value[0];
    console.log(
      `   ${fmt(f.rows)} rows in ${ex.s.toFixed(2)} s (${fmt(f.rows / ex.s)} rows/s), ${(statSync(f.path).size / 1e6).toFixed(1)} MB, peak RSS ${ex.rssMb.toFixed(0)} MB`,
    );
    await db.query('DROP TABLE IF EXISTS staging.bench_load');
    await db.query('DROP TABLE IF EXISTS bench_psql');
    await db.query(`DELETE FROM datawarp.tbl_manifest_files WHERE pub = 'bench'`);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPglite(): Promise<void> {
  console.log(`\n4. Load ${fmt(N_PGLITE)} rows into PGlite (persistent data dir)`);
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-pglite-'));
  try {
    const open = await timed(() => openDb({ dataDir: join(dir, 'data') }));
    const db = open.value;
    try {
      const rows = generate(N_PGLITE);
      const dw = await loadWithDataWarp(db, rows, 'bench_load');
      console.log(
        `   start (initdb) ${open.s.toFixed(2)} s; load ${dw.s.toFixed(2)} s  ${fmt(N_PGLITE / dw.s)} rows/s  peak RSS ${dw.rssMb.toFixed(0)} MB`,
      );
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`DataWarp benchmark — node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
await benchExtraction();
let cluster: ReturnType<typeof startCluster> | undefined;
const url = process.env.DATABASE_URL || (cluster = startCluster()).databaseUrl;
try {
  await benchLoad(url);
} finally {
  cluster?.stop();
}
await benchPglite();
