// A revision that fails (the revised file turns out truncated) on both engines: the period stays processed at
// its current version with its rows intact, the item is reported failed (exit 1), the revision stays pending and
// is tried again; a plain backfill does not skip it as "failed earlier".
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhsSite } from '../scripts/demo/site.js';
import { testEngines } from './support/db.js';
import { reviseRun } from './support/revise.js';
import { firstBackfill, useSiteWorkspace, type Workspace } from './support/workspace.js';

for (const kind of testEngines())
  describe(`a failed revision [${kind}]`, () => {
    const sw = useSiteWorkspace(kind, ['pcn_workforce'], firstBackfill);
    let site: NhsSite;
    let ws: Workspace;
    beforeAll(() => void ({ site, ws } = sw));

    it('leaves the period processed with its rows, the revision pending, and retries it next run', async () => {
      const key = 'pcn_workforce/2020-03';
      const ledger = () =>
        ws.withDb((db) =>
          db.query<{ file_url: string; table_name: string; rows_loaded: string; status: string }>(
            `SELECT file_url, table_name, rows_loaded::text, status FROM datawarp.tbl_manifest_files
              WHERE pub = 'pcn_workforce' AND period = '2020-03' ORDER BY file_url, table_name`,
          ),
        );
      const before = await ledger();
      const mine = before.find((l) => l.file_url.includes('March'))!;
      const stagingRows = () =>
        ws.withDb(async (db) =>
          Number(
            (
              await db.query<{ n: string }>(
                `SELECT count(*)::text AS n FROM staging."${mine.table_name}" WHERE _dw_period = '2020-03'`,
              )
            )[0].n,
          ),
        );
      const rowsBefore = await stagingRows();
      const processedBefore = ws.state().processed[key];
      expect(processedBefore).toBeDefined();

      // the revised file arrives truncated: not a zip, not a CSV, nothing a loader accepts
      site.setOverride(mine.file_url, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
      const revised = [{ pub: 'pcn_workforce', period: '2020-03', reason: 'new bytes' }];
      const res = await reviseRun(ws, revised);
      expect(res.exitCode).toBe(1);
      expect(res.outcomes.find((o) => o.key === key)?.status).toBe('failed');
      expect(res.versions).toEqual([]); // nothing for the caller to clear: the revision stays pending
      const state = ws.state();
      expect(state.processed[key]).toEqual(processedBefore);
      expect(state.failed[key]).toBeUndefined();
      expect(await ledger()).toEqual(before);
      expect(await stagingRows()).toBe(rowsBefore);

      // a plain backfill skips it as processed, never as "failed earlier"
      const plain = await ws.run(['backfill']);
      expect(plain.code, plain.err).toBe(0);
      expect(plain.out + plain.err).not.toContain('failed earlier');

      // the upstream file is back: the pending revision is tried again and loads (no new version)
      site.setOverride(mine.file_url, null);
      const again = await reviseRun(ws, revised);
      expect(again.exitCode).toBe(0);
      expect(again.versions.map((v) => [v.pub, v.period])).toEqual([['pcn_workforce', '2020-03']]);
      expect(await stagingRows()).toBe(rowsBefore);
    });
  });
