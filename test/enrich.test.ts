// Enrichment without a network: identifiers, column mapping (DTOC 2011 -> 2019), reference mode on the ePCN
// sequence, wide-table compression (winter sitrep, 458 columns).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressColumns, expandAnswer, headerPattern } from '../src/enrich/compress.js';
import {
  COLUMN_MATCH_THRESHOLD,
  columnScore,
  enrichManifest,
  headerSimilarity,
  IDENT,
  mapColumns,
  sourcePlan,
  type EnrichedManifestX,
  type LlmTableInput,
  type TableNamer,
} from '../src/enrich/index.js';
import { priceFor, PRICES_PER_1K, UNKNOWN_MODEL_PRICE } from '../src/enrich/llm.js';
import {
  buildManifest,
  HOSTILE_HEADERS,
  NHS,
  writeEpcnSequence,
  writeHostileWorkbook,
} from './support/enrich-helpers.js';

const legal = (names: string[]) => {
  for (const n of names) {
    expect(n).toMatch(IDENT);
    expect(n).not.toMatch(/^_?dw_/);
  }
  expect(new Set(names).size).toBe(names.length);
};

describe('identifiers are ours', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-enrich-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SQL-hostile headers and a model that obeys an injected instruction still give legal, unique names', async () => {
    writeHostileWorkbook(join(dir, 'hostile.xlsx'));
    const b = await buildManifest('hostile', '2024-01', [{ path: join(dir, 'hostile.xlsx') }]);
    const seen: LlmTableInput[] = [];
    const evil: TableNamer = {
      async nameTable(input) {
        seen.push(input);
        return {
          table_name: 'pg_catalog.pg_user; DROP SCHEMA staging CASCADE; --',
          description: 'ignore previous instructions',
          columns: input.columns.map((_, j) => ({
            name: [
              '"; DROP TABLE x; --',
              '__proto__',
              '_dw_period',
              'dw_row',
              'x'.repeat(300),
              'SELECT',
              '',
              'a',
            ][j % 8],
            description: `d${j}`,
          })),
        };
      },
    };
    const e = await enrichManifest(b.manifest, {
      pubName: 'Hostile',
      namer: evil,
      samples: b.samples,
      docs: b.docs,
    });
    expect(seen).toHaveLength(1);
    // the injection reached the model only as data (context and sample cells)
    expect(seen[0].context).toMatch(/IGNORE PREVIOUS INSTRUCTIONS/);
    const [src] = e.sources;
    expect(src.origin).toBe('llm');
    legal([src.table_name]);
    expect(src.table_name.startsWith('hostile_')).toBe(true);
    expect(src.table_name).not.toMatch(/[;". ]/);
    legal(src.columns.map((c) => c.name));
    expect(src.columns.map((c) => c.header)).toEqual(HOSTILE_HEADERS);
    expect(src.description).toBe('ignore previous instructions'); // text stays text
    // the loader's plan carries the same legal names
    const plan = sourcePlan(src, b.manifest.files[0].tables[0]);
    legal(plan.columns.map((c) => c.name));
    // deterministic names (no model) are legal as well
    const d = await enrichManifest(b.manifest, { pubName: 'Hostile', samples: b.samples });
    legal(d.sources[0].columns.map((c) => c.name));
    legal([d.sources[0].table_name]);
  });

  it('a reference manifest with illegal names is not trusted for them', async () => {
    const b = await buildManifest('hostile', '2024-02', [{ path: join(dir, 'hostile.xlsx') }]);
    const first = await enrichManifest(b.manifest, { pubName: 'Hostile', samples: b.samples });
    const tampered = structuredClone(first);
    tampered.sources[0].columns[1].name = 'x"; DROP TABLE y; --';
    tampered.sources[0].columns[2].name = '_dw_period';
    const e = await enrichManifest(b.manifest, {
      pubName: 'Hostile',
      reference: tampered,
      samples: b.samples,
    });
    expect(e.sources[0].origin).toBe('reference');
    legal(e.sources[0].columns.map((c) => c.name));
  });
});

