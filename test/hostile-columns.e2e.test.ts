// Columns named like Object.prototype's members (`__proto__`, `constructor`, `toString`, `hasOwnProperty`)
// through a first load (a CSV on the fast path, a workbook on the typed path), `backfill --force` (Parquet
// streamed back from the database), `datawarp site` and the Parquet read back, on both engines. Rows held in
// objects keyed by column name lose or corrupt exactly these columns (`'constructor' in {}` is true).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetRead } from 'hyparquet';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { provenanceDescription } from '../src/export/index.js';
import { openDb } from '../src/load/index.js';
import { openTestDb, testEngines, type TestDb } from './support/db.js';
import { serveDir, writeConfig, type Served } from './support/faults.js';

const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const HEADER = ['code', ...HOSTILE, 'amount'];
/** the column names the headers get (src/manifest/extract/names.ts: lower case, no leading/trailing "_") */
const COLUMNS = ['code', 'proto', 'constructor', 'tostring', 'hasownproperty', 'amount'];
const ROWS = 40;
const row = (i: number) => [`C${i}`, `p${i}`, `c${i % 3}`, `t${i}`, `h${i % 5}`, i * 7];

async function readParquet(file: string): Promise<{ names: string[]; rows: unknown[][] }> {
  const buf = readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const meta = parquetMetadata(ab);
  const names = meta.schema.slice(1).map((s) => s.name);
  // every column's description is text or null (a lookup on a plain object gave `constructor` Object's function,
  // which JSON then dropped)
  const described = JSON.parse(meta.key_value_metadata!.find((kv) => kv.key === 'datawarp.columns')!.value!);
  for (const c of described as { name: string; description?: unknown }[])
    expect(c.description === null || typeof c.description === 'string', c.name).toBe(true);
  const rows = await new Promise<unknown[][]>((resolve) =>
    parquetRead({ file: ab, rowFormat: 'array', onComplete: (r) => resolve(r as unknown[][]) }),
  );
  return { names, rows };
}

it('a column without a description of its own gets none from the provenance lookup, whatever its name', () => {
  for (const name of [...HOSTILE, 'valueOf', 'isPrototypeOf'])
    expect(provenanceDescription(name), name).toBeUndefined();
  expect(provenanceDescription('_dw_row')).toMatch(/row number/);
});

