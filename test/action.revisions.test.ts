// Revisions in the action (dist/index.js as the runner runs it, OpenAPI-validated GitHub fake, bare git origin,
// local NHS site, real PostgreSQL). The runner starts with an empty database and no earlier Parquet, so the
// released asset of the period is renamed <table>__<period>__v<n-1>.parquet before the new version goes up; the
// catalog lists both; the period's rows come back from the release first, so the diff counts what changed. In
// the fan-out, a matrix job reloads a pending revision and the merge job clears it from
// state/monitor.json in its one commit; a failed job's revision stays pending.
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhsSite } from '../scripts/demo/site.js';
import { parseCatalog } from '../src/export/index.js';
import {
  git,
  makeOrigin,
  pushFiles,
  runAction,
  seedFiles,
  type Origin,
  type RunActionOptions,
} from './support/action-harness.js';
import { siteConfig, useActionBed } from './support/action-run.js';
import { testEngines } from './support/db.js';
import type { FakeGitHub } from './support/github-fake.js';
import { editCsv } from './support/revise.js';

const run = testEngines().includes('pg') ? describe : describe.skip;
const QOF_FILE = 'MAPPING_INDICATORS_2021_v2.csv';
const FIXTURES = join(import.meta.dirname, 'fixtures', 'nhs');

const parquetRows = (data: Buffer) => Number(parquetMetadata(Uint8Array.from(data).buffer).num_rows);

/** state/monitor.json with these (pub, period) revisions pending. */
function monitorWith(revised: { pub: string; period: string }[]): string {
  const publications: Record<string, unknown> = {};
  for (const r of revised)
    publications[r.pub] = {
      periods: {},
      releases: {},
      revised: [
        { period: r.period, reason: 'new bytes at a known URL', detected_at: '2026-01-02T06:00:00.000Z' },
      ],
      upcoming: [],
    };
  return JSON.stringify({ publications }, null, 2) + '\n';
}

const pending = (o: Origin) =>
  Object.entries(
    (
      JSON.parse(o.show('state/monitor.json') ?? '{"publications":{}}') as {
        publications: Record<string, { revised: { period: string }[] }>;
      }
    ).publications,
  ).flatMap(([pub, p]) => p.revised.map((r) => `${pub}/${r.period}`));

