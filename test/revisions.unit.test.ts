// Revisions in the small: which files make the next version (pure), a ledger from before versions migrated in
// place, and the SQL diff on both engines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memReleases, type MemAsset } from './support/mem-releaser.js';
import { createPublisher } from '../src/action/publish.js';
import { revisedAssets } from '../src/action/revised-rows.js';
import type { Releaser } from '../src/github/releaser.js';
import {
  ensureSchema,
  ledgerRows,
  listVersions,
  loadFile,
  recordVersion,
  versionState,
  type Db,
} from '../src/load/index.js';
import { versionDiff } from '../src/load/diff.js';
import type { ColumnSpec } from '../src/model.js';
import { planRevision, revisionStem } from '../src/pipeline/revision.js';
import { forEachEngine } from './support/db.js';

const u = (name: string) => `https://files.example.org/x/${encodeURIComponent(name)}`;

describe('planRevision', () => {
  it('strips revision tokens from names and titles, ranking how revised they say they are', () => {
    expect(revisionStem('Beds_Open_2024-REVISED')).toEqual({ stem: 'beds open 2024', rank: 1 });
    expect(revisionStem('MAPPING_v2-revised')).toEqual({ stem: 'mapping', rank: 2 });
    expect(revisionStem('Data v3')).toEqual({ stem: 'data', rank: 2 });
    expect(revisionStem('Previous rev data')).toEqual({ stem: 'previous data', rank: 1 });
    expect(revisionStem('Revenue 2024')).toEqual({ stem: 'revenue 2024', rank: 0 });
  });

  it('a twin beside its original replaces it; matched by title when names differ', () => {
    const cur = [{ url: u('beds.xlsx'), sha256: 'a', title: 'Beds, March 2024' }];
    const p = planRevision(cur, [
      { url: u('beds.xlsx'), sha256: 'a', title: 'Beds, March 2024' },
      { url: u('beds-revised.xlsx'), sha256: 'b', title: 'Beds, March 2024 (revised)' },
    ]);
    expect(p.skipped.map((s) => s.url)).toEqual([u('beds.xlsx')]);
    expect(p.supersede.get(u('beds-revised.xlsx'))).toEqual([{ fileUrl: u('beds.xlsx'), sha256: 'a' }]);
    expect(p.removed).toEqual([]);
    expect(p.changes).toBe(true);
    const byTitle = planRevision(cur, [
      { url: u('beds-2024-03-final.xlsx'), sha256: 'c', title: 'Beds, March 2024 - REVISED' },
    ]);
    expect(byTitle.supersede.get(u('beds-2024-03-final.xlsx'))).toEqual([
      { fileUrl: u('beds.xlsx'), sha256: 'a' },
    ]);
  });

  it('other formats are not twins; unmatched new files are new; a file gone is removed', () => {
    const cur = [
      { url: u('beds.csv'), sha256: 'a' },
      { url: u('gone.csv'), sha256: 'g' },
    ];
    const p = planRevision(cur, [
      { url: u('beds.csv'), sha256: 'a' },
      { url: u('beds-revised.xlsx'), sha256: 'b' },
      { url: u('extra.csv'), sha256: 'e' },
    ]);
    expect(p.skipped).toEqual([]);
    expect(p.supersede.size).toBe(0);
    expect(p.removed).toEqual([{ fileUrl: u('gone.csv'), sha256: 'g' }]);
    expect(p.changes).toBe(true);
  });

  it('the same bytes at a new URL are not loaded and change nothing; new bytes at a URL do', () => {
    const cur = [{ url: u('a.csv'), sha256: 'a' }];
    const moved = planRevision(cur, [{ url: u('moved/a.csv'), sha256: 'a' }]);
    expect(moved).toMatchObject({ removed: [], changes: false });
    expect(moved.skipped[0].reason).toMatch(/same bytes/);
    expect(planRevision(cur, [{ url: u('a.csv'), sha256: 'a' }]).changes).toBe(false);
    expect(planRevision(cur, [{ url: u('a.csv'), sha256: 'b' }])).toMatchObject({
      removed: [],
      changes: true,
    });
  });
});

const COLS: ColumnSpec[] = [
  { name: 'org', header: 'Org', type: 'text' },
  { name: 'day', header: 'Day', type: 'date' },
  { name: 'n', header: 'N', type: 'integer' },
  { name: 'rate', header: 'Rate', type: 'numeric' },
];

