// Release layout `item` (input release-assets: item): the action, in-process with the real Octokit against the
// GitHub fake, uploads one zip per (publication, period) holding each table's Parquet as `<table>.parquet`
// (STORED): one upload per item, none doubled on later runs; the catalog names the zip and the member of each
// (table, period); a revision on a fresh runner restores the period's rows from the zip, keeps the old zip as
// `__v1` and uploads a new one carrying the untouched tables over; `restore --repo` restores the same rows from
// item zips as from per-table assets (both engines); the site links the zip and names the member; a repository
// switching from table to item keeps the per-table assets a revision's zip replaces as __v1.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRestore } from '../src/cli/restore.js';
import { parseCatalog } from '../src/export/index.js';
import { openDb, type Db } from '../src/load/index.js';
import { zipMembers } from '../src/restore/zip-members.js';
import { runSiteCommand } from '../src/cli/site.js';
import { freshRunner, processedKeys, runOnce, tmp, workspace } from './support/action-inproc.js';
import { useActionBed } from './support/action-run.js';
import { openTestDb, testEngines } from './support/db.js';
import { startFleetSite, FLEET_TABLES, type FleetSite } from './support/fleet-site.js';
import { startGitHubFake, type FakeGitHub } from './support/github-fake.js';

const ITEM = { 'release-assets': 'item' };
const dataAssets = (fake: FakeGitHub) =>
  fake.releases
    .filter((r) => r.tag_name !== 'datawarp-catalog')
    .flatMap((r) => r.assets.map((a) => ({ tag: r.tag_name, ...a })));
const catalogOf = (cwd: string) => parseCatalog(readFileSync(join(cwd, 'output', 'catalog.json'), 'utf8'));
const rowsOf = (bytes: Uint8Array) => Number(parquetMetadata(Uint8Array.from(bytes).buffer).num_rows);

/** Members of a zip asset: name -> rows. */
async function members(data: Buffer): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of await zipMembers(data)) out.set(m.name, rowsOf(await m.read()));
  return out;
}

