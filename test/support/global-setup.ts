// Vitest globalSetup: provide a PostgreSQL server (DATABASE_URL or a throwaway cluster) and ONE PGlite
// template data directory that test files copy (initdb in PGlite costs seconds and ~1 GB, so only once).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function engines(): string[] {
  return (process.env.DATAWARP_TEST_ENGINES ?? 'pg,pglite')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function startCluster(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-test-pg-'));
  let out: string;
  try {
    out = execFileSync('bash', [path.join(ROOT, '.ci/pg-start.sh'), dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      'DATABASE_URL is not set and a throwaway PostgreSQL cluster could not be started. ' +
        "Install Debian's postgresql (apt-get install postgresql) or set DATABASE_URL to a server the tests may " +
        `create databases on (or set DATAWARP_TEST_ENGINES=pglite).\n${(e.stderr || e.message).trim()}`,
      { cause: err },
    );
  }
  const vars: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) vars[m[1]] = m[2].trim();
  if (!vars.DATABASE_URL) throw new Error(`.ci/pg-start.sh printed no DATABASE_URL:\n${out}`);
  process.env.DATABASE_URL = vars.DATABASE_URL;
  return () => {
    const pgCtl = vars.DATAWARP_PG_CTL;
    if (pgCtl) {
      const args = ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop'];
      try {
        if (process.getuid?.() === 0)
          execFileSync('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { stdio: 'ignore' });
        else execFileSync(pgCtl, args, { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
    delete process.env.DATABASE_URL;
    fs.rmSync(dir, { recursive: true, force: true });
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
    if (wanted.includes('pg') && !process.env.DATABASE_URL) cleanups.push(startCluster());
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
