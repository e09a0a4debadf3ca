// `init-state` when the load ledger is empty or the database unreachable: state.json is rebuilt from the manifest
// store's completion records (written once an item's load committed). An item whose run was killed after a file's
// COMMIT (its manifests written, its load not complete) has no record and is not counted. Both engines.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNhsSite, type NhsSite } from '../scripts/demo/site.js';
import { openDb } from '../src/load/index.js';
import { openTestDb, testEngines, type TestDb } from './support/db.js';
import { makeWorkspace, type Workspace } from './support/workspace.js';

const FIRST = 'pcn_workforce/2020-03';
const SECOND = 'pcn_workforce/2020-09';

for (const kind of testEngines()) {
  describe(`init-state from the manifests [${kind}]`, () => {
    let site: NhsSite;
    let ws: Workspace;
    let empty: TestDb | undefined;
    const record = (period: string) =>
      join(ws.dir, 'manifests', 'backfill', 'pcn_workforce', `pcn_workforce_${period}_completed.yaml`);

    beforeAll(async () => {
      site = await startNhsSite();
      ws = await makeWorkspace(kind, site, ['pcn_workforce']);
    });
    afterAll(async () => {
      if (empty) {
        empty.db = await openDb(empty.location);
        await empty.dispose();
      }
      await ws?.dispose();
      await site?.close();
    });

    it('a completed item leaves a completion record; one killed after a COMMIT leaves its manifests only', async () => {
      const r = await ws.run(['backfill', '--pub', 'pcn_workforce', '--period', '2020-03']);
      expect(r.code, r.err).toBe(0);
      const done = YAML.parse(readFileSync(record('2020-03'), 'utf8'));
      expect(done).toMatchObject({ pub: 'pcn_workforce', period: '2020-03' });
      expect(done.rows_loaded).toBe(ws.state().processed[FIRST].rows_loaded);
      expect(done.rows_loaded).toBeGreaterThan(0);
      // the second period's run dies right after its first file committed
      const killed = await ws.spawn(['backfill', '--pub', 'pcn_workforce', '--period', '2020-09'], {
        DATAWARP_FAULT_AT: 'commit',
        DATAWARP_FAULT_ACTION: 'kill',
      });
      expect(killed.signal, killed.out).toBe('SIGKILL');
      const dir = join(ws.dir, 'manifests', 'backfill', 'pcn_workforce');
      expect(existsSync(join(dir, 'pcn_workforce_2020-09_enriched.yaml'))).toBe(true);
      expect(existsSync(record('2020-09'))).toBe(false);
      // the ledger holds the committed file of the killed item
      const rows = await ws.withDb((db) =>
        db.query(`SELECT count(*)::int AS n FROM datawarp.tbl_manifest_files WHERE period = '2020-09'`),
      );
      expect(rows[0].n).toBeGreaterThan(0);
    });

    it('an empty database: processed rebuilt for the completed item only, rows and time from its record', async () => {
      const before = ws.state().processed[FIRST];
      const done = YAML.parse(readFileSync(record('2020-03'), 'utf8'));
      rmSync(ws.statePath);
      empty = await openTestDb(kind);
      await empty.db.close();
      const env =
        kind === 'pg'
          ? { DATABASE_URL: empty.location.databaseUrl }
          : { DATABASE_URL: '', DATAWARP_PGLITE_DIR: empty.location.dataDir };
      const r = await ws.run(['init-state'], env);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/the load ledger is empty; rebuilding from the completion records/);
      expect(r.out).toMatch(/1 processed, 0 failed \(from the manifests\)/);
      const s = ws.state();
      expect(Object.keys(s.processed)).toEqual([FIRST]);
      expect(s.processed[FIRST]).toEqual({
        completed_at: done.completed_at,
        rows_loaded: before.rows_loaded,
      });
      expect(s.processed[SECOND]).toBeUndefined();
    });

    it('an unreachable database: the same rebuild, and the reason said', async () => {
      rmSync(ws.statePath);
      const r = await ws.run(['init-state'], {
        DATABASE_URL: 'postgres://someone:s3cret-pw@127.0.0.1:1/nowhere',
      });
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/the database is unreachable/);
      expect(r.err).not.toContain('s3cret-pw');
      expect(Object.keys(ws.state().processed)).toEqual([FIRST]);
    });

    it('with a ledger the rebuild reads the ledger, as before', async () => {
      rmSync(ws.statePath);
      const r = await ws.run(['init-state']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/from the load ledger/);
      expect(ws.state().processed[FIRST].rows_loaded).toBeGreaterThan(0);
    });
  });
}