for (const kind of testEngines()) {
  describe(`columns named __proto__, constructor, toString, hasOwnProperty [${kind}]`, () => {
    let dir: string;
    let served: Served;
    let t: TestDb;
    let env: NodeJS.ProcessEnv;

    async function cli(args: string[]): Promise<{ code: number; out: string }> {
      let out = '';
      const code = await runCli(args, {
        cwd: dir,
        env,
        io: { out: (s) => (out += s), err: (s) => (out += s), isTTY: false },
      });
      return { code, out };
    }

    /** the user's columns, the row number and the period of the table (row order) and of its Parquet file */
    async function both(table: string) {
      const pq = await readParquet(path.join(dir, 'output', 'parquet', table, '2024-01.parquet'));
      const shown = [...COLUMNS, '_dw_row', '_dw_period'];
      const idx = shown.map((n) => pq.names.indexOf(n));
      expect(idx).not.toContain(-1);
      const db = await openDb(t.location);
      try {
        const list = shown.map((n) => `"${n}"::text`).join(', ');
        const got = await db.query(`SELECT ARRAY[${list}] AS a FROM staging."${table}" ORDER BY "_dw_row"`);
        const fromDb = got.map((r: { a: (string | null)[] }) => r.a);
        const row = pq.names.indexOf('_dw_row');
        const fromPq = [...pq.rows]
          .sort((a, b) => Number(a[row]) - Number(b[row]))
          .map((r) => idx.map((i) => (r[i] === null || r[i] === undefined ? null : String(r[i]))));
        return { names: pq.names, fromDb, fromPq };
      } finally {
        await db.close();
      }
    }

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'datawarp-hostile-'));
      const files = path.join(dir, 'files');
      mkdirSync(files);
      const data = [HEADER, ...Array.from({ length: ROWS }, (_, i) => row(i + 1))];
      writeFileSync(path.join(files, 'hostile.csv'), data.map((r) => r.join(',')).join('\n') + '\n');
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(data), 'Data');
      writeFileSync(path.join(files, 'hostile.xlsx'), XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }));
      served = await serveDir(files);
      writeConfig(dir, { hcsv: `${served.url}/hostile.csv`, hxlsx: `${served.url}/hostile.xlsx` });
      t = await openTestDb(kind);
      await t.db.close(); // the CLI opens it (PGlite allows one handle at a time)
      env = { ...process.env };
      delete env.OPENAI_API_KEY;
      delete env.DATAWARP_FAULT_AT;
      if (kind === 'pg') env.DATABASE_URL = t.location.databaseUrl;
      else {
        delete env.DATABASE_URL;
        env.DATAWARP_PGLITE_DIR = t.location.dataDir;
      }
    });
    afterAll(async () => {
      await served?.close();
      await t?.dispose().catch(() => {});
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    let tables: string[] = [];

    it('first load: the four columns exist and hold their values, in the table and its Parquet', async () => {
      const r = await cli(['backfill']);
      expect(r.code, r.out).toBe(0);
      tables = readdirSync(path.join(dir, 'output', 'parquet')).sort();
      expect(tables).toHaveLength(2);
      for (const table of tables) {
        const { names, fromDb, fromPq } = await both(table);
        expect(names.filter((n) => !n.startsWith('_dw_'))).toEqual(COLUMNS);
        expect(fromDb).toHaveLength(ROWS);
        expect(fromPq).toEqual(fromDb);
        expect(fromPq[0].slice(0, COLUMNS.length)).toEqual(['C1', 'p1', 'c1', 't1', 'h1', '7']);
      }
    });

    it('backfill --force streams the Parquet back from the database: same rows, exit 0', async () => {
      const before = new Map<string, unknown>();
      for (const table of tables) before.set(table, (await both(table)).fromPq);
      const r = await cli(['backfill', '--force']);
      expect(r.code, r.out).toBe(0);
      for (const table of tables) {
        const { fromDb, fromPq } = await both(table);
        expect(fromPq).toEqual(fromDb);
        expect(fromPq).toEqual(before.get(table));
      }
    });

    it('restore rebuilds the tables from the Parquet with every value', async () => {
      const fresh = await openTestDb(kind);
      await fresh.db.close();
      const saved = env;
      env = { ...env, ...(kind === 'pg' ? { DATABASE_URL: fresh.location.databaseUrl } : {}) };
      if (kind === 'pglite') env.DATAWARP_PGLITE_DIR = fresh.location.dataDir;
      try {
        const r = await cli(['restore', '--from', 'output/parquet']);
        expect(r.code, r.out).toBe(0);
        const db = await openDb(fresh.location);
        try {
          for (const table of tables) {
            const list = COLUMNS.map((n) => `"${n}"::text`).join(', ');
            const got = await db.query(
              `SELECT ARRAY[${list}] AS a FROM staging."${table}" ORDER BY "_dw_row"`,
            );
            expect(got.map((x: { a: string[] }) => x.a)).toEqual(
              Array.from({ length: ROWS }, (_, i) => row(i + 1).map(String)),
            );
          }
        } finally {
          await db.close();
        }
      } finally {
        env = saved;
        await fresh.dispose();
      }
    });

    it('datawarp site builds pages naming the four columns', async () => {
      const r = await cli(['site', '--out', 'site', '--repo', 'nhs-example/datawarp-data']);
      expect(r.code, r.out).toBe(0);
      const pkg = JSON.parse(readFileSync(path.join(dir, 'site', 'datapackage.json'), 'utf8'));
      const fields = (
        pkg.resources as { schema: { fields: { name: string; description?: unknown }[] } }[]
      ).flatMap((res) => res.schema.fields);
      for (const f of fields) if (f.description !== undefined) expect(typeof f.description).toBe('string');
      for (const c of COLUMNS) expect(fields.filter((f) => f.name === c)).toHaveLength(2);
    });
  });
}
