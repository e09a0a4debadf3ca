// A throwaway DataWarp workspace (config, state, manifests, output) wired to the local NHS site and a test
// database, with helpers to run the CLI in-process or as a child process.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { openDb, type Db, type OpenDbOptions } from '../../src/load/index.js';
import { startNhsSite, type NhsSite, type SitePublication } from '../../scripts/demo/site.js';
import { openTestDb, type EngineKind } from './db.js';

export const REPO = resolve(import.meta.dirname, '..', '..');

export interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  location: OpenDbOptions;
  statePath: string;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }>;
  /** run `datawarp` as a separate node process (for kill -9) */
  spawn(
    args: string[],
    extraEnv?: NodeJS.ProcessEnv,
  ): Promise<{ status: number | null; signal: NodeJS.Signals | null; out: string }>;
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  state(): {
    processed: Record<string, { completed_at: string; rows_loaded: number }>;
    failed: Record<string, { failed_at: string; error: string }>;
  };
  dispose(): Promise<void>;
}

export async function makeWorkspace(kind: EngineKind, site: NhsSite, pubs?: string[]): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), `dw-ws-${kind}-`));
  mkdirSync(join(dir, 'config'), { recursive: true });
  const chosen: SitePublication[] = site.publications.filter((p) => !pubs || pubs.includes(p.pub));
  const config = {
    allowed_hosts: ['127.0.0.1'],
    publications: Object.fromEntries(
      chosen.map((p) => [p.pub, { name: p.name, frequency: p.frequency, urls: p.urls }]),
    ),
  };
  writeFileSync(join(dir, 'config', 'publications.yaml'), YAML.stringify(config));
  const t = await openTestDb(kind);
  await t.db.close(); // the CLI opens it; PGlite allows one handle at a time
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OPENAI_API_KEY;
  delete env.DATAWARP_FAULT_AT;
  if (kind === 'pg') env.DATABASE_URL = t.location.databaseUrl;
  else {
    delete env.DATABASE_URL;
    env.DATAWARP_PGLITE_DIR = t.location.dataDir;
  }
  const statePath = join(dir, 'state', 'state.json');
  return {
    dir,
    env,
    location: t.location,
    statePath,
    async run(args, extraEnv = {}) {
      let out = '';
      let err = '';
      const code = await runCli(args, {
        cwd: dir,
        env: { ...env, ...extraEnv },
        io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
      });
      return { code, out, err };
    },
    // async: the local NHS site runs in this process and must keep answering the child
    spawn(args, extraEnv = {}) {
      const loader = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
      const child = spawn(process.execPath, ['--import', loader, join(REPO, 'src/cli/index.ts'), ...args], {
        cwd: dir,
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGTERM'), 240_000);
      return new Promise((done) =>
        child.on('close', (status, signal) => {
          clearTimeout(timer);
          done({ status, signal, out });
        }),
      );
    },
    async withDb(fn) {
      const db = await openDb(t.location);
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    },
    state() {
      return JSON.parse(readFileSync(statePath, 'utf8'));
    },
    async dispose() {
      t.db = await openDb(t.location);
      await t.dispose();
    },
  };
}

export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}

export interface SiteWorkspace {
  readonly site: NhsSite;
  readonly ws: Workspace;
}

/**
 * The local NHS site and a workspace on it (publications `pubs`, all when omitted) for the describe block or file
 * it is called in: made in beforeAll, then `prepare` runs (e.g. firstBackfill); disposed in afterAll.
 */
export function useSiteWorkspace(
  kind: EngineKind,
  pubs?: string[],
  prepare?: (sw: SiteWorkspace) => Promise<void>,
): SiteWorkspace {
  const sw = {} as { site: NhsSite; ws: Workspace };
  beforeAll(async () => {
    sw.site = await startNhsSite();
    sw.ws = await makeWorkspace(kind, sw.site, pubs);
    await prepare?.(sw);
  });
  afterAll(async () => {
    await sw.ws?.dispose();
    await sw.site?.close();
  });
  return sw;
}

/** A `datawarp backfill` of the whole config that must succeed (a useSiteWorkspace `prepare`). */
export async function firstBackfill({ ws }: SiteWorkspace): Promise<void> {
  const r = await ws.run(['backfill']);
  expect(r.code, r.err).toBe(0);
}
