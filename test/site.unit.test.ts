// The site builder as a pure function: escaping, asset URLs (spilled releases), ledger rows, freshness,
// versions, column flags from manifests, and datapackage.json against the Frictionless profile.
import { describe, expect, it } from 'vitest';
import type { CatalogTable } from '../src/export/index.js';
import type { EnrichedManifest } from '../src/model.js';
import { buildSite, fieldType, type SiteInput } from '../src/site/index.js';
import { frictionlessProblems } from './support/frictionless.js';

const HOSTILE = `<script>alert("x")</script> & 'quotes'`;

function table(over: Partial<CatalogTable> = {}): CatalogTable {
  return {
    table: 'ae_attendances',
    publication: 'ae',
    description: `Attendances ${HOSTILE}`,
    periods: ['2024-11', '2024-12', '2025-01'],
    rows: 0,
    columns: [
      { name: '_dw_period', type: 'text', description: 'DataWarp: canonical period' },
      { name: 'org_code', type: 'text', header: 'Org <Code>', description: 'ODS code' },
      { name: 'type_1', type: 'bigint', header: 'Type 1', description: `Type 1 ${HOSTILE}` },
      { name: 'rate', type: 'numeric', description: 'Rate' },
      { name: 'seen_on', type: 'date', description: 'Date' },
    ],
    files: [
      { period: '2024-11', url: 'https://nhs.example/nov.csv', sheet: 'csv', sha256: 'aa', rows: 10 },
      { period: '2024-12', url: 'https://nhs.example/dec.csv', sheet: 'csv', sha256: 'bb', rows: 20 },
      { period: '2025-01', url: 'https://nhs.example/jan.csv', sheet: 'csv', sha256: 'cc', rows: 30 },
    ],
    ...over,
  };
}

function input(over: Partial<SiteInput> = {}): SiteInput {
  return {
    generatedAt: '2026-11-27T08:00:00.000Z',
    repo: 'acme/nhs-data',
    publications: [{ code: 'ae', name: `A&E ${HOSTILE}` }],
    catalog: { generated_at: '2026-11-27T08:00:00.000Z', tables: [table()] },
    state: { processed: { 'ae/2024-11': { completed_at: 'x', rows_loaded: 10 } }, failed: {} },
    manifests: [],
    ...over,
  };
}

