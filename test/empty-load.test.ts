// Empty loads fail: an item's first load whose files give no data rows (a header-only CSV) fails naming the file,
// not transient; `allow_empty: true` on its publication accepts it; a --force re-run of a period loaded before
// that now finds 0 rows is processed as before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachEngine } from './support/db.js';
import { runCliIn, serveDir, type Served } from './support/faults.js';

let dir: string;
let served: Served;
const files = () => path.join(dir, 'files');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-empty-'));
  fs.mkdirSync(files());
  fs.writeFileSync(path.join(files(), 'header-only.csv'), 'code,name,count\n');
  fs.writeFileSync(path.join(files(), 'totals.csv'), 'code,name,count\nA1,one,1\nA2,two,2\nTotal,,10\n');
  served = await serveDir(files());
});

afterAll(async () => {
  await served?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeConfig(ws: string, kind: string): void {
  fs.mkdirSync(path.join(ws, 'config'), { recursive: true });
  const pub = (file: string, extra = {}) => ({
    name: `Test ${file}`,
    frequency: 'monthly',
    ...extra,
    urls: [{ period: '2024-01', url: `${served.url}/${file}` }],
  });
  const config = {
    allowed_hosts: ['127.0.0.1'],
    publications: {
      empty: pub('header-only.csv'),
      may_be_empty: pub('header-only.csv', { allow_empty: true }),
      shrinks: pub(`shrinks-${kind}.csv`),
      totals: pub('totals.csv'),
    },
  };
  fs.writeFileSync(path.join(ws, 'config', 'publications.yaml'), YAML.stringify(config));
}

forEachEngine('empty loads', (ctx) => {
  it('a header-only first load fails naming the file; allow_empty accepts it; a --force re-run of 0 rows does not fail', async () => {
    await ctx.db.close();
    const ws = path.join(dir, ctx.kind);
    const shrinks = path.join(files(), `shrinks-${ctx.kind}.csv`);
    fs.writeFileSync(shrinks, 'code,name,count\nA1,one,1\nA2,two,2\n');
    writeConfig(ws, ctx.kind);
    const state = () => JSON.parse(fs.readFileSync(path.join(ws, 'state/state.json'), 'utf8'));

    const first = await runCliIn(ws, ctx.location, ['backfill']);
    expect(first.code, first.out).toBe(1);
    expect(first.out).toMatch(
      /empty\/2024-01 {2}✗ no data rows in header-only\.csv \(http:\S+\/header-only\.csv\)/,
    );
    expect(first.out).toContain('allow_empty: true');
    expect(state().failed['empty/2024-01']).toMatchObject({ transient: false });
    expect(state().processed['may_be_empty/2024-01']).toMatchObject({ rows_loaded: 0 });
    expect(state().processed['shrinks/2024-01']).toMatchObject({ rows_loaded: 2 });
    // the Total row (10) against its detail rows (3): in the manifest and the catalog, a warning in the log
    const manifest = YAML.parse(
      fs.readFileSync(path.join(ws, 'manifests/backfill/totals/totals_2024-01.yaml'), 'utf8'),
    );
    expect(manifest.reconciliation[0].columns).toEqual([
      { column: 'count', status: 'differs', total: '10', sum: '3', difference: '7', rows: 2 },
    ]);
    const catalog = JSON.parse(fs.readFileSync(path.join(ws, 'output/catalog.json'), 'utf8'));
    const t = catalog.tables.find((x: { publication: string }) => x.publication === 'totals');
    expect(t.reconciliation[0]).toMatchObject({ period: '2024-01', totalRow: 4 });
    expect(first.out).toMatch(/totals\/2024-01 .*its detail rows sum to 3 \(difference 7\)/);

    // the period loaded before: now header-only, a --force re-run loads 0 rows and is processed
    fs.writeFileSync(shrinks, 'code,name,count\n');
    const again = await runCliIn(ws, ctx.location, ['backfill', '--force', '--pub', 'shrinks']);
    expect(again.code, again.out).toBe(0);
    expect(state().processed['shrinks/2024-01']).toMatchObject({ rows_loaded: 0 });
    expect(state().failed['shrinks/2024-01']).toBeUndefined();

    // still failing on a retry: a failed first load left nothing in the ledger that would let it pass
    const retry = await runCliIn(ws, ctx.location, ['backfill', '--retry-failed', '--pub', 'empty']);
    expect(retry.code, retry.out).toBe(1);
    const db = await ctx.reopen();
    const ledger = await db.query(`SELECT 1 FROM datawarp.tbl_manifest_files WHERE pub = 'empty'`);
    expect(ledger).toEqual([]);
  });
});
