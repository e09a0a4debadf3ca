// Start a throwaway PostgreSQL cluster with .ci/pg-start.sh (used by the test setup and the benchmark).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Cluster {
  databaseUrl: string;
  stop(): void;
}

export function startCluster(): Cluster {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-pg-'));
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
        "Install Debian's postgresql (apt-get install postgresql) or set DATABASE_URL to a server that may " +
        `create databases.\n${(e.stderr || e.message).trim()}`,
      { cause: err },
    );
  }
  const vars: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) vars[m[1]] = m[2].trim();
  if (!vars.DATABASE_URL) throw new Error(`.ci/pg-start.sh printed no DATABASE_URL:\n${out}`);
  return {
    databaseUrl: vars.DATABASE_URL,
    stop() {
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
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