describe('release layout item: one zip per (publication, period)', () => {
  const bed = useActionBed(() => startFleetSite({ pubs: 3, periods: 4 }));
  let site: FleetSite;
  let fake: FakeGitHub;
  beforeAll(() => void ({ site, fake } = bed));

  it('a first backfill uploads one STORED zip per item (calls per asset counted); a later run doubles none', async () => {
    fake.reset();
    const cwd = workspace(site.config(3, 3));
    const r1 = await runOnce(fake, cwd, ITEM);
    expect(r1.failed, r1.warnings.join('\n')).toBeUndefined();
    expect(r1.outputs).toMatchObject({ processed: '9', failed: '0' });
    const zips = dataAssets(fake);
    expect(zips.map((a) => a.name).sort()).toEqual(
      site.pubs.slice(0, 3).flatMap((p) => site.periods.slice(0, 3).map((m) => `${p}-${m}.zip`)),
    );
    for (const z of zips) {
      const pub = z.name.split('-')[0];
      expect([...(await members(z.data)).keys()]).toEqual(FLEET_TABLES.map((t) => `${pub}_${t}.parquet`));
      expect([...(await members(z.data)).values()]).toEqual([5, 5, 5]);
      // STORED: the compression method of every local header is 0
      expect(z.data.readUInt16LE(8)).toBe(0);
    }
    // one upload per item and the catalog; one creation per publication-year and the catalog's
    const uploads = fake.calls('repos/upload-release-asset').length;
    expect(uploads).toBe(9 + 1);
    expect(fake.requests.length).toBeLessThanOrEqual(uploads + fake.releases.length + 1);
    expect(fake.calls('repos/list-release-assets')).toHaveLength(0);

    // the catalog: each (table, period) names the zip, its member and the release
    const c = catalogOf(cwd);
    const beds = c.tables.find((t) => t.publication === site.pubs[0] && t.table.endsWith('beds'))!;
    expect(beds.assets?.map((a) => [a.period, a.name, a.member, a.release])).toEqual(
      site.periods
        .slice(0, 3)
        .map((m) => [
          m,
          `${site.pubs[0]}-${m}.zip`,
          `${beds.table}.parquet`,
          `datawarp-${site.pubs[0]}-2023`,
        ]),
    );

    // a daily run adding one period (fresh runner): one upload per new item, nothing doubled
    writeFileSync(join(cwd, 'config', 'publications.yaml'), site.config(3, 4));
    const daily = freshRunner(cwd);
    const before = fake.requests.length;
    const r2 = await runOnce(fake, daily, ITEM);
    expect(r2.failed, r2.warnings.join('\n')).toBeUndefined();
    expect(r2.outputs.processed).toBe('3');
    const calls = fake.requests.slice(before);
    expect(calls.filter((x) => x.operationId === 'repos/upload-release-asset')).toHaveLength(3 + 1);
    const names = dataAssets(fake).map((a) => `${a.tag}/${a.name}`);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(12);
    // a run with nothing to do uploads no item again
    const again = await runOnce(fake, freshRunner(daily), ITEM);
    expect(again.outputs.processed).toBe('0');
    expect(dataAssets(fake)).toHaveLength(12);
    expect(fake.invalid).toEqual([]);
  }, 900_000);

  it('a revision replaces the item zip: the old one kept as __v1, untouched tables carried over', async () => {
    fake.reset();
    const [pub] = site.pubs;
    const [p1] = site.periods;
    const cwd = workspace(site.config(1, 2));
    const r1 = await runOnce(fake, cwd, ITEM);
    expect(r1.outputs).toMatchObject({ processed: '2', failed: '0' });
    const old = dataAssets(fake).find((a) => a.name === `${pub}-${p1}.zip`)!;

    // the staff file of p1 is republished with 3 rows; the monitor marked the period revised
    site.setRows(pub, p1, 'staff', 3);
    const next = freshRunner(cwd);
    const revised = [
      { period: p1, reason: 'new bytes at a known URL', detected_at: '2026-01-02T06:00:00.000Z' },
    ];
    writeFileSync(
      join(next, 'state', 'monitor.json'),
      JSON.stringify({
        publications: { [pub]: { periods: {}, releases: {}, revised, upcoming: [] } },
      }),
    );
    const r2 = await runOnce(fake, next, ITEM);
    site.setRows(pub, p1, 'staff', 5);
    expect(r2.failed, r2.warnings.join('\n')).toBeUndefined();
    expect(r2.outputs).toMatchObject({ processed: '1', failed: '0' });
    // the runner's empty database got the period's rows back from the zip before the reload
    expect(r2.logs.join('\n')).toMatch(/restored 15 row\(s\) of 3 revised table period\(s\)/);

    const assets = dataAssets(fake).filter((a) => a.name.startsWith(`${pub}-${p1}`));
    expect(assets.map((a) => a.name).sort()).toEqual([`${pub}-${p1}.zip`, `${pub}-${p1}__v1.zip`]);
    const kept = assets.find((a) => a.name.endsWith('__v1.zip'))!;
    expect(kept.id).toBe(old.id); // renamed, not uploaded again
    const current = assets.find((a) => a.name === `${pub}-${p1}.zip`)!;
    const rows = await members(current.data);
    const staff = [...rows.keys()].find((k) => k.endsWith('staff.parquet'))!;
    expect(rows.get(staff)).toBe(3);
    expect([...rows.values()].sort()).toEqual([3, 5, 5]);
    expect([...(await members(kept.data)).values()]).toEqual([5, 5, 5]);

    const c = catalogOf(next);
    const t = c.tables.find((x) => `${x.table}.parquet` === staff)!;
    expect(
      t.assets
        ?.filter((a) => a.period === p1)
        .map((a) => [a.name, a.member])
        .sort(),
    ).toEqual([
      [`${pub}-${p1}.zip`, staff],
      [`${pub}-${p1}__v1.zip`, staff],
    ]);
    expect(t.versions).toMatchObject([{ period: p1, version: 2, rows_removed: 2 }]);
    expect(processedKeys(next)).toHaveLength(2);
    expect(fake.invalid).toEqual([]);
  }, 900_000);
});

describe('switching a repository from layout table to item', () => {
  const bed = useActionBed(() => startFleetSite({ pubs: 1, periods: 1 }));
  let site: FleetSite;
  let fake: FakeGitHub;
  beforeAll(() => void ({ site, fake } = bed));

  it('a revision under item: the zip holds the reloaded tables, their per-table assets are kept as __v1', async () => {
    const [pub] = site.pubs;
    const [p1] = site.periods;
    const cwd = workspace(site.config(1, 1));
    const r1 = await runOnce(fake, cwd, { 'release-assets': 'table' });
    expect(r1.outputs).toMatchObject({ processed: '1', failed: '0' });
    expect(dataAssets(fake).map((a) => a.name)).toHaveLength(3);

    site.setRows(pub, p1, 'staff', 2);
    const next = freshRunner(cwd);
    const revised = [{ period: p1, reason: 'new bytes', detected_at: '2026-01-02T06:00:00.000Z' }];
    writeFileSync(
      join(next, 'state', 'monitor.json'),
      JSON.stringify({ publications: { [pub]: { periods: {}, releases: {}, revised, upcoming: [] } } }),
    );
    const r2 = await runOnce(fake, next, ITEM);
    site.setRows(pub, p1, 'staff', 5);
    expect(r2.failed, r2.warnings.join('\n')).toBeUndefined();
    expect(r2.outputs).toMatchObject({ processed: '1', failed: '0' });

    const names = dataAssets(fake).map((a) => a.name);
    const zip = dataAssets(fake).find((a) => a.name === `${pub}-${p1}.zip`)!;
    const inZip = await members(zip.data);
    expect(inZip.get(`${pub}_staff.parquet`)).toBe(2);
    // each table of the period has exactly one current file: a zip member or a per-table asset, never both
    for (const t of FLEET_TABLES) {
      const table = `${pub}_${t}`;
      const asTable = names.includes(`${table}__${p1}.parquet`);
      expect(asTable !== inZip.has(`${table}.parquet`), table).toBe(true);
      if (inZip.has(`${table}.parquet`)) expect(names).toContain(`${table}__${p1}__v1.parquet`);
    }
    const c = catalogOf(next);
    const staff = c.tables.find((t) => t.table === `${pub}_staff`)!;
    expect(staff.assets?.map((a) => [a.name, a.member ?? null]).sort()).toEqual([
      [`${pub}-${p1}.zip`, `${pub}_staff.parquet`],
      [`${pub}_staff__${p1}__v1.parquet`, null],
    ]);
    expect(fake.invalid).toEqual([]);
  }, 600_000);
});

