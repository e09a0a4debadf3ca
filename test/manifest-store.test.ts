// A small repository: the pipeline with the action's commit step (createGitCommitter, a push after every item)
// over 24 items against a local bare origin. Measured from git: the tracked bytes the branch grows per item
// (≤ 2 KB) and the packed growth after `git gc` (≤ 5 MB per 1,000 items); per-period manifests are on the
// datawarp/manifests branch, not in the tree. Then a fresh runner (a single-branch depth-1 clone, as
// actions/checkout gives, empty manifests/): the next period is enriched from the previous period's reference,
// a revision reloads (titles from the branch), discover's baseline, `enrich`, `init-state`, `site` and
// `restore --repo` read what they need through the manifest store.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitCommitter } from '../src/action/git.js';
import { mayBeInRepo } from '../src/git/exec.js';
import { runCli } from '../src/cli/main.js';
import { loadConfig } from '../src/config/index.js';
import { assetName, releaseTag } from '../src/github/release-names.js';
import { createHttpClient } from '../src/http/index.js';
import { openDb, type OpenDbOptions } from '../src/load/index.js';
import { manifestStore, MANIFESTS_BRANCH } from '../src/manifest/index.js';
import type { EnrichedManifest } from '../src/model.js';
import { loadedFiles } from '../src/monitor/recheck.js';
import { backfill, type BackfillOptions } from '../src/pipeline/backfill.js';
import { currentTitles } from '../src/pipeline/versions.js';
import { runRestore } from '../src/cli/restore.js';
import type { ReleaseReader } from '../src/github/release-reader.js';
import { git, makeOrigin, type Origin } from './support/action-harness.js';
import { openTestDb, testEngines, type TestDb } from './support/db.js';
import { serveFolder, type StaticServer } from './support/static-server.js';

