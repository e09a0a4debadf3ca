// `datawarp restore` from a directory of Parquet files (output/parquet) into an empty PostgreSQL: every table and
// the ledger rebuilt with the same rows; restoring twice replaces, it does not duplicate.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../src/load/index.js';
import { dirSource, restoreFromParquet } from '../src/restore/index.js';
import { openTestDb, testEngines } from './support/db.js';
import { useSiteWorkspace } from './support/workspace.js';

(testEngines().includes('pg') ? describe : describe.skip)('datawarp restore from Parquet [pg]', () => {
  const sw = useSiteWorkspace('pg', ['qof', 'pcn_workforce']);

  it('rebuilds every table and the ledger in an empty PostgreSQL with the same rows', async () => {
    const r = await sw.ws.run(['backfill', '--pub', 'qof']);
    expect(r.code, r.err).toBe(0);
    const count = (db: Db) =>
      db.query<{ table_name: string; period: string; n: string }>(
        `SELECT table_name, period, sum(rows_loaded)::text AS n FROM datawarp.tbl_manifest_files WHERE status = 'loaded' GROUP BY 1, 2 ORDER BY 1, 2`,
      );
    const before = await sw.ws.withDb(count);
    expect(before.length).toBeGreaterThan(0);
    const target = await openTestDb('pg');
    try {
      const res = await restoreFromParquet(target.db, dirSource(join(sw.ws.dir, 'output', 'parquet')));
      expect(res.files).toBe(before.length);
      expect(await count(target.db)).toEqual(before);
      for (const b of before) {
        const n = await target.db.query(
          `SELECT count(*)::text AS n FROM staging."${b.table_name}" WHERE _dw_period = $1`,
          [b.period],
        );
        expect(n[0].n).toBe(b.n);
      }
      // restoring twice replaces, it does not duplicate
      await restoreFromParquet(target.db, dirSource(join(sw.ws.dir, 'output', 'parquet')));
      expect(await count(target.db)).toEqual(before);
    } finally {
      await target.dispose();
    }
  });
});