const staged = (db: Db) =>
  db.query<{ table_name: string; period: string; n: string }>(
    `SELECT table_name, period, sum(rows_loaded)::text AS n FROM datawarp.tbl_manifest_files
      WHERE status = 'loaded' GROUP BY 1, 2 ORDER BY 1, 2`,
  );

describe('restore --repo from item zips restores what per-table assets restore', () => {
  let site: FleetSite;
  const fakes: Partial<Record<'table' | 'item', FakeGitHub>> = {};
  const work: Partial<Record<'table' | 'item', string>> = {};
  beforeAll(async () => {
    site = await startFleetSite({ pubs: 2, periods: 2 });
    for (const layout of ['table', 'item'] as const) {
      const fake = (fakes[layout] = await startGitHubFake());
      const cwd = (work[layout] = workspace(site.config(2, 2)));
      const r = await runOnce(fake, cwd, { 'release-assets': layout });
      if (r.failed || r.outputs.processed !== '4') throw new Error(r.failed ?? r.warnings.join('\n'));
    }
  }, 900_000);
  afterAll(async () => {
    for (const f of Object.values(fakes)) await f?.close();
    await site?.close();
  });

  for (const engine of testEngines())
    it(`same rows per (table, period) from both layouts [${engine}]`, async () => {
      const got: Record<string, unknown> = {};
      for (const layout of ['table', 'item'] as const) {
        const target = await openTestDb(engine);
        await target.db.close();
        const fake = fakes[layout]!;
        let out = '';
        let err = '';
        const code = await runRestore(['--repo', `${fake.owner}/${fake.repo}`, '--token', 'ghs_x'], {
          cwd: tmp(),
          env: {
            GITHUB_API_URL: fake.url,
            ...(target.location.databaseUrl
              ? { DATABASE_URL: target.location.databaseUrl }
              : { DATAWARP_PGLITE_DIR: target.location.dataDir }),
          },
          io: { out: (s) => (out += s), err: (s) => (err += s) },
        });
        expect(code, err).toBe(0);
        expect(out).toContain('from 12 Parquet files');
        target.db = await openDb(target.location);
        const rows = await staged(target.db);
        const counts = [];
        for (const r of rows)
          counts.push(
            (
              await target.db.query<{ n: string }>(
                `SELECT count(*)::text AS n FROM staging."${r.table_name}" WHERE _dw_period = $1`,
                [r.period],
              )
            )[0].n,
          );
        got[layout] = { rows, counts };
        await target.dispose();
      }
      expect((got.item as { rows: unknown[] }).rows).toHaveLength(12);
      expect(got.item).toEqual(got.table);
      // item zips: one download per item
      expect(fakes.item!.calls('repos/get-release-asset')).toHaveLength(
        4 * testEngines().indexOf(engine) + 4,
      );
    }, 300_000);

  it('the site links the zip and names the member; datapackage gives the innerpath', async () => {
    const cwd = work.item!;
    let err = '';
    const code = await runSiteCommand(['--repo', 'nhs-data/datawarp', '--out', 'site'], {
      cwd,
      env: {},
      io: { out: () => {}, err: (s) => (err += s), isTTY: false },
    });
    expect(code, err).toBe(0);
    const c = catalogOf(cwd);
    const t = c.tables.find((x) => x.publication === site.pubs[0])!;
    const html = readFileSync(join(cwd, 'site', 'tables', `${t.table}.html`), 'utf8');
    const zip = `${site.pubs[0]}-${site.periods[0]}.zip`;
    expect(html).toContain(
      `<a href="https://github.com/nhs-data/datawarp/releases/download/datawarp-${site.pubs[0]}-2023/${zip}" download>${zip}</a>`,
    );
    expect(html).toContain(`member <code>${t.table}.parquet</code>`);
    expect(html).toContain('zipfile.ZipFile');
    const dp = JSON.parse(readFileSync(join(cwd, 'site', 'datapackage.json'), 'utf8')) as {
      resources: { path: string; compression?: string; innerpath?: string }[];
    };
    const res = dp.resources.find((r) => r.path.endsWith(`/${zip}`) && r.innerpath === `${t.table}.parquet`);
    expect(res?.compression).toBe('zip');
  }, 300_000);
});
