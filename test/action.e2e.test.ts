// The action end to end: the committed dist/index.js run as the runner runs it, against a real PostgreSQL,
// a local bare repository as `origin`, the local NHS site and an OpenAPI-validated fake of the GitHub API.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhsSite } from '../scripts/demo/site.js';
import {
  dispatchEvent,
  git,
  makeOrigin,
  runAction,
  scheduleEvent,
  seedFiles,
  type ActionRun,
  type Origin,
  type RunActionOptions,
} from './support/action-harness.js';
import { siteConfig, useActionBed } from './support/action-run.js';
import { testEngines } from './support/db.js';
import type { FakeGitHub } from './support/github-fake.js';
import { REPO } from './support/workspace.js';

const OPENAI_KEY = 'sk-test-DO-NOT-PRINT-7f3a9c';
const run = testEngines().includes('pg') ? describe : describe.skip;

/** The database password of a URL (what must never be printed). */
const password = (url: string) => decodeURIComponent(new URL(url).password);

const SECRET_ROLE = 'dw_action_test';
const SECRET_PASSWORD = 'pw-SECRET-91b2';

/** The database owned by a role with a distinctive password, and a URL logging in as that role. */
async function withPassword(url: string): Promise<string> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${SECRET_ROLE}') THEN
        CREATE ROLE ${SECRET_ROLE} LOGIN PASSWORD '${SECRET_PASSWORD}';
      END IF; END $$`);
    const u = new URL(url);
    await admin.query(`ALTER DATABASE "${u.pathname.slice(1)}" OWNER TO ${SECRET_ROLE}`);
    u.username = SECRET_ROLE;
    u.password = SECRET_PASSWORD;
    return u.toString();
  } finally {
    await admin.end();
  }
}

function expectNoSecrets(r: ActionRun, secrets: string[]) {
  // `::add-mask::<secret>` is how the runner learns a secret (it never shows that line); everything else is checked.
  const stdout = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const s of secrets) {
    expect(stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
    expect(r.summary).not.toContain(s);
    expect(JSON.stringify(r.outputs)).not.toContain(s);
  }
}

const state = (o: Origin) => JSON.parse(o.show('state/state.json') ?? '{}');

run('GitHub Action (dist/index.js) end to end', () => {
  const bed = useActionBed();
  let site: NhsSite;
  let fake: FakeGitHub;
  beforeAll(() => void ({ site, fake } = bed));
  const freshDb = async () => await withPassword(await bed.freshDb());

  describe('schedule, re-run, failures, force, PR', () => {
    let origin: Origin;
    let dbA: string;
    const missingPage = () =>
      site.publications.find((p) => p.pub === 'pcn_workforce')!.urls.find((u) => u.period === '2020-09')!.url;
    const base = (extra: Partial<RunActionOptions> & { cwd: string }): RunActionOptions =>
      bed.options({ event: scheduleEvent(fake), ...extra });

    beforeAll(async () => {
      origin = makeOrigin(seedFiles(siteConfig(site, ['qof', 'pcn_workforce'])));
      dbA = await freshDb();
    });

    it('schedule run: state committed, assets uploaded, a 404 item opens one issue; 403 and 422 retried once', async () => {
      site.setMissing(missingPage(), true);
      fake.inject('issues/create', {
        status: 403,
        headers: { 'retry-after': '1' },
        body: {
          message:
            'You have exceeded a secondary rate limit and have been temporarily blocked from content creation.',
          documentation_url: 'https://docs.github.com/rest',
        },
      });
      // The first upload answers 422 already_exists, as when another run uploaded the same name meanwhile.
      fake.inject('repos/upload-release-asset', {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
          documentation_url: 'https://docs.github.com/rest',
        },
        before: (f, c) => {
          const rel = f.releases.find(
            (r) => r.id === Number((c.request.params as { release_id: string }).release_id),
          )!;
          const name = String((c.request.query as { name: string }).name);
          rel.assets.push({
            id: 1,
            name,
            label: 'uploaded by another run',
            size: 3,
            data: Buffer.from('old'),
          });
        },
      });
      const before = origin.head();
      const r = await runAction(
        base({ cwd: origin.clone(), inputs: { 'database-url': dbA, 'openai-api-key': OPENAI_KEY } }),
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ processed: '2', failed: '1' });
      expect(Number(r.outputs['rows-loaded'])).toBeGreaterThan(0);
      expect(r.outputs['release-url']).toContain('/releases/tag/datawarp-catalog');
      // state committed to origin
      expect(origin.head()).not.toBe(before);
      const s = state(origin);
      expect(Object.keys(s.processed).sort()).toEqual(['pcn_workforce/2020-03', 'qof/FY2020-21']);
      expect(Object.keys(s.failed)).toEqual(['pcn_workforce/2020-09']);
      const cat = JSON.parse(origin.show('output/catalog.json')!) as { tables: { publication: string }[] };
      expect(cat.tables.some((t) => t.publication === 'qof')).toBe(true);
      // manifests on their own branch, not in the tree (README "What is committed")
      expect(origin.show('backfill/qof/qof_FY2020-21_enriched.yaml', 'datawarp/manifests')).toBeTruthy();
      expect(origin.show('manifests/backfill/qof/qof_FY2020-21_enriched.yaml')).toBeUndefined();
      // assets
      const tags = fake.releases.map((x) => x.tag_name).sort();
      expect(tags).toEqual(['datawarp-catalog', 'datawarp-pcn_workforce-2020', 'datawarp-qof-2020']);
      for (const rel of fake.releases) {
        const names = rel.assets.map((a) => a.name);
        expect(new Set(names).size, rel.tag_name).toBe(names.length);
        expect(names.length).toBeGreaterThan(0);
      }
      expect(fake.releases.find((x) => x.tag_name === 'datawarp-catalog')!.assets.map((a) => a.name)).toEqual(
        ['catalog.json'],
      );
      expect(
        fake.releases
          .find((x) => x.tag_name === 'datawarp-qof-2020')!
          .assets.every((a) => /__FY2020-21\.parquet$/.test(a.name)),
      ).toBe(true);
      // 422: exactly one retry (list, delete, upload), the other run's asset replaced
      const uploads = fake.calls('repos/upload-release-asset');
      expect(uploads.filter((u) => u.status === 422)).toHaveLength(1);
      expect(fake.releases.flatMap((x) => x.assets).some((a) => a.label === 'uploaded by another run')).toBe(
        false,
      );
      // 403 + Retry-After: one retry, one issue
      const creates = fake.calls('issues/create');
      expect(creates.map((c) => c.status)).toEqual([403, 201]);
      expect(fake.issues).toHaveLength(1);
      expect(fake.issues[0].body).toContain('<!-- datawarp:failure key=pcn_workforce/2020-09 -->');
      expect(fake.issues[0].labels).toEqual(['datawarp-failure']);
      // keep-alive
      expect(fake.enabledWorkflows).toEqual(['backfill.yml']);
      // summary
      expect(r.summary).toContain('qof/FY2020-21');
      expect(r.summary).toContain('✗ failed');
      expect(r.summary).toContain('datawarp-catalog');
      expect(fake.invalid).toEqual([]);
      expect(fake.responseErrors).toEqual([]);
      expectNoSecrets(r, [password(dbA), OPENAI_KEY, 'ghs_faketoken0123456789']);
    });

    it('an identical second run (empty database) commits nothing and uploads nothing', async () => {
      const head = origin.head();
      const n = fake.requests.length;
      const r = await runAction(base({ cwd: origin.clone(), inputs: { 'database-url': await freshDb() } }));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ processed: '0', failed: '0', 'rows-loaded': '0' });
      expect(origin.head()).toBe(head);
      const later = fake.requests.slice(n);
      expect(later.filter((q) => q.method !== 'GET' && q.operationId !== 'actions/enable-workflow')).toEqual(
        [],
      );
      expect(fake.issues[0].comments).toHaveLength(0); // the failure waits for its cool-down
    });

    it('a repeated failure comments on the issue (no duplicate); fixed, the next run closes it', async () => {
      let r = await runAction(
        base({
          cwd: origin.clone(),
          event: dispatchEvent(fake, { 'retry-failed': true }),
          inputs: { 'database-url': dbA, 'retry-failed': 'true' },
        }),
      );
      expect(r.outputs).toMatchObject({ processed: '0', failed: '1' });
      expect(fake.issues).toHaveLength(1);
      expect(fake.issues[0].comments).toHaveLength(1);
      expect(fake.issues[0].state).toBe('open');
      site.setMissing(missingPage(), false);
      r = await runAction(
        base({
          cwd: origin.clone(),
          event: dispatchEvent(fake, { 'retry-failed': true }),
          inputs: { 'database-url': dbA, 'retry-failed': 'true' },
        }),
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ processed: '1', failed: '0' });
      expect(fake.issues).toHaveLength(1);
      expect(fake.issues[0].state).toBe('closed');
      expect(Object.keys(state(origin).processed)).toHaveLength(3);
      expect(state(origin).failed).toEqual({});
    });

    it('a re-run with force replaces assets (list, delete, upload) without 422 failures', async () => {
      const assetsBefore = fake.releases.map((x) => [x.tag_name, x.assets.map((a) => a.name).sort()]);
      const n = fake.requests.length;
      const r = await runAction(
        base({
          cwd: origin.clone(),
          event: dispatchEvent(fake, {}),
          inputs: { 'database-url': dbA, force: 'true' },
        }),
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const later = fake.requests.slice(n);
      expect(later.filter((q) => q.status >= 400 && q.operationId !== 'repos/get-release-by-tag')).toEqual(
        [],
      );
      const parquetUploads = later.filter(
        (q) => q.operationId === 'repos/upload-release-asset' && q.path.includes('.parquet'),
      );
      expect(parquetUploads.length).toBeGreaterThanOrEqual(3);
      expect(
        later.filter((q) => q.operationId === 'repos/delete-release-asset').length,
      ).toBeGreaterThanOrEqual(parquetUploads.length);
      expect(fake.releases.map((x) => [x.tag_name, x.assets.map((a) => a.name).sort()])).toEqual(
        assetsBefore,
      );
    });

    it('pull_request adding one URL: processes only it, comments tables, commits nothing', async () => {
      const head = origin.head();
      const ws = origin.clone();
      const cfg = YAML.parse(readFileSync(join(ws, 'config/publications.yaml'), 'utf8'));
      const dtoc = site.publications.find((p) => p.pub === 'dtoc')!;
      cfg.publications.dtoc = { name: dtoc.name, frequency: dtoc.frequency, urls: [dtoc.urls[0]] };
      writeFileSync(join(ws, 'config/publications.yaml'), YAML.stringify(cfg));
      git(ws, 'checkout', '--quiet', '-b', 'add-dtoc');
      git(ws, 'commit', '--quiet', '-am', 'add dtoc');
      fake.issues.push({
        number: 42,
        title: 'add dtoc',
        body: '',
        state: 'open',
        labels: [],
        comments: [],
        pull_request: true,
      });
      const n = fake.requests.length;
      const payload = {
        action: 'opened',
        number: 42,
        pull_request: {
          number: 42,
          head: {
            sha: git(ws, 'rev-parse', 'HEAD'),
            ref: 'add-dtoc',
            repo: { fork: false, full_name: `${fake.owner}/${fake.repo}` },
          },
          base: { sha: head, ref: 'main', repo: { fork: false, full_name: `${fake.owner}/${fake.repo}` } },
        },
        repository: { full_name: `${fake.owner}/${fake.repo}` },
        sender: { login: 'someone' },
      };
      const r = await runAction(
        base({
          cwd: ws,
          ref: 'refs/pull/42/merge',
          event: { name: 'pull_request', payload },
          inputs: { 'database-url': await freshDb() },
        }),
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ processed: '1', failed: '0' });
      expect(r.stdout).toContain(`${'dtoc/'}${dtoc.urls[0].period}`);
      expect(r.stdout).not.toMatch(/qof\/FY2020-21\s+processing/);
      const pr = fake.issues.find((i) => i.number === 42)!;
      expect(pr.comments).toHaveLength(1);
      expect(pr.comments[0].body).toContain('| table | rows | columns |');
      expect(pr.comments[0].body).toMatch(/dtoc_/);
      expect(origin.head()).toBe(head);
      const later = fake.requests.slice(n);
      expect(later.filter((q) => /releases/.test(q.path))).toEqual([]);
      expect(fake.invalid).toEqual([]);
    });

    it('status: bars and totals from the catalog into the summary and one status issue, edited in place', async () => {
      for (let i = 0; i < 2; i++) {
        const r = await runAction(base({ cwd: origin.clone(), inputs: { command: 'status' } }));
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.summary).toContain('DataWarp status');
        expect(r.summary).toMatch(/\| \*\*Total\*\* \| `█+` \| 3\/3 \|/);
        expect(Number(r.outputs['rows-loaded'])).toBeGreaterThan(0);
      }
      const status = fake.issues.filter((i) => i.labels.includes('datawarp-status'));
      expect(status).toHaveLength(1);
      expect(status[0].body).toContain('<!-- datawarp:status -->');
      expect(fake.calls('issues/update').length).toBeGreaterThanOrEqual(1);
    });

    it('pull_request from a fork: validate and annotate only', async () => {
      const ws = origin.clone();
      writeBrokenConfig(ws);
      const n = fake.requests.length;
      const payload = {
        action: 'opened',
        number: 43,
        pull_request: {
          number: 43,
          head: { sha: 'x', ref: 'f', repo: { fork: true, full_name: 'someone/datawarp' } },
          base: {
            sha: origin.head(),
            ref: 'main',
            repo: { fork: false, full_name: `${fake.owner}/${fake.repo}` },
          },
        },
      };
      const r = await runAction(
        base({
          cwd: ws,
          ref: 'refs/pull/43/merge',
          event: { name: 'pull_request', payload },
          inputs: { 'github-token': '' },
        }),
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /::error title=publications config,file=config\/publications.yaml,line=\d+,col=\d+::/,
      );
      expect(fake.requests.length).toBe(n);
    });
  });

  it('four runs started at once from one base commit all land in origin; rejected pushes are retried', async () => {
    fake.reset();
    const origin = makeOrigin(
      seedFiles(siteConfig(site, ['qof', 'pcn_workforce', 'dtoc'], { dtoc: ['2011-04'] })),
    );
    const items = [
      { pub: 'pcn_workforce', period: '2020-03' },
      { pub: 'pcn_workforce', period: '2020-09' },
      { pub: 'qof', period: 'FY2020-21' },
      { pub: 'dtoc', period: '2011-04' },
    ];
    const clones = items.map(() => origin.clone());
    const urls = await Promise.all(items.map(() => freshDb()));
    const runs = await Promise.all(
      items.map((it, i) =>
        runAction(
          bed.options({
            cwd: clones[i],
            event: dispatchEvent(fake, it),
            inputs: { 'database-url': urls[i], pub: it.pub, period: it.period },
          }),
        ),
      ),
    );
    for (const [i, r] of runs.entries()) {
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.outputs.processed).toBe('1');
      // only that publication and period
      const processing = [...r.stdout.matchAll(/^(\S+)\s+processing /gm)].map((m) => m[1]);
      expect(processing).toEqual([`${items[i].pub}/${items[i].period}`]);
    }
    const s = state(origin);
    expect(Object.keys(s.processed).sort()).toEqual(items.map((x) => `${x.pub}/${x.period}`).sort());
    const rejected = runs.reduce((n, r) => n + (r.stdout.match(/push to main rejected/g)?.length ?? 0), 0);
    expect(rejected).toBeGreaterThanOrEqual(1);
    // the catalog in origin holds every run's tables
    const catalog = JSON.parse(origin.show('output/catalog.json')!);
    expect(new Set(catalog.tables.map((t: { publication: string }) => t.publication))).toEqual(
      new Set(['qof', 'pcn_workforce', 'dtoc']),
    );
    // one release per tag, no duplicate assets despite racing creations
    const tags = fake.releases.map((x) => x.tag_name);
    expect(new Set(tags).size).toBe(tags.length);
    for (const rel of fake.releases)
      expect(new Set(rel.assets.map((a) => a.name)).size).toBe(rel.assets.length);
    expect(fake.invalid).toEqual([]);
  }, 240_000);
});

describe('the bundle on a runner', () => {
  const bed = useActionBed();

  it('dist/ copied alone to an empty directory, empty database-url: the item is processed (PGlite) and Parquet written', async () => {
    const bundle = process.env.DATAWARP_ACTION_BUNDLE || join(REPO, 'dist', 'index.js');
    const root = mkdtempSync(join(tmpdir(), 'dw-runner-action-'));
    cpSync(dirname(bundle), join(root, 'dist'), { recursive: true });
    expect(existsSync(join(root, 'node_modules'))).toBe(false);
    const origin = makeOrigin(
      seedFiles(siteConfig(bed.site, ['pcn_workforce'], { pcn_workforce: ['2020-03'] })),
    );
    const ws = origin.clone();
    const r = await runAction(
      bed.options({
        cwd: ws,
        inputs: { 'database-url': '' },
        env: { DATAWARP_ACTION_BUNDLE: join(root, 'dist', 'index.js') },
      }),
    );
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ processed: '1', failed: '0' });
    const parquet = readdirSync(join(ws, 'output', 'parquet'), { recursive: true }).map(String);
    expect(parquet.filter((f) => f.endsWith('2020-03.parquet')).length).toBeGreaterThan(0);
    expect(existsSync(join(ws, '.datawarp', 'pglite'))).toBe(true);
  }, 240_000);
});

function writeBrokenConfig(ws: string) {
  const p = join(ws, 'config/publications.yaml');
  writeFileSync(p, readFileSync(p, 'utf8').replace(/frequency: financial_year/, 'frequency: fortnightly'));
}
