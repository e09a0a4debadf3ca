// Many DataWarp runs at once against one database: the CLI bundled once from the current sources (a node
// process starts in well under a second, tsx would take ~3 s each), the local NHS site with small synthetic PCN
// files (the later period adds a column and widens one), one workspace per run and snapshots of what landed.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import YAML from 'yaml';
import type { Db } from '../../src/load/index.js';
import { startNhsSite, type NhsSite } from './site.js';
import { REPO } from './workspace.js';

/** dist-like CLI bundle built from src/ into a temp dir; returns its path and a cleanup. */
export async function bundleCli(): Promise<{ cli: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-cli-'));
  const cli = join(dir, 'cli.mjs');
  await build({
    entryPoints: [join(REPO, 'src/cli/index.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@electric-sql/pglite'],
    logLevel: 'warning',
    // CommonJS dependencies inside an ESM bundle still call require()
    banner: {
      js: "import { createRequire as __dwRequire } from 'node:module'; const require = __dwRequire(import.meta.url);",
    },
  });
  return { cli, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const PCN_HEAD = 'Data_source,CENSUS_YEAR,CENSUS_MONTH,PCN_CODE,PCN_NAME,STAFF_ROLE';
const ROLES = ['Pharmacist', 'Social Prescribing Link Worker', 'Physiotherapist'];
export const PCN_ROWS = { '2020-03': 40, '2020-09': 60 };

/** March: FTE whole numbers (bigint). September: FTE with decimals (widens to numeric) and a new column. */
function pcnCsv(month: number, rows: number): string {
  const later = month === 9;
  const lines = [`${PCN_HEAD},FTE${later ? ',DETAILED_STAFF_ROLE' : ''}`];
  for (let i = 0; i < rows; i++) {
    const role = ROLES[i % ROLES.length];
    const fte = later ? `${(i % 4) + 0.25}` : `${(i % 3) + 1}`;
    const code = `U${String(10000 + i)}`;
    lines.push(
      `NWRS Staff,2020,${month},${code},PCN ${i},${role},${fte}${later ? `,${role} (band ${i % 9})` : ''}`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** The local NHS site over the real fixtures, with the two PCN files replaced by small synthetic ones. */
export async function startCrowdSite(): Promise<{ site: NhsSite; close(): Promise<void> }> {
  const real = join(REPO, 'test/fixtures/nhs');
  const dir = mkdtempSync(join(tmpdir(), 'dw-crowd-files-'));
  const pcn = {
    '1.Primary Care Networks – March 2020 Individual Level.csv': pcnCsv(3, PCN_ROWS['2020-03']),
    '3.Primary Care Networks – September 2020 Individual Level.csv': pcnCsv(9, PCN_ROWS['2020-09']),
  };
  for (const f of readdirSync(real)) if (!(f in pcn)) symlinkSync(join(real, f), join(dir, f));
  for (const [f, text] of Object.entries(pcn)) writeFileSync(join(dir, f), text);
  const site = await startNhsSite({ filesDir: dir });
  return {
    site,
    async close() {
      await site.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A workspace that backfills exactly `items` ("pub/period"), publications in the order they first appear. */
export function makeRunDir(site: NhsSite, items: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-crowd-ws-'));
  const publications: Record<string, unknown> = {};
  for (const item of items) {
    const [code, period] = item.split('/');
    const p = site.publications.find((x) => x.pub === code);
    const u = p?.urls.find((x) => x.period === period);
    if (!p || !u) throw new Error(`no ${item} on the site`);
    const entry = (publications[code] ??= { name: p.name, frequency: p.frequency, urls: [] }) as {
      urls: { period: string; url: string }[];
    };
    entry.urls.push(u);
  }
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'publications.yaml'),
    YAML.stringify({ allowed_hosts: ['127.0.0.1'], publications }),
  );
  return dir;
}

export interface CliRun {
  code: number | null;
  out: string;
}

/** `datawarp backfill` in `cwd` as its own node process against `databaseUrl`. */
export function runBackfill(cli: string, cwd: string, databaseUrl: string): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  delete env.OPENAI_API_KEY;
  delete env.DATAWARP_FAULT_AT;
  const child = spawn(process.execPath, [cli, 'backfill'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((done) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out });
    }),
  );
}

export interface DbSnapshot {
  /** pub|period|file_url|sheet|table_name|sha256|rows_loaded|status, sorted */
  ledger: string[];
  /** rows per staging table */
  counts: Record<string, number>;
  /** "column type" per staging table, sorted (column order depends on which run came first) */
  columns: Record<string, string[]>;
}

export async function snapshotDb(db: Db): Promise<DbSnapshot> {
  const ledger = await db.query<Record<string, unknown>>(
    `SELECT pub, period, file_url, sheet, table_name, sha256, rows_loaded, status FROM datawarp.tbl_manifest_files`,
  );
  const cols = await db.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'staging'
      ORDER BY table_name, column_name`,
  );
  const columns: Record<string, string[]> = {};
  for (const c of cols) (columns[c.table_name] ??= []).push(`${c.column_name} ${c.data_type}`);
  const counts: Record<string, number> = {};
  for (const t of Object.keys(columns).sort()) {
    columns[t].sort();
    counts[t] = Number((await db.query(`SELECT count(*) AS n FROM staging."${t}"`))[0].n);
  }
  return { ledger: ledger.map((r) => Object.values(r).join('|')).sort(), counts, columns };
}

/** (file, sheet, table) keys of the ledger that appear more than once. */
export async function duplicateLedgerKeys(db: Db): Promise<unknown[]> {
  return db.query(
    `SELECT file_url, sheet, table_name, count(*)::int AS n FROM datawarp.tbl_manifest_files
      GROUP BY file_url, sheet, table_name HAVING count(*) > 1`,
  );
}
