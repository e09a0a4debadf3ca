import { describe, expect, it } from 'vitest';
import {
  DbUnavailableError,
  LoadError,
  ensureSchema,
  ledgerRows,
  ledgerTotals,
  loadFile,
  openDb,
  plainNumber,
  tableColumns,
  type Db,
  type LoadFileInput,
} from '../src/load/index.js';
import { columnTypeFor, csvField, isIsoDate } from '../src/load/values.js';
import { forEachEngine } from './support/db.js';
import { TYPED_COLUMNS, makeTable, typedRows } from './support/load-fixtures.js';

async function count(db: Db, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM staging."${table}" WHERE ${where}`,
    params,
  );
  return r[0].n;
}

async function types(db: Db, table: string): Promise<Record<string, string>> {
  return Object.fromEntries((await tableColumns(db, table)).map((c) => [c.name, c.data_type]));
}

async function tableExists(db: Db, table: string): Promise<boolean> {
  const r = await db.query(
    `SELECT 1 FROM information_schema.tables WHERE table_schema = 'staging' AND table_name = $1`,
    [table],
  );
  return r.length > 0;
}

function file(
  pub: string,
  n: number,
  tables: LoadFileInput['tables'],
  sha = `sha-${pub}-${n}`,
): LoadFileInput {
  return {
    pub,
    period: `2024-${String(n).padStart(2, '0')}`,
    fileUrl: `https://example.org/${pub}/${n}.xlsx`,
    sha256: sha,
    tables,
  };
}

describe('value encoding (engine independent)', () => {
  it('prints numbers as plain decimals, never exponents', () => {
    expect(plainNumber(1e21)).toBe('1000000000000000000000');
    expect(plainNumber(-1.5e22)).toBe('-15000000000000000000000');
    expect(plainNumber(1.2345e25)).toBe('12345000000000000000000000');
    expect(plainNumber(1e-7)).toBe('0.0000001');
    expect(plainNumber(-2.5e-10)).toBe('-0.00000000025');
    expect(plainNumber(123.456)).toBe('123.456');
    expect(plainNumber(-0)).toBe('0');
    expect(plainNumber(Number.MAX_VALUE)).toMatch(/^179769313486231570+$/);
    expect(plainNumber(5e-324)).toBe(`0.${'0'.repeat(323)}5`);
  });

  it('widens column types from values', () => {
    expect(columnTypeFor('integer', [1, 2, null])).toBe('integer');
    expect(columnTypeFor('integer', [1, 2.5])).toBe('numeric');
    expect(columnTypeFor('integer', [1e21])).toBe('numeric');
    expect(columnTypeFor('integer', ['12', '99999999999999999999'])).toBe('numeric');
    expect(columnTypeFor('integer', [1, 'n/a'])).toBe('text');
    expect(columnTypeFor('numeric', [NaN, Infinity])).toBe('numeric');
    expect(columnTypeFor('date', ['2024-02-29', '  '])).toBe('date');
    expect(columnTypeFor('date', ['2023-02-29'])).toBe('text');
    expect(columnTypeFor('date', [45000])).toBe('text');
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(csvField('a"b', 'text')).toBe('"a""b"');
    expect(csvField(null, 'text')).toBe('');
    expect(csvField('', 'text')).toBe('""');
    expect(csvField(' ', 'integer')).toBe('');
  });

  it('reports an unreachable server as DbUnavailableError with host:port and no password', async () => {
    const err = await openDb({ databaseUrl: 'postgres://someone:s3cretPw@127.0.0.1:1/nope' }).catch((e) => e);
    expect(err).toBeInstanceOf(DbUnavailableError);
    expect(err.message).toContain('127.0.0.1:1');
    expect(err.message).not.toContain('s3cretPw');
  });
});

