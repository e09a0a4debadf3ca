// What the bench's cases share: running `datawarp` and `psql` as child processes (timed, exit code and output
// kept), fresh databases and workspaces made before a clock starts, and the counts the gates read.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Check } from './stats.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = process.env.BENCH_CLI ?? join(ROOT, 'bin/datawarp.js');
export const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

export interface Run {
  s: number;
  /** peak RSS in MB (from /usr/bin/time -v when run under it, else 0) */
  rssMb: number;
  code: number | null;
  out: string;
}

/** Spawn a process and time it from spawn to exit. */
export function timedRun(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }) {
  return new Promise<Run>((ok, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(out)?.[1] ?? 0);
      ok({ s: (performance.now() - t0) / 1000, rssMb: kb / 1024, code, out });
    });
  });
}

/** Run `datawarp <args>` as a user would (bin/datawarp.js), under /usr/bin/time -v for its peak RSS.
 * `DATABASE_URL: undefined` means PGlite (the key is dropped from the child's environment). */
export function datawarp(cwd: string, args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return timedRun('/usr/bin/time', ['-v', process.execPath, CLI, ...args], { cwd, env: childEnv });
}

/** A psql query's unaligned output (throws on any error: for set-up and gate reads, never timed). */
export function psql(url: string, sql: string): string {
  return execFileSync('psql', [url, '-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
}

/** A timed psql command (a `\copy`), its exit code and its output kept for the gate. */
export function psqlTimed(url: string, command: string): Promise<Run> {
  return timedRun('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', '-c', command], {});
}

/** `COPY n` as psql prints it after a \copy; null when it printed none. */
export function copyCount(out: string): number | null {
  const m = /^COPY (\d+)$/m.exec(out);
  return m ? Number(m[1]) : null;
}

export function withDb(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, empty database (made before any clock starts). */
export function freshDb(base: string, name: string): string {
  psql(base, `DROP DATABASE IF EXISTS ${name}`);
  psql(base, `CREATE DATABASE ${name}`);
  return withDb(base, name);
}

export function dropDb(base: string, name: string): void {
  psql(base, `DROP DATABASE IF EXISTS ${name}`);
}

/** A workspace whose config lists one publication with one period at `url`. */
export function workspace(tag: string, pub: string, name: string, url: string): string {
  const ws = mkdtempSync(join(tmpdir(), `datawarp-bench-${tag}-`));
  mkdirSync(join(ws, 'config'));
  writeFileSync(
    join(ws, 'config/publications.yaml'),
    `allowed_hosts: ['127.0.0.1']\npublications:\n  ${pub}:\n    name: ${name}\n` +
      `    frequency: monthly\n    urls:\n      - period: 2024-01\n        url: ${url}\n`,
  );
  return ws;
}

/** Something that answers SQL with rows of plain values: psql on a URL, or an open PGlite. */
export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

export function psqlQuery(url: string): Query {
  return async (sql) =>
    psql(url, `SELECT row_to_json(q)::text FROM (${sql}) q`)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export interface Loaded {
  /** sum of rows_loaded of the period's loaded ledger rows */
  ledger: number;
  /** rows of the period in the staging tables the ledger names */
  staging: number;
  tables: string[];
  /** the ledger's rows for the period and their latest loaded_at: a run that loads nothing changes neither */
  stamp: string;
}

/** What the ledger says was loaded for 2024-01, and what the staging tables hold for it. */
export async function loadedRows(q: Query, period = '2024-01'): Promise<Loaded> {
  const lit = `'${period.replace(/'/g, "''")}'`;
  const [l] = await q(
    `SELECT coalesce(sum(rows_loaded), 0)::bigint AS n, count(*)::int AS k, max(loaded_at)::text AS at
       FROM datawarp.tbl_manifest_files WHERE status = 'loaded' AND period = ${lit}`,
  );
  const tables = (
    await q(
      `SELECT DISTINCT table_name AS t FROM datawarp.tbl_manifest_files
        WHERE status = 'loaded' AND period = ${lit} ORDER BY 1`,
    )
  ).map((r) => String(r.t));
  let staging = 0;
  for (const t of tables) {
    const [c] = await q(`SELECT count(*)::bigint AS n FROM staging."${t}" WHERE _dw_period = ${lit}`);
    staging += Number(c.n);
  }
  return { ledger: Number(l.n), staging, tables, stamp: `${String(l.k)} rows, last ${String(l.at)}` };
}

/** The gate's check that a run exited 0, carrying the end of its output (without /usr/bin/time's report) when
 * it did not. */
export function exited(what: string, run: Run): Check {
  const check: Check = { what: `exit code of ${what}`, want: 0, got: run.code };
  if (run.code === 0) return check;
  const own = run.out
    .split(
      /^\s*(?:Command being timed:|Command exited with non-zero status|Command terminated by signal)/m,
    )[0]
    .trim();
  return { ...check, detail: own.split('\n').slice(-15).join('\n') };
}

/** "staging.a" or "the 7 staging tables the ledger names (staging.a, …)" */
export function stagingNames(tables: string[]): string {
  if (tables.length === 1) return `staging.${tables[0]}`;
  return `the ${tables.length} staging tables the ledger names (staging.${tables[0] ?? '?'}, …)`;
}