run('revisions in the action (dist/index.js) [pg]', () => {
  const bed = useActionBed();
  let site: NhsSite;
  let fake: FakeGitHub;
  let origin: Origin;
  beforeAll(() => void ({ site, fake } = bed));
  const freshDb = () => bed.freshDb();
  const base = (inputs: Record<string, string>): RunActionOptions =>
    bed.options({ cwd: origin.clone(), inputs, timeoutMs: 240_000 });
  let qofFileUrl = '';
  const qofRelease = () => fake.releases.find((r) => r.tag_name === 'datawarp-qof-2020')!;
  const catalog = () => parseCatalog(origin.show('output/catalog.json')!);
  /** the QOF mapping file less its first `drop` data rows */
  const qofLess = (drop: number) =>
    Buffer.from(editCsv(readFileSync(join(FIXTURES, QOF_FILE), 'utf8'), (c, i) => (i < drop ? null : c)));

  beforeAll(async () => {
    const pubs = site.publications.filter((p) => ['qof', 'pcn_workforce'].includes(p.pub));
    const periods = ['FY2020-21', '2020-03'];
    const config = siteConfig(site, ['qof', 'pcn_workforce'], { qof: periods, pcn_workforce: periods });
    origin = makeOrigin(seedFiles(config));
    const page = pubs.find((p) => p.pub === 'qof')!.urls[0].url;
    const href = new RegExp(`href="([^"]*${QOF_FILE.replace(/\./g, '\\.')})"`).exec(
      await (await fetch(page)).text(),
    )![1];
    qofFileUrl = new URL(href, page).toString();
  });

  it('a revision loaded as version 2: the released v1 asset is kept as __v1, the current asset holds v2', async () => {
    const first = await runAction(base({ 'database-url': await freshDb() }));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ processed: '2', failed: '0' });
    const v1 = qofRelease().assets.filter((a) => a.name.endsWith('__FY2020-21.parquet'));
    expect(v1).toHaveLength(1);
    const name = v1[0].name;
    const table = name.replace(/__FY2020-21\.parquet$/, '');
    const v1Rows = parquetRows(v1[0].data);
    expect(v1Rows).toBe(68);

    // republished with 5 rows fewer at the same URL; the monitor marked it revised (a merged discover PR)
    site.setOverride(qofFileUrl, qofLess(5));
    pushFiles(
      origin,
      { 'state/monitor.json': monitorWith([{ pub: 'qof', period: 'FY2020-21' }]) },
      'revised',
    );
    const r = await runAction(base({ 'database-url': await freshDb() }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ processed: '1', failed: '0' });

    const assets = qofRelease().assets;
    expect(assets.map((a) => a.name).sort()).toEqual([name, `${table}__FY2020-21__v1.parquet`]);
    const current = assets.find((a) => a.name === name)!;
    const kept = assets.find((a) => a.name === `${table}__FY2020-21__v1.parquet`)!;
    expect(kept.id).toBe(v1[0].id); // renamed, not uploaded again
    expect(parquetRows(kept.data)).toBe(v1Rows);
    expect(parquetRows(current.data)).toBe(v1Rows - 5);
    expect(fake.calls('repos/update-release-asset').map((c) => c.status)).toEqual([200]);

    // the catalog lists both, with the release holding each; the revision is no longer pending
    const t = catalog().tables.find((x) => x.table === table)!;
    expect(t.assets?.map((a) => [a.name, a.release]).sort()).toEqual([
      [name, 'datawarp-qof-2020'],
      [`${table}__FY2020-21__v1.parquet`, 'datawarp-qof-2020'],
    ]);
    expect(t.assets?.find((a) => a.name === name)?.bytes).toBe(current.size);
    expect(t.assets?.find((a) => a.name.endsWith('__v1.parquet'))?.bytes).toBe(kept.size);
    expect(t.rows).toBe(v1Rows - 5);
    // the runner's empty database got the period's rows back from the release first: the diff counts the change
    expect(r.stdout).toContain(`restored ${v1Rows} row(s)`);
    expect(t.versions).toMatchObject([
      { period: 'FY2020-21', version: 2, rows_added: 0, rows_removed: 5, rows_changed: 0 },
    ]);
    expect(pending(origin)).toEqual([]);
    expect(fake.invalid).toEqual([]);
    expect(fake.responseErrors).toEqual([]);
  });

  it('fan-out: the matrix job reloads a pending revision, the merge clears it; a failed job keeps its own', async () => {
    site.setOverride(qofFileUrl, qofLess(8));
    pushFiles(
      origin,
      {
        'state/monitor.json': monitorWith([
          { pub: 'qof', period: 'FY2020-21' },
          { pub: 'pcn_workforce', period: '2020-03' },
        ]),
      },
      'two revisions',
    );
    const head = origin.head();
    const p = await runAction(base({ command: 'plan' }));
    expect(p.code, p.stdout + p.stderr).toBe(0);
    // revised items are pending: each publication gets its job
    expect(JSON.parse(p.outputs.matrix)).toEqual([
      { job: '1', pub: 'pcn_workforce' },
      { job: '2', pub: 'qof' },
    ]);
    expect(JSON.parse(p.outputs.items)).toEqual({
      pcn_workforce: ['pcn_workforce/2020-03'],
      qof: ['qof/FY2020-21'],
    });
    expect(p.outputs.mode).toBe('matrix');

    const fragments = mkdtempSync(join(tmpdir(), 'dw-rev-fragments-'));
    const job = async (pub: string, db: string) => {
      const dir = join(mkdtempSync(join(tmpdir(), 'dw-rev-runner-')), 'fragment');
      const r = await runAction(base({ pub, 'fragment-dir': dir, 'database-url': db }));
      if (existsSync(dir)) cpSync(dir, fragments, { recursive: true });
      return r;
    };
    const ok = await job('qof', await freshDb());
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.outputs).toMatchObject({ processed: '1', failed: '0' });
    const bad = await job('pcn_workforce', 'postgres://nobody@127.0.0.1:1/none');
    expect(bad.code).toBe(1);
    expect(origin.head()).toBe(head); // the jobs commit nothing
    // the fragment says which reloaded item was a revision
    expect(JSON.parse(readFileSync(join(fragments, 'qof', 'fragment.json'), 'utf8')).outcomes).toEqual([
      { key: 'qof/FY2020-21', status: 'processed', revised: true },
    ]);

    const m = await runAction(base({ command: 'merge', fragments, planned: p.outputs.items }));
    expect(m.code, m.stdout + m.stderr).toBe(0);
    expect(git(origin.bare, 'rev-list', '--count', `${head}..main`)).toBe('1');
    expect(pending(origin)).toEqual(['pcn_workforce/2020-03']);
    const state = JSON.parse(origin.show('state/state.json')!);
    expect(Object.keys(state.failed)).toEqual(['pcn_workforce/2020-03']);
    // version 3 is current; version 2 kept beside version 1
    const names = qofRelease()
      .assets.map((a) => a.name)
      .sort();
    expect(names.map((n) => n.replace(/^.*__FY2020-21/, ''))).toEqual([
      '.parquet',
      '__v1.parquet',
      '__v2.parquet',
    ]);
    const rows = (suffix: string) =>
      parquetRows(qofRelease().assets.find((a) => a.name.endsWith(suffix))!.data);
    expect([rows('__FY2020-21.parquet'), rows('__v2.parquet'), rows('__v1.parquet')]).toEqual([60, 63, 68]);
    const t = catalog().tables.find((x) => x.publication === 'qof')!;
    expect(t.versions?.map((v) => [v.version, v.rows_added, v.rows_removed])).toEqual([
      [2, 0, 5],
      [3, 0, 3],
    ]);
    expect(fake.invalid).toEqual([]);
  });
});
