// Vitest globalSetup: provide a PostgreSQL server (DATABASE_URL or a throwaway cluster) and ONE PGlite
// template data directory that test files copy (initdb in PGlite costs seconds and ~1 GB, so only once).
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
  const c = startCluster();
  process.env.DATABASE_URL = c.databaseUrl;
  return () => {
    c.stop();
    delete process.env.DATABASE_URL;
  };
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

export default async function setup(): Promise<() => Promise<void>> {
  const cleanups: (() => void)[] = [];
  const wanted = engines();
  try {
    if (wanted.includes('pg') && !process.env.DATABASE_URL) cleanups.push(startTestCluster());
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