const PUBS = ['alpha', 'beta'];
const PERIODS = Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`);
const NEXT = '2025-01';

function csv(pub: string, period: string, bump = 0): string {
  const lines = ['Org Code,Org Name,Reporting Month,Patients Waiting'];
  for (let i = 0; i < 6; i++)
    lines.push(
      `R${pub.slice(0, 2).toUpperCase()}${i},Trust ${i},${period},${100 + i * 7 + period.length + bump}`,
    );
  return lines.join('\n') + '\n';
}

function configText(url: string, periods: Record<string, string[]>): string {
  return YAML.stringify({
    allowed_hosts: ['127.0.0.1'],
    publications: Object.fromEntries(
      Object.entries(periods).map(([pub, ps]) => [
        pub,
        {
          name: `${pub} waiting list`,
          frequency: 'monthly',
          urls: ps.map((p) => ({ period: p, url: `${url}/${pub}/${pub}-${p}.csv` })),
        },
      ]),
    ),
  });
}

/** Summed blob sizes of a commit's tree (`git ls-tree -r -l`). */
function treeBytes(bare: string, rev: string): number {
  return git(bare, 'ls-tree', '-r', '-l', rev)
    .split('\n')
    .filter(Boolean)
    .reduce((n, l) => n + Number(l.split(/\s+/)[3]), 0);
}

/** KiB in packs after `git gc` (`git count-objects -v`: size-pack). */
function packedKiB(bare: string): number {
  git(bare, 'gc', '--quiet', '--prune=now');
  const line = git(bare, 'count-objects', '-v')
    .split('\n')
    .find((l) => l.startsWith('size-pack:'))!;
  return Number(line.split(':')[1]);
}

const quiet = { info: () => {}, warn: () => {}, progress: () => {}, done: () => {} };

for (const kind of testEngines()) {
  describe(`manifests leave the tree [${kind}]`, () => {
    let server: StaticServer;
    let siteDir: string;
    let origin: Origin;
    let t: TestDb;
    let ws: string;
    let fresh: string;
    const env = (): NodeJS.ProcessEnv =>
      kind === 'pg'
        ? { ...process.env, DATABASE_URL: t.location.databaseUrl }
        : { ...process.env, DATABASE_URL: '', DATAWARP_PGLITE_DIR: t.location.dataDir };

    async function run(cwd: string, opts: BackfillOptions = {}) {
      const config = loadConfig(join(cwd, 'config/publications.yaml'));
      const committer = createGitCommitter({ cwd, branch: 'main' });
      const location: OpenDbOptions = t.location;
      const result = await backfill(
        {
          config,
          statePath: join(cwd, 'state/state.json'),
          paths: {
            manifests: join(cwd, 'manifests'),
            output: join(cwd, 'output'),
            downloads: join(cwd, '.datawarp/downloads'),
          },
          http: createHttpClient({ allowedHosts: ['127.0.0.1'] }),
          openDb: () => openDb(location),
          reporter: quiet,
          onItemDone: async (o) => {
            await committer.commitAndPush(`DataWarp: state after ${o.key}`);
          },
        },
        opts,
      );
      await committer.commitAndPush('DataWarp: end of run');
      return result;
    }

    beforeAll(async () => {
      siteDir = mkdtempSync(join(tmpdir(), 'dw-store-site-'));
      for (const pub of PUBS) {
        mkdirSync(join(siteDir, pub));
        for (const p of [...PERIODS, NEXT]) writeFileSync(join(siteDir, pub, `${pub}-${p}.csv`), csv(pub, p));
      }
      server = await serveFolder(siteDir);
      origin = makeOrigin({
        'config/publications.yaml': configText(server.url, { alpha: PERIODS, beta: PERIODS }),
        'state/state.json': '{\n  "processed": {},\n  "failed": {}\n}\n',
        '.gitignore': '.datawarp/\noutput/parquet/\n',
      });
      git(origin.bare, 'config', 'uploadpack.allowFilter', 'true'); // as GitHub: blobless fetches
      t = await openTestDb(kind);
      await t.db.close(); // the pipeline opens it; PGlite allows one handle at a time
      ws = origin.clone();
    });
    afterAll(async () => {
      await server?.close();
      if (t) {
        t.db = await openDb(t.location);
        await t.dispose();
      }
      rmSync(siteDir, { recursive: true, force: true });
    });

    it('24 items through the commit step: ≤ 2 KB tracked bytes and ≤ 5 KB packed per item; manifests on their branch', async () => {
      const seedBytes = treeBytes(origin.bare, 'main');
      const seedPack = packedKiB(origin.bare);
      const r = await run(ws);
      const processed = r.outcomes.filter((o) => o.status === 'processed');
      expect(processed).toHaveLength(24);
      const perItem = (treeBytes(origin.bare, 'main') - seedBytes) / processed.length;
      const packedPerItem = ((packedKiB(origin.bare) - seedPack) * 1024) / processed.length;
      console.log(
        `[${kind}] tracked bytes per item ${perItem.toFixed(0)} B, packed growth per item ${packedPerItem.toFixed(0)} B`,
      );
      expect(perItem).toBeGreaterThan(0);
      expect(perItem).toBeLessThanOrEqual(2048);
      expect(packedPerItem).toBeLessThanOrEqual(5 * 1024); // 5 MB per 1,000 items
      // the branch's tree has state and catalog, no manifests; the manifests branch has every item's three
      // (manifest, enriched manifest, completion record)
      const tree = git(origin.bare, 'ls-tree', '-r', '--name-only', 'main').split('\n');
      expect(tree.filter((f) => f.startsWith('manifests/'))).toEqual([]);
      expect(tree).toContain('output/catalog.json');
      const branch = git(origin.bare, 'ls-tree', '-r', '--name-only', MANIFESTS_BRANCH).split('\n');
      expect(branch).toHaveLength(72);
      expect(branch).toContain('backfill/alpha/alpha_2024-12_enriched.yaml');
      expect(branch).toContain('backfill/beta/beta_2024-01.yaml');
      // one table a line: the catalog parses and lists both publications' tables
      const text = origin.show('output/catalog.json')!;
      const catalog = JSON.parse(text) as { tables: { table: string; publication: string }[] };
      expect(new Set(catalog.tables.map((x) => x.publication))).toEqual(new Set(PUBS));
      const lines = text.trimEnd().split('\n');
      expect(lines).toHaveLength(catalog.tables.length + 2);
      const tableOf = (l: string) => (JSON.parse(l.replace(/,$/, '')) as { table: string }).table;
      expect(lines.slice(1, -1).map(tableOf)).toEqual(catalog.tables.map((x) => x.table));
    });

    it('a fresh runner: period 2 from the reference on the branch, a revision reloads, the readers find the manifests', async () => {
      // what actions/checkout gives: only the branch, depth 1, no manifests/
      fresh = mkdtempSync(join(tmpdir(), 'dw-store-fresh-'));
      execFileSync('git', [
        'clone',
        '--quiet',
        '--single-branch',
        '--depth=1',
        '--branch',
        'main',
        `file://${origin.bare}`,
        fresh,
      ]);
      expect(existsSync(join(fresh, 'manifests'))).toBe(false);
      writeFileSync(
        join(fresh, 'config/publications.yaml'),
        configText(server.url, { alpha: [...PERIODS, NEXT], beta: PERIODS }),
      );
      // discover's revision baseline and the revision's titles come from the branch (fetched once)
      const store = manifestStore(join(fresh, 'manifests'));
      expect(Object.keys(loadedFiles(join(fresh, 'manifests'), 'alpha', '2024-03') ?? {})).toEqual([
        `${server.url}/alpha/alpha-2024-03.csv`,
      ]);
      expect([...currentTitles(store, 'beta', '2024-02').keys()]).toEqual([
        `${server.url}/beta/beta-2024-02.csv`,
      ]);
      expect(existsSync(join(fresh, 'manifests'))).toBe(false); // read, not copied
      // fetched without the other files' bytes: only what was read came down
      const missing = git(fresh, 'rev-list', '--objects', '--missing=print', `origin/${MANIFESTS_BRANCH}`)
        .split('\n')
        .filter((l) => l.startsWith('?'));
      expect(missing.length).toBeGreaterThan(40);

      // the next period: enriched from 2024-12's enriched manifest (every table from the reference)
      writeFileSync(join(siteDir, 'beta', 'beta-2024-02.csv'), csv('beta', '2024-02', 5)); // republished
      const r = await run(fresh, { revised: [{ pub: 'beta', period: '2024-02', reason: 'republished' }] });
      const by = new Map(r.outcomes.map((o) => [o.key, o.status]));
      expect(by.get(`alpha/${NEXT}`)).toBe('processed');
      expect(by.get('beta/2024-02')).toBe('processed');
      const next = YAML.parse(
        readFileSync(join(fresh, 'manifests/backfill/alpha', `alpha_${NEXT}_enriched.yaml`), 'utf8'),
      ) as EnrichedManifest;
      expect(next.sources.length).toBeGreaterThan(0);
      expect(next.sources.map((s) => s.origin)).toEqual(next.sources.map(() => 'reference'));
      const ref = manifestStore(join(ws, 'manifests')).read('alpha', '2024-12', 'enriched')!;
      expect(next.sources.map((s) => s.table_name)).toEqual(ref.sources.map((s) => s.table_name));
      // the revision loaded as version 2, and its manifest says so
      expect(r.versions.map((v) => `${v.pub}/${v.period} v${v.version}`)).toEqual(['beta/2024-02 v2']);
      const revised = store.read('beta', '2024-02', 'manifest')!;
      expect(revised.version).toBe(2);
      // only the files this run wrote are local; both runs' manifests are on the branch now
      expect(readdirSync(join(fresh, 'manifests/backfill/alpha'))).toEqual([
        `alpha_${NEXT}.yaml`,
        `alpha_${NEXT}_completed.yaml`,
        `alpha_${NEXT}_enriched.yaml`,
      ]);
      expect(origin.show(`backfill/alpha/alpha_${NEXT}_enriched.yaml`, MANIFESTS_BRANCH)).toBeTruthy();
      expect(git(origin.bare, 'ls-tree', '-r', '--name-only', 'main')).not.toContain('manifests/');
    });

    it('on the fresh runner: enrich, init-state, site and restore --repo', async () => {
      const cli = async (args: string[], cwd = fresh, extra: NodeJS.ProcessEnv = {}) => {
        let out = '';
        let err = '';
        const code = await runCli(args, {
          cwd,
          env: { ...env(), ...extra },
          io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
        });
        return { code, out, err };
      };
      const e = await cli(['enrich', `manifests/backfill/alpha/alpha_${NEXT}.yaml`, '--out', 'again.yaml']);
      expect(e.code, e.err).toBe(0);
      expect(e.out).toContain(`reference: ${MANIFESTS_BRANCH}:backfill/alpha/alpha_2024-12_enriched.yaml`);

      rmSync(join(fresh, 'state/state.json'));
      const s = await cli(['init-state']);
      expect(s.code, s.err).toBe(0);
      const state = JSON.parse(readFileSync(join(fresh, 'state/state.json'), 'utf8'));
      expect(Object.keys(state.processed)).toHaveLength(25);

      const site = await cli(['site', '--out', 'site']);
      expect(site.code, site.err).toBe(0);
      const tableName = manifestStore(join(ws, 'manifests')).read('beta', '2024-05', 'enriched')!.sources[0]
        .table_name;
      expect(readdirSync(join(fresh, 'site/tables'))).toContain(`${tableName}.html`);

      // restore --repo into a new database, the assets published as the action does
      const reader = releasesOf(join(ws, 'output'));
      const target = await openTestDb(kind);
      await target.db.close();
      try {
        const dbEnv: NodeJS.ProcessEnv =
          kind === 'pg'
            ? { DATABASE_URL: target.location.databaseUrl }
            : { DATABASE_URL: '', DATAWARP_PGLITE_DIR: target.location.dataDir };
        let out = '';
        let err = '';
        rmSync(join(fresh, 'state/state.json'));
        const code = await runRestore(['--repo', 'o/r', '--token', 'x'], {
          cwd: fresh,
          env: { ...process.env, ...dbEnv },
          io: { out: (x) => (out += x), err: (x) => (err += x) },
          releases: () => reader,
        });
        expect(code, err).toBe(0);
        const restored = JSON.parse(readFileSync(join(fresh, 'state/state.json'), 'utf8'));
        expect(Object.keys(restored.processed).length).toBeGreaterThanOrEqual(24);
      } finally {
        target.db = await openDb(target.location);
        await target.dispose();
      }
    });
  });
}

