// The spine end to end: local NHS site (real files, real markup) -> backfill -> PostgreSQL/PGlite -> Parquet
// -> state.json, on both engines.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNhsSite, type NhsSite } from '../scripts/demo/site.js';
import type { Db } from '../src/load/index.js';
import { testEngines } from './support/db.js';
import { makeWorkspace, type Workspace } from './support/workspace.js';

const SEED_QUERIES = [
  `SELECT COALESCE(SUM(rows_loaded), 0) as total_rows FROM datawarp.tbl_manifest_files
    WHERE source_code LIKE '%pcn_workforce%' AND status = 'loaded'`,
  `SELECT period, COUNT(*) as sources, SUM(rows_loaded) as total_rows FROM datawarp.tbl_manifest_files
    WHERE source_code LIKE '%pcn_workforce%' AND status = 'loaded' GROUP BY period ORDER BY period`,
  `SELECT LEFT(source_code, position('_' in source_code) - 1) as publication, COUNT(DISTINCT period) as periods_loaded,
    SUM(rows_loaded) as total_rows FROM datawarp.tbl_manifest_files WHERE status = 'loaded'
    GROUP BY publication ORDER BY total_rows DESC, publication`,
  `SELECT pub, periods_loaded, total_rows FROM datawarp.v_publication_totals ORDER BY pub`,
];

async function snapshot(db: Db) {
  const seed = [];
  for (const q of SEED_QUERIES) seed.push(JSON.stringify(await db.query(q)));
  const ledger = await db.query(
    `SELECT pub, period, file_url, sheet, table_name, sha256, rows_loaded, status FROM datawarp.tbl_manifest_files
      ORDER BY pub, period, file_url, sheet, table_name`,
  );
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'staging' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const t of tables) {
    counts[t.table_name] = Number(
      (await db.query(`SELECT count(*) AS n FROM staging."${t.table_name}"`))[0].n,
    );
  }
  return { seed, ledger: JSON.stringify(ledger), counts };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const p = join(e.parentPath, e.name);
      return `${p} ${statSync(p).mtimeMs} ${statSync(p).size}`;
    })
    .sort();
}

function parquetRows(path: string): number {
  const buf = readFileSync(path);
  return Number(parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)).num_rows);
}

