// Every table of every real NHS corpus file loads (no type ever fails a load), and what is in the database is
// what was extracted: row counts per table and the sum of every numeric column.
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { expect, it } from 'vitest';
import { enrichManifest, sourcePlan } from '../src/enrich/index.js';
import { ensureSchema, loadFile } from '../src/load/index.js';
import { extractFile } from '../src/manifest/extract/index.js';
import type { DataFileLink, Manifest } from '../src/model.js';
import { forEachEngine } from './support/db.js';

const DIR = join(import.meta.dirname, 'fixtures/nhs');
const FILES = readdirSync(DIR).filter((f) => /\.(xlsx|xls|csv|zip|ods)$/i.test(f));

forEachEngine('the whole corpus loads', (ctx) => {
  it(`${FILES.length} files: every table loads, row counts and numeric sums match the extraction`, async () => {
    await ensureSchema(ctx.db);
    let tables = 0;
    for (const [i, f] of FILES.entries()) {
      const url = `https://files.digital.nhs.uk/corpus/${encodeURIComponent(f)}`;
      const x = await extractFile(join(DIR, f), {
        ext: extname(f).slice(1).toLowerCase() as DataFileLink['ext'],
        name: f,
      });
      const manifest: Manifest = {
        pub: `c${i}`,
        period: '2024-01',
        page_url: url,
        generated_at: new Date().toISOString(),
        files: [
          {
            url,
            title: f,
            sha256: `sha-${i}`,
            bytes: 0,
            tables: x.tables.map((t) => t.spec),
            docs: [],
            skipped: [],
          },
        ],
      };
      const enriched = await enrichManifest(manifest, { pubName: f });
      const input = x.tables.map((t) => {
        const source = enriched.sources.find((s) => s.table_id === t.spec.id)!;
        return { source: sourcePlan(source, t.spec), table: t, sheet: t.spec.id };
      });
      const res = await loadFile(ctx.db, {
        pub: `c${i}`,
        period: '2024-01',
        fileUrl: url,
        sha256: `sha-${i}`,
        tables: input,
      });
      expect(res.rowsLoaded, f).toBe(x.tables.reduce((n, t) => n + t.rows.length, 0));
      for (const { source, table } of input) {
        tables++;
        const numeric = source.columns
          .map((c, j) => ({ c, j }))
          .filter(({ c }) => c.type === 'integer' || c.type === 'numeric');
        const sums = numeric.map(({ c }) => `coalesce(sum("${c.name}"), 0)::text AS "${c.name}"`);
        const [got] = await ctx.db.query(
          `SELECT count(*)::int AS n${sums.length ? ', ' + sums.join(', ') : ''} FROM staging."${source.sourceCode}" WHERE _dw_sheet = $1`,
          [table.spec.id],
        );
        expect(got.n, `${f} ${table.spec.id}`).toBe(table.rows.length);
        for (const { c, j } of numeric) {
          const want = table.rows.reduce((s, r) => s + (typeof r[j] === 'number' ? (r[j] as number) : 0), 0);
          const diff = Math.abs(Number(got[c.name]) - want);
          expect(
            diff,
            `${f} ${table.spec.id} ${c.name}: db ${got[c.name]} vs extracted ${want}`,
          ).toBeLessThanOrEqual(Math.abs(want) * 1e-9 + 1e-6);
        }
      }
    }
    expect(tables).toBeGreaterThanOrEqual(FILES.length);
  }, 600_000);
});