const file = (files: ReturnType<typeof buildSite>, path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in ${files.map((x) => x.path).join(', ')}`);
  return f.content;
};
const bars = (html: string) =>
  [...html.matchAll(/<rect class="bar"[^>]*data-period="([^"]+)" data-rows="(\d+)"/g)].map((m) => [
    m[1],
    Number(m[2]),
  ]);

describe('buildSite', () => {
  it('escapes every text from the NHS files and the config; no scripts, nothing from elsewhere', () => {
    const files = buildSite(input());
    for (const f of files.filter((x) => x.path.endsWith('.html'))) {
      expect(f.content, f.path).not.toMatch(/<script/i);
      expect(f.content, f.path).not.toMatch(/\s(src|href)="(https?:)?\/\/(?!github\.com\/acme|nhs\.example)/);
      expect(f.content, f.path).toContain('<meta name="viewport"');
    }
    const page = file(files, 'tables/ae_attendances.html');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(page).toContain('Org &lt;Code&gt;');
    expect(file(files, 'index.html')).toContain('A&amp;E &lt;script&gt;');
    // only http(s) addresses become links
    const t = table();
    t.files[0] = { ...t.files[0], url: 'javascript:alert(1)' };
    const pub = { code: 'ae', name: 'A&E', landingPage: 'javascript:alert(2)' };
    const evil = buildSite(input({ publications: [pub], catalog: { generated_at: '', tables: [t] } }));
    for (const f of evil) expect(f.content, f.path).not.toMatch(/href="javascript:/);
    expect(file(evil, 'tables/ae_attendances.html')).toContain('href="https://nhs.example/dec.csv"');
  });

  it('links each period to its release asset: the tag the catalog records (a spilled -2 release), else derived', () => {
    const t = table();
    const dl = 'https://github.com/acme/nhs-data/releases/download';
    t.assets = [
      {
        period: '2025-01',
        name: 'ae_attendances__2025-01.parquet',
        release: 'datawarp-ae-2025-2',
        url: `${dl}/datawarp-ae-2025-2/ae_attendances__2025-01.parquet`,
      },
    ];
    const html = file(
      buildSite(input({ catalog: { generated_at: '', tables: [t] } })),
      'tables/ae_attendances.html',
    );
    const duck = html.match(/<code class="duckdb">([\s\S]*?)<\/code>/)![1];
    const base = 'https://github.com/acme/nhs-data/releases/download';
    expect([...duck.matchAll(/&#39;(https:[^&]+)&#39;/g)].map((m) => m[1])).toEqual([
      `${base}/datawarp-ae-2024/ae_attendances__2024-11.parquet`,
      `${base}/datawarp-ae-2024/ae_attendances__2024-12.parquet`,
      `${base}/datawarp-ae-2025-2/ae_attendances__2025-01.parquet`,
    ]);
    // the assets[] form of the catalog too
    const u = {
      ...table(),
      assets: [
        {
          period: '2024-12',
          name: 'renamed.parquet',
          release: 'datawarp-ae-2024-3',
          url: 'https://github.com/acme/nhs-data/releases/download/datawarp-ae-2024-3/renamed.parquet',
        },
      ],
    };
    const html2 = file(
      buildSite(input({ catalog: { generated_at: '', tables: [u] } })),
      'tables/ae_attendances.html',
    );
    expect(html2).toContain(`${base}/datawarp-ae-2024-3/renamed.parquet`);
  });

  it('one bar per period, oldest first, with the ledger rows when the ledger is given, else the catalog rows', () => {
    const fromCatalog = file(buildSite(input()), 'tables/ae_attendances.html');
    expect(bars(fromCatalog)).toEqual([
      ['2024-11', 10],
      ['2024-12', 20],
      ['2025-01', 30],
    ]);
    const ledger = [
      { pub: 'ae', table_name: 'ae_attendances', period: '2025-01', rows_loaded: '7', status: 'loaded' },
      { pub: 'ae', table_name: 'ae_attendances', period: '2025-01', rows_loaded: 5, status: 'loaded' },
      { pub: 'ae', table_name: 'ae_attendances', period: '2024-12', rows_loaded: 99, status: 'failed' },
      { pub: 'ae', table_name: 'ae_attendances', period: '2024-10', rows_loaded: 4, status: 'loaded' },
      { pub: 'ae', table_name: 'other', period: '2024-11', rows_loaded: 1000, status: 'loaded' },
    ];
    const fromLedger = buildSite(input({ ledger }));
    expect(bars(file(fromLedger, 'tables/ae_attendances.html'))).toEqual([
      ['2024-10', 4],
      ['2024-11', 0],
      ['2024-12', 0],
      ['2025-01', 12],
    ]);
    expect(file(fromLedger, 'index.html')).toMatch(/data-latest>2025-01</);
  });

  it('shows freshness and the next expected release when the monitor gives them, nothing otherwise', () => {
    expect(file(buildSite(input()), 'index.html')).not.toContain('data-freshness');
    const html = file(
      buildSite(
        input({
          freshness: { ae: { state: 'late', next_expected: '2026-03-01', next_expected_precision: 'month' } },
        }),
      ),
      'index.html',
    );
    expect(html).toContain('data-freshness="late"');
    expect(html).toContain('next expected Mar 2026');
    const day = file(
      buildSite(
        input({
          freshness: { ae: { state: 'due', next_expected: '2026-12-11', next_expected_precision: 'day' } },
        }),
      ),
      'tables/ae_attendances.html',
    );
    expect(day).toContain('next expected 11 Dec 2026');
  });

  it('renders versions and their diffs when given', () => {
    const html = file(
      buildSite(
        input({
          versions: {
            ae_attendances: [
              { version: 1, loaded_at: '2025-02-01', files: 1 },
              {
                version: 2,
                loaded_at: '2025-03-01',
                files: ['a', 'b'],
                diff: { added: 1200, removed: 3, changed: 40 },
              },
            ],
          },
        }),
      ),
      'tables/ae_attendances.html',
    );
    expect(html).toContain('<h2>Versions</h2>');
    expect(html).toContain('+1,200 / −3 / ~40');
    expect(file(buildSite(input()), 'tables/ae_attendances.html')).not.toContain('Versions');
  });

  it('flags columns from the manifests: suppression markers summed over periods, the period a column appeared', () => {
    const manifest = (period: string, n: number, added: boolean): EnrichedManifest => ({
      pub: 'ae',
      period,
      page_url: 'https://nhs.example/',
      generated_at: '',
      files: [
        {
          url: `https://nhs.example/${period}.csv`,
          title: 't',
          sha256: 'x',
          bytes: 1,
          docs: [],
          skipped: [],
          tables: [
            {
              id: 'csv#1',
              headerRows: [1],
              firstDataRow: 2,
              rowCount: 1,
              fingerprint: { sheet: '', title: '', columns: [] },
              columns: [{ name: 'type1', header: 'Type 1', type: 'integer', markers: { '*': n } }],
            },
          ],
        },
      ],
      sources: [
        {
          file_url: `https://nhs.example/${period}.csv`,
          table_id: 'csv#1',
          source_code: 'ae_attendances',
          table_name: 'ae_attendances',
          description: '',
          origin: 'deterministic',
          columns: [{ source: 'type1', name: 'type_1', header: 'Type 1', description: '', type: 'integer' }],
        },
      ],
      drift: added
        ? {
            matched: [],
            unmatched: [],
            renamed: [],
            missing: [],
            added: [{ table: 'ae_attendances', column: 'rate' }],
          }
        : undefined,
    });
    const html = file(
      buildSite(input({ manifests: [manifest('2025-01', 3, true), manifest('2024-12', 2, true)] })),
      'tables/ae_attendances.html',
    );
    const row = (c: string) => html.match(new RegExp(`<tr data-column="${c}">[\\s\\S]*?</tr>`))![0];
    expect(row('type_1')).toContain('&quot;*&quot; ×5');
    expect(row('rate')).toContain('new in 2024-12');
    expect(row('_dw_period')).toContain('provenance');
    expect(row('org_code')).not.toContain('class="flag"');
  });
});

