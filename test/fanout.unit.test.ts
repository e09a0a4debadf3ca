// The pieces of the fan-out and the asset cap in-process: spilling into -2/-3 parts, re-uploads to the release
// the catalog names, release tags restore recognises, catalog asset merging, and which planned items the merge
// records as failed for a job that stopped.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memReleases } from './support/mem-releaser.js';
import { recordAssets } from '../src/action/catalog-assets.js';
import { missingOutcomes } from '../src/action/fanout.js';
import { readFragments, writeFragment, type Fragment } from '../src/action/fragment.js';
import { mergeCatalogs, tablePeriods } from '../src/action/merge.js';
import { createPublisher } from '../src/action/publish.js';
import { maxReleaseAssets } from '../src/action/releases.js';
import { fanOutPlan } from '../src/cli/plan.js';
import { loadConfig, type Config } from '../src/config/index.js';
import {
  clampMaxJobs,
  jobsByPub,
  parsePubList,
  selectPubs,
  type FanOutPlan,
} from '../src/pipeline/fan-out.js';
import { emptyState } from '../src/state/index.js';
import YAML from 'yaml';
import { monthlyPeriods, tablesOf } from './support/catalogue.js';
import { appendCatalogJournal, readCatalog, writeCatalogFile, type Catalog } from '../src/export/index.js';
import { isDataReleaseTag, releaseTag } from '../src/github/release-names.js';
import type { ItemOutcome } from '../src/pipeline/backfill.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'dw-fanout-unit-'));

function item(dir: string, period: string, tables: string[], content = 'x'): ItemOutcome {
  return {
    key: `p/${period}`,
    pub: 'p',
    period,
    status: 'processed',
    exported: tables.map((table) => {
      const path = join(dir, `${table}-${period}.parquet`);
      writeFileSync(path, `${content}${table}${period}`);
      return { table, period, path, rows: 1 } as NonNullable<ItemOutcome['exported']>[number];
    }),
  };
}

const log = { info: () => {}, warning: () => {} };
const ledger = async () => 1;