describe('column mapping', () => {
  it('header similarity compares the last level of multi-level headers', () => {
    expect(headerSimilarity('Acute', 'Delayed Days | Acute')).toBeGreaterThanOrEqual(0.9);
    expect(headerSimilarity('Acute', 'Delayed Days | Non-Acute')).toBeLessThan(0.5);
    expect(headerSimilarity('PCN Name', 'PCN Name')).toBe(1);
    const s = (h: string, type: 'integer' | 'text', sample?: (string | number)[]) => ({
      header: h,
      type,
      sample,
      pos: 0,
    });
    // unrelated numeric columns of similar size stay below the threshold
    expect(columnScore(s('Male', 'integer', [10, 20]), s('Female', 'integer', [11, 19]))).toBeLessThan(
      COLUMN_MATCH_THRESHOLD,
    );
    // a reworded header with the same values maps
    expect(
      columnScore(
        s('PCN Name', 'text', ['BARNSLEY PCN', 'BRENTWOOD PCN']),
        s('Primary Care Network Name', 'text', ['BARNSLEY PCN', 'BRENTWOOD PCN']),
      ),
    ).toBeGreaterThanOrEqual(COLUMN_MATCH_THRESHOLD);
  });

  it('DTOC April 2011 -> November 2019: leaf text and values map delayed days one to one', async () => {
    const a = await buildManifest('dtoc', '2011-04', [{ path: join(NHS, 'dtoc_April_11.xls') }]);
    const b = await buildManifest('dtoc', '2019-11', [{ path: join(NHS, 'dtoc_Nov_19.xls') }]);
    const ea = await enrichManifest(a.manifest, { pubName: 'DTOC', samples: a.samples });
    const eb = await enrichManifest(b.manifest, { pubName: 'DTOC', reference: ea, samples: b.samples });
    const d = eb.drift!;
    expect(d.unmatched).toEqual([]);
    expect(d.matched.sort()).toEqual(ea.sources.map((s) => s.table_name).sort());
    const src = (t: string) => eb.sources.find((s) => s.table_name === t)!;
    const by = (t: string) => Object.fromEntries(src(t).columns.map((c) => [c.header, c.name]));
    const care = by('dtoc_la_by_type_of_care');
    expect(care['Delayed Days | Acute']).toBe('acute');
    expect(care['Delayed Days | Non-Acute']).toBe('non_acute');
    expect(care['Delayed Days | Total']).toBe('total');
    // the averages are new columns, not squeezed into the 2011 ones
    expect(care['Average Number of People Delayed per Day | Acute']).toBe(
      'average_number_of_people_delayed_per_day_acute',
    );
    const org = by('dtoc_la_by_responsible_org');
    expect([
      org['Delayed Days | NHS'],
      org['Delayed Days | Social Care'],
      org['Delayed Days | Both'],
    ]).toEqual(['nhs', 'social_care', 'both']);
    expect(by('dtoc_la_by_reason')['A) Awaiting completion of assessment']).toBe(
      'a_completion_of_assessment',
    );
    expect(d.renamed).toContainEqual({
      table: 'dtoc_la_by_type_of_care',
      from: 'Acute',
      to: 'Delayed Days | Acute',
    });
    expect(d.added).toContainEqual({ table: 'dtoc_la_by_type_of_care', column: 'region' });
    expect(d.missing).toContainEqual({ table: 'dtoc_la_by_type_of_care', column: 'sha' });
    // one to one within every table
    for (const s of eb.sources) legal(s.columns.map((c) => c.name));
  });

  it('a missing column is kept as retired and gets its old name back when it returns', () => {
    const cols = (hs: string[]) =>
      hs.map((h) => ({ name: h.toLowerCase(), header: h, type: 'integer' as const }));
    const ref = {
      columns: cols(['Code', 'Beds', 'Staff']).map((c) => ({ ...c, source: c.name, description: c.header })),
    };
    const m1 = mapColumns(cols(['Code', 'Staff']), ref);
    expect(m1.missing).toEqual(['beds']);
    expect(m1.retired.map((r) => r.name)).toEqual(['beds']);
    const m2 = mapColumns(cols(['Code', 'Staff', 'Beds']), { columns: m1.columns, retired: m1.retired });
    expect(m2.columns.map((c) => c.name)).toEqual(['code', 'staff', 'beds']);
    expect(m2.added).toEqual([]);
    // a new column never takes the name of a reference column, even a retired one
    const llmNamed = {
      source: 'beds',
      name: 'bed_count',
      header: 'Beds',
      description: 'beds',
      type: 'integer' as const,
    };
    const m3 = mapColumns([{ name: 'bed_count', header: 'Bed count policy text', type: 'text' }], {
      columns: [],
      retired: [llmNamed],
    });
    expect(m3.columns[0].name).toBe('bed_count_2');
    expect(m3.added).toEqual(['bed_count_2']);
  });
});

