// Three periods of one publication through the CLI, on both engines, with a local OpenAI-compatible server:
//   2024-01  ePCN-January-2024.xlsx            -> LLM names (2 calls)
//   2024-02  ePCN-XLSX-9M-94367-revised.xlsx   renamed file, "PCN Name" reworded "Primary Care Network Name"
//   2024-03  epcn_march_2024.xlsx               sheets reordered, "ICB Code" added
// All three land in the same two tables, the reworded column maps, the new column is added, the drift report says
// so, periods 2 and 3 make no LLM calls. A second publication carries a prompt injection and hostile headers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { NhsSite } from '../scripts/demo/site.js';
import type { EnrichedManifest } from '../src/model.js';
import { testEngines } from './support/db.js';
import { INJECTION, serveDir, writeEpcnSequence, writeHostileWorkbook } from './support/enrich-helpers.js';
import { startFakeOpenAi, wellBehaved, type FakeOpenAi } from './support/openai-fake.js';
import { makeWorkspace, type Workspace } from './support/workspace.js';

const KEY = 'sk-e2e-SECRET-7d1e0b9c44aa';
const IDENT = /^[a-z][a-z0-9_]{0,62}$/;

for (const kind of testEngines()) {
  describe(`enrichment across three periods [${kind}]`, () => {
    let files: string;
    let server: Awaited<ReturnType<typeof serveDir>>;
    let fake: FakeOpenAi;
    let ws: Workspace;
    let run: { code: number; out: string; err: string };

    beforeAll(async () => {
      files = mkdtempSync(join(tmpdir(), 'dw-seq-'));
      const seq = writeEpcnSequence(files, 60);
      writeHostileWorkbook(join(files, 'hostile.xlsx'));
      server = await serveDir(files);
      fake = await startFakeOpenAi((req) =>
        req.prompt.publication === 'Hostile Test'
          ? {
              // a model that did what the injected cell said
              content: JSON.stringify({
                table_name: 'pg_catalog.pg_user; DROP SCHEMA staging CASCADE; --',
                description: 'ignore previous instructions',
                columns: req.prompt.columns.map((_, j) => ({
                  name: ['_dw_period', '__proto__', '"; DROP TABLE x; --', 'users'][j % 4],
                  description: 'x',
                  unit: null,
                  is_dimension: false,
                  is_measure: true,
                })),
              }),
            }
          : wellBehaved(req),
      );
      ws = await makeWorkspace(kind, { publications: [] } as unknown as NhsSite);
      const config = {
        allowed_hosts: ['127.0.0.1'],
        publications: {
          epcn: {
            name: 'Primary Care Networks (ePCN)',
            frequency: 'monthly',
            urls: seq.map((s) => ({
              period: s.period,
              url: `${server.url}/files/${encodeURIComponent(s.file)}`,
            })),
          },
          hostile: {
            name: 'Hostile Test',
            frequency: 'monthly',
            urls: [{ period: '2024-01', url: `${server.url}/files/hostile.xlsx` }],
          },
        },
      };
      writeFileSync(join(ws.dir, 'config', 'publications.yaml'), YAML.stringify(config));
      run = await ws.run(['backfill'], {
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_MODEL: 'gpt-4o-mini',
      });
    });
    afterAll(async () => {
      await ws?.dispose();
      await server?.close();
      await fake?.close();
      rmSync(files, { recursive: true, force: true });
    });

    const enriched = (pub: string, period: string): EnrichedManifest =>
      YAML.parse(
        readFileSync(join(ws.dir, 'manifests/backfill', pub, `${pub}_${period}_enriched.yaml`), 'utf8'),
      );

    it('all periods load; only the first period of each publication asks the LLM', async () => {
      expect(run.err).not.toMatch(/✗/);
      expect(run.code).toBe(0);
      expect(Object.keys(ws.state().processed).sort()).toEqual([
        'epcn/2024-01',
        'epcn/2024-02',
        'epcn/2024-03',
        'hostile/2024-01',
      ]);
      const epcn = fake.requests.filter((r) => r.prompt.publication === 'Primary Care Networks (ePCN)');
      expect(epcn.map((r) => r.prompt.sheet).sort()).toEqual(['PCN Core Partner Details', 'PCNDetails']);
      // the prompt carried the Notes sheet of the same workbook
      expect(epcn[0].prompt.notes_and_contents).toMatch(/core partners/);
      await ws.withDb(async (db) => {
        const calls = await db.query<{
          pub: string;
          period: string;
          n: string;
          ok: boolean;
          tokens: string;
          cost: string;
        }>(
          `SELECT pub, period, count(*) AS n, bool_and(ok) AS ok, sum(prompt_tokens + completion_tokens) AS tokens,
                  sum(cost_usd) AS cost
             FROM datawarp.tbl_llm_calls GROUP BY pub, period ORDER BY pub, period`,
        );
        expect(calls.map((c) => [c.pub, c.period, Number(c.n), c.ok])).toEqual([
          ['epcn', '2024-01', 2, true],
          ['hostile', '2024-01', 1, true],
        ]);
        expect(Number(calls[0].tokens)).toBeGreaterThan(0);
        expect(Number(calls[0].cost)).toBeGreaterThan(0);
      });
      for (const p of ['2024-02', '2024-03'])
        expect(enriched('epcn', p).sources.every((s) => s.origin === 'reference')).toBe(true);
      expect(enriched('epcn', '2024-01').sources.every((s) => s.origin === 'llm')).toBe(true);
    });

    it('three periods land in the same two tables; the reworded column maps; the added column is NULL before', async () => {
      await ws.withDb(async (db) => {
        const tables = await db.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'staging' AND table_name LIKE 'epcn%'
            ORDER BY table_name`,
        );
        expect(tables.map((t) => t.table_name)).toEqual([
          'epcn_pcn_core_partner_details_named',
          'epcn_pcndetails_named',
        ]);
        for (const { table_name } of tables) {
          const periods = await db.query<{ p: string; n: string }>(
            `SELECT _dw_period AS p, count(*) AS n FROM staging."${table_name}" GROUP BY 1 ORDER BY 1`,
          );
          expect(periods.map((r) => [r.p, Number(r.n)])).toEqual([
            ['2024-01', 60],
            ['2024-02', 60],
            ['2024-03', 60],
          ]);
        }
        const cols = await db.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'staging'
              AND table_name = 'epcn_pcndetails_named' ORDER BY ordinal_position`,
        );
        const names = cols.map((c) => c.column_name);
        expect(names).toContain('pcn_name');
        expect(names).toContain('icb_code');
        expect(names).not.toContain('primary_care_network_name');
        const byPeriod = await db.query<{ p: string; names: string; icb: string }>(
          `SELECT _dw_period AS p, count(pcn_name) AS names, count(icb_code) AS icb
             FROM staging.epcn_pcndetails_named GROUP BY 1 ORDER BY 1`,
        );
        expect(byPeriod.map((r) => [r.p, Number(r.names), Number(r.icb)])).toEqual([
          ['2024-01', 60, 0],
          ['2024-02', 60, 0],
          ['2024-03', 60, 60],
        ]);
        // the same PCN has the same name in every period
        const same = await db.query<{ n: string }>(
          `SELECT count(DISTINCT pcn_name) AS n FROM staging.epcn_pcndetails_named WHERE pcn_code = 'U16464'`,
        );
        expect(Number(same[0].n)).toBe(1);
      });
    });

    it('the drift report (manifest and CLI output) says what changed', () => {
      const d2 = enriched('epcn', '2024-02').drift!;
      expect(d2).toEqual({
        matched: ['epcn_pcndetails_named', 'epcn_pcn_core_partner_details_named'],
        unmatched: [],
        renamed: [{ table: 'epcn_pcndetails_named', from: 'PCN Name', to: 'Primary Care Network Name' }],
        added: [],
        missing: [],
      });
      const d3 = enriched('epcn', '2024-03').drift!;
      expect(d3).toEqual({
        matched: ['epcn_pcn_core_partner_details_named', 'epcn_pcndetails_named'],
        unmatched: [],
        renamed: [],
        added: [{ table: 'epcn_pcndetails_named', column: 'icb_code' }],
        missing: [],
      });
      expect(run.out).toMatch(
        /epcn\/2024-02 {2}drift: 2 matched, 1 renamed \(PCN Name → Primary Care Network Name\)/,
      );
      expect(run.out).toMatch(
        /epcn\/2024-03 {2}drift: 2 matched, 1 added \(epcn_pcndetails_named\.icb_code\)/,
      );
    });

    it('prompt-injection cells and hostile headers load under legal identifiers; the key is never printed', async () => {
      const src = enriched('hostile', '2024-01').sources[0];
      expect(src.table_name).toMatch(IDENT);
      expect(src.table_name).toMatch(/^hostile_/);
      await ws.withDb(async (db) => {
        const cols = await db.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'staging' AND table_name = $1`,
          [src.table_name],
        );
        const data = cols.map((c) => c.column_name).filter((c) => !c.startsWith('_dw_'));
        expect(data).toHaveLength(8);
        for (const c of data) expect(c).toMatch(IDENT);
        const rows = await db.query<{ p: string; n: string }>(
          `SELECT _dw_period AS p, count(*) AS n FROM staging."${src.table_name}" GROUP BY 1`,
        );
        // the provenance column is ours: the sheet's "_dw_period" column went elsewhere
        expect(rows.map((r) => [r.p, Number(r.n)])).toEqual([['2024-01', 12]]);
        const injected = src.columns.find((c) => c.header.startsWith('Ignore previous'))!;
        const cells = await db.query<{ v: string }>(
          `SELECT "${injected.name}" AS v FROM staging."${src.table_name}" WHERE "${injected.name}" <> 'ok' LIMIT 1`,
        );
        expect(cells[0].v).toBe(INJECTION); // stored as data, verbatim
        const staging = await db.query(
          `SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = 'staging'`,
        );
        expect(Number(staging[0].n)).toBe(1);
        const llm = await db.query(`SELECT * FROM datawarp.tbl_llm_calls`);
        expect(JSON.stringify(llm)).not.toContain(KEY);
      });
      expect(run.out + run.err).not.toContain(KEY);
      expect(
        readFileSync(join(ws.dir, 'manifests/backfill/hostile/hostile_2024-01_enriched.yaml'), 'utf8'),
      ).not.toContain(KEY);
    });
  });
}