describe('the release asset cap', () => {
  it('spills new assets into -2, -3 of the same publication and year; other years start at part 1', async () => {
    const dir = tmp();
    const m = memReleases();
    const pub = createPublisher(m.releaser, { force: false, pubName: () => 'P', log, maxAssets: 2 });
    await pub.uploadItem(item(dir, '2020-01', ['a', 'b', 'c']), ledger);
    await pub.uploadItem(item(dir, '2020-02', ['a', 'b']), ledger);
    await pub.uploadItem(item(dir, '2021-01', ['a']), ledger);
    expect(m.names()).toEqual({
      'datawarp-p-2020': ['a__2020-01.parquet', 'b__2020-01.parquet'],
      'datawarp-p-2020-2': ['a__2020-02.parquet', 'c__2020-01.parquet'],
      'datawarp-p-2020-3': ['b__2020-02.parquet'],
      'datawarp-p-2021': ['a__2021-01.parquet'],
    });
    const placed = pub.placements().find((p) => p.name === 'b__2020-02.parquet')!;
    expect(placed).toEqual({
      table: 'b',
      period: '2020-02',
      name: 'b__2020-02.parquet',
      release: 'datawarp-p-2020-3',
      url: 'https://github.com/o/r/releases/download/datawarp-p-2020-3/b__2020-02.parquet',
      // the uploaded file's size and hash, for datapackage.json where no Parquet file is at hand
      bytes: Buffer.byteLength('xb2020-02'),
      sha256: createHash('sha256').update('xb2020-02').digest('hex'),
    });
    expect(pub.result().refused).toEqual([]);
  });

  it('a re-upload goes to the release the catalog names, even when part 1 has room again', async () => {
    const dir = tmp();
    const m = memReleases();
    const first = createPublisher(m.releaser, { force: false, pubName: () => 'P', log, maxAssets: 1 });
    await first.uploadItem(item(dir, '2020-01', ['a', 'b']), ledger);
    const known = new Map(first.placements().map((p) => [p.name, p.release]));
    expect(known.get('b__2020-01.parquet')).toBe('datawarp-p-2020-2');
    // someone deleted part 1's asset: part 1 has room, but b's asset lives in part 2
    m.releases[0].assets = [];
    const again = createPublisher(m.releaser, {
      force: false,
      pubName: () => 'P',
      log,
      maxAssets: 1,
      knownRelease: (n) => known.get(n),
    });
    await again.uploadItem(item(dir, '2020-01', ['a', 'b'], 'changed'), ledger);
    expect(m.names()).toEqual({
      'datawarp-p-2020': ['a__2020-01.parquet'],
      'datawarp-p-2020-2': ['b__2020-01.parquet'],
    });
    expect(again.result().uploaded.sort()).toEqual([
      'datawarp-p-2020-2/b__2020-01.parquet',
      'datawarp-p-2020/a__2020-01.parquet',
    ]);
  });

  it('DATAWARP_MAX_RELEASE_ASSETS lowers the cap, never above 1000; spill-over tags are data release tags', () => {
    expect(maxReleaseAssets({})).toBe(1000);
    expect(maxReleaseAssets({ DATAWARP_MAX_RELEASE_ASSETS: '3' })).toBe(3);
    expect(maxReleaseAssets({ DATAWARP_MAX_RELEASE_ASSETS: '5000' })).toBe(1000);
    expect(maxReleaseAssets({ DATAWARP_MAX_RELEASE_ASSETS: 'x' })).toBe(1000);
    expect(releaseTag('qof', '2020', 2)).toBe('datawarp-qof-2020-2');
    expect(isDataReleaseTag('datawarp-qof-2020-2')).toBe(true);
    expect(isDataReleaseTag('datawarp-qof-2020')).toBe(true);
    expect(isDataReleaseTag('datawarp-catalog')).toBe(false);
  });
});

describe('catalog assets', () => {
  const table = (assets?: Catalog['tables'][0]['assets']): Catalog['tables'][0] => ({
    table: 't',
    publication: 'p',
    description: '',
    periods: ['2020-01', '2020-02'],
    rows: 2,
    columns: [],
    files: [],
    ...(assets ? { assets } : {}),
  });
  const asset = (period: string, release: string) => ({
    period,
    name: `t__${period}.parquet`,
    release,
    url: `u/${release}`,
  });

  it('recordAssets sets each placement on its table; mergeCatalogs keeps both sides, ours winning', () => {
    const path = join(tmp(), 'catalog.json');
    writeFileSync(path, JSON.stringify({ generated_at: '2026-01-01T00:00:00Z', tables: [table()] }));
    recordAssets(path, [{ table: 't', ...asset('2020-02', 'r-2') }]);
    recordAssets(path, [{ table: 'gone', ...asset('2020-02', 'r') }]);
    const c = readCatalog(path); // the file and its journal
    expect(c.tables[0].assets).toEqual([asset('2020-02', 'r-2')]);
    const theirs: Catalog = {
      generated_at: 'a',
      tables: [table([asset('2020-01', 'r'), asset('2020-02', 'r')])],
    };
    expect(mergeCatalogs(theirs, c).tables[0].assets).toEqual([
      asset('2020-01', 'r'),
      asset('2020-02', 'r-2'),
    ]);
  });
});