describe('datapackage.json', () => {
  const files = {
    'ae_attendances/2024-11': {
      bytes: 123,
      sha256: 'ab'.repeat(32),
      sitePath: 'data/ae_attendances/2024-11.parquet',
    },
  };

  it('validates against the Frictionless Data Package profile: one resource per table and period', () => {
    const dp = JSON.parse(file(buildSite(input({ files })), 'datapackage.json'));
    expect(frictionlessProblems(dp)).toEqual([]);
    expect(dp.resources.map((r: { name: string }) => r.name)).toEqual([
      'ae_attendances__2024-11',
      'ae_attendances__2024-12',
      'ae_attendances__2025-01',
    ]);
    const [nov, dec] = dp.resources;
    expect(nov.path).toBe(
      'https://github.com/acme/nhs-data/releases/download/datawarp-ae-2024/ae_attendances__2024-11.parquet',
    );
    expect(nov.bytes).toBe(123);
    expect(nov.hash).toBe(`sha256:${'ab'.repeat(32)}`);
    expect(dec.bytes).toBeUndefined(); // no local file: nothing to measure
    expect(nov.schema.fields.map((f: { name: string; type: string }) => [f.name, f.type])).toEqual([
      ['_dw_period', 'string'],
      ['org_code', 'string'],
      ['type_1', 'integer'],
      ['rate', 'number'],
      ['seen_on', 'date'],
    ]);
    expect(nov.schema.fields[2].description).toBe(`Type 1 ${HOSTILE}`);
  });

  it('bytes and hash from the catalog when it records them for an uploaded asset and no file is here', () => {
    const t = {
      ...table(),
      assets: [
        {
          period: '2024-12',
          name: 'ae_attendances__2024-12.parquet',
          release: 'datawarp-ae-2024',
          url: 'https://github.com/acme/nhs-data/releases/download/datawarp-ae-2024/ae_attendances__2024-12.parquet',
          bytes: 77,
          sha256: 'cd'.repeat(32),
        },
      ],
    };
    const dp = JSON.parse(
      file(buildSite(input({ files, catalog: { generated_at: '', tables: [t] } })), 'datapackage.json'),
    );
    expect(frictionlessProblems(dp)).toEqual([]);
    expect(dp.resources.map((r: { bytes?: number; hash?: string }) => [r.bytes, r.hash])).toEqual([
      [123, `sha256:${'ab'.repeat(32)}`],
      [77, `sha256:${'cd'.repeat(32)}`],
      [undefined, undefined],
    ]);
  });

  it('without a repository: the path is the file inside the site folder; periods without a file are left out', () => {
    const dp = JSON.parse(file(buildSite(input({ repo: undefined, files })), 'datapackage.json'));
    expect(frictionlessProblems(dp)).toEqual([]);
    expect(dp.resources.map((r: { path: string }) => r.path)).toEqual([
      'data/ae_attendances/2024-11.parquet',
    ]);
  });

  it('the validation can fail: a bad name and a bad field type are reported', () => {
    const dp = JSON.parse(file(buildSite(input({ files })), 'datapackage.json'));
    dp.resources[0].name = 'Not Valid';
    dp.resources[1].schema.fields[0].type = 'varchar';
    const problems = frictionlessProblems(dp);
    expect(problems.some((p) => p.includes('.resources[0].name'))).toBe(true);
    expect(problems.some((p) => p.startsWith('ae_attendances__2024-12.schema'))).toBe(true);
  });

  it('maps PostgreSQL types to Table Schema types', () => {
    expect(
      [
        'bigint',
        'integer',
        'numeric',
        'double precision',
        'date',
        'timestamp with time zone',
        'text',
        'boolean',
      ].map(fieldType),
    ).toEqual(['integer', 'integer', 'number', 'number', 'date', 'datetime', 'string', 'boolean']);
  });
});
