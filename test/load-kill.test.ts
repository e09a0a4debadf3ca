// kill -9 in the middle of a file's COPY: the committed file survives, the killed one leaves nothing,
// and a re-run loads it exactly once. On both engines (same PGlite dir / same server database).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { ledgerRows, loadFile, type Db } from '../src/load/index.js';
import { forEachEngine } from './support/db.js';
import { runTsChild, type ChildResult } from './support/child.js';
import { crashFile } from './support/load-fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CHILD = `
import { openDb, ensureSchema, loadFile } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'src/load/index.ts')).href)};
import { crashFile } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'test/support/load-fixtures.ts')).href)};
const db = await openDb(JSON.parse(process.env.DW_CHILD_DB));
await ensureSchema(db);
const r1 = await loadFile(db, crashFile(1));
process.stdout.write('file1 ' + r1.rowsLoaded + '\\n');
await loadFile(db, crashFile(2), {
  chunkRows: 500,
  onChunk: ({ table, chunk }) => {
    if (table === 'crash_beta' && chunk === 3) {
      process.stdout.write('killing at ' + table + '#' + chunk + '\\n', () => process.kill(process.pid, 'SIGKILL'));
      return new Promise(() => {}); // never resumes: the COPY stays open until the kill lands
    }
  },
});
process.stdout.write('file2 loaded (unexpected)\\n');
await db.close();
`;

function runChild(location: object): Promise<ChildResult> {
  return runTsChild(CHILD, { DW_CHILD_DB: JSON.stringify(location) });
}

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['crash_alpha', 'crash_beta']) {
    const rows = await db.query<{ f: string; n: number }>(
      `SELECT _dw_file_url AS f, count(*)::int AS n FROM staging."${t}" GROUP BY 1 ORDER BY 1`,
    );
    for (const r of rows) out[`${t} ${r.f.replace(/.*\//, '')}`] = r.n;
  }
  return out;
}

forEachEngine('kill -9 during COPY', (ctx) => {
  it('keeps the committed file, drops the killed one, and a re-run loads it once', async () => {
    // The child needs the storage to itself (a PGlite dir must not be open twice).
    await ctx.db.close();
    const res = await runChild(ctx.location);
    expect(res.stdout, res.stderr).toContain('file1 6000');
    expect(res.stdout, res.stderr).toContain('killing at crash_beta#3');
    expect(res.stdout).not.toContain('unexpected');
    expect(res.signal).toBe('SIGKILL');

    const db = await ctx.reopen();
    expect(await counts(db)).toEqual({ 'crash_alpha file1.csv': 3000, 'crash_beta file1.csv': 3000 });
    const ledger = await ledgerRows(db, { pub: 'crash' });
    expect(ledger.map((r) => [r.period, r.sheet, r.rows_loaded, r.status])).toEqual([
      ['2024-01', 'alpha', 3000, 'loaded'],
      ['2024-01', 'beta', 3000, 'loaded'],
    ]);

    const rerun = await loadFile(db, crashFile(2));
    expect(rerun.rowsLoaded).toBe(6000);
    expect((await loadFile(db, crashFile(1))).rowsLoaded).toBe(0);
    expect((await loadFile(db, crashFile(2))).rowsLoaded).toBe(0);
    expect(await counts(db)).toEqual({
      'crash_alpha file1.csv': 3000,
      'crash_alpha file2.csv': 3000,
      'crash_beta file1.csv': 3000,
      'crash_beta file2.csv': 3000,
    });
    const [dups] = await db.query(
      `SELECT count(*)::int AS n FROM (SELECT id FROM staging.crash_beta GROUP BY id HAVING count(*) > 1) d`,
    );
    expect(dups.n).toBe(0);
    expect(await ledgerRows(db, { pub: 'crash' })).toHaveLength(4);
  });
});
