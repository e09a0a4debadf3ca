// The site of a catalogue: 300 publications × 120 monthly periods × 3 tables (36,000 items, 108,000 table-periods,
// a ledger row each). No page over 1 MB: the index lists each publication in a line under an A–Z bar whose
// anchors exist, and links to a page per publication, which links to its tables' pages. The build's time is
// printed (the 60 s target is the bench's to show, not a timed test's).
import { describe, expect, it } from 'vitest';
import type { CatalogTable } from '../src/export/index.js';
import { buildSite, type SiteInput, type SiteLedgerRow } from '../src/site/index.js';

const PUBS = 300;
const PERIODS = 120;
const TABLES = 3;
const MB = 1024 * 1024;

const periodOf = (i: number) => `${2015 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
// names over the alphabet and beyond it (a digit first: filed under '#')
const nameOf = (p: number) =>
  p % 50 === 7
    ? `${p} day statistics`
    : `${String.fromCharCode(65 + (p % 26))}${'bcdefg'[p % 6]} series ${p}`;

function catalogue(): SiteInput {
  const tables: CatalogTable[] = [];
  const ledger: SiteLedgerRow[] = [];
  const processed: SiteInput['state']['processed'] = Object.create(null);
  for (let p = 0; p < PUBS; p++) {
    const pub = `pub_${p}`;
    const periods = Array.from({ length: PERIODS }, (_, i) => periodOf(i));
    for (const period of periods)
      processed[`${pub}/${period}`] = { completed_at: '2026-01-01', rows_loaded: 30 };
    for (let t = 0; t < TABLES; t++) {
      const table = `${pub}_table_${t}`;
      tables.push({
        table,
        publication: pub,
        description: `Table ${t} of ${nameOf(p)}`,
        periods,
        rows: 10 * PERIODS,
        columns: [
          { name: 'org_code', type: 'text', description: 'ODS code' },
          { name: 'count', type: 'bigint', description: 'Count' },
        ],
        files: periods.map((period) => ({
          period,
          url: `https://nhs.example/${pub}/${period}.csv`,
          sheet: 'csv',
          sha256: 'ab'.repeat(32),
          rows: 10,
        })),
        assets: periods.map((period) => ({
          period,
          name: `${pub}-${period}.zip`,
          member: `${table}.parquet`,
          release: `data-${pub}-${period.slice(0, 4)}`,
          url: `https://github.com/acme/data/releases/download/data-${pub}-${period.slice(0, 4)}/${pub}-${period}.zip`,
          bytes: 2048,
          sha256: 'cd'.repeat(32),
        })),
      });
      for (const period of periods)
        ledger.push({ pub, table_name: table, period, rows_loaded: 10, status: 'loaded' });
    }
  }
  return {
    generatedAt: '2026-12-06T08:00:00.000Z',
    repo: 'acme/data',
    publications: Array.from({ length: PUBS }, (_, p) => ({ code: `pub_${p}`, name: nameOf(p) })),
    catalog: { generated_at: '2026-12-06T08:00:00.000Z', tables },
    state: { processed, failed: {} },
    manifests: [],
    ledger,
  };
}

describe('the site of a catalogue: 300 publications × 120 periods × 3 tables', () => {
  it('no page over 1 MB; an A–Z index whose anchors exist; every publication and table reachable', () => {
    const input = catalogue();
    const t0 = performance.now();
    const files = buildSite(input);
    console.log(
      `site of ${PUBS} × ${PERIODS} × ${TABLES}: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    const pages = files.filter((f) => f.path.endsWith('.html'));
    const biggest = Math.max(...pages.map((f) => Buffer.byteLength(f.content)));
    console.log(`pages: ${pages.length}, biggest ${(biggest / 1024).toFixed(0)} KB`);
    expect(pages.length).toBe(1 + PUBS + PUBS * TABLES);
    for (const f of pages) expect(Buffer.byteLength(f.content), f.path).toBeLessThanOrEqual(MB);

    const index = byPath.get('index.html')!;
    const az = [...index.matchAll(/<nav class="az"[^>]*>(.*?)<\/nav>/gs)][0][1];
    const targets = [...az.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(targets).toEqual([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((l) => `az-${l}`).concat('az-other'));
    for (const id of targets) expect(index).toContain(`id="${id}"`);
    // names starting with a digit are filed under '#', after Z
    expect(index.indexOf('7 day statistics')).toBeGreaterThan(index.indexOf('id="az-other"'));

    // every publication: a line on the index with its latest period, linking to its page
    const links = [...index.matchAll(/<li class="pub"[^>]*data-pub="([^"]+)"><a href="([^"]+)"/g)];
    expect(new Set(links.map((m) => m[1]))).toEqual(new Set(input.publications.map((p) => p.code)));
    expect(index.match(/data-latest>2024-12</g)).toHaveLength(PUBS);
    for (const [, pub, href] of links) {
      const pubPage = byPath.get(href);
      expect(pubPage, href).toBeDefined();
      const tableLinks = [...pubPage!.matchAll(/href="\.\.\/(tables\/[^"]+)"/g)].map((m) => m[1]);
      expect(tableLinks, pub).toHaveLength(TABLES);
      for (const t of tableLinks) expect(byPath.has(t), t).toBe(true);
      // the publication's page has a bar per period
      expect(pubPage!.match(/<rect class="bar"/g)).toHaveLength(PERIODS);
    }
  }, 300_000);

  it('a small catalog keeps every card on the index (its bars, its tables)', () => {
    const input = catalogue();
    const small: SiteInput = {
      ...input,
      publications: input.publications.slice(0, 3),
      catalog: { ...input.catalog, tables: input.catalog.tables.filter((t) => /^pub_[012]_/.test(t.table)) },
      ledger: input.ledger!.filter((l) => /^pub_[012]$/.test(l.pub)),
    };
    const index = buildSite(small).find((f) => f.path === 'index.html')!.content;
    expect(index.match(/<section class="card pub"/g)).toHaveLength(3);
    expect(index.match(/<rect class="bar"/g)).toHaveLength(3 * PERIODS);
    expect(index).toContain('href="tables/pub_0_table_0.html"');
  });
});