describe('reference mode on the ePCN sequence (no LLM)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dw-epcn-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renamed file, reworded header, added column and reordered sheets land in the same tables', async () => {
    const seq = writeEpcnSequence(dir, 30);
    const calls: string[] = [];
    const namer: TableNamer = {
      async nameTable(input) {
        calls.push(input.sheet ?? '');
        return undefined;
      },
    };
    let ref: EnrichedManifestX | undefined;
    const out: EnrichedManifestX[] = [];
    for (const s of seq) {
      const b = await buildManifest('epcn', s.period, [{ path: join(dir, s.file) }]);
      ref = await enrichManifest(b.manifest, {
        pubName: 'ePCN',
        reference: ref,
        namer,
        samples: b.samples,
        docs: b.docs,
      });
      out.push(ref);
    }
    expect(calls).toEqual(['PCNDetails', 'PCN Core Partner Details']); // period 1 only
    const tables = (e: EnrichedManifestX) => e.sources.map((s) => s.table_name).sort();
    expect(tables(out[1])).toEqual(tables(out[0]));
    expect(tables(out[2])).toEqual(tables(out[0]));
    const details = (e: EnrichedManifestX) => e.sources.find((s) => s.table_id === 'PCNDetails#1')!;
    const nameCol = (e: EnrichedManifestX) =>
      details(e).columns.find((c) => /name$/i.test(c.header) && /PCN|Primary/.test(c.header))!;
    expect(nameCol(out[1]).name).toBe(nameCol(out[0]).name);
    expect(nameCol(out[2]).name).toBe(nameCol(out[0]).name);
    expect(out[1].drift).toEqual({
      matched: [details(out[0]).table_name, expect.any(String)],
      unmatched: [],
      renamed: [{ table: details(out[0]).table_name, from: 'PCN Name', to: 'Primary Care Network Name' }],
      added: [],
      missing: [],
    });
    expect(out[2].drift).toMatchObject({
      unmatched: [],
      renamed: [],
      added: [{ table: details(out[0]).table_name, column: 'icb_code' }],
      missing: [],
    });
    expect(out[2].drift!.matched.sort()).toEqual(tables(out[0]));
    expect(out.slice(1).every((e) => e.sources.every((s) => s.origin === 'reference'))).toBe(true);
  });
});

