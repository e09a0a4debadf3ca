// kill -9 in the middle of a version reload: version 1 stays whole (staging, ledger, no history rows), and a
// re-run completes version 2 exactly once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhsSite } from '../scripts/demo/site.js';
import { listVersions } from '../src/load/index.js';
import { runTsChild } from './support/child.js';
import { testEngines } from './support/db.js';
import { reviseRun } from './support/revise.js';
import { firstBackfill, REPO, useSiteWorkspace, type Workspace } from './support/workspace.js';

const PCN_FILE = '1.Primary Care Networks – March 2020 Individual Level.csv';
const src = (p: string) => JSON.stringify(pathToFileURL(join(REPO, p)).href);

const CHILD = `
import { backfill } from ${src('src/pipeline/backfill.ts')};
import { defaultPaths, httpClientFor } from ${src('src/runtime/index.ts')};
import { loadConfig } from ${src('src/config/index.ts')};
import { openDb } from ${src('src/load/index.ts')};
const dir = process.env.DW_WS;
const config = loadConfig(dir + '/config/publications.yaml');
const quiet = { info() {}, warn() {}, progress() {}, done() {} };
await backfill(
  {
    config,
    statePath: dir + '/state/state.json',
    paths: defaultPaths(dir),
    http: httpClientFor(config),
    openDb: () => openDb(JSON.parse(process.env.DW_CHILD_DB)),
    reporter: quiet,
    chunkRows: 100,
    onChunk: ({ item, chunk }) => {
      if (item === 'pcn_workforce/2020-03' && chunk === 2) {
        process.stdout.write('killing\\n', () => process.kill(process.pid, 'SIGKILL'));
        return new Promise(() => {});
      }
    },
  },
  { revised: [{ pub: 'pcn_workforce', period: '2020-03', reason: 'new bytes' }] },
);
process.stdout.write('finished (unexpected)\\n');
`;

for (const kind of testEngines()) {
  describe(`kill -9 during a version reload [${kind}]`, () => {
    const sw = useSiteWorkspace(kind, ['pcn_workforce'], firstBackfill);
    let site: NhsSite;
    let ws: Workspace;
    beforeAll(() => void ({ site, ws } = sw));

    it('leaves version 1 intact; a re-run completes version 2', async () => {
      const current = () =>
        ws.withDb((db) =>
          db.query<{
            sha256: string;
            status: string;
            rows_loaded: string;
            table_name: string;
            file_url: string;
          }>(
            `SELECT sha256, status, rows_loaded, table_name, file_url FROM datawarp.tbl_manifest_files
              WHERE pub = 'pcn_workforce' AND period = '2020-03' ORDER BY status`,
          ),
        );
      const v1 = await current();
      expect(v1).toHaveLength(1);
      const table = v1[0].table_name;
      const lines = readFileSync(join(REPO, 'test/fixtures/nhs', PCN_FILE), 'latin1').split('\n');
      lines[3] = lines[3].replace(
        /,([0-9.]+),([0-9]+)(\r?)$/,
        (_m, fte, id, cr) => `,${Number(fte) + 1},${id}${cr}`,
      );
      site.setOverride(v1[0].file_url, Buffer.from(lines.join('\n'), 'latin1'));
      const stateBefore = ws.state().processed['pcn_workforce/2020-03'];

      const res = await runTsChild(CHILD, { DW_WS: ws.dir, DW_CHILD_DB: JSON.stringify(ws.location) });
      expect(res.stdout, res.stderr).toContain('killing');
      expect(res.signal).toBe('SIGKILL');

      // version 1 is whole: the same ledger, its rows in staging, nothing in history, state unchanged
      expect(await current()).toEqual(v1);
      await ws.withDb(async (db) => {
        const [s] = await db.query<{ n: string; sha: string }>(
          `SELECT count(*)::text AS n, max(_dw_sha256) AS sha FROM staging."${table}" WHERE _dw_period = '2020-03'`,
        );
        expect(s).toEqual({ n: v1[0].rows_loaded.toString(), sha: v1[0].sha256 });
        const h = await db.query(
          `SELECT 1 FROM information_schema.tables WHERE table_schema = 'history' AND table_name = $1`,
          [table],
        );
        if (h.length)
          expect((await db.query(`SELECT count(*)::int AS n FROM history."${table}"`))[0].n).toBe(0);
        expect(await listVersions(db, { pub: 'pcn_workforce', period: '2020-03' })).toHaveLength(1);
      });
      expect(ws.state().processed['pcn_workforce/2020-03']).toEqual(stateBefore);

      const again = await reviseRun(ws, [{ pub: 'pcn_workforce', period: '2020-03', reason: 'new bytes' }]);
      expect(again.versions).toEqual([
        { pub: 'pcn_workforce', period: '2020-03', version: 2, reason: 'new bytes', changed: true },
      ]);
      const o = again.outcomes.find((x) => x.period === '2020-03')!;
      expect(o.version).toMatchObject({ rows_added: 0, rows_removed: 0, rows_changed: 1, cells_changed: 1 });
      const after = await current();
      expect(after.map((x) => x.status)).toEqual(['loaded', 'superseded']);
      await ws.withDb(async (db) => {
        const n = async (schema: string) =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM ${schema}."${table}" WHERE _dw_period = '2020-03'`,
            )
          )[0].n;
        expect(await n('staging')).toBe(Number(v1[0].rows_loaded));
        expect(await n('history')).toBe(Number(v1[0].rows_loaded));
      });
    });
  });
}
