// Revisions end to end on the local NHS site, both engines: a processed period whose file gains a `-revised`
// twin and one whose bytes change at the same URL both reload as version 2 (version 1's rows in history, totals
// of version 2 only, the diff counting the changed rows); the same bytes at a new URL make no version; a --force
// reload of a zip without one member leaves nothing of that member current.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { parquetMetadata } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NhsSite } from '../scripts/demo/site.js';
import { revisionLines } from '../src/action/summary.js';
import { listVersions, type Db } from '../src/load/index.js';
import { testEngines } from './support/db.js';
import { editCsv, pageWithTwin, reviseRun } from './support/revise.js';
import { firstBackfill, useSiteWorkspace, type Workspace } from './support/workspace.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'nhs');
const QOF_FILE = 'MAPPING_INDICATORS_2021_v2.csv';
const QOF_TWIN = 'MAPPING_INDICATORS_2021_v2-revised.csv';
const PCN_FILE = '1.Primary Care Networks – March 2020 Individual Level.csv';

function parquetRows(path: string): number {
  const buf = readFileSync(path);
  return Number(parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)).num_rows);
}

const n = async (db: Db, sql: string, params: unknown[] = []) =>
  Number((await db.query<{ n: string }>(sql, params))[0].n);

async function ledger(db: Db, pub: string) {
  return db.query<{
    file_url: string;
    sha256: string;
    table_name: string;
    rows_loaded: string;
    status: string;
  }>(
    `SELECT file_url, sha256, table_name, rows_loaded, status FROM datawarp.tbl_manifest_files
      WHERE pub = $1 ORDER BY status, file_url, sheet`,
    [pub],
  );
}