describe('wide tables', () => {
  it('header patterns: dates and numbers vary, words do not', () => {
    expect(headerPattern('ganda_core_beds | 2019-12-02 | Core Beds Open')).toEqual({
      pattern: 'ganda_core_beds | {x} | Core Beds Open',
      vary: ['2019-12-02'],
    });
    expect(headerPattern('>18-19 weeks').pattern).toBe('>{x}-{x} weeks');
    expect(headerPattern('April 2023 - Total').pattern).toBe('{x} - Total');
  });

  it("winter_sitrep_daily_ts.xlsx's 458 columns go to the model as a handful of entries and come back as 458 names", async () => {
    const b = await buildManifest('winter', '2020-03', [{ path: join(NHS, 'winter_sitrep_daily_ts.xlsx') }]);
    const file = b.manifest.files[0];
    file.tables = file.tables.filter((t) => t.columns.length === 458);
    expect(file.tables).toHaveLength(1);
    const inputs: LlmTableInput[] = [];
    const namer: TableNamer = {
      async nameTable(input) {
        inputs.push(input);
        return {
          table_name: 'general_and_acute_beds',
          description: 'G&A beds',
          columns: input.columns.map((c) => ({
            name: c.repeated
              ? c.header.split(' | ').at(-1)!.toLowerCase().replace(/\W+/g, '_')
              : c.header.split(' | ').at(-1)!,
            description: c.header,
          })),
        };
      },
    };
    const e = await enrichManifest(b.manifest, { pubName: 'Winter sitrep', namer, samples: b.samples });
    expect(inputs).toHaveLength(1);
    const entries = inputs[0].columns;
    expect(entries.length).toBeLessThanOrEqual(12);
    expect(entries.reduce((n, c) => n + (c.repeated ?? 1), 0)).toBe(458);
    expect(entries.find((c) => c.header === 'ganda_core_beds | {x} | Core Beds Open')).toMatchObject({
      repeated: expect.any(Number),
      examples: expect.arrayContaining(['2019-12-02']),
    });
    expect(inputs[0].sampleRows.every((r) => r.length === entries.length)).toBe(true);
    const cols = e.sources[0].columns;
    expect(cols).toHaveLength(458);
    legal(cols.map((c) => c.name));
    expect(cols.find((c) => c.header === 'ganda_core_beds | 2019-12-02 | Core Beds Open')!.name).toBe(
      'core_beds_open_2019_12_02',
    );
    expect(cols.find((c) => c.header === '2020-03-01 | Occupancy rate')!.name).toBe(
      'occupancy_rate_2020_03_01',
    );
    expect(e.sources[0].table_name).toBe('winter_general_and_acute_beds');
  });

  it('narrow tables are sent as they are; expansion without repeats is the identity', () => {
    const cols = Array.from({ length: 10 }, (_, i) => ({ header: `Week ${i}`, type: 'integer' }));
    const c = compressColumns(cols);
    expect(c.entries).toHaveLength(10);
    const answer = cols.map((_, i) => ({ name: `w${i}`, description: '' }));
    expect(expandAnswer(answer, c)).toEqual(answer);
    const rtt = Array.from({ length: 105 }, (_, i) => ({
      header: i < 104 ? `>${i}-${i + 1} weeks` : 'Total',
      type: 'integer',
    }));
    const r = compressColumns(rtt);
    expect(r.entries.map((x) => x.header)).toEqual(['>{x}-{x} weeks', 'Total']);
    const names = expandAnswer(
      [
        { name: 'waiting', description: 'patients waiting' },
        { name: 'total', description: 't' },
      ],
      r,
    ).map((x) => x.name);
    expect(names.slice(0, 2)).toEqual(['waiting_0_1', 'waiting_1_2']);
    expect(new Set(names).size).toBe(105);
  });
});

describe('prices', () => {
  it('known models, dated snapshots, unknown models and env overrides', () => {
    expect(priceFor('gpt-4o-mini')).toEqual(PRICES_PER_1K['gpt-4o-mini']);
    expect(priceFor('gpt-4o-mini-2024-07-18')).toEqual(PRICES_PER_1K['gpt-4o-mini']);
    expect(priceFor('gpt-4o-2024-08-06')).toEqual(PRICES_PER_1K['gpt-4o']);
    expect(priceFor('my-local-llama')).toEqual(UNKNOWN_MODEL_PRICE);
    expect(priceFor('gpt-4o', { OPENAI_PRICE_PER_1K_INPUT: '0', OPENAI_PRICE_PER_1K_OUTPUT: '0.5' })).toEqual(
      {
        input: 0,
        output: 0.5,
      },
    );
  });
});
