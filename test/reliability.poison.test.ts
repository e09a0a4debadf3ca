// A poison pill: a workbook that exhausts its parser's memory comes before a good publication. Its sheet's XML
// carries namespace prefixes, so the streaming reader (xlsx-stream.ts) hands it to the grid path: SheetJS in a
// child process with a heap of limits.max_parser_memory. It fails alone, with the cause named; the good one
// loads; the run exits 1 (an item failed); a plain run skips it and --retry-failed retries it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forEachEngine } from './support/db.js';
import {
  heavyWorkbook,
  runCliIn,
  serveDir,
  smallWorkbook,
  writeConfig,
  type Served,
} from './support/faults.js';

const HEAVY_ROWS = 100_000; // 3 MB of xlsx; SheetJS needs well over 64 MiB of heap for it
let dir: string;
let served: Served;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-poison-'));
  fs.mkdirSync(path.join(dir, 'files'));
  heavyWorkbook(path.join(dir, 'files', 'heavy.xlsx'), HEAVY_ROWS, { prefixed: true });
  smallWorkbook(path.join(dir, 'files', 'good.xlsx'), 40);
  served = await serveDir(path.join(dir, 'files'));
});

afterAll(async () => {
  await served?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

forEachEngine('a workbook that exhausts its parser', (ctx) => {
  it('fails alone with the cause named; the next item loads; --retry-failed retries it', async () => {
    await ctx.db.close();
    const ws = path.join(dir, ctx.kind);
    writeConfig(ws, { heavy: `${served.url}/heavy.xlsx`, good: `${served.url}/good.xlsx` });
    const state = () => JSON.parse(fs.readFileSync(path.join(ws, 'state/state.json'), 'utf8'));

    const first = await runCliIn(ws, ctx.location, ['backfill'], { DATAWARP_MAX_PARSER_MEMORY: '64MiB' });
    expect(first.code, first.out).toBe(1);
    expect(first.out).toMatch(
      /heavy\/2024-01 {2}✗ cannot read http:\S+\/heavy\.xlsx: the workbook "heavy\.xlsx" needs more memory than its parser may use: over the limit max_parser_memory \(64 MiB\); if the file is genuine, raise limits\.max_parser_memory in the config or DATAWARP_MAX_PARSER_MEMORY/,
    );
    expect(first.out).toMatch(/good\/2024-01 {2}✓ 40 rows loaded/);
    expect(Object.keys(state().failed)).toEqual(['heavy/2024-01']);
    expect(state().failed['heavy/2024-01']).toMatchObject({ transient: false });
    expect(Object.keys(state().processed)).toEqual(['good/2024-01']);
    // no temp files of the parse left beside the downloads
    const left = fs.readdirSync(path.join(ws, '.datawarp/downloads'), { recursive: true }).map(String);
    expect(left.filter((f) => f.endsWith('.part'))).toEqual([]);

    const plain = await runCliIn(ws, ctx.location, ['backfill'], { DATAWARP_MAX_PARSER_MEMORY: '64MiB' });
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).toMatch(/heavy\/2024-01 {2}skipped ✗/);

    const retry = await runCliIn(ws, ctx.location, ['backfill', '--retry-failed']);
    expect(retry.code, retry.out).toBe(0);
    expect(state().failed).toEqual({});
    expect(state().processed['heavy/2024-01'].rows_loaded).toBe(HEAVY_ROWS - 1);
    const db = await ctx.reopen();
    const [t] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM staging.${(await db.query<{ t: string }>(`SELECT table_name AS t FROM datawarp.tbl_manifest_files WHERE pub = 'heavy'`))[0].t}`,
    );
    expect(t.n).toBe(HEAVY_ROWS - 1);
  });
});
