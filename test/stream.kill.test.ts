// kill -9 in the middle of a streamed file (the fast path's bytes on the server, typed batches on PGlite): the
// file loaded before stays, nothing of the killed one is left, and a re-run loads it exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { ledgerRows, loadFile } from '../src/load/index.js';
import { openFile } from '../src/manifest/extract/index.js';
import { forEachEngine } from './support/db.js';
import { runTsChild } from './support/child.js';
import { writeCsv } from './support/big-csv.js';
import { REPO } from './support/workspace.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-stream-kill-'));
const N = 100_000;
const row = (i: number) => [
  String(i + 1),
  `E${String(i % 977).padStart(6, '0')}`,
  String(i % 1000),
  '2024-02-01',
  `n${i % 9}`,
];
const small = writeCsv(path.join(dir, 'small.csv'), 3000, row);
const big = writeCsv(path.join(dir, 'big.csv'), N, row);

const CHILD = `
import { openDb, ensureSchema, loadFile } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'src/load/index.ts')).href)};
import { openFile } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'src/manifest/extract/index.ts')).href)};
const db = await openDb(JSON.parse(process.env.DW_CHILD_DB));
await ensureSchema(db);
const input = async (p, url) => {
  const f = await openFile(p, { ext: 'csv' });
  return { pub: 'sk', period: '2024-02', fileUrl: url, sha256: url, tables: f.tables.map((rows) => ({ sheet: 'csv', rows,
    source: { sourceCode: 'sk_t', tableName: 'sk_t', columns: rows.spec.columns } })) };
};
const r1 = await loadFile(db, await input(process.env.DW_SMALL, 'https://example.org/small.csv'));
process.stdout.write('small ' + r1.rowsLoaded + '\\n');
await loadFile(db, await input(process.env.DW_BIG, 'https://example.org/big.csv'), {
  chunkRows: 10000,
  onChunk: ({ chunk }) => {
    if (chunk === 3) {
      process.stdout.write('killing at chunk ' + chunk + '\\n', () => process.kill(process.pid, 'SIGKILL'));
      return new Promise(() => {});
    }
  },
});
process.stdout.write('big loaded (unexpected)\\n');
`;

function runChild(location: object) {
  return runTsChild(CHILD, { DW_CHILD_DB: JSON.stringify(location), DW_SMALL: small.path, DW_BIG: big.path });
}

forEachEngine('kill -9 inside a streamed file', (ctx) => {
  it('leaves the earlier file, nothing of the killed one; a re-run loads it once', async () => {
    await ctx.db.close();
    const res = await runChild(ctx.location);
    expect(res.stdout, res.stderr).toContain('small 3000');
    expect(res.stdout, res.stderr).toContain('killing at chunk 3');
    expect(res.signal).toBe('SIGKILL');

    const db = await ctx.reopen();
    const byFile = async () =>
      Object.fromEntries(
        (
          await db.query<{ f: string; n: number }>(
            `SELECT _dw_file_url AS f, count(*)::int AS n FROM staging.sk_t GROUP BY 1 ORDER BY 1`,
          )
        ).map((r) => [r.f.replace(/.*\//, ''), r.n]),
      );
    expect(await byFile()).toEqual({ 'small.csv': 3000 });
    expect(await ledgerRows(db, { pub: 'sk' })).toHaveLength(1);

    const f = await openFile(big.path, { ext: 'csv' });
    const again = await loadFile(db, {
      pub: 'sk',
      period: '2024-02',
      fileUrl: 'https://example.org/big.csv',
      sha256: 'https://example.org/big.csv',
      tables: f.tables.map((rows) => ({
        sheet: 'csv',
        rows,
        source: { sourceCode: 'sk_t', tableName: 'sk_t', columns: rows.spec.columns },
      })),
    });
    expect(again.rowsLoaded).toBe(N);
    expect(await byFile()).toEqual({ 'big.csv': N, 'small.csv': 3000 });
    const [s] = await db.query<{ s: string; dups: number }>(
      `SELECT sum(amount)::text AS s, (SELECT count(*)::int FROM (SELECT _dw_row FROM staging.sk_t
         WHERE _dw_file_url LIKE '%big.csv' GROUP BY _dw_row HAVING count(*) > 1) d) AS dups
         FROM staging.sk_t WHERE _dw_file_url LIKE '%big.csv'`,
    );
    expect(s).toEqual({ s: String(big.sum(2)), dups: 0 });
  });
});