forEachEngine('loader', (ctx) => {
  it('ensureSchema is idempotent and creates ledger + view', async () => {
    await ensureSchema(ctx.db);
    await ensureSchema(ctx.db);
    const rels = await ctx.db.query<{ table_schema: string; table_name: string; table_type: string }>(
      `SELECT table_schema, table_name, table_type FROM information_schema.tables
        WHERE table_schema = 'datawarp' ORDER BY table_name`,
    );
    expect(rels.map((r) => `${r.table_name}:${r.table_type}`)).toEqual([
      'tbl_item_versions:BASE TABLE',
      'tbl_llm_calls:BASE TABLE',
      'tbl_manifest_files:BASE TABLE',
      'v_publication_totals:VIEW',
    ]);
    const schemas = await ctx.db.query(
      `SELECT 1 FROM information_schema.schemata WHERE schema_name = 'staging'`,
    );
    expect(schemas).toHaveLength(1);
    expect(await ledgerRows(ctx.db)).toEqual([]);
    expect(await ledgerTotals(ctx.db)).toEqual([]);
  });

  it('COPY-loads thousands of typed rows; same sha skips; new sha replaces', async () => {
    const db = ctx.db;
    const n = 5000;
    const input = file('typed', 1, [makeTable('typed_main', TYPED_COLUMNS, typedRows(n))]);
    const progress: number[] = [];
    const chunks: number[] = [];
    const res = await loadFile(db, input, {
      chunkRows: 1500,
      onProgress: (r) => progress.push(r),
      onChunk: ({ chunk }) => {
        chunks.push(chunk);
      },
    });
    expect(res).toMatchObject({
      rowsLoaded: n,
      files: [
        {
          file_url: input.fileUrl,
          sheet: 'Sheet1',
          table_name: 'typed_main',
          rows_loaded: n,
          status: 'loaded',
        },
      ],
    });
    expect(chunks).toEqual([1, 2, 3, 4]);
    expect(progress).toEqual([1500, 3000, 4500, 5000]);

    expect(await types(db, 'typed_main')).toEqual({
      _dw_period: 'text',
      _dw_file_url: 'text',
      _dw_sha256: 'text',
      _dw_sheet: 'text',
      _dw_row: 'integer',
      _dw_loaded_at: 'timestamp with time zone',
      _dw_row_kind: 'text',
      id: 'bigint',
      amount: 'numeric',
      day: 'date',
      label: 'text',
      period: 'text',
    });
    expect(await count(db, 'typed_main')).toBe(n);
    const [agg] = await db.query(
      `SELECT sum(id)::text AS s, sum(amount)::text AS a, min(day)::text AS d0, max(day)::text AS d1,
              count(DISTINCT _dw_row)::int AS r, min(_dw_row)::int AS r0,
              count(*) FILTER (WHERE _dw_period = '2024-01' AND period = 'March 2024')::int AS p
         FROM staging.typed_main`,
    );
    const expectedAmount = typedRows(n).reduce((s, r) => s + Math.round((r[1] as number) * 100), 0) / 100;
    expect(agg).toEqual({
      s: String((n * (n - 1)) / 2),
      a: expectedAmount.toFixed(2),
      d0: '2024-01-01',
      d1: '2024-09-28',
      r: n,
      r0: 2,
      p: n,
    });
    const [one] = await db.query(`SELECT label FROM staging.typed_main WHERE id = 7`);
    expect(one.label).toBe('org "7", line\nnext');

    // same sha -> skipped
    const again = await loadFile(db, input);
    expect(again.rowsLoaded).toBe(0);
    expect(again.files[0].status).toBe('skipped');
    expect(await count(db, 'typed_main')).toBe(n);

    // new sha -> replaced, no duplicates
    const changed = {
      ...input,
      sha256: 'sha-typed-1b',
      tables: [makeTable('typed_main', TYPED_COLUMNS, typedRows(n - 100, 1))],
    };
    const replaced = await loadFile(db, changed);
    expect(replaced.rowsLoaded).toBe(n - 100);
    expect(await count(db, 'typed_main')).toBe(n - 100);
    expect(await count(db, 'typed_main', `_dw_sha256 = 'sha-typed-1'`)).toBe(0);
    const [dups] = await db.query(
      `SELECT count(*)::int AS n FROM (SELECT id FROM staging.typed_main GROUP BY id HAVING count(*) > 1) d`,
    );
    expect(dups.n).toBe(0);
    // both bytes are recorded: the first superseded (its rows in history), the new one current
    const all = await ledgerRows(db, { pub: 'typed' });
    expect(all.map((l) => [l.sha256, l.status]).sort()).toEqual([
      ['sha-typed-1', 'superseded'],
      ['sha-typed-1b', 'loaded'],
    ]);
    expect((await db.query(`SELECT count(*)::int AS n FROM history.typed_main`))[0].n).toBe(n);
    const ledger = all.filter((l) => l.status === 'loaded');
    expect(ledger[0]).toMatchObject({
      sha256: 'sha-typed-1b',
      rows_loaded: n - 100,
      status: 'loaded',
      source_code: 'typed_main',
    });
    expect(new Date(ledger[0].loaded_at).getTime()).toBeGreaterThan(Date.now() - 600_000);

    // another period of the same source appends
    await loadFile(db, file('typed', 2, [makeTable('typed_main', TYPED_COLUMNS, typedRows(10))]));
    expect(await count(db, 'typed_main')).toBe(n - 100 + 10);
  });

  it('evolves the schema: adds columns, widens integer->numeric->text and date->text, never narrows', async () => {
    const db = ctx.db;
    const T = 'evo_t';
    await loadFile(
      db,
      file('evo', 1, [
        makeTable(
          T,
          [
            { name: 'a', type: 'integer' },
            { name: 'b', type: 'date' },
            { name: 'c', type: 'integer' },
          ],
          [
            [1, '2024-01-31', 10],
            [2, '2024-02-29', 20],
          ],
        ),
      ]),
    );
    expect(await types(db, T)).toMatchObject({ a: 'bigint', b: 'date', c: 'bigint' });

    // a gets decimals, b gets free text, c is absent, d is new
    await loadFile(
      db,
      file('evo', 2, [
        makeTable(
          T,
          [
            { name: 'a', type: 'numeric' },
            { name: 'b', type: 'text' },
            { name: 'd', type: 'text' },
          ],
          [[1.5, 'n/a', 'x']],
        ),
      ]),
    );
    expect(await types(db, T)).toMatchObject({ a: 'numeric', b: 'text', c: 'bigint', d: 'text' });
    const rows = await db.query(
      `SELECT a::text AS a, b, c::text AS c, d FROM staging.${T} ORDER BY _dw_period, _dw_row`,
    );
    expect(rows).toEqual([
      { a: '1', b: '2024-01-31', c: '10', d: null },
      { a: '2', b: '2024-02-29', c: '20', d: null },
      { a: '1.5', b: 'n/a', c: null, d: 'x' },
    ]);

    // narrower incoming types never narrow the table
    await loadFile(
      db,
      file('evo', 3, [
        makeTable(
          T,
          [
            { name: 'a', type: 'integer' },
            { name: 'b', type: 'date' },
            { name: 'c', type: 'integer' },
          ],
          [[7, '2024-03-01', 30]],
        ),
      ]),
    );
    expect(await types(db, T)).toMatchObject({ a: 'numeric', b: 'text', c: 'bigint', d: 'text' });
    expect(await db.query(`SELECT a::text AS a, b FROM staging.${T} WHERE _dw_period = '2024-03'`)).toEqual([
      { a: '7', b: '2024-03-01' },
    ]);

    // numeric -> text, and a declared integer column receiving text widens instead of failing
    await loadFile(
      db,
      file('evo', 4, [
        makeTable(
          T,
          [
            { name: 'a', type: 'text' },
            { name: 'c', type: 'integer' },
          ],
          [['*', 'suppressed']],
        ),
      ]),
    );
    expect(await types(db, T)).toMatchObject({ a: 'text', b: 'text', c: 'text', d: 'text' });
    const all = await db.query(`SELECT a, c FROM staging.${T} ORDER BY _dw_period, _dw_row`);
    expect(all).toEqual([
      { a: '1', c: '10' },
      { a: '2', c: '20' },
      { a: '1.5', c: null },
      { a: '7', c: '30' },
      { a: '*', c: 'suppressed' },
    ]);
  });

  it('never lets a value fail the load: huge/tiny numbers, bad dates, text in number columns', async () => {
    const db = ctx.db;
    const T = 'odd_values';
    await loadFile(
      db,
      file('odd', 1, [
        makeTable(
          T,
          [
            { name: 'big', type: 'integer' },
            { name: 'tiny', type: 'numeric' },
            { name: 'nan', type: 'numeric' },
            { name: 'baddate', type: 'date' },
            { name: 'mixed', type: 'integer' },
            { name: 'intstr', type: 'integer' },
            { name: 'numtxt', type: 'text' },
          ],
          [
            [1e21, 1e-7, NaN, '2023-02-29', 5, '123', 1e21],
            [-9007199254740992, 2.5e-10, 1, 45000 as unknown as string, '5.5', '-9223372036854775808', 0.1],
            [null, null, null, null, 'abc', null, null],
          ],
        ),
      ]),
    );
    expect(await types(db, T)).toMatchObject({
      big: 'numeric',
      tiny: 'numeric',
      nan: 'numeric',
      baddate: 'text',
      mixed: 'text',
      intstr: 'bigint',
      numtxt: 'text',
    });
    const rows = await db.query(
      `SELECT big::text AS big, tiny::text AS tiny, nan::text AS nan, baddate, mixed, intstr::text AS intstr, numtxt
         FROM staging.${T} ORDER BY _dw_row`,
    );
    expect(rows).toEqual([
      {
        big: '1000000000000000000000',
        tiny: '0.0000001',
        nan: 'NaN',
        baddate: '2023-02-29',
        mixed: '5',
        intstr: '123',
        numtxt: '1000000000000000000000',
      },
      {
        big: '-9007199254740992',
        tiny: '0.00000000025',
        nan: '1',
        baddate: '45000',
        mixed: '5.5',
        intstr: '-9223372036854775808',
        numtxt: '0.1',
      },
      { big: null, tiny: null, nan: null, baddate: null, mixed: 'abc', intstr: null, numtxt: null },
    ]);
  });

  it('round-trips awkward text: quotes, commas, newlines, \\N, unicode, empty vs NULL', async () => {
    const db = ctx.db;
    const nasty = [
      'he said "hi", then left',
      'line1\nline2\r\nline3\rend',
      '\\N',
      '\\.',
      '',
      null,
      '   padded  ',
      'Ünïcödé – ✓ 😀 中文',
      '"',
      ',',
      'tab\there',
      'back\\slash',
      'NULL',
      'nul\u0000byte',
    ];
    // each twice (a string's field is made once per column and reused); a blank is text in `v`, NULL in `n`
    const rows = [...nasty, '  ', ...nasty, '  '];
    await loadFile(
      db,
      file('txt', 1, [
        makeTable(
          'txt_t',
          [
            { name: 'v', type: 'text' },
            { name: 'n', type: 'integer' },
          ],
          rows.map((v) => [v, '  ']),
        ),
      ]),
    );
    const got = await db.query<{ v: string | null; n: string | null }>(
      `SELECT v, n::text AS n FROM staging.txt_t ORDER BY _dw_row`,
    );
    expect(got.map((r) => r.v)).toEqual(rows.map((v) => (v === null ? null : v.split('\u0000').join(''))));
    expect(got.map((r) => r.n)).toEqual(rows.map(() => null));
  });

  it('validates identifiers and loads nothing when they are bad', async () => {
    const db = ctx.db;
    const bad: [string, string][] = [
      ['Bad_Table', 'x'],
      ['bad-table', 'x'],
      ['x; drop table y', 'x'],
      ['_dw_sneaky', 'x'],
      ['a'.repeat(64), 'x'],
      ['ok_table', 'Col'],
      ['ok_table', 'col"; drop'],
      ['ok_table', '_dw_period'],
      ['ok_table', ''],
    ];
    for (const [table, col] of bad) {
      const err = await loadFile(
        db,
        file('bad', 1, [makeTable(table, [{ name: col, type: 'text' }], [['v']])]),
      ).catch((e) => e);
      expect(err, `${table}.${col}`).toBeInstanceOf(LoadError);
      expect(err.message).toContain('https://example.org/bad/1.xlsx');
      expect(err.message).toMatch(/invalid (table|column) name/);
    }
    const dup = await loadFile(
      db,
      file('bad', 1, [
        makeTable(
          'ok_table',
          [
            { name: 'a', type: 'text' },
            { name: 'a', type: 'text' },
          ],
          [['v', 'w']],
        ),
      ]),
    ).catch((e) => e);
    expect(dup).toBeInstanceOf(LoadError);
    expect(await tableExists(db, 'ok_table')).toBe(false);
    expect(await ledgerRows(db, { pub: 'bad' })).toEqual([]);
    // the longest valid name works
    const longName = 'l' + 'x'.repeat(62);
    await loadFile(db, file('long', 1, [makeTable(longName, [{ name: longName, type: 'integer' }], [[1]])]));
    expect(await count(db, longName)).toBe(1);
  });

  it('rolls back the whole file when its second table fails mid-COPY; a retry loads it once', async () => {
    const db = ctx.db;
    const first = file('rb', 1, [
      makeTable('rb_alpha', TYPED_COLUMNS, typedRows(2000, 0), 'alpha'),
      makeTable('rb_beta', TYPED_COLUMNS, typedRows(2000, 0), 'beta'),
    ]);
    await loadFile(db, first);
    const second = file('rb', 2, [
      makeTable('rb_alpha', TYPED_COLUMNS, typedRows(3000, 5000), 'alpha'),
      // rb_beta gets a new column and a widened type: the DDL must roll back too
      makeTable(
        'rb_beta',
        [
          ...TYPED_COLUMNS.map((c) => (c.name === 'id' ? { ...c, type: 'numeric' as const } : c)),
          { name: 'extra', type: 'text' },
        ],
        typedRows(3000, 5000).map((r) => [...r, 'e']),
        'beta',
      ),
      makeTable('rb_gamma', TYPED_COLUMNS, typedRows(10), 'gamma'),
    ]);
    const seen: string[] = [];
    const err = await loadFile(db, second, {
      chunkRows: 1000,
      onChunk: ({ table, chunk }) => {
        seen.push(`${table}#${chunk}`);
        if (table === 'rb_beta' && chunk === 2) throw new Error('boom in the middle');
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect(err.message).toContain(second.fileUrl);
    expect(err.message).toContain('rb_beta');
    expect(err.message).toContain('boom in the middle');
    expect(seen).toEqual(['rb_alpha#1', 'rb_alpha#2', 'rb_alpha#3', 'rb_beta#1', 'rb_beta#2']);

    // nothing of file 2, file 1 intact
    expect(await count(db, 'rb_alpha')).toBe(2000);
    expect(await count(db, 'rb_beta')).toBe(2000);
    expect(await count(db, 'rb_alpha', `_dw_file_url = $1`, [second.fileUrl])).toBe(0);
    expect(await tableExists(db, 'rb_gamma')).toBe(false);
    expect(await types(db, 'rb_beta')).toMatchObject({ id: 'bigint' });
    expect(Object.keys(await types(db, 'rb_beta'))).not.toContain('extra');
    expect((await ledgerRows(db, { pub: 'rb' })).map((r) => `${r.period}/${r.sheet}`)).toEqual([
      '2024-01/alpha',
      '2024-01/beta',
    ]);

    // the connection / database is still usable and a retry loads file 2 exactly once
    const retry = await loadFile(db, second, { chunkRows: 1000 });
    expect(retry.rowsLoaded).toBe(6010);
    const again = await loadFile(db, second);
    expect(again.rowsLoaded).toBe(0);
    expect(again.files.map((f) => f.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(await count(db, 'rb_alpha')).toBe(5000);
    expect(await count(db, 'rb_beta')).toBe(5000);
    expect(await count(db, 'rb_beta', `_dw_file_url = $1`, [second.fileUrl])).toBe(3000);
    expect(await count(db, 'rb_gamma')).toBe(10);
    expect(await types(db, 'rb_beta')).toMatchObject({ id: 'numeric', extra: 'text' });
  });

  it('a server-side failure (not just a thrown callback) also rolls back the file', async () => {
    const db = ctx.db;
    await loadFile(db, file('srv', 1, [makeTable('srv_t', [{ name: 'a', type: 'integer' }], [[1]])]));
    // sabotage: a CHECK constraint the second file's rows violate during COPY
    await db.query(`ALTER TABLE staging.srv_t ADD CONSTRAINT srv_small CHECK (a < 100)`);
    const err = await loadFile(
      db,
      file('srv', 2, [
        makeTable('srv_other', [{ name: 'a', type: 'integer' }], [[5]], 'one'),
        makeTable('srv_t', [{ name: 'a', type: 'integer' }], [[5], [500]], 'two'),
      ]),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect(err.message).toMatch(/srv_t.*srv_small|srv_small/s);
    expect(await tableExists(db, 'srv_other')).toBe(false);
    expect(await count(db, 'srv_t')).toBe(1);
    expect(await ledgerRows(db, { pub: 'srv' })).toHaveLength(1);
  });

  it('ledger view totals per publication', async () => {
    const db = ctx.db;
    await loadFile(
      db,
      file('tot', 1, [
        makeTable('tot_a', [{ name: 'v', type: 'integer' }], [[1], [2], [3]], 's1'),
        makeTable('tot_b', [{ name: 'v', type: 'integer' }], [[1]], 's2'),
      ]),
    );
    await loadFile(
      db,
      file('tot', 2, [makeTable('tot_a', [{ name: 'v', type: 'integer' }], [[4], [5]], 's1')]),
    );
    await loadFile(db, {
      ...file('tot', 2, [makeTable('tot_a', [{ name: 'v', type: 'integer' }], [[6]], 's1')]),
      fileUrl: 'https://example.org/tot/2b.csv',
    });
    // empty table: loaded with 0 rows
    await loadFile(db, file('tot', 3, [makeTable('tot_b', [{ name: 'v', type: 'integer' }], [], 's2')]));
    const totals = await ledgerTotals(db);
    expect(totals.find((t) => t.pub === 'tot')).toEqual({ pub: 'tot', periods: 3, sources: 2, rows: 7 });
    const view = await db.query(
      `SELECT periods_loaded::int AS p, sources::int AS s, total_rows::int AS r FROM datawarp.v_publication_totals WHERE pub = 'tot'`,
    );
    expect(view).toEqual([{ p: 3, s: 2, r: 7 }]);
    expect((await ledgerRows(db, { pub: 'tot', period: '2024-02' })).map((r) => r.file_url)).toEqual([
      'https://example.org/tot/2.xlsx',
      'https://example.org/tot/2b.csv',
    ]);
    expect(await ledgerRows(db, { period: '2024-02', pub: 'nobody' })).toEqual([]);
  });
});
