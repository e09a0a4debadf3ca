// Convergence after `backfill --force` (issue 9): two periods an older extractor loaded with a `text` column
// (a flag, an annotation or a symbol sent it there); reloading period 1 with the current extractor keeps the
// column text while period 2 still holds non-numbers, and says so naming table, column and period; reloading
// period 2 then narrows it to numeric, sums are right, and history.<table> (text rows of replaced versions)
// keeps taking rows. End to end: the CLI's `backfill --force` period by period warns, then narrows, and the
// Parquet of the period loaded before the narrowing is written again with the number type.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ensureSchema, ledgerRows, loadFile, tableColumns, type Db } from '../src/load/index.js';
import { EXTRACTOR_VERSION } from '../src/manifest/index.js';
import type { CellValue, ColumnSpec, ColumnType, ExtractedTable, RowFlags } from '../src/model.js';
import { forEachEngine, testEngines } from './support/db.js';
import type { NhsSite } from './support/site.js';
import { serveFolder, type StaticServer } from './support/static-server.js';
import { makeWorkspace, type Workspace } from './support/workspace.js';

const URL1 = 'https://example.org/p1.csv';
const URL2 = 'https://example.org/p2.csv';

function table(
  types: [ColumnType, ColumnType],
  rows: CellValue[][],
  flags?: (RowFlags | null)[],
): ExtractedTable {
  const columns: ColumnSpec[] = [
    { name: 'area', header: 'Area', type: types[0] },
    { name: 'amount', header: 'Amount', type: types[1], ...(flags ? { flagged: 2 } : {}) },
  ];
  return {
    spec: {
      id: 'data',
      headerRows: [1],
      firstDataRow: 2,
      columns,
      rowCount: rows.length,
      fingerprint: { sheet: '', title: '', columns: ['area', 'amount'] },
    },
    rows,
    sourceRows: rows.map((_, i) => i + 2),
    ...(flags ? { flags } : {}),
  };
}

/** What the older extractor loaded: the column as text, flagged values and annotations as written. */
const OLD = {
  '2024-01': table(
    ['text', 'text'],
    [
      ['A', '100'],
      ['B', '£194,800 r'],
      ['C', 'now in "Other"'],
    ],
  ),
  '2024-02': table(
    ['text', 'text'],
    [
      ['A', '200'],
      ['B', '12.3 p'],
      ['C', '[c]'],
    ],
  ),
};
/** What the current extractor makes of the same files: numbers, NULLs, the texts as flags. */
const NEW = {
  '2024-01': table(
    ['text', 'integer'],
    [
      ['A', 100],
      ['B', 194800],
      ['C', null],
    ],
    [null, { 1: '£194,800 r' }, { 1: 'now in "Other"' }],
  ),
  '2024-02': table(
    ['text', 'numeric'],
    [
      ['A', 200],
      ['B', 12.3],
      ['C', null],
    ],
    [null, { 1: '12.3 p' }, { 1: '[c]' }],
  ),
};

function load(
  db: Db,
  period: '2024-01' | '2024-02',
  t: ExtractedTable,
  opts: { sha?: string; extractor?: string; pub?: string } = {},
) {
  const pub = opts.pub ?? 'conv';
  const url = period === '2024-01' ? URL1 : URL2;
  return loadFile(db, {
    pub,
    period,
    fileUrl: url,
    sha256: opts.sha ?? `sha-${period}`,
    ...(opts.extractor ? { extractor: opts.extractor } : {}),
    tables: [
      {
        sheet: 'data',
        table: t,
        source: { sourceCode: `${pub}_amounts`, tableName: `${pub}_amounts`, columns: t.spec.columns },
      },
    ],
  });
}

const typeOf = async (db: Db, schema: 'staging' | 'history', column: string, table = 'conv_amounts') =>
  (
    await db.query<{ t: string }>(
      `SELECT data_type AS t FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = $3 AND column_name = $2`,
      [schema, column, table],
    )
  )[0]?.t;

