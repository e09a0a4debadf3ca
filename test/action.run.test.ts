// The action in-process through run(fakeCore, fakeGitHub): summaries built from typed outcomes, config problems
// as annotations, and a forced run whose source files are all in the cache (zero downloads).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhsSite } from '../scripts/demo/site.js';
import type { GitHub } from '../src/github/client.js';
import type { TrackedIssue } from '../src/github/issues.js';
import { run } from '../src/action/run.js';
import { backfillSummary } from '../src/action/summary.js';
import { openDb } from '../src/load/index.js';
import type { ItemOutcome } from '../src/pipeline/backfill.js';
import { fakeCore, runnerEnv, tmp, workspace } from './support/action-inproc.js';
import { siteConfig, useActionBed } from './support/action-run.js';
import { conditionalHttp, createDirCache, type CountingHttp } from './support/cache-fake.js';
import { testEngines } from './support/db.js';
import { memReleases } from './support/mem-releaser.js';

/** In-memory releases (test/support/mem-releaser.ts), issues and repository calls. */
function fakeGitHub() {
  const mem = memReleases();
  const issues: TrackedIssue[] = [];
  const calls: string[] = [];
  let id = 1;
  const gh: GitHub = {
    releases: mem.releaser,
    issues: {
      listByLabel: async () => [...issues],
      async create(title, body) {
        const i: TrackedIssue = { number: id++, state: 'open', body, url: `https://gh/issues/${id}` };
        issues.push(i);
        return i;
      },
      comment: async () => {},
      update: async () => {},
    },
    repo: {
      enableWorkflow: async (f) => void calls.push(`enable ${f}`),
      ensurePullRequest: async () => ({ number: 1, created: true }),
      closePullRequest: async () => undefined,
      upsertComment: async () => 'created',
    },
  };
  return { gh, releases: mem.releases, issues, calls };
}

describe('summaries from typed outcomes', () => {
  const outcome = (o: Partial<ItemOutcome> & Pick<ItemOutcome, 'key' | 'status'>): ItemOutcome => ({
    pub: o.key.split('/')[0],
    period: o.key.split('/')[1],
    ...o,
  });
  const outcomes: ItemOutcome[] = [
    outcome({
      key: 'qof/FY2020-21',
      status: 'processed',
      rowsLoaded: 1200,
      tables: [{ table: 'qof_prevalence', rows: 1200, columns: 7 }],
      drift: {
        matched: [],
        unmatched: [],
        renamed: [],
        added: [{ table: 'qof_prevalence', column: 'icb' }],
        missing: [],
      },
    }),
    outcome({
      key: 'ae/2024-04',
      status: 'failed',
      error: 'GET https://x/ae.csv -> 503 Service Unavailable',
      failure: { message: 'GET https://x/ae.csv -> 503 Service Unavailable', transient: true, status: 503 },
    }),
    outcome({
      key: 'ae/2024-05',
      status: 'failed',
      failure: { message: 'no tables | found', transient: false },
    }),
    outcome({ key: 'ae/2024-06', status: 'skipped', error: 'time budget' }),
    outcome({ key: 'ae/2024-03', status: 'skipped' }),
  ];

  it('one row per item that did something, the typed failure with whether it is transient, cache counts', () => {
    const md = backfillSummary({
      dryRun: false,
      outcomes,
      releases: [{ tag: 'datawarp-qof-2020', url: 'https://gh/r' }],
      catalogUrl: 'https://gh/c',
      uploaded: ['datawarp-qof-2020/qof_prevalence__FY2020-21.parquet'],
      refused: [],
      problems: [],
      rejectedPushes: 1,
      cache: { hits: ['https://x/a.csv', 'https://x/b.csv'], misses: ['https://x/c.csv'] },
    });
    expect(md).toContain('1 processed, 2 failed, 2 skipped, 1,200 rows loaded.');
    expect(md).toContain(
      '| qof/FY2020-21 | ✓ processed | 1200 | qof_prevalence (1200 rows, 7 cols) | 1 added (qof_prevalence.icb) |',
    );
    expect(md).toContain('| ae/2024-04 | ✗ failed (transient) |');
    expect(md).toContain('| ae/2024-05 | ✗ failed |  |  | no tables \\| found |');
    expect(md).toContain('| ae/2024-06 | not started (time budget) |');
    expect(md).not.toContain('ae/2024-03');
    expect(md).toContain(
      'Download cache: 2 files served from the cache after the origin answered 304 Not Modified, 1 file downloaded.',
    );
    expect(md).toContain('- [datawarp-qof-2020](https://gh/r)');
    expect(md).toContain('State push rejected 1 time(s)');
  });
});