function file(pub: string, sha: string, rows: unknown[][], version: number, url = 'https://x.org/a.csv') {
  return {
    pub,
    period: '2024-01',
    fileUrl: url,
    sha256: sha,
    version,
    tables: [
      {
        sheet: 's1',
        source: { sourceCode: `${pub}_t`, tableName: `${pub}_t`, columns: COLS },
        table: { spec: { id: 's1', columns: COLS }, rows } as never,
      },
    ],
  };
}

async function count(db: Db, sql: string): Promise<number> {
  return Number((await db.query<{ n: string }>(sql))[0].n);
}

forEachEngine('revisions in the database', (ctx) => {
  it('a ledger from before versions is migrated in place and keeps working', async () => {
    const db = ctx.db;
    await db.query(`CREATE SCHEMA datawarp`);
    await db.query(`CREATE TABLE datawarp.tbl_manifest_files (
       pub text NOT NULL, source_code text NOT NULL, period text NOT NULL, file_url text NOT NULL,
       sheet text NOT NULL, table_name text NOT NULL, sha256 text NOT NULL, rows_loaded bigint NOT NULL DEFAULT 0,
       status text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now(), error text,
       CONSTRAINT tbl_manifest_files_key UNIQUE (pub, period, file_url, sheet, table_name))`);
    await db.query(`INSERT INTO datawarp.tbl_manifest_files (pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status)
       VALUES ('old', 'old_t', '2023-12', 'https://x.org/o.csv', 's1', 'old_t', 'o1', 5, 'loaded')`);
    await ensureSchema(db);
    await ensureSchema(db);
    const [key] = await db.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'tbl_manifest_files_key'`,
    );
    expect(key.def).toBe('UNIQUE (pub, period, file_url, sheet, table_name, sha256)');
    expect(await ledgerRows(db, { pub: 'old' })).toMatchObject([
      { sha256: 'o1', status: 'loaded', rows_loaded: 5 },
    ]);
    // the old ledger's load is version 1; the next load of the item is version 2
    expect(await versionState(db, { pub: 'old', period: '2023-12' })).toMatchObject({ current: 1, next: 2 });
    // a second `loaded` row of one source is refused
    await expect(
      db.query(`INSERT INTO datawarp.tbl_manifest_files (pub, source_code, period, file_url, sheet, table_name, sha256, status)
         VALUES ('old', 'old_t', '2023-12', 'https://x.org/o.csv', 's1', 'old_t', 'o2', 'loaded')`),
    ).rejects.toThrow();
  });

  it('the diff matches rows on their text and date columns and counts changed numeric cells', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const v1 = [
      ['A', '2024-01-01', 1, 1.5],
      ['A', '2024-01-01', 2, 2.5], // a duplicate key: matched in order
      ['B', '2024-01-02', 3, null],
      ['C', '2024-01-03', 4, 4.5],
      [null, '2024-01-04', 5, 5.5], // a NULL key cell matches a NULL
    ];
    const v2 = [
      ['A', '2024-01-01', 1, 1.5],
      ['A', '2024-01-01', 20, 2.5], // 1 cell
      ['B', '2024-01-02', 30, 3.5], // 2 cells (NULL -> 3.5 counts)
      [null, '2024-01-04', 5, 5.5],
      ['D', '2024-01-05', 6, 6.5], // added; C removed
    ];
    await loadFile(db, file('dif', 's-1', v1, 1));
    expect(await recordVersion(db, { pub: 'dif', period: '2024-01' }, 1)).toMatchObject({
      version: 1,
      rows_added: 5,
    });
    const st = await versionState(db, { pub: 'dif', period: '2024-01' });
    expect(st).toMatchObject({ current: 1, next: 2 });
    await loadFile(db, file('dif', 's-2', v2, st.next));
    expect(await versionDiff(db, { pub: 'dif', period: '2024-01' }, 2)).toEqual([
      { table: 'dif_t', rows_added: 1, rows_removed: 1, rows_changed: 2, cells_changed: 3 },
    ]);
    const v = await recordVersion(db, { pub: 'dif', period: '2024-01' }, 2, 'new bytes');
    expect(v).toMatchObject({
      version: 2,
      reason: 'new bytes',
      rows_added: 1,
      rows_removed: 1,
      cells_changed: 3,
    });
    expect(v!.files.map((f) => [f.sha256, f.change])).toEqual([
      ['s-2', 'loaded'],
      ['s-1', 'superseded'],
    ]);
    expect(
      await count(db, `SELECT count(*) AS n FROM history.dif_t WHERE _dw_superseded_at IS NOT NULL`),
    ).toBe(5);
    expect(await count(db, `SELECT count(*) AS n FROM staging.dif_t`)).toBe(5);
    expect((await listVersions(db, { pub: 'dif' })).map((x) => x.version)).toEqual([1, 2]);
    // loading the same bytes again changes nothing: no version 3
    await loadFile(db, file('dif', 's-2', v2, 3));
    expect(await recordVersion(db, { pub: 'dif', period: '2024-01' }, 3)).toBeUndefined();
  });

  it('history follows staging: a column added and widened after the first move', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    await loadFile(db, file('hw', 'h-1', [['A', '2024-01-01', 1, 1]], 1));
    await loadFile(db, file('hw', 'h-2', [['A', '2024-01-01', 2, 1]], 2));
    const wide = file('hw', 'h-3', [['A', '2024-01-01', 'n/a', 1]], 3);
    wide.tables[0].source.columns = [...COLS.slice(0, 2), { ...COLS[2], type: 'text' }, COLS[3]];
    await loadFile(db, wide);
    // history takes staging's types when rows move: the text rows of h-3 move with the next version
    await loadFile(db, file('hw', 'h-4', [['A', '2024-01-01', 4, 1]], 4));
    const types = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'history' AND table_name = 'hw_t' AND column_name IN ('n', '_dw_superseded_at')
        ORDER BY 1`,
    );
    expect(types).toEqual([
      { column_name: '_dw_superseded_at', data_type: 'timestamp with time zone' },
      { column_name: 'n', data_type: 'text' },
    ]);
    expect(await count(db, `SELECT count(*) AS n FROM history.hw_t`)).toBe(3);
    expect((await db.query(`SELECT n FROM history.hw_t ORDER BY _dw_superseded_at`)).map((r) => r.n)).toEqual(
      ['1', '2', 'n/a'],
    );
  });
});

