// The ledger's named queries (src/load/ledger-queries.ts, ledger-restore.ts, versions.ts) on both engines: what
// the later stages ask the ledger, asked of a ledger written by the same functions restore uses.
import { expect, it } from 'vitest';
import {
  ensureSchema,
  hasLoadedFiles,
  insertCatalogFile,
  laterVersionDiffs,
  ledgerEntries,
  loadedFilesOf,
  loadedPartsOf,
  loadedPeriodsOf,
  loadedRowCount,
  loadedSourcesOf,
  loadedTableNames,
  markVersionComplete,
  recordRestoredSource,
  rowsBeforeVersion,
  type Db,
} from '../src/load/index.js';
import { forEachEngine } from './support/db.js';

const A = 'https://files.example.org/a.csv';
const B = 'https://files.example.org/b.xlsx';

/** pub p: beds 2024-01 (a.csv), 2024-02 (a.csv v1, b.xlsx two sheets v1); pub q: cots 2024-01. */
async function seed(db: Db): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS datawarp CASCADE`); // the engine's database is shared by the tests here
  await ensureSchema(db);
  const file = { pub: 'p', table: 'beds', version: 1, extractor: 'x1' };
  await db.transaction(async (tx) => {
    expect(
      await insertCatalogFile(tx, { ...file, period: '2024-01', url: A, sheet: '', sha256: 'a1', rows: 10 }),
    ).toBe(true);
    await insertCatalogFile(tx, { ...file, period: '2024-02', url: A, sheet: '', sha256: 'a2', rows: 7 });
    await insertCatalogFile(tx, { ...file, period: '2024-02', url: B, sheet: 'S2', sha256: 'b1', rows: 3 });
    await insertCatalogFile(tx, { ...file, period: '2024-02', url: B, sheet: 'S1', sha256: 'b1', rows: 4 });
    await insertCatalogFile(tx, {
      pub: 'q',
      table: 'cots',
      period: '2024-01',
      url: A,
      sheet: '',
      sha256: 'c1',
      rows: 5,
      version: null,
      extractor: null,
    });
    // the same row again is not added twice
    expect(
      await insertCatalogFile(tx, { ...file, period: '2024-01', url: A, sheet: '', sha256: 'a1', rows: 10 }),
    ).toBe(false);
  });
  await db.query(
    `INSERT INTO datawarp.tbl_manifest_files (pub, source_code, period, file_url, sheet, table_name, sha256, status, error)
     VALUES ('p', 'gone', '2024-03', $1, '', 'gone', 'g1', 'failed', 'boom')`,
    [A],
  );
}

forEachEngine('the ledger queries of src/load', (ctx) => {
  it('answer what export, pipeline, action and mcp ask', async () => {
    const db = ctx.db;
    await seed(db);
    expect(await hasLoadedFiles(db, { pub: 'p', period: '2024-02' })).toBe(true);
    expect(await hasLoadedFiles(db, { pub: 'p', period: '2024-03' })).toBe(false); // failed only
    expect(await loadedPeriodsOf(db, 'beds', '2024-01')).toEqual(['2024-02']);
    expect(await loadedPeriodsOf(db, 'beds', 'none')).toEqual(['2024-01', '2024-02']);
    const sources = await loadedSourcesOf(db, { pub: 'p', period: '2024-02' });
    expect(sources.sort((x, y) => x.file_url.localeCompare(y.file_url))).toEqual([
      { table_name: 'beds', file_url: A, sha256: 'a2' },
      { table_name: 'beds', file_url: B, sha256: 'b1' },
    ]);
    expect((await loadedTableNames(db)).sort()).toEqual(['beds', 'cots']);
    expect(await loadedPartsOf(db, 'beds', '2024-02')).toEqual([
      { file_url: A, sheet: '', sha256: 'a2' },
      { file_url: B, sheet: 'S1', sha256: 'b1' },
      { file_url: B, sheet: 'S2', sha256: 'b1' },
    ]);
    expect(await loadedRowCount(db, 'beds', '2024-02')).toBe(14);
    expect(await loadedRowCount(db, 'beds', '2099-01')).toBe(0);
    const files = await loadedFilesOf(db, ['cots', 'beds']);
    expect(files.map((f) => [f.table_name, f.period, f.sheet, f.rows_loaded])).toEqual([
      ['beds', '2024-01', '', 10],
      ['beds', '2024-02', '', 7],
      ['beds', '2024-02', 'S1', 4],
      ['beds', '2024-02', 'S2', 3],
      ['cots', '2024-01', '', 5],
    ]);
    expect(files[0]).toMatchObject({ pub: 'p', sha256: 'a1', version: 1, extractor: 'x1' });
    expect(files[4]).toMatchObject({ pub: 'q', version: null, extractor: null });
    expect(await loadedFilesOf(db, [])).toEqual([]);
    const entries = await ledgerEntries(db);
    expect(entries).toHaveLength(6);
    expect(entries.find((e) => e.status === 'failed')).toEqual({
      pub: 'p',
      table_name: 'gone',
      period: '2024-03',
      rows_loaded: 0,
      status: 'failed',
    });
  });

  it('a restored source takes the place of other bytes at its URL; versions read back', async () => {
    const db = ctx.db;
    await seed(db);
    await db.transaction(async (tx) => {
      const s = { pub: 'p', table: 'beds', period: '2024-02', url: A, sheet: '' };
      await recordRestoredSource(tx, { ...s, sha256: 'a3', rows: 9 });
      await recordRestoredSource(tx, { ...s, sha256: 'a3', rows: 8 }); // again: rows updated, not doubled
    });
    expect(await loadedPartsOf(db, 'beds', '2024-02')).toContainEqual({
      file_url: A,
      sheet: '',
      sha256: 'a3',
    });
    expect(await loadedRowCount(db, 'beds', '2024-02')).toBe(15);
    const a2 = (await ledgerEntries(db)).filter((e) => e.period === '2024-02' && e.status === 'superseded');
    expect(a2).toHaveLength(1);

    await db.transaction(async (tx) => {
      await markVersionComplete(tx, { pub: 'p', period: '2024-02' }, 2);
      await markVersionComplete(tx, { pub: 'p', period: '2024-02' }, 2);
      await markVersionComplete(tx, { pub: 'p', period: '2024-01' }, 1);
    });
    const diff = [{ table: 'beds', rows_added: 1, rows_removed: 2, rows_changed: 3, cells_changed: 4 }];
    await db.query(`UPDATE datawarp.tbl_item_versions SET diff = $1 WHERE version = 2`, [
      JSON.stringify(diff),
    ]);
    const later = await laterVersionDiffs(db, ['p', 'q']);
    expect(later).toHaveLength(1); // version 1 has no diff against a version before
    expect(later[0]).toMatchObject({ pub: 'p', period: '2024-02', version: 2, diff });
    expect(new Date(later[0].loaded_at).toISOString()).toBe(later[0].loaded_at);
    expect(await laterVersionDiffs(db, ['q'])).toEqual([]);
    expect(await laterVersionDiffs(db, [])).toEqual([]);

    // the version before 2 of p/2024-02: rows loaded by version 1 and kept, plus those version 2 superseded (a
    // row loaded with no version is from before versions: counted too)
    await db.query(
      `UPDATE datawarp.tbl_manifest_files SET superseded_in = 2 WHERE status = 'superseded' AND period = '2024-02'`,
    );
    expect(await rowsBeforeVersion(db, { pub: 'p', period: '2024-02' }, 2)).toEqual(new Map([['beds', 22]]));
    await db.query(`UPDATE datawarp.tbl_manifest_files SET version = 2 WHERE sha256 = 'a3'`);
    expect(await rowsBeforeVersion(db, { pub: 'p', period: '2024-02' }, 2)).toEqual(new Map([['beds', 14]]));
  });
});