describe('run(fakeCore, fakeGitHub)', () => {
  const env = (extra: NodeJS.ProcessEnv = {}) => runnerEnv('o/r', extra);
  const yamlWorkspace = (config: unknown) => workspace(YAML.stringify(config));

  it('validate: the summary says OK; a problem from an environment variable is annotated without a file', async () => {
    const cwd = yamlWorkspace({ publications: { a: { name: 'A', frequency: 'monthly', urls: [] } } });
    let f = fakeCore({ command: 'validate' });
    await run(f.core, () => fakeGitHub().gh, { cwd, env: env() });
    expect(f.rec.failed).toBeUndefined();
    expect(f.rec.summary).toContain('`config/publications.yaml`: OK (1 publications, 0 periods)');
    f = fakeCore({ command: 'validate' });
    await run(f.core, () => fakeGitHub().gh, { cwd, env: env({ DATAWARP_MAX_DOWNLOAD_BYTES: 'lots' }) });
    expect(f.rec.failed).toMatch(/1 problem in config\/publications.yaml/);
    expect(f.rec.errors).toHaveLength(1);
    expect(f.rec.errors[0].props).toEqual({ title: 'publications config (environment)' });
    expect(f.rec.summary).toMatch(/- environment: .*DATAWARP_MAX_DOWNLOAD_BYTES/);
  });

  (testEngines().includes('pg') ? describe : describe.skip)(
    'backfill against the local NHS site [pg]',
    () => {
      const bed = useActionBed();
      let site: NhsSite;
      beforeAll(() => void ({ site } = bed));
      const freshDb = () => bed.freshDb();
      const configFor = (pub: string, periods: string[]) => siteConfig(site, [pub], { [pub]: periods });

      /** Serve the period's CSV (its name containing `match`) with one more column; returns its path. */
      async function withNewColumn(
        pub: string,
        period: string,
        match: string,
        header: string,
        value: string,
      ): Promise<string> {
        const page = site.publications.find((p) => p.pub === pub)!.urls.find((u) => u.period === period)!.url;
        const html = await (await fetch(page)).text();
        const hrefs = [...html.matchAll(/href="([^"]+\.csv)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
        const href = hrefs.find((h) => decodeURIComponent(h).includes(match))!;
        const url = new URL(href, page);
        const lines = (await (await fetch(url)).text()).split(/\r?\n/);
        const body = lines.map((l, i) => (!l ? l : `${l},${i === 0 ? header : value}`)).join('\n');
        site.setOverride(url.pathname, Buffer.from(body));
        return url.pathname;
      }

      it("two runs on fresh empty databases: the second skips the ledger's file, adds the new column, keeps the old Parquet", async () => {
        const cwd = workspace(configFor('pcn_workforce', ['2020-03']));
        const gh = fakeGitHub();
        const once = async (inputs: Record<string, string>, db: string) => {
          const f = fakeCore({ 'commit-state': 'false', 'database-url': db, ...inputs });
          await run(f.core, () => gh.gh, { cwd, env: env() });
          return f.rec;
        };
        const first = await once({}, await freshDb());
        expect(first.failed, first.errors.map((e) => e.message).join('\n')).toBeUndefined();
        const parquetDir = join(cwd, 'output', 'parquet');
        const old = Object.fromEntries(
          readdirSync(parquetDir, { recursive: true })
            .map(String)
            .filter((f) => f.endsWith('2020-03.parquet'))
            .map((f) => [f, readFileSync(join(parquetDir, f))]),
        );
        expect(Object.keys(old).length).toBeGreaterThan(0);
        const assets = () =>
          gh.releases.flatMap((r) =>
            r.assets.filter((a) => a.name.endsWith('2020-03.parquet')).map((a) => `${a.id} ${a.label}`),
          );
        const assetsBefore = assets();
        const catalog = JSON.parse(readFileSync(join(cwd, 'output', 'catalog.json'), 'utf8'));
        const before: string[] = catalog.tables
          .find((x: { table: string }) => x.table === 'pcn_workforce_individual_level')
          .columns.map((c: { name: string }) => c.name);

        writeFileSync(
          join(cwd, 'config', 'publications.yaml'),
          configFor('pcn_workforce', ['2020-03', '2020-09']),
        );
        const csv = await withNewColumn('pcn_workforce', '2020-09', 'September', 'Contract Type', 'salaried');
        const db2 = await freshDb();
        let second;
        try {
          second = await once({ force: 'true' }, db2);
        } finally {
          site.setOverride(csv, null);
        }
        expect(second.failed, second.errors.map((e) => e.message).join('\n')).toBeUndefined();
        expect(second.outputs.processed).toBe('2');
        // 2020-03: its file is in the ledger rebuilt from the catalog, so nothing is loaded for it again
        expect(second.summary).toMatch(/\| pcn_workforce\/2020-03 \| ✓ processed \| 0 \|/);
        expect(second.summary).toMatch(/\| pcn_workforce\/2020-09 \| ✓ processed \| [1-9]\d* \|/);
        for (const [f, bytes] of Object.entries(old))
          expect(readFileSync(join(parquetDir, f)).equals(bytes), f).toBe(true);
        expect(assets()).toEqual(assetsBefore);
        // the second database started empty: the table came from the catalog and gained 2020-09's new column
        const t = await openDb({ databaseUrl: db2 });
        try {
          const cols = await t.query<{ column_name: string; data_type: string }>(
            `SELECT column_name, data_type FROM information_schema.columns
              WHERE table_schema = 'staging' AND table_name = 'pcn_workforce_individual_level'`,
          );
          const now = cols.map((c) => `${c.column_name} ${c.data_type}`);
          expect(before).not.toContain('contract_type');
          expect(now).toContain('contract_type text');
        } finally {
          await t.close();
        }
      });

      it('a forced run with the cache holding the files downloads nothing; new bytes at a URL are downloaded', async () => {
        const config = configFor('pcn_workforce', ['2020-03']);
        const cache = createDirCache(tmp());
        let http: CountingHttp | undefined;
        const once = async (inputs: Record<string, string>) => {
          const f = fakeCore({ 'commit-state': 'false', 'database-url': await freshDb(), ...inputs });
          const gh = fakeGitHub();
          await run(f.core, () => gh.gh, {
            cwd: workspace(config),
            env: env(),
            cache,
            http: (o) => (http = conditionalHttp(o)),
          });
          return { ...f.rec, gh, http: http! };
        };
        const first = await once({});
        expect(first.failed, first.errors.map((e) => e.message).join('\n')).toBeUndefined();
        expect(first.outputs.processed).toBe('1');
        const files = first.http.downloads;
        expect(files.length).toBeGreaterThan(0);
        expect(first.summary).toContain(`0 files served from the cache`);
        // Parquet uploaded from the outcome's exported files
        expect(first.gh.releases.map((r) => r.tag).sort()).toEqual([
          'datawarp-catalog',
          'datawarp-pcn_workforce-2020',
        ]);
        expect(
          first.gh.releases.find((r) => r.tag === 'datawarp-pcn_workforce-2020')!.assets.length,
        ).toBeGreaterThan(0);

        const forced = await once({ force: 'true' });
        expect(forced.outputs.processed, forced.summary + forced.failed).toBe('1');
        expect(forced.http.downloads).toEqual([]);
        expect(forced.http.notModified.sort()).toEqual([...files].sort());
        expect(forced.summary).toContain(
          `${files.length} file${files.length > 1 ? 's' : ''} served from the cache after the origin answered 304 Not Modified, 0 files downloaded`,
        );

        const changed = new URL(files[0]).pathname;
        site.setOverride(changed, Buffer.from('Practice code,Staff\nA1,3\n'));
        try {
          const again = await once({ force: 'true' });
          expect(again.http.downloads).toEqual([files[0]]);
        } finally {
          site.setOverride(changed, null);
        }
      });
    },
  );
});
