// Nothing rewrites the whole catalog per item (issue 19): an item appends its tables to the catalog's journal
// (output/catalog.json.journal) and the run writes catalog.json once, at its end (src/export/catalog.ts,
// src/pipeline/backfill.ts). Counted by catalogWrites() over a 4-item run; and kill -9 at that one write leaves
// every item processed in state.json but the catalog unwritten: the next run, with nothing pending, folds the
// journal in and ends with the catalog of an undisturbed run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { catalogJournalPath, catalogWrites, readCatalog, type Catalog } from '../src/export/index.js';
import { openDb } from '../src/load/index.js';
import { writeCsv } from './support/big-csv.js';
import { openTestDb, testEngines, type EngineKind } from './support/db.js';
import { runCliIn, serveDir, spawnCli, writeConfig, type Served } from './support/faults.js';

const PUBS = ['pa', 'pb', 'pc', 'pd'];
let dir: string;
let served: Served;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-catalog-journal-'));
  const files = path.join(dir, 'files');
  fs.mkdirSync(files);
  for (const [i, pub] of PUBS.entries())
    writeCsv(path.join(files, `${pub}.csv`), 50 + i, (r) => [String(r + 1), `E${r % 7}`, String(r * 3)], [
      'id',
      'org',
      'value',
    ]);
  served = await serveDir(files);
});

afterAll(async () => {
  await served?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const workspace = (name: string) => {
  const ws = path.join(dir, name);
  writeConfig(ws, Object.fromEntries(PUBS.map((p) => [p, `${served.url}/${p}.csv`])));
  return ws;
};

/** What a catalog says about the loaded data (not when it was generated). */
const content = (c: Catalog) =>
  c.tables.map((t) => ({
    table: t.table,
    pub: t.publication,
    rows: t.rows,
    periods: t.periods,
    files: t.files,
  }));

for (const kind of testEngines())
  it(`[${kind}] a 4-item run writes catalog.json once; a kill -9 at that write is folded in by the next run`, async () => {
    const catalogOf = (ws: string) => path.join(ws, 'output', 'catalog.json');
    // an undisturbed run: one whole write, at the end; no journal left
    const t1 = await openTestDb(kind as EngineKind);
    let whole: Catalog;
    try {
      await t1.db.close();
      const ws = workspace(`${kind}-plain`);
      const before = catalogWrites();
      const r = await runCliIn(ws, t1.location, ['backfill']);
      expect(r.code, r.out).toBe(0);
      expect(catalogWrites() - before, 'whole-catalog writes in a 4-item run').toBe(1);
      expect(fs.existsSync(catalogJournalPath(catalogOf(ws)))).toBe(false);
      whole = JSON.parse(fs.readFileSync(catalogOf(ws), 'utf8')) as Catalog;
      expect(new Set(whole.tables.map((t) => t.publication))).toEqual(new Set(PUBS));
      expect(whole.tables.reduce((s, t) => s + t.rows, 0)).toBe(50 + 51 + 52 + 53);
      // a run with nothing to do writes nothing
      const idle = catalogWrites();
      expect((await runCliIn(ws, t1.location, ['backfill'])).code).toBe(0);
      expect(catalogWrites() - idle).toBe(0);
    } finally {
      t1.db = await openDb(t1.location);
      await t1.dispose();
    }

    // killed at the run's one catalog write (its first: no journal existed at the start)
    const t2 = await openTestDb(kind as EngineKind);
    try {
      await t2.db.close();
      const ws = workspace(`${kind}-killed`);
      const env: NodeJS.ProcessEnv = t2.location.databaseUrl
        ? { DATABASE_URL: t2.location.databaseUrl }
        : { DATAWARP_PGLITE_DIR: t2.location.dataDir };
      const killed = await spawnCli(ws, ['backfill'], { ...env, DATAWARP_FAULT_AT: 'catalog:1' }).done;
      expect(killed.signal, killed.out).toBe('SIGKILL');
      const state = JSON.parse(fs.readFileSync(path.join(ws, 'state', 'state.json'), 'utf8'));
      expect(Object.keys(state.processed).sort()).toEqual(PUBS.map((p) => `${p}/2024-01`));
      // the file was never written; the journal holds every item's tables (readers fold it in)
      expect(fs.existsSync(catalogOf(ws))).toBe(false);
      expect(
        fs
          .readFileSync(catalogJournalPath(catalogOf(ws)), 'utf8')
          .trim()
          .split('\n'),
      ).toHaveLength(4);
      expect(content(readCatalog(catalogOf(ws)))).toEqual(content(whole));
      // the next run has nothing pending, and still ends with the whole catalog, once written
      const before = catalogWrites();
      const again = await runCliIn(ws, t2.location, ['backfill']);
      expect(again.code, again.out).toBe(0);
      expect(again.out).not.toMatch(/processing/);
      expect(catalogWrites() - before).toBe(1);
      expect(fs.existsSync(catalogJournalPath(catalogOf(ws)))).toBe(false);
      const fixed = JSON.parse(fs.readFileSync(catalogOf(ws), 'utf8')) as Catalog;
      expect(content(fixed)).toEqual(content(whole));
    } finally {
      t2.db = await openDb(t2.location);
      await t2.dispose();
    }
  }, 300_000);
