// Start a throwaway PostgreSQL cluster with .ci/pg-start.sh (used by the test setup and the benchmark).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Cluster {
  databaseUrl: string;
  /** stop the server and remove the cluster */
  stop(): void;
  /** `pg_ctl stop -m immediate` (a crash, as far as clients can tell); the data stays for start() */
  halt(): void;
  /** start the halted server again on the same port */
  start(): void;
}

/** PostgreSQL's server binaries are installed (Debian's layout, as .ci/pg-start.sh expects). */
export function postgresInstalled(): boolean {
  const root = '/usr/lib/postgresql';
  return (
    fs.existsSync(root) && fs.readdirSync(root).some((v) => fs.existsSync(path.join(root, v, 'bin/initdb')))
  );
}

function pgCtl(bin: string, args: string[]): void {
  const opts = { stdio: 'ignore' as const };
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], opts);
  else execFileSync(bin, args, opts);
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
  const data = path.join(dir, 'data');
  const port = new URL(vars.DATABASE_URL).port;
  return {
    databaseUrl: vars.DATABASE_URL,
    stop() {
      if (vars.DATAWARP_PG_CTL) {
        try {
          pgCtl(vars.DATAWARP_PG_CTL, ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } catch {
          /* already gone */
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
    halt() {
      pgCtl(vars.DATAWARP_PG_CTL, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    start() {
      // the options .ci/pg-start.sh starts it with
      const o = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=100`;
      pgCtl(vars.DATAWARP_PG_CTL, ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-o', o, 'start']);
    },
  };
}
