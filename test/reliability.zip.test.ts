// Zips and encodings from the hostile-world probe: a 3,000-member zip (3,000 tables: PostgreSQL's lock table
// overflowed in one transaction, "out of shared memory"), UTF-16 CSVs with and without a byte order mark, and a
// member whose path climbs out of the extraction directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSchema, ledgerRows, loadFile } from '../src/load/index.js';
import { extractFile, manifestFile, openFile } from '../src/manifest/index.js';
import { openTestDb, testEngines } from './support/db.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-zip-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MEMBERS = 3000;

// The server only: the lock table is PostgreSQL's (PGlite runs one backend; 3,000 tables there take minutes).
describe.skipIf(!testEngines().includes('pg'))('a 3,000-member zip [pg]', () => {
  it('loads every member as its own table (in groups of tables, not one transaction)', async () => {
    const members: Record<string, Uint8Array> = {};
    for (let i = 0; i < MEMBERS; i++) members[`m${i}.csv`] = strToU8(`id,v${i}\n1,${i}\n2,${i * 2}\n`);
    const zip = path.join(dir, 'many.zip');
    fs.writeFileSync(zip, zipSync(members, { level: 1 }));
    const f = await openFile(zip, { ext: 'zip' });
    expect(f.tables).toHaveLength(MEMBERS);

    const t = await openTestDb('pg');
    try {
      await ensureSchema(t.db);
      const res = await loadFile(t.db, {
        pub: 'many',
        period: '2024-01',
        fileUrl: 'https://example.org/many.zip',
        sha256: 'many-1',
        tables: f.tables.map((rows, i) => ({
          sheet: rows.spec.id,
          rows,
          source: { sourceCode: `many_m${i}`, tableName: `many_m${i}`, columns: rows.spec.columns },
        })),
      });
      expect(res.rowsLoaded).toBe(MEMBERS * 2);
      const ledger = await ledgerRows(t.db, { pub: 'many' });
      expect(ledger).toHaveLength(MEMBERS);
      expect(ledger.every((r) => r.status === 'loaded' && r.rows_loaded === 2)).toBe(true);
      const [n] = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'staging' AND table_name LIKE 'many_m%'`,
      );
      expect(n.n).toBe(MEMBERS);
      const [v] = await t.db.query<{ s: string }>(`SELECT sum(v2999)::text AS s FROM staging.many_m2999`);
      expect(v.s).toBe(String(2999 * 3));
    } finally {
      await t.dispose();
    }
  }, 400_000);
});

describe('UTF-16 CSVs', () => {
  const text = 'code,name,count\nE001,Leeds ü,12\nE002,York,7\n';
  const cases: [string, Buffer][] = [
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le')],
  ];
  for (const [name, bytes] of cases) {
    it(`${name}: decoded (columns code, name, count; not c_o_d_e)`, async () => {
      const p = path.join(dir, `${name.replace(/\W+/g, '_')}.csv`);
      fs.writeFileSync(p, bytes);
      const x = await extractFile(p, { ext: 'csv' });
      expect(x.tables).toHaveLength(1);
      expect(x.tables[0].spec.columns.map((c) => c.name)).toEqual(['code', 'name', 'count']);
      expect(x.tables[0].rows).toEqual([
        ['E001', 'Leeds ü', 12],
        ['E002', 'York', 7],
      ]);
    });
  }
});

describe('an unsafe zip member path', () => {
  it('is skipped with the reason in the manifest, the safe member is read', async () => {
    const zip = path.join(dir, 'climb.zip');
    fs.writeFileSync(
      zip,
      zipSync({ '../../x.csv': strToU8('a,b\n1,2\n'), 'ok.csv': strToU8('a,b\n3,4\n') }, { level: 1 }),
    );
    const source = await openFile(zip, { ext: 'zip' });
    const m = manifestFile({
      file: {
        url: 'https://example.org/climb.zip',
        title: 'climb',
        ext: 'zip',
        path: zip,
        sha256: 'x',
        bytes: 1,
      },
      source,
    } as Parameters<typeof manifestFile>[0]);
    expect(m.skipped).toEqual([
      { name: '../../x.csv', reason: expect.stringMatching(/^unsafe path \(.*\.\.\/\.\.\/x\.csv/) },
    ]);
    expect(m.tables.map((t) => t.id)).toEqual(['ok.csv#1']);
  });
});
