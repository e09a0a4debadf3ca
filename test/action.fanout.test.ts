// The fan-out of backfill.yml run as the runner runs it: the committed dist/index.js with INPUT_*, the event file,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, against the OpenAPI-validated GitHub fake, a bare git origin, the local
// NHS site and a real PostgreSQL per matrix job. plan -> one backfill job per publication (fragment-dir; what
// upload-artifact/download-artifact with merge-multiple do is a copy into one directory) -> merge.
// And the 1000-assets-per-release cap, lowered: assets spill into datawarp-<pub>-<yyyy>-2, nothing is lost, the
// catalog's asset links name the release holding each asset and `restore --repo` finds them all.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhsSite } from '../scripts/demo/site.js';
import { runCli } from '../src/cli/main.js';
import { parseCatalog } from '../src/export/index.js';
import { openDb } from '../src/load/index.js';
import { runRestore } from '../src/cli/restore.js';
import {
  git,
  makeOrigin,
  runAction,
  seedFiles,
  type Origin,
  type RunActionOptions,
} from './support/action-harness.js';
import { siteConfig, useActionBed } from './support/action-run.js';
import { testEngines } from './support/db.js';
import type { FakeGitHub } from './support/github-fake.js';

const run = testEngines().includes('pg') ? describe : describe.skip;
const PUBS = ['pcn_workforce', 'dtoc', 'qof', 'ods_trusts'];

const configFor = (site: NhsSite, periods: Record<string, string[]>) =>
  siteConfig(site, Object.keys(periods), periods);

const tmp = (p: string) => mkdtempSync(join(tmpdir(), `dw-fanout-${p}-`));

