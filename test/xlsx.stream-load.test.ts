// A generated 200,000-row workbook loads through the streamed xlsx path with exact rows and sums while the
// loading process's peak memory (VmHWM from /proc, over it and any child it starts) stays under a bound that
// reading the workbook whole would break (SheetJS alone took 528 MB on it, the whole run 1,373 MB); and a
// kill -9 in the middle of its sheet leaves nothing of it loaded, and a re-run loads it exactly once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { ledgerRows } from '../src/load/index.js';
import { openFile } from '../src/manifest/extract/index.js';
import { generateWorkbook } from '../bench/workbook.js';
import { forEachEngine } from './support/db.js';
import { REPO } from './support/workspace.js';

const ROWS = 200_000;
/** MB, over the loading process and its children: the tsx child, the head of the sheet and a batch; PGlite's
 * database lives in the same process. */
const BOUND_MB = { pg: 400, pglite: 700 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-xlsx-load-'));
const book = generateWorkbook(dir, ROWS);

const CHILD = `
import { openDb, ensureSchema, loadFile } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'src/load/index.ts')).href)};
import { openFile } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'src/manifest/extract/index.ts')).href)};
const db = await openDb(JSON.parse(process.env.DW_CHILD_DB));
await ensureSchema(db);
const f = await openFile(process.env.DW_BOOK, { ext: 'xlsx' });
const kill = Number(process.env.DW_KILL_AT || 0);
const r = await loadFile(db, { pub: 'wb', period: '2024-01', fileUrl: 'https://example.org/book.xlsx', sha256: 'x',
  tables: f.tables.map((rows) => ({ sheet: rows.spec.sheet, rows,
    source: { sourceCode: 'wb_t', tableName: 'wb_t', columns: rows.spec.columns } })) }, {
  chunkRows: 10000,
  onChunk: ({ chunk }) => {
    if (kill && chunk === kill) {
      process.stdout.write('killing at chunk ' + chunk + '\\n', () => process.kill(process.pid, 'SIGKILL'));
      return new Promise(() => {});
    }
  },
});
await db.close();
process.stdout.write('loaded ' + r.rowsLoaded + '\\n');
`;

/** Peak VmHWM (MB) of a process and its descendants, polled from /proc. */
function peakRss(pid: number): () => number {
  const peaks = new Map<number, number>();
  const tree = (p: number): number[] => {
    try {
      const kids = fs
        .readdirSync(`/proc/${p}/task`)
        .flatMap((t) => fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/))
        .filter(Boolean)
        .map(Number);
      return [p, ...kids.flatMap(tree)];
    } catch {
      return [p];
    }
  };
  const read = () => {
    for (const p of tree(pid)) {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
        if (m) peaks.set(p, Math.max(peaks.get(p) ?? 0, Number(m[1]) / 1024));
      } catch {
        /* exited */
      }
    }
  };
  const timer = setInterval(read, 50);
  return () => {
    clearInterval(timer);
    return [...peaks.values()].reduce((a, b) => a + b, 0);
  };
}

function run(location: object, killAt = 0) {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-child-')), 'child.mts');
  fs.writeFileSync(script, CHILD);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: REPO,
    env: {
      ...process.env,
      DW_CHILD_DB: JSON.stringify(location),
      DW_BOOK: book.path,
      DW_KILL_AT: String(killAt),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = peakRss(child.pid!);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise<{ code: number | null; signal: string | null; out: string; peak: number }>((ok) =>
    child.on('close', (code, signal) => ok({ code, signal, out, peak: stop() })),
  );
}

forEachEngine('a 200,000-row workbook streamed', (ctx) => {
  it('kill -9 mid-sheet leaves nothing of it; a re-run loads it exactly once', async () => {
    await ctx.db.close();
    const res = await run(ctx.location, 5);
    expect(res.out).toContain('killing at chunk 5');
    expect(res.signal).toBe('SIGKILL');
    const db = await ctx.reopen();
    const [t] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'staging' AND table_name = 'wb_t'`,
    );
    if (t.n) expect(await db.query(`SELECT 1 FROM staging.wb_t LIMIT 1`)).toEqual([]);
    expect(await ledgerRows(db, { pub: 'wb' })).toHaveLength(0);
    await db.close();
  }, 600_000);

  it('loads with exact rows and sums in bounded memory', async () => {
    const res = await run(ctx.location);
    expect(res.code, res.out).toBe(0);
    expect(res.out).toContain(`loaded ${ROWS}`);
    const db = await ctx.reopen();
    const [r] = await db.query<{ n: number; s: string; d: number }>(
      `SELECT count(*)::int AS n, sum(appointments)::text AS s, count(DISTINCT _dw_row)::int AS d FROM staging.wb_t`,
    );
    expect(r).toEqual({ n: ROWS, s: String(book.total), d: ROWS });
    expect(await ledgerRows(db, { pub: 'wb' })).toHaveLength(1);
    expect(res.peak, `peak RSS ${res.peak.toFixed(0)} MB`).toBeLessThan(BOUND_MB[ctx.kind]);
    console.log(`[${ctx.kind}] peak RSS over the loading processes: ${res.peak.toFixed(0)} MB`);
    // the same file opened here streams too (no table read into memory by the grid path)
    const f = await openFile(book.path, { ext: 'xlsx' });
    expect(f.tables.map((x) => x.spec.rowCount)).toEqual([ROWS]);
  }, 600_000);
});
