// Issue 10: schema changes are safe under concurrent runs. Eight backfills at once against ONE PostgreSQL
// database (overlapping publications; tables created and columns added/widened while others load), four
// rehydrations and three Parquet restores of one empty database at once: no failures, the same rows, columns
// and ledger as one run on its own, exactly one ledger row per (file, sheet, table). Server only: PGlite has a
// single connection, so nothing runs concurrently there.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehydrate } from '../src/restore/rehydrate.js';
import type { Catalog } from '../src/export/index.js';
import { openDb, type Db } from '../src/load/index.js';
import { createStagingTable, evolveColumns, lockTables } from '../src/load/schema.js';
import { dirSource, restoreFromParquet } from '../src/restore/index.js';
import {
  bundleCli,
  duplicateLedgerKeys,
  makeRunDir,
  PCN_ROWS,
  runBackfill,
  snapshotDb,
  startCrowdSite,
  type DbSnapshot,
} from './support/crowd.js';
import { openTestDb, testEngines, type TestDb } from './support/db.js';

const P3 = 'pcn_workforce/2020-03';
const P9 = 'pcn_workforce/2020-09'; // adds a column and widens FTE from bigint to numeric
const D4 = 'dtoc/2011-04'; // one workbook -> three tables at once
const D11 = 'dtoc/2019-11'; // adds columns to those three tables
const Q = 'qof/FY2020-21';
const ALL = [P3, P9, D4, D11, Q];
// What each of the eight runs backfills. dtoc/2019-11 always comes with dtoc/2011-04: a run that has seen the
// earlier edition maps renamed headers onto its columns, one that has not would name them differently.
const RUNS = [ALL, [P9, D4, D11], [P9, Q], [P3], [D4, D11, Q], [P9], [Q, P3], [D4, D11, P9]];
const ROUNDS = 5;

const serverOnly = testEngines().includes('pg') ? describe : describe.skip;

/** `n` separate connections (pools) to the same database */
async function openMany(t: TestDb, n: number): Promise<Db[]> {
  return Promise.all(Array.from({ length: n }, () => openDb(t.location)));
}

/** the failure lines of a run's output */
function problems(out: string): string {
  return out
    .split('\n')
    .filter((l) => /✗|error/i.test(l))
    .join('\n');
}

function failures(results: PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
}