/** The Parquet files of a folder as the action's releases (datawarp-<pub>-<yyyy>, one asset per file). */
function releasesOf(output: string): ReleaseReader {
  const root = join(output, 'parquet');
  const catalog = JSON.parse(readFileSync(join(output, 'catalog.json'), 'utf8')) as {
    tables: { table: string; publication: string }[];
  };
  const releases = new Map<string, { id: number; assets: { id: number; name: string; path: string }[] }>();
  let id = 1;
  for (const table of readdirSync(root))
    for (const file of readdirSync(join(root, table)).filter((f) => /^\d{4}-\d{2}\.parquet$/.test(f))) {
      const period = file.replace(/\.parquet$/, '');
      const pub = catalog.tables.find((x) => x.table === table)!.publication;
      const tag = releaseTag(pub, period.slice(0, 4));
      const rel = releases.get(tag) ?? { id: id++, assets: [] };
      releases.set(tag, rel);
      rel.assets.push({ id: id++, name: assetName(table, period), path: join(root, table, file) });
    }
  const all = [...releases.values()].flatMap((r) => r.assets);
  return {
    describe: 'test releases',
    dataReleases: async () => [...releases].map(([tag, r]) => ({ id: r.id, tag })),
    assets: async (rid) => [...releases.values()].find((r) => r.id === rid)!.assets,
    download: async (aid) => readFileSync(all.find((a) => a.id === aid)!.path),
  };
}