for (const kind of testEngines()) {
  describe(`backfill end to end [${kind}]`, () => {
    let site: NhsSite;
    let ws: Workspace;
    let first: Awaited<ReturnType<typeof snapshot>>;
    let firstState: ReturnType<Workspace['state']>;

    beforeAll(async () => {
      site = await startNhsSite();
      ws = await makeWorkspace(kind, site);
    });
    afterAll(async () => {
      await ws?.dispose();
      await site?.close();
    });

    it('first run processes every item; state rows_loaded = ledger sum = Parquet rows', async () => {
      const r = await ws.run(['backfill']);
      expect(r.err).not.toMatch(/✗/);
      expect(r.code).toBe(0);
      const state = ws.state();
      const items = site.publications.flatMap((p) => p.urls.map((u) => `${p.pub}/${u.period}`)).sort();
      expect(Object.keys(state.processed).sort()).toEqual(items);
      expect(state.failed).toEqual({});
      await ws.withDb(async (db) => {
        for (const key of items) {
          const [pub, period] = key.split('/');
          const ledger = await db.query<{ table_name: string; rows_loaded: number }>(
            `SELECT table_name, rows_loaded FROM datawarp.tbl_manifest_files WHERE pub = $1 AND period = $2 AND status = 'loaded'`,
            [pub, period],
          );
          const ledgerSum = ledger.reduce((s, l) => s + Number(l.rows_loaded), 0);
          expect(ledgerSum, key).toBeGreaterThan(0);
          expect(state.processed[key].rows_loaded, key).toBe(ledgerSum);
          const tables = [...new Set(ledger.map((l) => l.table_name))];
          const parquet = tables.reduce(
            (s, t) => s + parquetRows(join(ws.dir, 'output', 'parquet', t, `${period}.parquet`)),
            0,
          );
          expect(parquet, key).toBe(ledgerSum);
          for (const t of tables) {
            const n = Number(
              (await db.query(`SELECT count(*) AS n FROM staging."${t}" WHERE _dw_period = $1`, [period]))[0]
                .n,
            );
            expect(n, `${t} ${period}`).toBe(
              ledger.filter((l) => l.table_name === t).reduce((s, l) => s + Number(l.rows_loaded), 0),
            );
          }
        }
        first = await snapshot(db);
      });
      firstState = state;
      // Manifests and catalog
      expect(existsSync(join(ws.dir, 'manifests/backfill/pcn_workforce/pcn_workforce_2020-03.yaml'))).toBe(
        true,
      );
      expect(
        existsSync(join(ws.dir, 'manifests/backfill/pcn_workforce/pcn_workforce_2020-03_enriched.yaml')),
      ).toBe(true);
      const catalog = JSON.parse(readFileSync(join(ws.dir, 'output/catalog.json'), 'utf8'));
      const pcn = catalog.tables.find((t: { publication: string }) => t.publication === 'pcn_workforce');
      expect(pcn.periods.sort()).toEqual(['2020-03', '2020-09']);
      expect(pcn.rows).toBe(Number(JSON.parse(first.seed[0])[0].total_rows));
      expect(pcn.columns.find((c: { name: string }) => c.name === 'fte').description).toBeTruthy();
    });

    it('Parquet files carry column descriptions and provenance, readable by an independent reader', async () => {
      const path = join(ws.dir, 'output/parquet/pcn_workforce_individual_level/2020-03.parquet');
      const buf = readFileSync(path);
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
      const meta = parquetMetadata(ab);
      const kv = Object.fromEntries((meta.key_value_metadata ?? []).map((k) => [k.key, k.value]));
      expect(kv['datawarp.publication']).toBe('pcn_workforce');
      expect(kv['datawarp.period']).toBe('2020-03');
      expect(JSON.parse(kv['datawarp.source_files']!)[0]).toMatch(/March%202020%20Individual%20Level\.csv$/);
      const cols = JSON.parse(kv['datawarp.columns']!) as {
        name: string;
        description: string;
        type: string;
      }[];
      expect(cols.find((c) => c.name === 'fte')).toMatchObject({ type: 'numeric' });
      expect(cols.find((c) => c.name === '_dw_period')!.description).toMatch(/period/);
      const rows = (await parquetReadObjects({ file: ab })) as Record<string, unknown>[];
      expect(rows.length).toBe(Number(meta.num_rows));
      expect(rows.every((r) => r._dw_period === '2020-03')).toBe(true);
      expect(rows.some((r) => typeof r.fte === 'number' && r.fte > 0)).toBe(true);
    });

    it('information_schema shows numeric and date types for five corpus tables', async () => {
      const want: [string, string, string][] = [
        ['pcn_workforce_individual_level', 'fte', 'numeric'],
        ['pcn_workforce_individual_level', 'census_year', 'bigint'],
        ['dtoc_la_by_responsible_org', 'average_number_of_people_delayed_per_day_total', 'numeric'],
        ['dtoc_la_by_type_of_care', 'acute', 'bigint'],
        ['ods_trusts_etr', 'col_11', 'date'],
        ['ods_trusts_epraccur', 'col_11', 'date'],
        ['ods_trusts_epraccur', 'col_22', 'bigint'],
        ['qof_indicator_mapping', 'indicator_point_value', 'bigint'],
      ];
      await ws.withDb(async (db) => {
        for (const [table, column, type] of want) {
          const r = await db.query(
            `SELECT data_type FROM information_schema.columns WHERE table_schema = 'staging' AND table_name = $1 AND column_name = $2`,
            [table, column],
          );
          expect(r[0]?.data_type, `${table}.${column}`).toBe(type);
        }
      });
    });

    it('a second plain run touches no processed page, leaves state.json byte-identical, exits 0', async () => {
      const before = readFileSync(ws.statePath);
      const requests = site.requests.length;
      const r = await ws.run(['backfill']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/skipped ✓/);
      expect(site.requests.slice(requests)).toEqual([]);
      expect(readFileSync(ws.statePath).equals(before)).toBe(true);
    });

    it('--dry-run writes nothing: state bytes, ledger, tables and output unchanged', async () => {
      const before = readFileSync(ws.statePath);
      const outputs = listFiles(join(ws.dir, 'output'));
      const manifests = listFiles(join(ws.dir, 'manifests'));
      const r = await ws.run(['backfill', '--dry-run', '--force']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/would process/);
      expect(readFileSync(ws.statePath).equals(before)).toBe(true);
      expect(listFiles(join(ws.dir, 'output'))).toEqual(outputs);
      expect(listFiles(join(ws.dir, 'manifests'))).toEqual(manifests);
      await ws.withDb(async (db) => expect(await snapshot(db)).toEqual(first));
    });

    it('--force loads 0 rows everywhere, newer completed_at, same totals from the seed queries', async () => {
      const r = await ws.run(['backfill', '--force']);
      expect(r.code).toBe(0);
      const state = ws.state();
      for (const [key, entry] of Object.entries(state.processed)) {
        expect(entry.rows_loaded, key).toBe(0);
        expect(Date.parse(entry.completed_at)).toBeGreaterThan(
          Date.parse(firstState.processed[key].completed_at),
        );
      }
      await ws.withDb(async (db) => expect(await snapshot(db)).toEqual(first));
    });

    it('a 404 page and a corrupt workbook fail their items only (exit 1); --retry-failed processes them once fixed', async () => {
      const pcn = site.publications
        .find((p) => p.pub === 'pcn_workforce')!
        .urls.find((u) => u.period === '2020-09')!;
      const dtocFile = site.requests.find((p) => p.includes('dtoc_Nov_19.xls'))!;
      site.setMissing(pcn.url, true);
      site.setOverride(dtocFile, Buffer.from('this is not a workbook'));
      try {
        const r = await ws.run(['backfill', '--force']);
        expect(r.code).toBe(1);
        const s = ws.state();
        expect(s.failed['pcn_workforce/2020-09'].error).toMatch(/404/);
        expect(s.failed['pcn_workforce/2020-09'].error).toContain(pcn.url);
        expect(s.failed['dtoc/2019-11'].error).toMatch(/dtoc_Nov_19\.xls/);
        expect(s.processed['pcn_workforce/2020-09']).toBeUndefined();
        expect(Object.keys(s.processed).sort()).toEqual(
          Object.keys(firstState.processed)
            .filter((k) => !['pcn_workforce/2020-09', 'dtoc/2019-11'].includes(k))
            .sort(),
        );
        // Failed items are skipped by a plain run
        const skipped = await ws.run(['backfill']);
        expect(skipped.code).toBe(0);
        expect(Object.keys(ws.state().failed).sort()).toEqual(['dtoc/2019-11', 'pcn_workforce/2020-09']);
      } finally {
        site.setMissing(pcn.url, false);
        site.setOverride(dtocFile, null);
      }
      const again = await ws.run(['backfill', '--retry-failed']);
      expect(again.code).toBe(0);
      const s = ws.state();
      expect(s.failed).toEqual({});
      expect(s.processed['pcn_workforce/2020-09'].rows_loaded).toBe(0);
      await ws.withDb(async (db) => expect(await snapshot(db)).toEqual(first));
    });

    it('init-state rebuilds state.json from manifests and the ledger', async () => {
      const { rmSync } = await import('node:fs');
      const before = ws.state();
      rmSync(ws.statePath);
      const r = await ws.run(['init-state']);
      expect(r.code).toBe(0);
      const s = ws.state();
      expect(Object.keys(s.processed).sort()).toEqual(Object.keys(before.processed).sort());
      await ws.withDb(async (db) => {
        for (const [key, entry] of Object.entries(s.processed)) {
          const [pub, period] = key.split('/');
          const [sum] = await db.query(
            `SELECT coalesce(sum(rows_loaded), 0)::int AS n FROM datawarp.tbl_manifest_files WHERE pub = $1 AND period = $2 AND status = 'loaded'`,
            [pub, period],
          );
          expect(entry.rows_loaded, key).toBe(sum.n);
          expect(entry.rows_loaded, key).toBeGreaterThan(0);
        }
      });
    });

    it('an unreachable database stops the run before any item (exit 2), password not shown', async () => {
      const before = readFileSync(ws.statePath);
      const r = await ws.run(['backfill', '--force'], {
        DATABASE_URL: 'postgres://someone:s3cret-pw@127.0.0.1:1/nowhere',
      });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/127\.0\.0\.1:1/);
      expect(`${r.out}${r.err}`).not.toContain('s3cret-pw');
      expect(readFileSync(ws.statePath).equals(before)).toBe(true);
    });

    it('status reports per-publication progress and ledger totals', async () => {
      const r = await ws.run(['status', '--json']);
      expect(r.code).toBe(0);
      const s = JSON.parse(r.out);
      expect(s.processed).toBe(s.total);
      expect(s.rows_in_database).toBe(
        Object.values(JSON.parse(first.seed[3]) as { total_rows: string }[]).reduce(
          (n, x) => n + Number(x.total_rows),
          0,
        ),
      );
      const text = await ws.run(['status']);
      expect(text.out).toMatch(/Primary Care Network Workforce\s*│\n│\s+█+ 2\/2 ✓/);
    });
  });

  describe(`a failure in the middle of an item's second file [${kind}]`, () => {
    let site: NhsSite;
    beforeAll(async () => {
      site = await startNhsSite();
    });
    afterAll(async () => site?.close());

    async function check(ws: Workspace) {
      await ws.withDb(async (db) => {
        const ledger = await db.query<{ file_url: string; table_name: string; rows_loaded: number }>(
          `SELECT file_url, table_name, rows_loaded FROM datawarp.tbl_manifest_files WHERE pub = 'ods_trusts'`,
        );
        expect(ledger.map((l) => l.table_name)).toEqual(['ods_trusts_etr']);
        const etr = Number((await db.query(`SELECT count(*) AS n FROM staging.ods_trusts_etr`))[0].n);
        expect(etr).toBe(Number(ledger[0].rows_loaded));
        expect(etr).toBeGreaterThan(0);
        const epr = await db.query(`SELECT to_regclass('staging.ods_trusts_epraccur') AS t`);
        if (epr[0].t)
          expect(Number((await db.query(`SELECT count(*) AS n FROM staging.ods_trusts_epraccur`))[0].n)).toBe(
            0,
          );
      });
      const again = await ws.run(['backfill', '--retry-failed']);
      expect(again.code).toBe(0);
      await ws.withDb(async (db) => {
        const ledger = await db.query<{ table_name: string; rows_loaded: number }>(
          `SELECT table_name, rows_loaded FROM datawarp.tbl_manifest_files WHERE pub = 'ods_trusts' ORDER BY table_name`,
        );
        expect(ledger.map((l) => l.table_name)).toEqual(['ods_trusts_epraccur', 'ods_trusts_etr']);
        const epr = Number((await db.query(`SELECT count(*) AS n FROM staging.ods_trusts_epraccur`))[0].n);
        expect(epr).toBe(Number(ledger[0].rows_loaded));
        expect(epr).toBeGreaterThan(2000);
        expect(ws.state().processed['ods_trusts/2020-02'].rows_loaded).toBe(epr);
      });
    }

    // copy:1 is etr.zip's one COPY chunk (232 rows); copy:3 is the second 1,000-row chunk of epraccur.zip
    const SECOND_CHUNK_OF_FILE_2 = { DATAWARP_FAULT_AT: 'copy:3', DATAWARP_COPY_CHUNK_ROWS: '1000' };

    it('an error thrown mid-COPY rolls back that file only; a re-run loads it once', async () => {
      const ws = await makeWorkspace(kind, site, ['ods_trusts']);
      try {
        const r = await ws.spawn(['backfill'], { ...SECOND_CHUNK_OF_FILE_2, DATAWARP_FAULT_ACTION: 'throw' });
        expect(r.status, r.out).toBe(1);
        expect(ws.state().failed['ods_trusts/2020-02'].error).toMatch(
          /epraccur\.zip failed at table staging\.ods_trusts_epraccur .*injected fault at copy:3/,
        );
        await check(ws);
      } finally {
        await ws.dispose();
      }
    });

    it('kill -9 mid-COPY leaves nothing of that file; a re-run loads it once', async () => {
      const ws = await makeWorkspace(kind, site, ['ods_trusts']);
      try {
        const r = await ws.spawn(['backfill'], SECOND_CHUNK_OF_FILE_2);
        expect(r.signal, r.out).toBe('SIGKILL');
        await check(ws);
      } finally {
        await ws.dispose();
      }
    });
  });
}
