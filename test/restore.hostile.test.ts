// `datawarp restore --from` under hostile Parquet files, on both engines: random bytes, a declared row count of
// 2^40, a column type restore does not allow, and a bad file that sorts last. Each bad file is named with its
// reason (exit 1, no stack trace), every good file is restored, and state.json records what was restored.
// Columns named like Object.prototype members round-trip (rows are read as arrays, never keyed by name).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { ByteWriter, parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
// not in the package's exports: the footer writer, to declare a row count the data does not hold
// @ts-expect-error -- the module has no type declarations
import { writeMetadata } from '../node_modules/hyparquet-writer/src/metadata.js';
import { runCli } from '../src/cli/main.js';
import { openDb } from '../src/load/index.js';
import { openTestDb, testEngines } from './support/db.js';

const COLS = [
  { name: '_dw_period', type: 'text' },
  { name: '_dw_file_url', type: 'text' },
  { name: '_dw_sha256', type: 'text' },
  { name: '_dw_sheet', type: 'text' },
  { name: '_dw_row', type: 'integer' },
  { name: 'constructor', type: 'text' },
  { name: 'hasownproperty', type: 'text' },
  { name: 'tostring', type: 'text' },
  { name: 'value', type: 'double precision' },
];

function parquetFile(
  table: string,
  period: string,
  n: number,
  types = new Map<string, string>(),
): Uint8Array {
  const cols = COLS.map((c) => ({ ...c, type: types.get(c.name) ?? c.type }));
  const data = (name: string, i: number): unknown => {
    if (name === '_dw_period') return period;
    if (name === '_dw_file_url') return `http://127.0.0.1/${table}.csv`;
    if (name === '_dw_sha256') return 'ab'.repeat(32);
    if (name === '_dw_sheet') return '';
    if (name === '_dw_row') return i + 1;
    if (name === 'value') return i * 1.5;
    return `${name}-${i}`;
  };
  const buf = parquetWriteBuffer({
    columnData: COLS.map((c) => ({
      name: c.name,
      data: Array.from({ length: n }, (_, i) => data(c.name, i)),
      type: c.name === '_dw_row' ? 'INT32' : c.name === 'value' ? 'DOUBLE' : 'STRING',
    })) as never,
    kvMetadata: [
      { key: 'datawarp.publication', value: 'hx' },
      { key: 'datawarp.table', value: table },
      { key: 'datawarp.period', value: period },
      { key: 'datawarp.columns', value: JSON.stringify(cols) },
    ],
  });
  return new Uint8Array(buf);
}

/** The same file with a footer declaring `rows` rows (file and row group). */
function declaring(bytes: Uint8Array, rows: bigint): Uint8Array {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(buf);
  const footerLen = new DataView(buf).getUint32(buf.byteLength - 8, true);
  const body = bytes.slice(0, bytes.byteLength - 8 - footerLen);
  meta.num_rows = rows;
  meta.row_groups[0].num_rows = rows;
  const w = new ByteWriter();
  writeMetadata(w, meta);
  const footer = new Uint8Array(w.getBuffer());
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, footer.byteLength, true);
  tail.set(new TextEncoder().encode('PAR1'), 4);
  return new Uint8Array([...body, ...footer, ...tail]);
}

const CONFIG = `allowed_hosts: [127.0.0.1]
publications:
  hx:
    name: Hostile
    frequency: monthly
    urls:
      - period: 2025-01
        url: http://127.0.0.1/jan.csv
      - period: 2025-02
        url: http://127.0.0.1/feb.csv
      - period: 2025-03
        url: http://127.0.0.1/mar.csv
`;

for (const kind of testEngines())
  describe(`restore --from with bad Parquet files [${kind}]`, () => {
    it('names each bad file with its reason, restores the good ones and records them in state.json', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dw-restore-hostile-'));
      const parq = join(dir, 'parq');
      const put = (name: string, b: Uint8Array) => {
        mkdirSync(join(parq, name.split('/')[0]), { recursive: true });
        writeFileSync(join(parq, name), b);
      };
      put('a_good/2025-01.parquet', parquetFile('hx_good', '2025-01', 3));
      put(
        'b_random/2025-01.parquet',
        Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251),
      );
      put('c_huge/2025-03.parquet', declaring(parquetFile('hx_huge', '2025-03', 2), 2n ** 40n));
      put(
        'd_type/2025-03.parquet',
        parquetFile('hx_type', '2025-03', 2, new Map([['tostring', 'geometry']])),
      );
      put('e_good/2025-02.parquet', parquetFile('hx_second', '2025-02', 4));
      put('zz_random/2025-03.parquet', new TextEncoder().encode('PAR1 this is not parquet PAR1'));
      mkdirSync(join(dir, 'config'));
      writeFileSync(join(dir, 'config', 'publications.yaml'), CONFIG);

      const t = await openTestDb(kind);
      await t.db.close();
      const env: NodeJS.ProcessEnv =
        kind === 'pg'
          ? { DATABASE_URL: t.location.databaseUrl }
          : { DATAWARP_PGLITE_DIR: t.location.dataDir };
      let out = '';
      let err = '';
      const code = await runCli(['restore', '--from', 'parq'], {
        cwd: dir,
        env,
        io: { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false },
      });
      try {
        expect(code, err).toBe(1);
        expect(err).not.toMatch(/\n\s+at /); // no stack trace
        expect(err).toMatch(/b_random\/2025-01\.parquet: not a readable Parquet file/);
        expect(err).toMatch(/c_huge\/2025-03\.parquet: a row group declares 1099511627776 rows/);
        expect(err).toMatch(
          /d_type\/2025-03\.parquet: column tostring has type "geometry", which restore does not allow/,
        );
        expect(err).toMatch(/zz_random\/2025-03\.parquet: not a readable Parquet file/);
        expect(err).toContain('4 file(s) not restored');
        expect(out).toContain('Restored 7 rows into 2 tables from 2 Parquet files');

        const db = await openDb(t.location);
        try {
          const rows = await db.query<Record<string, unknown>>(
            `SELECT "constructor", "hasownproperty", "tostring", "value", "_dw_row" FROM staging.hx_good ORDER BY "_dw_row"`,
          );
          expect(rows.map((r) => [r.constructor, r.hasownproperty, r.tostring, Number(r.value)])).toEqual([
            ['constructor-0', 'hasownproperty-0', 'tostring-0', 0],
            ['constructor-1', 'hasownproperty-1', 'tostring-1', 1.5],
            ['constructor-2', 'hasownproperty-2', 'tostring-2', 3],
          ]);
          const second = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM staging.hx_second`);
          expect(second[0].n).toBe('4');
          const bad = await db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name IN ('hx_huge', 'hx_type')`,
          );
          expect(bad[0].n).toBe('0'); // nothing of a bad file was written
          const ledger = await db.query<{ table_name: string; rows_loaded: number }>(
            `SELECT table_name, rows_loaded FROM datawarp.tbl_manifest_files ORDER BY table_name`,
          );
          expect(ledger.map((l) => [l.table_name, Number(l.rows_loaded)])).toEqual([
            ['hx_good', 3],
            ['hx_second', 4],
          ]);
        } finally {
          await db.close();
        }
        const state = JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8'));
        expect(Object.keys(state.processed).sort()).toEqual(['hx/2025-01', 'hx/2025-02']);
        expect(state.processed['hx/2025-01'].rows_loaded).toBe(3);
      } finally {
        t.db = await openDb(t.location);
        await t.dispose();
      }
    });
  });