for (const kind of testEngines()) {
  describe(`revisions [${kind}]`, () => {
    // ods_trusts' etr.zip gets a second member, so that a later zip can lose it
    const sw = useSiteWorkspace(kind, ['qof', 'pcn_workforce', 'ods_trusts'], async (w) => {
      const etr = w.site.publications.find((p) => p.pub === 'ods_trusts')!;
      const page = await (await fetch(etr.urls[0].url)).text();
      const etrUrl = /href="([^"]*etr\.zip)"/.exec(page)![1];
      w.site.setOverride(
        etrUrl,
        Buffer.from(
          zipSync({
            'etr.csv': etrCsv(),
            'indicators.csv': strToU8(readFileSync(join(FIXTURES, QOF_FILE), 'utf8')),
          }),
        ),
      );
      await firstBackfill(w);
    });
    let site: NhsSite;
    let ws: Workspace;
    beforeAll(() => void ({ site, ws } = sw));
    const url = (pub: string) => site.publications.find((p) => p.pub === pub)!.urls[0].url;

    it('a `-revised` twin beside its original reloads the period as version 2', async () => {
      const qof = ws.state().processed['qof/FY2020-21'];
      const before = await ws.withDb((db) => ledger(db, 'qof'));
      expect(before.map((l) => l.status)).toEqual(['loaded']);
      const table = before[0].table_name;
      const v1Rows = Number(before[0].rows_loaded);
      const page = await (await fetch(url('qof'))).text();
      site.setOverride(url('qof'), Buffer.from(pageWithTwin(page, QOF_FILE, QOF_TWIN, ' - revised')));
      // the revision: 3 point values changed, 1 indicator withdrawn, 2 added
      const twin = editCsv(
        readFileSync(join(FIXTURES, QOF_FILE), 'utf8'),
        (c, i) => (i === 5 ? null : i < 3 ? [c[0], String(Number(c[1]) + 1), ...c.slice(2)] : c),
        [
          ['ZZ001', '7', 'ZZ', 'Test group', 'CL', 'Clinical', 'TOTAL'],
          ['ZZ002', '8', 'ZZ', 'Test group', 'CL', 'Clinical', 'TOTAL'],
        ],
      );
      const twinUrl = page
        .match(/href="([^"]*MAPPING_INDICATORS_2021_v2\.csv)"/)![1]
        .replace(QOF_FILE, QOF_TWIN);
      site.setOverride(twinUrl, Buffer.from(twin));

      const res = await reviseRun(ws, [{ pub: 'qof', period: 'FY2020-21', reason: 'new file URL' }]);
      expect(res.exitCode).toBe(0);
      expect(res.versions).toEqual([
        { pub: 'qof', period: 'FY2020-21', version: 2, reason: 'new file URL', changed: true },
      ]);
      const o = res.outcomes.find((x) => x.key === 'qof/FY2020-21')!;
      expect(o.version).toMatchObject({
        version: 2,
        rows_added: 2,
        rows_removed: 1,
        rows_changed: 3,
        cells_changed: 3,
      });
      // only the revised item was requested; state describes this run
      expect(res.outcomes.filter((x) => x.status === 'processed').map((x) => x.key)).toEqual([
        'qof/FY2020-21',
      ]);
      const after = ws.state().processed['qof/FY2020-21'];
      expect(after.rows_loaded).toBe(v1Rows + 1);
      expect(after.completed_at >= qof.completed_at).toBe(true);

      await ws.withDb(async (db) => {
        const l = await ledger(db, 'qof');
        expect(l.map((x) => [decodeURIComponent(x.file_url).split('/').pop(), x.status])).toEqual([
          [QOF_TWIN, 'loaded'],
          [QOF_FILE, 'superseded'],
        ]);
        expect(await n(db, `SELECT count(*) AS n FROM staging."${table}"`)).toBe(v1Rows + 1);
        expect(
          await n(db, `SELECT count(*) AS n FROM history."${table}" WHERE _dw_period = 'FY2020-21'`),
        ).toBe(v1Rows);
        // totals count version 2 only
        expect(
          await n(db, `SELECT total_rows AS n FROM datawarp.v_publication_totals WHERE pub = 'qof'`),
        ).toBe(v1Rows + 1);
        expect(
          await n(
            db,
            `SELECT sum(rows_loaded) AS n FROM datawarp.tbl_manifest_files WHERE source_code LIKE '%qof%' AND status = 'loaded'`,
          ),
        ).toBe(v1Rows + 1);
        const versions = await listVersions(db, { pub: 'qof' });
        expect(versions.map((v) => v.version)).toEqual([1, 2]);
      });
      // Parquet: the current version, and version 1 kept beside it
      const dir = join(ws.dir, 'output', 'parquet', table);
      expect(parquetRows(join(dir, 'FY2020-21.parquet'))).toBe(v1Rows + 1);
      expect(parquetRows(join(dir, 'FY2020-21__v1.parquet'))).toBe(v1Rows);
      expect(o.exported?.find((e) => e.version === 1)).toMatchObject({ table, rows: v1Rows });
      const catalog = JSON.parse(readFileSync(join(ws.dir, 'output', 'catalog.json'), 'utf8'));
      const t = catalog.tables.find((x: { table: string }) => x.table === table);
      expect(t.rows).toBe(v1Rows + 1);
      expect(t.files.map((f: { url: string }) => decodeURIComponent(f.url).split('/').pop())).toEqual([
        QOF_TWIN,
      ]);
      expect(t.versions).toEqual([
        expect.objectContaining({
          period: 'FY2020-21',
          version: 2,
          rows_added: 2,
          rows_removed: 1,
          cells_changed: 3,
        }),
      ]);
      expect(t.files[0].version).toBe(2);
      // the run summary shows the revision's diff
      expect(revisionLines(res.outcomes).join('\n')).toContain(
        'qof/FY2020-21: version 2 (new file URL): +2 / -1 rows, 3 cells changed in 3 rows',
      );
      const manifest = readFileSync(join(ws.dir, 'manifests/backfill/qof/qof_FY2020-21.yaml'), 'utf8');
      expect(manifest).toMatch(/^version: 2$/m);
      expect(manifest).toMatch(/cells_changed: 3/);

      // history lists both versions
      const h = await ws.run(['history', '--pub', 'qof', '--json']);
      expect(h.code, h.err).toBe(0);
      const hist = JSON.parse(h.out);
      expect(hist.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect(hist.versions[1]).toMatchObject({ rows_added: 2, rows_removed: 1, cells_changed: 3 });
    });

    it('new bytes at the same URL reload as version 2 with the changed cells counted', async () => {
      const before = await ws.withDb((db) => ledger(db, 'pcn_workforce'));
      const mine = before.filter((l) => l.file_url.includes('March'));
      const table = mine[0].table_name;
      const v1Rows = Number(mine[0].rows_loaded);
      const lines = readFileSync(join(FIXTURES, PCN_FILE), 'latin1').split('\n');
      // five FTE values revised
      for (const i of [1, 2, 10, 100, 200])
        lines[i] = lines[i].replace(
          /,([0-9.]+),([0-9]+)(\r?)$/,
          (_m, fte, id, cr) => `,${Number(fte) + 0.5},${id}${cr}`,
        );
      const edited = Buffer.from(lines.join('\n'), 'latin1');
      expect(edited.equals(readFileSync(join(FIXTURES, PCN_FILE)))).toBe(false);
      site.setOverride(mine[0].file_url, edited);

      const res = await reviseRun(ws, [{ pub: 'pcn_workforce', period: '2020-03', reason: 'new bytes' }]);
      expect(res.exitCode).toBe(0);
      const o = res.outcomes.find((x) => x.key === 'pcn_workforce/2020-03')!;
      expect(o.version).toMatchObject({
        version: 2,
        rows_added: 0,
        rows_removed: 0,
        rows_changed: 5,
        cells_changed: 5,
      });
      expect(o.rowsLoaded).toBe(v1Rows);
      await ws.withDb(async (db) => {
        const l = (await ledger(db, 'pcn_workforce')).filter((x) => x.file_url === mine[0].file_url);
        expect(l.map((x) => x.status).sort()).toEqual(['loaded', 'superseded']);
        expect(new Set(l.map((x) => x.sha256)).size).toBe(2);
        expect(
          await n(
            db,
            `SELECT count(*) AS n FROM history."${table}" WHERE _dw_period = '2020-03' AND _dw_sha256 = $1`,
            [mine[0].sha256],
          ),
        ).toBe(v1Rows);
        expect(await n(db, `SELECT count(*) AS n FROM staging."${table}" WHERE _dw_period = '2020-03'`)).toBe(
          v1Rows,
        );
        // the other period is untouched
        expect(
          await n(db, `SELECT count(*) AS n FROM history."${table}" WHERE _dw_period <> '2020-03'`),
        ).toBe(0);
      });
    });

    it('the same bytes at a new URL make no version', async () => {
      const period = site.publications.find((p) => p.pub === 'pcn_workforce')!.urls[1];
      const page = await (await fetch(period.url)).text();
      const file = /href="([^"]*September[^"]*\.csv)"/.exec(page)![1];
      const moved = file.replace('/files/', '/files/moved/');
      site.setOverride(period.url, Buffer.from(page.split(file).join(moved)));
      const name = decodeURIComponent(file).split('/').pop()!;
      site.setOverride(moved, readFileSync(join(FIXTURES, name)));
      const before = await ws.withDb((db) => ledger(db, 'pcn_workforce'));

      const res = await reviseRun(ws, [{ pub: 'pcn_workforce', period: period.period, reason: 'new URL' }]);
      expect(res.exitCode).toBe(0);
      expect(res.versions).toEqual([
        { pub: 'pcn_workforce', period: period.period, version: 1, reason: 'new URL', changed: false },
      ]);
      expect(res.outcomes.find((x) => x.period === period.period)?.rowsLoaded).toBe(0);
      expect(await ws.withDb((db) => ledger(db, 'pcn_workforce'))).toEqual(before);
    });

    it('a --force reload of a zip without one member leaves nothing of that member current', async () => {
      const before = await ws.withDb((db) => ledger(db, 'ods_trusts'));
      const member = before.find((l) => l.file_url.endsWith('etr.zip') && /indicator/.test(l.table_name));
      expect(member, JSON.stringify(before)).toBeTruthy();
      const etrUrl = member!.file_url;
      site.setOverride(etrUrl, Buffer.from(zipSync({ 'etr.csv': etrCsv() })));
      const r = await ws.run(['backfill', '--force', '--pub', 'ods_trusts']);
      expect(r.code, r.err).toBe(0);
      await ws.withDb(async (db) => {
        const l = await ledger(db, 'ods_trusts');
        expect(l.filter((x) => x.table_name === member!.table_name).map((x) => x.status)).toEqual([
          'superseded',
        ]);
        expect(
          await n(
            db,
            `SELECT count(*) AS n FROM staging."${member!.table_name}" WHERE _dw_period = '2020-02'`,
          ),
        ).toBe(0);
        expect(
          await n(
            db,
            `SELECT count(*) AS n FROM history."${member!.table_name}" WHERE _dw_period = '2020-02'`,
          ),
        ).toBe(Number(member!.rows_loaded));
      });
      const catalog = JSON.parse(readFileSync(join(ws.dir, 'output', 'catalog.json'), 'utf8'));
      expect(catalog.tables.map((t: { table: string }) => t.table)).not.toContain(member!.table_name);
      const dir = join(ws.dir, 'output', 'parquet', member!.table_name);
      expect(existsSync(join(dir, '2020-02.parquet'))).toBe(false);
      expect(parquetRows(join(dir, '2020-02__v1.parquet'))).toBe(Number(member!.rows_loaded));
    });
  });
}

/** etr.csv out of the real etr.zip */
function etrCsv(): Uint8Array {
  return unzipSync(new Uint8Array(readFileSync(join(FIXTURES, 'etr.zip'))))['etr.csv'];
}