/** An in-memory release holding `assets` (one release, whatever the tag). */
const memReleaser = (assets: MemAsset[]): Releaser => memReleases({ assets, oneRelease: true }).releaser;

const quietLog = { info() {}, warning() {} };

describe('release assets of a revision', () => {
  it('the kept version gets its own name; the current asset may shrink to the current ledger rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-rev-assets-'));
    const cur = join(dir, 'cur.parquet');
    const old = join(dir, 'old.parquet');
    writeFileSync(cur, 'current');
    writeFileSync(old, 'previous');
    const assets: MemAsset[] = [
      { id: 1, name: 'qof_t__FY2020-21.parquet', size: 8, label: '68 rows, sha256 0000000000000000' },
    ];
    const pub = createPublisher(memReleaser(assets), { force: false, pubName: (c) => c, log: quietLog });
    await pub.uploadItem(
      {
        key: 'qof/FY2020-21',
        pub: 'qof',
        period: 'FY2020-21',
        status: 'processed',
        exported: [
          { table: 'qof_t', period: 'FY2020-21', path: cur, rows: 67 },
          { table: 'qof_t', period: 'FY2020-21', path: old, rows: 68, version: 1 },
        ],
      },
      async () => 67, // the ledger's current rows
    );
    expect(pub.result().refused).toEqual([]);
    expect(assets.map((a) => [a.name, a.label?.split(',')[0]]).sort()).toEqual([
      ['qof_t__FY2020-21.parquet', '67 rows'],
      ['qof_t__FY2020-21__v1.parquet', '68 rows'],
    ]);
  });

  it('without the earlier Parquet (a runner): the released asset is renamed __v<n-1>, a dropped table too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-rev-assets-'));
    const cur = join(dir, 'cur.parquet');
    writeFileSync(cur, 'version two');
    const assets: MemAsset[] = [
      { id: 1, name: 'qof_t__FY2020-21.parquet', size: 8, label: '68 rows, sha256 0000000000000000' },
      { id: 2, name: 'qof_gone__FY2020-21.parquet', size: 5, label: '9 rows, sha256 1111111111111111' },
      { id: 3, name: 'qof_t__FY2019-20.parquet', size: 4, label: '50 rows, sha256 2222222222222222' },
    ];
    const known = (name: string) =>
      ({
        period: 'FY2020-21',
        name,
        release: 'datawarp-qof-2020',
        url: '',
        sha256: `sha-of-${name}`,
      }) as const;
    const pub = createPublisher(memReleaser(assets), {
      force: false,
      pubName: (c) => c,
      log: quietLog,
      knownRelease: () => 'datawarp-qof-2020',
      knownAsset: known,
    });
    const diff = (table: string) => ({
      table,
      rows_added: 0,
      rows_removed: 1,
      rows_changed: 0,
      cells_changed: 0,
    });
    const version = {
      pub: 'qof',
      period: 'FY2020-21',
      version: 2,
      loaded_at: '2026-01-01T00:00:00Z',
      reason: 'new bytes',
      files: [],
      rows_added: 0,
      rows_removed: 2,
      rows_changed: 0,
      cells_changed: 0,
      diff: [diff('qof_gone'), diff('qof_t')],
    };
    const item = {
      key: 'qof/FY2020-21',
      pub: 'qof',
      period: 'FY2020-21',
      status: 'processed' as const,
      version,
      exported: [{ table: 'qof_t', period: 'FY2020-21', path: cur, rows: 67 }],
    };
    await pub.uploadItem(item, async () => 67);
    expect(pub.result().refused).toEqual([]);
    expect(assets.map((a) => [a.id, a.name, a.label?.split(',')[0]]).sort()).toEqual([
      [1, 'qof_t__FY2020-21__v1.parquet', '68 rows'],
      [100, 'qof_t__FY2020-21.parquet', '67 rows'],
      [2, 'qof_gone__FY2020-21__v1.parquet', '9 rows'],
      [3, 'qof_t__FY2019-20.parquet', '50 rows'],
    ]);
    const placed = pub.placements().sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(placed.map((p) => [p.table, p.name, p.sha256 ?? '', p.bytes])).toEqual([
      ['qof_gone', 'qof_gone__FY2020-21__v1.parquet', 'sha-of-qof_gone__FY2020-21.parquet', 5],
      ['qof_t', 'qof_t__FY2020-21.parquet', expect.stringMatching(/^[0-9a-f]{64}$/), 11],
      ['qof_t', 'qof_t__FY2020-21__v1.parquet', 'sha-of-qof_t__FY2020-21.parquet', 8],
    ]);
    expect(pub.removed()).toEqual([
      { table: 'qof_gone', period: 'FY2020-21', name: 'qof_gone__FY2020-21.parquet' },
    ]);
    // the same item again (a re-run): nothing renamed twice, the current asset unchanged
    await pub.uploadItem(item, async () => 67);
    expect(assets.map((a) => a.name).sort()).toEqual([
      'qof_gone__FY2020-21__v1.parquet',
      'qof_t__FY2019-20.parquet',
      'qof_t__FY2020-21.parquet',
      'qof_t__FY2020-21__v1.parquet',
    ]);
  });
});

describe('the rows a revision supersedes, in the action', () => {
  it('are the current assets of the revised periods the catalog names (not kept versions, not other periods)', () => {
    const asset = (name: string, period: string) => ({ name, period, release: 'datawarp-q-2020', url: '' });
    const table = (name: string, pub: string) => ({
      table: name,
      publication: pub,
      description: '',
      periods: ['2020-01', '2020-02'],
      rows: 1,
      columns: [],
      files: [],
      assets: [
        asset(`${name}__2020-01.parquet`, '2020-01'),
        asset(`${name}__2020-01__v1.parquet`, '2020-01'),
        asset(`${name}__2020-02.parquet`, '2020-02'),
      ],
    });
    const catalog = { generated_at: 'x', tables: [table('q_a', 'q'), table('q_b', 'q'), table('o_a', 'o')] };
    expect(revisedAssets(catalog, [{ pub: 'q', period: '2020-01' }])).toEqual([
      { table: 'q_a', period: '2020-01', name: 'q_a__2020-01.parquet', release: 'datawarp-q-2020' },
      { table: 'q_b', period: '2020-01', name: 'q_b__2020-01.parquet', release: 'datawarp-q-2020' },
    ]);
    expect(revisedAssets(catalog, [])).toEqual([]);
  });
});