describe('catalog assets of a revision', () => {
  it('recordAssets forgets an asset renamed away and records its kept name', () => {
    const path = join(tmp(), 'catalog.json');
    const a = (name: string) => ({ period: '2020-01', name, release: 'r', url: `u/${name}` });
    const t = (table: string, assets: ReturnType<typeof a>[]) => ({
      table,
      publication: 'p',
      description: '',
      periods: ['2020-01'],
      rows: 1,
      columns: [],
      files: [],
      assets,
    });
    writeFileSync(
      path,
      JSON.stringify({
        generated_at: 'x',
        tables: [t('gone', [a('gone__2020-01.parquet')]), t('kept', [a('kept__2020-01.parquet')])],
      }),
    );
    const n = recordAssets(
      path,
      [{ table: 'gone', ...a('gone__2020-01__v1.parquet') }],
      [{ table: 'gone', period: '2020-01', name: 'gone__2020-01.parquet' }],
    );
    expect(n).toBe(2);
    const c = readCatalog(path); // the file and its journal
    expect(c.tables.map((x) => [x.table, x.assets?.map((y) => y.name)])).toEqual([
      ['gone', ['gone__2020-01__v1.parquet']],
      ['kept', ['kept__2020-01.parquet']],
    ]);
  });
});

describe('the plan', () => {
  it('counts the pending revisions of processed items as pending', () => {
    const file = join(tmp(), 'publications.yaml');
    writeFileSync(
      file,
      [
        'allowed_hosts: [example.org]',
        'publications:',
        '  a:',
        '    name: A',
        '    frequency: monthly',
        '    urls:',
        '      - { period: 2020-01, url: "https://example.org/a/jan" }',
        '      - { period: 2020-02, url: "https://example.org/a/feb" }',
        '  b:',
        '    name: B',
        '    frequency: monthly',
        '    urls:',
        '      - { period: 2020-01, url: "https://example.org/b/jan" }',
        '',
      ].join('\n'),
    );
    const done = { completed_at: '2026-01-01T00:00:00Z', rows_loaded: 1 };
    const state = { processed: { 'a/2020-01': done, 'a/2020-02': done, 'b/2020-01': done }, failed: {} };
    const config = loadConfig(file, {});
    expect(fanOutPlan(config, state, {})).toEqual({ matrix: [], items: {} });
    expect(
      fanOutPlan(config, state, { revised: [{ pub: 'a', period: '2020-02', reason: 'new bytes' }] }),
    ).toEqual({
      matrix: [{ job: '1', pub: 'a' }],
      items: { a: ['a/2020-02'] },
    });
  });

  const configOf = (pubs: [code: string, periods: number][]): Config => ({
    file: 'publications.yaml',
    allowedHosts: ['example.org'],
    limits: {} as Config['limits'],
    publications: pubs.map(([code, n]) => ({
      code,
      name: code,
      frequency: 'monthly',
      urls: monthlyPeriods(n).map((period) => ({
        period,
        periodWritten: period,
        url: `https://example.org/${code}/${period}`,
        line: 1,
      })),
    })),
  });
  const loads = (plan: FanOutPlan) =>
    plan.matrix.map((j) => j.pub.split(' ').reduce((s, p) => s + plan.items[p].length, 0));

  it('300 publications: at most 200 jobs by default, each publication in exactly one, balanced by items', () => {
    // pending items per publication: 1 to 120, unevenly
    const pubs = Array.from({ length: 300 }, (_, i) => [`p${i}`, 1 + ((i * 37) % 120)] as [string, number]);
    const plan = fanOutPlan(configOf(pubs), emptyState(), {});
    expect(plan.matrix).toHaveLength(200);
    expect(plan.matrix.map((j) => j.job)).toEqual(Array.from({ length: 200 }, (_, i) => String(i + 1)));
    const seen = plan.matrix.flatMap((j) => j.pub.split(' '));
    expect(seen.sort()).toEqual(pubs.map(([p]) => p).sort());
    expect(new Set(seen).size).toBe(300);
    // each job's publications in config order
    for (const j of plan.matrix) {
      const idx = j.pub.split(' ').map((p) => Number(p.slice(1)));
      expect(idx).toEqual([...idx].sort((a, b) => a - b));
    }
    // balanced: no job carries more than the average plus one publication's items (greedy, heaviest first)
    const l = loads(plan);
    const total = pubs.reduce((s, [, n]) => s + n, 0);
    expect(l.reduce((s, n) => s + n, 0)).toBe(total);
    expect(Math.max(...l)).toBeLessThanOrEqual(120);
    expect(Math.max(...l) - Math.min(...l)).toBeLessThanOrEqual(120);
    // a naive split (1.5 publications per job in config order) would be far worse on this input
    expect(Math.max(...l)).toBeLessThan(2 * Math.ceil(total / 200) + 10);
  });

  it('max-jobs is respected, clamped to 256, and a bad value falls back to 200', () => {
    const pubs = Array.from({ length: 300 }, (_, i) => [`p${i}`, 2] as [string, number]);
    const config = configOf(pubs);
    const jobs = (maxJobs?: number) => fanOutPlan(config, emptyState(), { maxJobs }).matrix.length;
    expect(jobs(10)).toBe(10);
    expect(jobs(1)).toBe(1);
    expect(jobs(256)).toBe(256);
    expect(jobs(1000)).toBe(256);
    expect(jobs(0)).toBe(200);
    expect(jobs(Number.NaN)).toBe(200);
    expect(clampMaxJobs(300)).toBe(256);
    expect(clampMaxJobs(7.9)).toBe(7);
    // ten jobs of 30 publications, 60 items each
    const ten = fanOutPlan(config, emptyState(), { maxJobs: 10 });
    expect(loads(ten)).toEqual(new Array(10).fill(60));
    // fewer publications than jobs: one job each
    expect(
      fanOutPlan(
        configOf([
          ['a', 1],
          ['b', 3],
        ]),
        emptyState(),
        {},
      ).matrix,
    ).toEqual([
      { job: '1', pub: 'a' },
      { job: '2', pub: 'b' },
    ]);
  });

  it('publication keys named like Object.prototype members plan like any other', () => {
    const keys = ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf'];
    const config = configOf(keys.map((k) => [k, 2]));
    const plan = fanOutPlan(config, emptyState(), { maxJobs: 2 });
    expect(plan.matrix.flatMap((j) => j.pub.split(' ')).sort()).toEqual([...keys].sort());
    expect(Object.keys(plan.items).sort()).toEqual([...keys].sort());
    expect(plan.items.constructor).toEqual(['constructor/2015-01', 'constructor/2015-02']);
    expect(plan.items['__proto__']).toEqual(['__proto__/2015-01', '__proto__/2015-02']);
    // and through a real config file (the loader allows `constructor` as a key)
    const file = join(tmp(), 'publications.yaml');
    writeFileSync(
      file,
      YAML.stringify({
        allowed_hosts: ['example.org'],
        publications: {
          constructor: {
            name: 'C',
            frequency: 'monthly',
            urls: [{ period: '2020-01', url: 'https://example.org/c' }],
          },
          other: {
            name: 'O',
            frequency: 'monthly',
            urls: [{ period: '2020-01', url: 'https://example.org/o' }],
          },
        },
      }),
    );
    const loaded = fanOutPlan(loadConfig(file, {}), emptyState(), {});
    expect(loaded.matrix).toEqual([
      { job: '1', pub: 'constructor' },
      { job: '2', pub: 'other' },
    ]);
    expect(JSON.parse(JSON.stringify(loaded.items))).toEqual({
      constructor: ['constructor/2020-01'],
      other: ['other/2020-01'],
    });
    expect(jobsByPub(loaded.matrix).get('constructor')).toEqual({ job: '1', pub: 'constructor' });
    expect(jobsByPub(loaded.matrix).get('toString')).toBeUndefined();
  });

  it('a pub list: spaces and/or commas, checked against the config, the shared frequency', () => {
    expect(parsePubList(' a, b  c,,a ')).toEqual(['a', 'b', 'c']);
    expect(parsePubList('')).toEqual([]);
    const config = configOf([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    expect(selectPubs(config, 'a,c')).toEqual({ pubs: ['a', 'c'], frequency: 'monthly' });
    expect(selectPubs(config, '')).toEqual({});
    expect(selectPubs(config, 'a nope constructor').error).toBe(
      'nope, constructor: no such publication in publications.yaml (have: a, b, c)',
    );
    const plan = fanOutPlan(config, emptyState(), { pubs: ['c', 'a'] });
    expect(plan.matrix).toEqual([
      { job: '1', pub: 'a' },
      { job: '2', pub: 'c' },
    ]);
  });
});

describe('the merge: planned items a job did not report', () => {
  const frag = (meta: Partial<Fragment['meta']>): Fragment => ({
    meta: { pub: 'p', job: 'fan-out (p)', started_at: 'x', outcomes: [], ...meta },
    state: { processed: {}, failed: {} },
  });
  const keys = ['p/2020-01', 'p/2020-02', 'p/2020-03'];

  it('a job of several publications is named by its pub list', () => {
    const f = missingOutcomes('p', keys, undefined, undefined, 'o p q');
    expect(f['p/2020-03'].error).toBe(
      'matrix job "backfill (o p q)" left no state fragment: it was cancelled, timed out or lost its runner',
    );
  });

  it('no fragment: every planned item failed, naming the job', () => {
    const f = missingOutcomes('p', keys, undefined, 'https://run');
    expect(Object.keys(f)).toEqual(keys);
    expect(f['p/2020-01'].error).toBe(
      'matrix job "backfill (p)" left no state fragment: it was cancelled, timed out or lost its runner; see https://run',
    );
    expect(f['p/2020-01'].transient).toBe(true);
  });

  it('a job stopped half-way: only the items it did not report; a finished job: none', () => {
    const outcomes = [{ key: 'p/2020-01', status: 'processed' as const }];
    const f = missingOutcomes('p', keys, frag({ outcomes, error: 'lost the database' }), undefined);
    expect(Object.keys(f)).toEqual(['p/2020-02', 'p/2020-03']);
    expect(f['p/2020-02'].error).toBe(
      'matrix job "fan-out (p)" stopped before finishing this item: lost the database',
    );
    expect(Object.keys(missingOutcomes('p', keys, frag({ outcomes }), undefined))).toEqual([
      'p/2020-02',
      'p/2020-03',
    ]);
    expect(missingOutcomes('p', keys, frag({ outcomes, finished_at: 'y' }), undefined)).toEqual({});
  });
});

describe('a fragment', () => {
  it("carries only its items' state keys and catalog periods (journal folded in) and new manifests", () => {
    const ws = tmp();
    const statePath = join(ws, 'state.json');
    const catalogPath = join(ws, 'catalog.json');
    const manifestsRoot = join(ws, 'manifests');
    const st = emptyState();
    for (const k of ['a/2020-01', 'a/2020-02', 'b/2020-01'])
      st.processed[k] = { completed_at: '2026-01-01T00:00:00Z', rows_loaded: 1 };
    st.failed['b/2020-02'] = { failed_at: '2026-01-01T00:00:00Z', error: 'x' };
    writeFileSync(statePath, JSON.stringify(st));
    writeCatalogFile(catalogPath, {
      generated_at: '2026-01-01T00:00:00Z',
      tables: [...tablesOf('a', ['2020-01']), ...tablesOf('b', ['2020-01'])],
    });
    appendCatalogJournal(catalogPath, tablesOf('a', ['2020-01', '2020-02'], 1)); // an item of this run
    const old = join(manifestsRoot, 'backfill', 'a', 'a_2020-01.yaml');
    const fresh = join(manifestsRoot, 'backfill', 'a', 'a_2020-02.yaml');
    mkdirSync(join(manifestsRoot, 'backfill', 'a'), { recursive: true });
    mkdirSync(join(manifestsRoot, 'backfill', 'b'), { recursive: true });
    writeFileSync(old, 'old\n');
    utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));
    writeFileSync(fresh, 'new\n');
    writeFileSync(join(manifestsRoot, 'backfill', 'b', 'b_2020-02.yaml'), 'b\n');
    const dir = join(tmp(), 'fragments');
    const meta = {
      pub: 'a',
      job: 'backfill (a b)',
      started_at: 'x',
      outcomes: [{ key: 'a/2020-02', status: 'processed' as const }],
    };
    const out = writeFragment(
      dir,
      { pub: 'a', statePath, catalogPath, manifestsRoot },
      meta,
      Date.now() - 60_000,
    );
    const [frag] = readFragments(dir);
    // the keys of the items the job reported, not the checkout's others
    expect(Object.keys(frag.state.processed).sort()).toEqual(['a/2020-02']);
    expect(frag.state.failed).toEqual({});
    // of the publication's tables, the periods the job processed: a_t2 and a_t3 have none of them
    expect(frag.catalog!.tables.map((t) => [t.table, t.periods, t.rows])).toEqual([
      ['a_t1', ['2020-02'], 100],
    ]);
    expect(frag.catalog!.tables[0].files.map((f) => f.period)).toEqual(['2020-02']);
    expect(frag.catalog!.tables[0].assets!.map((a) => a.period)).toEqual(['2020-02']);
    // compact: one table a line
    expect(readFileSync(join(out, 'catalog.json'), 'utf8').trimEnd().split('\n')).toHaveLength(3);
    const files = readdirSync(frag.manifestsDir!, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual([join('backfill', 'a', 'a_2020-02.yaml')]);
  });

  it("merged into the committed table: its periods' files, assets, revisions and checks, the others' kept", () => {
    const periods = ['2020-01', '2020-02', '2020-03'];
    const [full] = tablesOf('a', periods, 1);
    const version = (period: string, v: number) => ({
      period,
      version: v,
      loaded_at: 'x',
      rows_added: v,
      rows_removed: 0,
      rows_changed: 0,
      cells_changed: 0,
    });
    const check = (period: string, total: number) =>
      ({ period, file: 'f', sheet: '', column: 'value', total, sum: total, ok: true }) as never;
    full.versions = [version('2020-01', 2), version('2020-02', 2)];
    full.reconciliation = [check('2020-01', 1), check('2020-02', 2), check('2020-03', 3)];
    const committed: Catalog = { generated_at: '2026-01-01T00:00:00Z', tables: [structuredClone(full)] };
    // the job reprocessed 2020-02 (now version 3, a new total) and added 2020-04
    const job = structuredClone(full);
    job.files.push({ ...job.files[0], period: '2020-04', rows: 7 });
    job.assets!.push({ ...job.assets![0], period: '2020-04', name: 'a_t1__2020-04.parquet' });
    job.periods.push('2020-04');
    job.versions = [version('2020-01', 2), version('2020-02', 3)];
    job.reconciliation = [
      check('2020-01', 1),
      check('2020-02', 20),
      check('2020-03', 3),
      check('2020-04', 4),
    ];
    const part = tablePeriods(job, new Set(['2020-02', '2020-04']))!;
    expect(part.periods).toEqual(['2020-02', '2020-04']);
    expect(part.files).toHaveLength(2);
    expect(tablePeriods(job, new Set(['2019-12']))).toBeUndefined();
    const [m] = mergeCatalogs(committed, { generated_at: '2026-02-01T00:00:00Z', tables: [part] }).tables;
    expect(m.periods).toEqual(['2020-01', '2020-02', '2020-03', '2020-04']);
    expect(m.rows).toBe(307);
    expect(m.assets!.map((a) => a.period)).toEqual(m.periods);
    expect(m.versions).toEqual(job.versions);
    expect(m.reconciliation).toEqual(job.reconciliation);
    // and a whole table (what the state commit merges) gives the same
    expect(mergeCatalogs(committed, { generated_at: 'x', tables: [job] }).tables[0]).toEqual(m);
  });
});