serverOnly('schema changes under concurrent runs [pg]', () => {
  let crowd: Awaited<ReturnType<typeof startCrowdSite>>;
  let bundle: Awaited<ReturnType<typeof bundleCli>>;
  let alone: TestDb;
  let aloneDir: string;
  let expected: DbSnapshot;
  const dirs: string[] = [];

  beforeAll(async () => {
    [crowd, bundle, alone] = await Promise.all([startCrowdSite(), bundleCli(), openTestDb('pg')]);
    aloneDir = makeRunDir(crowd.site, ALL);
    dirs.push(aloneDir);
    const r = await runBackfill(bundle.cli, aloneDir, alone.location.databaseUrl!);
    expect(r.code, r.out).toBe(0);
    expected = await snapshotDb(alone.db);
  });
  afterAll(async () => {
    await alone?.dispose();
    await crowd?.close();
    bundle?.remove();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a run on its own: new tables, an added column and widened types', () => {
    const pcn = expected.columns.pcn_workforce_individual_level;
    expect(pcn).toContain('fte numeric');
    expect(pcn).toContain('detailed_staff_role text');
    expect(expected.counts.pcn_workforce_individual_level).toBe(PCN_ROWS['2020-03'] + PCN_ROWS['2020-09']);
    expect(Object.keys(expected.counts).filter((t) => t.startsWith('dtoc_')).length).toBeGreaterThan(1);
    expect(expected.ledger.length).toBeGreaterThan(5);
  });

  it('schema changes refuse to run without their lock, and locks out of sorted order', async () => {
    await expect(alone.db.transaction((tx) => createStagingTable(tx, 'dw_guard'))).rejects.toThrow(
      /without its lock/,
    );
    await expect(
      alone.db.transaction((tx) => evolveColumns(tx, 'dw_guard', [{ name: 'a', type: 'text' }])),
    ).rejects.toThrow(/without its lock/);
    await expect(
      alone.db.transaction(async (tx) => {
        await lockTables(tx, ['b_table']);
        await lockTables(tx, ['a_table']);
      }),
    ).rejects.toThrow(/asked for after/);
    await alone.db.transaction(async (tx) => {
      await lockTables(tx, ['b_table', 'a_table', 'b_table']);
      await lockTables(tx, ['b_table', 'c_table']); // held ones again, new ones after them: fine
    });
  });

  it(`${RUNS.length} backfills at once, ${ROUNDS} rounds: no failure, the same rows, columns and ledger`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const t = await openTestDb('pg');
      try {
        const runDirs = RUNS.map((items) => makeRunDir(crowd.site, items));
        dirs.push(...runDirs);
        const runs = await Promise.all(
          runDirs.map((d) => runBackfill(bundle.cli, d, t.location.databaseUrl!)),
        );
        runs.forEach((r, i) => {
          expect(r.code, `round ${round}, run ${i}: ${problems(r.out)}`).toBe(0);
          const state = JSON.parse(readFileSync(join(runDirs[i], 'state', 'state.json'), 'utf8'));
          expect(Object.keys(state.processed).sort(), `round ${round}, run ${i}`).toEqual(
            [...RUNS[i]].sort(),
          );
          expect(state.failed).toEqual({});
        });
        expect(await duplicateLedgerKeys(t.db)).toEqual([]);
        expect(await snapshotDb(t.db), `round ${round}`).toEqual(expected);
      } finally {
        await t.dispose();
      }
    }
  }, 240_000); // ~50 s on two idle cores; room for a busy machine

  it('four rehydrations of one empty database at once, 5 rounds: one ledger row per file', async () => {
    const catalog = JSON.parse(readFileSync(join(aloneDir, 'output', 'catalog.json'), 'utf8')) as Catalog;
    const files = catalog.tables.reduce((n, t) => n + t.files.length, 0);
    expect(files).toBe(expected.ledger.length);
    for (let round = 0; round < 5; round++) {
      const t = await openTestDb('pg');
      const dbs = await openMany(t, 4);
      try {
        const results = await Promise.allSettled(dbs.map((db) => rehydrate(db, catalog)));
        expect(failures(results), `round ${round}`).toEqual([]);
        const inserted = results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value.ledgerRows : 0), 0);
        expect(inserted).toBe(files);
        expect(await duplicateLedgerKeys(t.db)).toEqual([]);
        const got = await snapshotDb(t.db);
        expect(got.ledger).toEqual(expected.ledger);
        expect(got.columns).toEqual(expected.columns);
      } finally {
        await Promise.all(dbs.map((db) => db.close()));
        await t.dispose();
      }
    }
  });

  it('three Parquet restores of one empty database at once, 3 rounds: the same rows, columns and ledger', async () => {
    const source = dirSource(join(aloneDir, 'output', 'parquet'));
    for (let round = 0; round < 3; round++) {
      const t = await openTestDb('pg');
      const dbs = await openMany(t, 3);
      try {
        const results = await Promise.allSettled(dbs.map((db) => restoreFromParquet(db, source)));
        expect(failures(results), `round ${round}`).toEqual([]);
        expect(await duplicateLedgerKeys(t.db)).toEqual([]);
        const got = await snapshotDb(t.db);
        expect(got.counts).toEqual(expected.counts);
        expect(got.columns).toEqual(expected.columns); // 2020-03.parquet says fte bigint, 2020-09 numeric
        expect(got.ledger).toEqual(expected.ledger);
      } finally {
        await Promise.all(dbs.map((db) => db.close()));
        await t.dispose();
      }
    }
  });
});