run('fan-out: plan, one job per publication, merge (dist/index.js) [pg]', () => {
  const bed = useActionBed();
  let site: NhsSite;
  let fake: FakeGitHub;
  beforeAll(() => void ({ site, fake } = bed));
  const freshDb = () => bed.freshDb();
  const base = (cwd: string, inputs: Record<string, string>, env?: NodeJS.ProcessEnv): RunActionOptions =>
    bed.options({ cwd, inputs, env, timeoutMs: 240_000 });

  /** The plan job: its outputs. */
  async function plan(origin: Origin, inputs: Record<string, string> = {}) {
    const r = await runAction(base(origin.clone(), { command: 'plan', ...inputs }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    return r;
  }

  /** One matrix job: backfill of `pub` on its own clone and database; its fragment copied into `fragments`. */
  async function matrixJob(
    origin: Origin,
    pub: string,
    fragments: string,
    inputs: Record<string, string> = {},
  ) {
    const runnerTemp = tmp('runner');
    const fragmentDir = join(runnerTemp, 'datawarp-fragment');
    const r = await runAction(
      base(origin.clone(), { pub, 'fragment-dir': fragmentDir, 'database-url': await freshDb(), ...inputs }),
    );
    // actions/upload-artifact (if: always()) + download-artifact with merge-multiple: one directory
    if (existsSync(fragmentDir)) cpSync(fragmentDir, fragments, { recursive: true });
    return r;
  }

  /** The merge job: `planned` is the plan's items output, or {planFile} the plan job's artifact. */
  async function merge(origin: Origin, fragments: string, planned: string | { planFile: string }) {
    const how: Record<string, string> =
      typeof planned === 'string' ? { planned } : { 'plan-file': planned.planFile };
    const r = await runAction(base(origin.clone(), { command: 'merge', fragments, ...how }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    return r;
  }

  it('four publications in two jobs (max-jobs 2): a fragment per publication, one commit holding all four items, assets for all', async () => {
    fake.reset();
    const periods = {
      pcn_workforce: ['2020-03'],
      dtoc: ['2011-04'],
      qof: ['FY2020-21'],
      ods_trusts: ['2020-02'],
    };
    const origin = makeOrigin(seedFiles(configFor(site, periods)));
    const seedHead = origin.head();

    // by default one job per publication (fewer publications than max-jobs)
    expect(JSON.parse((await plan(origin)).outputs.matrix)).toEqual(
      PUBS.map((pub, i) => ({ job: String(i + 1), pub })),
    );
    const planFile = join(tmp('plan'), 'datawarp-plan', 'plan.json');
    const p = await plan(origin, { 'max-jobs': '2', 'plan-file': planFile });
    const matrix = JSON.parse(p.outputs.matrix) as { job: string; pub: string }[];
    expect(matrix).toEqual([
      { job: '1', pub: 'pcn_workforce qof' },
      { job: '2', pub: 'dtoc ods_trusts' },
    ]);
    expect(p.outputs.mode).toBe('matrix');
    expect(p.outputs.count).toBe('4');
    const items = JSON.parse(p.outputs.items) as Record<string, string[]>;
    expect(items.qof).toEqual(['qof/FY2020-21']);
    expect(JSON.parse(readFileSync(planFile, 'utf8'))).toEqual({ matrix, items });
    // single-job mode for small configs: fan-out-min-pubs above the count, or 0
    expect((await plan(origin, { 'fan-out-min-pubs': '5' })).outputs.mode).toBe('single');
    expect((await plan(origin, { 'fan-out-min-pubs': '0' })).outputs.mode).toBe('single');

    const fragments = tmp('fragments');
    // each job gets its pub list as backfill.yml passes it (matrix.pub); one takes it comma-separated
    const jobs = await Promise.all(
      matrix.map((j, i) => matrixJob(origin, i ? j.pub.replace(' ', ',') : j.pub, fragments)),
    );
    jobs.forEach((j, i) => expect(j.code, `${matrix[i].pub}: ${j.stdout}${j.stderr}`).toBe(0));
    jobs.forEach((j) => expect(j.outputs.processed).toBe('2'));
    // the jobs commit nothing and release no catalog: the merge job does
    expect(origin.head()).toBe(seedHead);
    expect(fake.releases.map((r) => r.tag_name)).not.toContain('datawarp-catalog');
    for (const pub of PUBS) {
      const frag = JSON.parse(readFileSync(join(fragments, pub, 'fragment.json'), 'utf8'));
      const job = matrix.find((j) => j.pub.split(' ').includes(pub))!;
      expect(frag).toMatchObject({ pub, job: `backfill (${job.pub})` });
      expect(frag.outcomes.map((o: { key: string }) => o.key)).toEqual(items[pub]);
      expect(frag.finished_at).toBeTruthy();
      const st = JSON.parse(readFileSync(join(fragments, pub, 'state.json'), 'utf8'));
      expect(Object.keys(st.processed)).toEqual(items[pub]);
      // only the publication's own catalog tables
      const cat = parseCatalog(readFileSync(join(fragments, pub, 'catalog.json'), 'utf8'));
      expect(cat.tables.length).toBeGreaterThan(0);
      expect(new Set(cat.tables.map((t) => t.publication))).toEqual(new Set([pub]));
    }

    const m = await merge(origin, fragments, { planFile });
    expect(m.outputs).toMatchObject({ processed: '4', failed: '0' });
    expect(Number(m.outputs['rows-loaded'])).toBeGreaterThan(0);
    // one commit on top of the seed, holding every item, every publication's manifests and the merged catalog
    expect(git(origin.bare, 'rev-list', '--count', `${seedHead}..main`)).toBe('1');
    const state = JSON.parse(origin.show('state/state.json')!);
    expect(Object.keys(state.processed).sort()).toEqual(Object.values(items).flat().sort());
    expect(state.failed).toEqual({});
    // the manifests on their branch (README "What is committed"), none in the tree
    const changed = git(origin.bare, 'ls-tree', '-r', '--name-only', 'datawarp/manifests').split('\n');
    for (const pub of PUBS)
      expect(changed.some((f) => f.startsWith(`backfill/${pub}/`) && f.endsWith('_enriched.yaml'))).toBe(
        true,
      );
    expect(git(origin.bare, 'diff', '--name-only', seedHead, 'main')).not.toContain('manifests/');
    const catalog = parseCatalog(origin.show('output/catalog.json')!);
    expect([...new Set(catalog.tables.map((t) => t.publication))].sort()).toEqual([...PUBS].sort());
    // assets for all four, and the catalog says where each one is
    for (const pub of PUBS) {
      const rels = fake.releases.filter((r) => r.tag_name.startsWith(`datawarp-${pub}-`));
      expect(rels.length, pub).toBe(1);
      expect(rels[0].assets.length, pub).toBeGreaterThan(0);
    }
    for (const t of catalog.tables) {
      expect(t.assets?.map((a) => a.period).sort(), t.table).toEqual([...t.periods].sort());
      for (const a of t.assets!) {
        const rel = fake.releases.find((r) => r.tag_name === a.release);
        expect(
          rel?.assets.some((x) => x.name === a.name),
          `${a.release}/${a.name}`,
        ).toBe(true);
        expect(a.url).toBe(
          `https://github.com/${fake.owner}/${fake.repo}/releases/download/${a.release}/${a.name}`,
        );
      }
    }
    const catRel = fake.releases.find((r) => r.tag_name === 'datawarp-catalog')!;
    expect(parseCatalog(catRel.assets[0].data.toString('utf8'))).toEqual(catalog);
    expect(m.summary).toContain('DataWarp fan-out merge');
    expect(fake.invalid).toEqual([]);
    expect(fake.responseErrors).toEqual([]);

    // nothing pending now: the plan is [] and the matrix is skipped
    const after = await plan(origin);
    expect(after.outputs).toMatchObject({ matrix: '[]', mode: 'none', count: '0' });
  });

  it('a failed matrix job: its publication lands under failed, the others are kept; a job that left nothing too', async () => {
    fake.reset();
    const periods = PUBS.reduce(
      (o, pub, i) => ({ ...o, [pub]: [['2020-03'], ['2011-04'], ['FY2020-21'], ['2020-02']][i] }),
      {} as Record<string, string[]>,
    );
    const origin = makeOrigin(seedFiles(configFor(site, periods)));
    const seedHead = origin.head();
    const p = await plan(origin);
    expect(JSON.parse(p.outputs.matrix)).toEqual(PUBS.map((pub, i) => ({ job: String(i + 1), pub })));
    const fragments = tmp('fragments');
    const ok = await matrixJob(origin, 'qof', fragments);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    // ods_trusts' release page is gone: its job finishes, its item failed (and it opened the issue itself)
    const page = site.publications.find((x) => x.pub === 'ods_trusts')!.urls[0].url;
    site.setMissing(page, true);
    try {
      const gone = await matrixJob(origin, 'ods_trusts', fragments);
      expect(gone.code, gone.stdout + gone.stderr).toBe(0);
      expect(gone.outputs).toMatchObject({ processed: '0', failed: '1' });
    } finally {
      site.setMissing(page, false);
    }
    // dtoc's job fails: its database is unreachable (it still writes its fragment, with the error)
    const bad = await matrixJob(origin, 'dtoc', fragments, {
      'database-url': 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(bad.code).toBe(1);
    expect(existsSync(join(fragments, 'dtoc', 'fragment.json'))).toBe(true);
    // pcn_workforce's job never ran (cancelled, runner lost): no fragment at all

    const m = await merge(origin, fragments, p.outputs.items);
    expect(m.outputs).toMatchObject({ processed: '1', failed: '3' });
    expect(git(origin.bare, 'rev-list', '--count', `${seedHead}..main`)).toBe('1');
    const state = JSON.parse(origin.show('state/state.json')!);
    expect(Object.keys(state.processed)).toEqual(['qof/FY2020-21']);
    expect(Object.keys(state.failed).sort()).toEqual([
      'dtoc/2011-04',
      'ods_trusts/2020-02',
      'pcn_workforce/2020-03',
    ]);
    expect(state.failed['ods_trusts/2020-02'].error).toMatch(/404/);
    expect(state.failed['dtoc/2011-04'].error).toMatch(
      /matrix job "backfill \(dtoc\)" stopped before finishing/,
    );
    expect(state.failed['pcn_workforce/2020-03'].error).toMatch(
      /matrix job "backfill \(pcn_workforce\)" left no state fragment/,
    );
    expect(
      JSON.parse(origin.show('output/catalog.json')!).tables.map(
        (t: { publication: string }) => t.publication,
      ),
    ).toContain('qof');
    // an issue per failed item: the job opened its own, the merge those of the items jobs did not report
    expect(fake.issues.map((i) => i.title).sort()).toEqual([
      'DataWarp: dtoc/2011-04 failed',
      'DataWarp: ods_trusts/2020-02 failed',
      'DataWarp: pcn_workforce/2020-03 failed',
    ]);
    expect(m.summary).toMatch(
      /\| `pcn_workforce` \| backfill \(pcn_workforce\) \| ✗ \| 0 \| 1 \| no fragment \|/,
    );
    // a later plan with retry-failed picks the two publications up again
    expect(JSON.parse((await plan(origin, { 'retry-failed': 'true' })).outputs.matrix)).toEqual([
      { job: '1', pub: 'pcn_workforce' },
      { job: '2', pub: 'dtoc' },
      { job: '3', pub: 'ods_trusts' },
    ]);
    // a job of two publications that left nothing: both publications' items failed, naming the job
    const again = tmp('fragments');
    const planFile = join(tmp('plan'), 'plan.json');
    await plan(origin, { 'retry-failed': 'true', 'max-jobs': '1', 'plan-file': planFile });
    const m2 = await merge(origin, again, { planFile });
    expect(m2.outputs).toMatchObject({ processed: '0', failed: '3' });
    const after = JSON.parse(origin.show('state/state.json')!);
    expect(after.failed['dtoc/2011-04'].error).toMatch(
      /matrix job "backfill \(pcn_workforce dtoc ods_trusts\)" left no state fragment/,
    );
    expect(fake.invalid).toEqual([]);
  });

  it('the asset cap lowered to 1: the second asset of a year spills into -2, nothing lost, restore --repo finds both', async () => {
    fake.reset();
    const origin = makeOrigin(seedFiles(configFor(site, { pcn_workforce: ['2020-03', '2020-09'] })));
    const env = { DATAWARP_MAX_RELEASE_ASSETS: '1' };
    const r = await runAction(base(origin.clone(), { 'database-url': await freshDb() }, env));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs.processed).toBe('2');
    const tags = fake.releases.map((x) => x.tag_name).sort();
    expect(tags).toEqual([
      'datawarp-catalog',
      'datawarp-pcn_workforce-2020',
      'datawarp-pcn_workforce-2020-2',
    ]);
    const data = fake.releases.filter((x) => x.tag_name !== 'datawarp-catalog');
    for (const rel of data) expect(rel.assets, rel.tag_name).toHaveLength(1);
    const catalog = parseCatalog(origin.show('output/catalog.json')!);
    const assets = catalog.tables.flatMap((t) => t.assets ?? []);
    // nothing lost: one asset per (table, period) of the catalog, each in the release the catalog names
    const expected = catalog.tables.flatMap((t) => t.periods.map((p) => `${t.table}__${p}.parquet`)).sort();
    expect(data.flatMap((x) => x.assets.map((a) => a.name)).sort()).toEqual(expected);
    expect(assets.map((a) => a.name).sort()).toEqual(expected);
    for (const a of assets)
      expect(fake.releases.find((x) => x.tag_name === a.release)!.assets.map((x) => x.name)).toContain(
        a.name,
      );
    expect(new Set(assets.map((a) => a.release)).size).toBe(2);
    // the published catalog says the same
    const published = fake.releases.find((x) => x.tag_name === 'datawarp-catalog')!.assets[0].data.toString();
    expect(parseCatalog(published).tables.flatMap((t) => t.assets)).toEqual(assets);

    // a forced re-run replaces each asset in the release holding it: no duplicate, no third release
    const again = await runAction(
      base(origin.clone(), { 'database-url': await freshDb(), force: 'true' }, env),
    );
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(fake.releases.map((x) => x.tag_name).sort()).toEqual(tags);
    expect(
      fake.releases
        .filter((x) => x.tag_name !== 'datawarp-catalog')
        .flatMap((x) => x.assets.map((a) => a.name))
        .sort(),
    ).toEqual(expected);

    // restore --repo finds the assets of both parts
    const target = await freshDb();
    const cwd = origin.clone();
    let out = '';
    let err = '';
    const code = await runRestore(['--repo', `${fake.owner}/${fake.repo}`, '--token', 'ghs_x'], {
      cwd,
      env: { DATABASE_URL: target, GITHUB_API_URL: fake.url },
      io: { out: (s) => (out += s), err: (s) => (err += s) },
    });
    expect(code, err).toBe(0);
    expect(out).toContain(`from ${expected.length} Parquet files`);
    const db = await openDb({ databaseUrl: target });
    try {
      for (const t of catalog.tables)
        for (const p of t.periods) {
          const n = await db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM staging."${t.table}" WHERE _dw_period = $1`,
            [p],
          );
          const rows = t.files.filter((f) => f.period === p).reduce((s, f) => s + f.rows, 0);
          expect(Number(n[0].n), `${t.table} ${p}`).toBe(rows);
        }
    } finally {
      await db.close();
    }
    expect(fake.invalid).toEqual([]);
  });
});

describe('datawarp plan --json', () => {
  it('prints the matrix include list of publications with pending items, [] when none', async () => {
    const dir = tmp('cli');
    mkdirSync(join(dir, 'config'));
    mkdirSync(join(dir, 'state'));
    const url = (p: string) => `https://digital.nhs.uk/${p}`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(dir, 'config', 'publications.yaml'),
      YAML.stringify({
        publications: {
          a: { name: 'A', frequency: 'monthly', urls: [{ period: '2020-01', url: url('a1') }] },
          b: {
            name: 'B',
            frequency: 'monthly',
            urls: [
              { period: '2020-01', url: url('b1') },
              { period: '2020-02', url: url('b2') },
            ],
          },
          c: { name: 'C', frequency: 'monthly', urls: [{ period: '2020-01', url: url('c1') }] },
        },
      }),
    );
    const state = (s: object) => writeFileSync(join(dir, 'state', 'state.json'), JSON.stringify(s));
    const cli = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await runCli(['plan', ...args], {
        cwd: dir,
        env: {},
        io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
      });
      return { code, out, err };
    };
    const at = '2026-01-01T00:00:00.000Z';
    state({
      processed: {
        'a/2020-01': { completed_at: at, rows_loaded: 1 },
        'b/2020-01': { completed_at: at, rows_loaded: 1 },
      },
      failed: { 'c/2020-01': { failed_at: at, error: 'broken' } },
    });
    let r = await cli('--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ job: '1', pub: 'b' }]);
    expect(JSON.parse((await cli('--json', '--retry-failed')).out)).toEqual([
      { job: '1', pub: 'b' },
      { job: '2', pub: 'c' },
    ]);
    expect(JSON.parse((await cli('--json', '--force', '--pub', 'a')).out)).toEqual([{ job: '1', pub: 'a' }]);
    // a list of publications: comma- or space-separated
    for (const list of ['a,c', 'c a', ' a , c '])
      expect(JSON.parse((await cli('--json', '--force', '--pub', list)).out), list).toEqual([
        { job: '1', pub: 'a' },
        { job: '2', pub: 'c' },
      ]);
    // --max-jobs: packed into fewer jobs; over 256 cut to 256 (said on stderr); not a number: usage error
    expect(JSON.parse((await cli('--json', '--force', '--max-jobs', '1')).out)).toEqual([
      { job: '1', pub: 'a b c' },
    ]);
    r = await cli('--json', '--force', '--max-jobs', '1000');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveLength(3);
    expect(r.err).toContain("over GitHub's matrix limit: 256 used");
    for (const bad of ['0', 'x', '2.5']) {
      r = await cli('--json', '--max-jobs', bad);
      expect(r.code, bad).toBe(2);
      expect(r.err).toContain(`--max-jobs ${bad}: not a whole number of jobs`);
    }
    r = await cli('--json', '--pub', 'a,nope');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--pub nope: no such publication');
    expect((await cli()).out).toBe('[job 1] b: 1 pending (b/2020-02)\n');
    // backfill takes the same list (a dry run plans without a database)
    const bf = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await runCli(['backfill', '--dry-run', ...args], {
        cwd: dir,
        env: {},
        io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
      });
      return { code, out, err };
    };
    expect((await bf('--force', '--pub', 'a,b')).out).toContain('Dry run: 3 to process');
    expect((await bf('--force', '--pub', 'b c')).out).toContain('Dry run: 3 to process');
    expect((await bf('--force', '--pub', 'c')).out).toContain('Dry run: 1 to process');
    state({
      processed: {
        'a/2020-01': { completed_at: at, rows_loaded: 1 },
        'b/2020-01': { completed_at: at, rows_loaded: 1 },
        'b/2020-02': { completed_at: at, rows_loaded: 1 },
      },
      failed: { 'c/2020-01': { failed_at: at, error: 'broken' } },
    });
    r = await cli('--json');
    expect(r.out).toBe('[]\n');
    expect((await cli('--json', '--pub', 'nope')).code).toBe(2);
  });
});