forEachEngine('convergence after backfill --force', (ctx) => {
  it('text stays text while another period holds non-numbers, then narrows; history keeps its text', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    // two periods loaded by the older extractor: the column is text
    for (const p of ['2024-01', '2024-02'] as const) await load(db, p, OLD[p], { extractor: '1' });
    expect(await typeOf(db, 'staging', 'amount')).toBe('text');

    // --force period 1 (its file has changed meanwhile: the old rows go to history as text)
    const r1 = await load(db, '2024-01', NEW['2024-01'], { sha: 'sha-2024-01-b' });
    expect(await typeOf(db, 'staging', 'amount')).toBe('text');
    expect(r1.files[0].narrowed).toBeUndefined();
    expect(r1.files[0].warnings).toHaveLength(1);
    const w = r1.files[0].warnings![0];
    expect(w).toContain('staging.conv_amounts.amount stays text');
    expect(w).toContain('2024-02 (2 values such as');
    expect(w).toContain('backfill --force --pub conv --period 2024-02');
    expect(w).not.toContain('2024-01');
    expect(await typeOf(db, 'history', 'amount')).toBe('text');

    // --force period 2 (same bytes, loaded again because an older extractor loaded them): every value left is a
    // number, the column narrows
    const r2 = await load(db, '2024-02', NEW['2024-02']);
    expect(r2.files[0]).toMatchObject({ status: 'loaded', rows_loaded: 3, narrowed: ['amount'] });
    expect(r2.files[0].warnings).toBeUndefined();
    expect(r2.files[0].types).toMatchObject({ amount: 'numeric' });
    const types = Object.fromEntries(
      (await tableColumns(db, 'conv_amounts')).map((c) => [c.name, c.data_type]),
    );
    expect(types).toMatchObject({ area: 'text', amount: 'numeric', _dw_flags: 'jsonb' });
    const sums = await db.query<{ period: string; s: string; n: number; flagged: number }>(
      `SELECT _dw_period AS period, sum(amount)::text AS s, count(amount)::int AS n,
              count(*) FILTER (WHERE _dw_flags ? 'amount')::int AS flagged
         FROM staging.conv_amounts GROUP BY 1 ORDER BY 1`,
    );
    expect(sums).toEqual([
      { period: '2024-01', s: '194900', n: 2, flagged: 2 },
      { period: '2024-02', s: '212.3', n: 2, flagged: 2 },
    ]);
    expect(
      (await ledgerRows(db, { pub: 'conv' })).filter((l) => l.status === 'loaded').map((l) => l.extractor),
    ).toEqual([EXTRACTOR_VERSION, EXTRACTOR_VERSION]);

    // a later revision of period 1 moves its numeric rows into history's text column (not the other way round)
    const r3 = await load(db, '2024-01', NEW['2024-01'], { sha: 'sha-2024-01-c' });
    expect(r3.superseded).toHaveLength(1);
    expect(await typeOf(db, 'history', 'amount')).toBe('text');
    expect(await typeOf(db, 'staging', 'amount')).toBe('numeric');
    const hist = await db.query<{ sha: string; amount: string | null }>(
      `SELECT _dw_sha256 AS sha, amount FROM history.conv_amounts ORDER BY _dw_sha256, _dw_row`,
    );
    expect(hist).toEqual([
      { sha: 'sha-2024-01', amount: '100' },
      { sha: 'sha-2024-01', amount: '£194,800 r' },
      { sha: 'sha-2024-01', amount: 'now in "Other"' },
      { sha: 'sha-2024-01-b', amount: '100' },
      { sha: 'sha-2024-01-b', amount: '194800' },
      { sha: 'sha-2024-01-b', amount: null },
    ]);
  });

  it('integers narrow to bigint (spaces and blanks allowed), a 19-digit one to numeric', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const old = table(
      ['text', 'text'],
      [
        ['A', '5'],
        ['B', ' 7 '],
        ['C', ''],
      ],
    );
    await load(db, '2024-02', old, { pub: 'ints', extractor: '1' });
    const r = await load(db, '2024-01', table(['text', 'integer'], [['A', 1]]), { pub: 'ints' });
    expect(r.files[0].narrowed).toEqual(['amount']);
    expect(await typeOf(db, 'staging', 'amount', 'ints_amounts')).toBe('bigint');
    const [sum] = await db.query<{ s: string; n: number }>(
      `SELECT sum(amount)::text AS s, count(amount)::int AS n FROM staging.ints_amounts`,
    );
    expect(sum).toEqual({ s: '13', n: 3 });
    // bigint holds 18 digits safely: a longer integer written by the older extractor makes the column numeric
    const big = table(['text', 'text'], [['A', '1234567890123456789']]);
    await load(db, '2024-02', big, { pub: 'big', extractor: '1' });
    const r2 = await load(db, '2024-01', table(['text', 'integer'], [['A', 1]]), { pub: 'big' });
    expect(r2.files[0].narrowed).toEqual(['amount']);
    expect(await typeOf(db, 'staging', 'amount', 'big_amounts')).toBe('numeric');
    const [b] = await db.query<{ s: string }>(`SELECT sum(amount)::text AS s FROM staging.big_amounts`);
    expect(b.s).toBe('1234567890123456790');
  });

  it('a column text by the current extractor in another period stays text without a warning; codes never narrow', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    // period 2 is text by the current extractor's own decision (codes with leading zeros)
    await load(
      db,
      '2024-02',
      table(
        ['text', 'text'],
        [
          ['A', '0123'],
          ['B', '0456'],
        ],
      ),
      { pub: 'codes' },
    );
    const r = await load(db, '2024-01', NEW['2024-01'], { pub: 'codes' });
    expect(r.files[0].warnings).toBeUndefined();
    expect(r.files[0].narrowed).toBeUndefined();
    expect(await typeOf(db, 'staging', 'amount', 'codes_amounts')).toBe('text');
    // loaded by an older extractor, the same codes are named, and still never narrow once reloaded as text
    await load(
      db,
      '2024-02',
      table(
        ['text', 'text'],
        [
          ['A', '0123'],
          ['B', '0456'],
        ],
      ),
      {
        sha: 'sha-2024-02-old',
        extractor: '1',
        pub: 'codes',
      },
    );
    const again = await load(db, '2024-01', NEW['2024-01'], { sha: 'sha-2024-01-b', pub: 'codes' });
    expect(again.files[0].warnings?.[0]).toContain('2024-02 (2 values such as "0123")');
    expect(await typeOf(db, 'staging', 'amount', 'codes_amounts')).toBe('text');
  });
});