describe('the committer and the manifests branch', () => {
  it('two runs pushing at once: the later rebuilds on both new tips; every manifest kept, none in the tree', async () => {
    const origin = makeOrigin({
      'state/state.json': '{\n  "processed": {},\n  "failed": {}\n}\n',
      'manifests/backfill/ref/ref_2020-01_enriched.yaml': 'pub: ref\n', // a reference_manifest: stays in the tree
    });
    const a = origin.clone();
    const b = origin.clone();
    const write = (dir: string, rel: string, text: string) => {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    write(a, 'manifests/backfill/x/x_2024-01.yaml', 'pub: x\nperiod: 2024-01\n');
    const logs: string[] = [];
    const ca = createGitCommitter({ cwd: a, branch: 'main', sleep: async () => {} });
    const cb = createGitCommitter({
      cwd: b,
      branch: 'main',
      sleep: async () => {},
      log: (m) => logs.push(m),
    });
    // b learns the (absent) manifests tip before a pushes: its first push is rejected
    await cb.commitAndPush('b: nothing yet');
    write(b, 'manifests/backfill/y/y_2024-01.yaml', 'pub: y\nperiod: 2024-01\n');
    write(b, 'manifests/backfill/ref/ref_2020-01_enriched.yaml', 'pub: ref\nedited: true\n');
    const ra = await ca.commitAndPush('a');
    expect(ra.pushed).toBe(true);
    const rb = await cb.commitAndPush('b');
    expect(rb.pushed).toBe(true);
    expect(rb.rejected).toBe(1);
    expect(logs.some((l) => /rejected/.test(l))).toBe(true);
    const branch = git(origin.bare, 'ls-tree', '-r', '--name-only', MANIFESTS_BRANCH).split('\n').sort();
    expect(branch).toEqual(['backfill/x/x_2024-01.yaml', 'backfill/y/y_2024-01.yaml']);
    const tree = git(origin.bare, 'ls-tree', '-r', '--name-only', 'main').split('\n').sort();
    expect(tree).toEqual(['manifests/backfill/ref/ref_2020-01_enriched.yaml', 'state/state.json']);
    expect(origin.show('manifests/backfill/ref/ref_2020-01_enriched.yaml')).toContain('edited: true');
    // nothing new: no push
    expect((await cb.commitAndPush('again')).pushed).toBe(false);
  });
});

describe('the manifests branch outside a repository', () => {
  it('asks git only where it could find a repository: a .git above, or GIT_DIR', () => {
    const top = mkdtempSync(join(tmpdir(), 'dw-norepo-'));
    const deep = join(top, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    expect(mayBeInRepo(deep)).toBe(false);
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = join(top, 'elsewhere.git');
    try {
      expect(mayBeInRepo(deep)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
    // a worktree's .git is a file; a repository's a folder: either counts, from any folder below
    writeFileSync(join(top, 'a', '.git'), 'gitdir: /nowhere\n');
    expect(mayBeInRepo(deep)).toBe(true);
    rmSync(join(top, 'a', '.git'));
    execFileSync('git', ['init', '-q', top]);
    expect(mayBeInRepo(deep)).toBe(true);
    rmSync(top, { recursive: true, force: true });
  });

  it('a store outside any repository reads and lists without starting git', () => {
    const root = mkdtempSync(join(tmpdir(), 'dw-norepo-store-'));
    // a `git` first on PATH that only notes that it ran
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const calls = join(root, 'git-calls');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> ${calls}\nexit 1\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const store = manifestStore(join(root, 'manifests'));
      expect(store.has('pub', '2024-01', 'manifest')).toBe(false);
      expect(store.periods('pub', 'manifest')).toEqual([]);
      expect(existsSync(calls)).toBe(false);
      // the same store inside a repository asks git (the fake answers no)
      mkdirSync(join(root, '.git'));
      expect(manifestStore(join(root, 'manifests')).has('pub', '2024-01', 'manifest')).toBe(false);
      expect(readFileSync(calls, 'utf8')).toContain('rev-parse --show-toplevel');
    } finally {
      process.env.PATH = path;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
