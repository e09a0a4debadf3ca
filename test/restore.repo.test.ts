// `datawarp restore --repo` against the OpenAPI-validated fake of the GitHub API: the release assets a backfill
// published rebuild every table with the same rows per period and the same column types, and state.json learns
// the restored items.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodStart } from '../src/config/index.js';
import { assetName, CATALOG_TAG, releaseTag } from '../src/github/release-names.js';
import type { Db } from '../src/load/index.js';
import { openDb } from '../src/load/index.js';
import { runRestore } from '../src/cli/restore.js';
import { useActionBed } from './support/action-run.js';
import { testEngines } from './support/db.js';
import type { FakeGitHub } from './support/github-fake.js';
import { makeWorkspace, type Workspace } from './support/workspace.js';

const counts = (db: Db) =>
  db.query<{ table_name: string; period: string; n: string }>(
    `SELECT table_name, period, sum(rows_loaded)::text AS n FROM datawarp.tbl_manifest_files
      WHERE status = 'loaded' GROUP BY 1, 2 ORDER BY 1, 2`,
  );
const columnTypes = (db: Db) =>
  db.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'staging' AND column_name NOT LIKE '\\_dw\\_%' ORDER BY 1, 2`,
  );

(testEngines().includes('pg') ? describe : describe.skip)('datawarp restore --repo [pg]', () => {
  const bed = useActionBed();
  let fake: FakeGitHub;
  let ws: Workspace;
  let targetUrl: string;
  beforeAll(async () => {
    fake = bed.fake;
    ws = await makeWorkspace('pg', bed.site, ['qof', 'pcn_workforce']);
    targetUrl = await bed.freshDb();
  });
  afterAll(async () => {
    await ws?.dispose();
  });

  /** Publish output/parquet as the action does: one release per publication and year, one asset per file. */
  function publish(pub: string) {
    const root = join(ws.dir, 'output', 'parquet');
    let id = 5000;
    for (const table of readdirSync(root))
      for (const file of readdirSync(join(root, table))) {
        const period = file.replace(/\.parquet$/, '');
        const tag = releaseTag(pub, periodStart(period).slice(0, 4));
        let rel = fake.releases.find((r) => r.tag_name === tag);
        if (!rel) fake.releases.push((rel = { id: id++, tag_name: tag, name: tag, body: '', assets: [] }));
        const data = readFileSync(join(root, table, file));
        rel.assets.push({ id: id++, name: assetName(table, period), label: null, size: data.length, data });
      }
    const catalog = readFileSync(join(ws.dir, 'output', 'catalog.json'));
    fake.releases.push({
      id: id++,
      tag_name: CATALOG_TAG,
      name: CATALOG_TAG,
      body: '',
      assets: [{ id, name: 'catalog.json', label: null, size: catalog.length, data: catalog }],
    });
  }

  it('rebuilds the tables from the release assets with exact counts and column types; state learns the items', async () => {
    const r = await ws.run(['backfill', '--pub', 'pcn_workforce']);
    expect(r.code, r.err).toBe(0);
    publish('pcn_workforce');
    const before = await ws.withDb(counts);
    const typesBefore = await ws.withDb(columnTypes);
    expect(before.length).toBeGreaterThan(0);

    let out = '';
    let err = '';
    const code = await runRestore(
      ['--repo', `${fake.owner}/${fake.repo}`, '--token', 'ghs_x', '--state', 'restored.json'],
      {
        cwd: ws.dir,
        env: { DATABASE_URL: targetUrl, GITHUB_API_URL: fake.url },
        io: { out: (s) => (out += s), err: (s) => (err += s) },
      },
    );
    expect(code, err).toBe(0);
    expect(out).toMatch(/from \d+ Parquet files \(releases of /);
    const db = await openDb({ databaseUrl: targetUrl });
    try {
      expect(await counts(db)).toEqual(before);
      expect(await columnTypes(db)).toEqual(typesBefore);
      for (const b of before) {
        const n = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM staging."${b.table_name}" WHERE _dw_period = $1`,
          [b.period],
        );
        expect(n[0].n).toBe(b.n);
      }
    } finally {
      await db.close();
    }
    const state = JSON.parse(readFileSync(join(ws.dir, 'restored.json'), 'utf8'));
    expect(Object.keys(state.processed).sort()).toEqual(
      Object.keys(ws.state().processed)
        .filter((k) => k.startsWith('pcn_workforce/'))
        .sort(),
    );
    expect(fake.calls('repos/get-release-asset').length).toBe(before.length);
    expect(fake.invalid).toEqual([]);
  });
});