/** Two monthly CSVs whose `amount` column carries a flag, an annotation and a symbol. */
function csvFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-converge-'));
  writeFileSync(join(dir, 'amounts_jan.csv'), 'area,amount\nA,100\nB,"£194,800 r"\nC,"now in ""Other"""\n');
  writeFileSync(join(dir, 'amounts_feb.csv'), 'area,amount\nA,200\nB,12.3 p\nC,[c]\n');
  return dir;
}

for (const kind of testEngines()) {
  describe(`backfill --force converges [${kind}]`, () => {
    let server: StaticServer;
    let ws: Workspace;
    beforeAll(async () => {
      server = await serveFolder(csvFolder());
      ws = await makeWorkspace(kind, { publications: [] } as unknown as NhsSite);
      const config = {
        allowed_hosts: ['127.0.0.1'],
        publications: {
          conv: {
            name: 'Convergence',
            frequency: 'monthly',
            urls: [
              { period: '2024-01', url: `${server.url}/amounts_jan.csv` },
              { period: '2024-02', url: `${server.url}/amounts_feb.csv` },
            ],
          },
        },
      };
      writeFileSync(join(ws.dir, 'config', 'publications.yaml'), YAML.stringify(config));
    });
    afterAll(async () => {
      await ws?.dispose();
      await server?.close();
    });

    it('periods an older extractor loaded as text: --force one by one, then numeric in staging and Parquet', async () => {
      expect((await ws.run(['backfill'])).code).toBe(0);
      // what an older extractor left: the column text holding the cells as written, the ledger's extractor NULL
      const tables = await ws.withDb(async (db) => {
        const names = (
          await db.query<{ t: string }>(
            `SELECT table_name AS t FROM information_schema.columns
              WHERE table_schema = 'staging' AND column_name = 'amount'`,
          )
        ).map((r) => r.t);
        for (const t of names) {
          await db.query(`ALTER TABLE staging."${t}" ALTER COLUMN amount TYPE text`);
          await db.query(
            `UPDATE staging."${t}" SET amount = _dw_flags ->> 'amount' WHERE _dw_flags ? 'amount'`,
          );
        }
        await db.query(`UPDATE datawarp.tbl_manifest_files SET extractor = NULL`);
        return names;
      });
      expect(tables).toHaveLength(1);
      const [table] = tables;

      const first = await ws.run(['backfill', '--force', '--period', '2024-01']);
      expect(first.code).toBe(0);
      expect(first.err).toContain(`staging.${table}.amount stays text: periods 2024-02 (2 values`);
      expect(first.err).toContain('--force --pub conv --period 2024-02');
      const typeNow = (db: Db) =>
        db.query<{ t: string }>(
          `SELECT data_type AS t FROM information_schema.columns
            WHERE table_schema = 'staging' AND table_name = $1 AND column_name = 'amount'`,
          [table],
        );
      expect(await ws.withDb(typeNow)).toEqual([{ t: 'text' }]);

      const second = await ws.run(['backfill', '--force', '--period', '2024-02']);
      expect(second.code).toBe(0);
      expect(second.err).not.toContain('stays text');
      expect(await ws.withDb(typeNow)).toEqual([{ t: 'numeric' }]);
      const sums = await ws.withDb((db) =>
        db.query(
          `SELECT _dw_period AS period, sum(amount)::text AS s FROM staging."${table}" GROUP BY 1 ORDER BY 1`,
        ),
      );
      expect(sums).toEqual([
        { period: '2024-01', s: '194900' },
        { period: '2024-02', s: '212.3' },
      ]);
      // the Parquet of the period loaded before the narrowing is written again with the number type
      for (const [period, want] of [
        ['2024-01', [100, 194800, null]],
        ['2024-02', [200, 12.3, null]],
      ] as const) {
        const buf = readFileSync(join(ws.dir, 'output', 'parquet', table, `${period}.parquet`));
        const rows = await parquetReadObjects({
          file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length),
        });
        expect(
          rows.map((r) => (r.amount === null ? null : Number(r.amount))),
          period,
        ).toEqual(want);
        expect(typeof rows[0].amount, period).not.toBe('string');
      }
    });
  });
}
