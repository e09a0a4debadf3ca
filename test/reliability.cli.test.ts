// Issue 11 at the CLI: preflight (writable directories, stale temp files), limits reaching the HTTP client,
// config errors without stack traces, and what exit code 2 means.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { httpClientFor } from '../src/runtime/index.js';
import { parseConfig } from '../src/config/index.js';
import { removeStaleTempFiles } from '../src/preflight.js';

let server: Server;
let base: string;
const hits: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/4k.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end(Buffer.alloc(4096, 65));
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-rel-cli-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'publications.yaml'),
    `allowed_hosts: [127.0.0.1]\npublications:\n  pa:\n    name: A\n    frequency: monthly\n    urls:\n      - period: 2025-01\n        url: ${base}/4k.csv\n`,
  );
  return dir;
}

async function cli(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    cwd: dir,
    // an unreachable database: a run that got as far as opening it says so
    env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ...env },
    io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
  });
  return { code, out, err };
}

describe('preflight', () => {
  it('an unwritable state directory stops backfill before any download, exit 2', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'blocker'), 'a file where a directory should be');
    const before = hits.length;
    const r = await cli(dir, ['backfill', '--state', join(dir, 'blocker', 'state', 'state.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write the state directory .*blocker/);
    expect(r.err).not.toMatch(/PostgreSQL/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(hits.length).toBe(before);
  });

  it('a read-only state directory (chmod, or chattr +i as root) stops backfill before any download', async (t) => {
    const dir = workspace();
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'state.json'), '{"processed": {}, "failed": {}}\n');
    const root = process.getuid?.() === 0;
    const lock = (on: boolean) =>
      root
        ? spawnSync('chattr', [on ? '+i' : '-i', stateDir]).status === 0
        : (chmodSync(stateDir, on ? 0o555 : 0o755), true);
    if (!lock(true)) return t.skip(); // no way to make a read-only directory here (no chattr)
    try {
      let writable = true;
      try {
        writeFileSync(join(stateDir, 'probe'), '');
      } catch {
        writable = false;
      }
      if (writable) return t.skip(); // the file system ignores the mode: nothing to test
      const before = hits.length;
      const r = await cli(dir, ['backfill']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/cannot write the state directory .*state/);
      expect(hits.length).toBe(before);
    } finally {
      lock(false);
    }
  });

  it('an unwritable output or manifests directory is named too', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'output'), '');
    writeFileSync(join(dir, 'manifests'), '');
    const r = await cli(dir, ['backfill']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write the manifests directory .*manifests/);
    expect(r.err).toMatch(/cannot write the output directory .*output/);
  });

  it('a dry run needs nothing writable', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'output'), '');
    const r = await cli(dir, ['backfill', '--dry-run']);
    expect(r.code).toBe(0);
  });

  it('removes *.part and *.tmp left by a killed run, keeps those of a live run', async () => {
    const dir = workspace();
    // everything is done: the backfill has nothing to process and needs no database
    mkdirSync(join(dir, 'state'));
    writeFileSync(
      join(dir, 'state', 'state.json'),
      JSON.stringify({
        processed: { 'pa/2025-01': { completed_at: '2026-01-01T00:00:00.000Z', rows_loaded: 1 } },
        failed: {},
      }),
    );
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((ok) => dead.on('close', ok));
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const d = dead.pid!;
      const l = live.pid!;
      const files = {
        stale: [
          `.datawarp/downloads/pa/2025-01/a.csv.${d}.0a1b2c3d4e5f.part`,
          `state/state.json.${d}.1767225600000.tmp`,
          `manifests/backfill/pa/pa_2025-01.yaml.${d}.tmp`,
          `output/parquet/t_a/2025-01.parquet.${d}.tmp`,
          `output/catalog.json.${d}.tmp`,
          '.datawarp/downloads/pa/2025-02/old.csv.0a1b2c3d4e5f.part', // no pid, an hour old
        ],
        kept: [
          `.datawarp/downloads/pa/2025-03/b.csv.${l}.0a1b2c3d4e5f.part`,
          `output/parquet/t_a/2025-03.parquet.${l}.tmp`,
          '.datawarp/downloads/pa/2025-03/new.csv.0a1b2c3d4e5f.part', // no pid, just written
          'output/notes.tmp.txt',
          'state/other.json.tmp.bak',
        ],
      };
      for (const f of [...files.stale, ...files.kept]) {
        mkdirSync(join(dir, f, '..'), { recursive: true });
        writeFileSync(join(dir, f), 'x');
      }
      const hourAgo = new Date(Date.now() - 3_700_000);
      utimesSync(join(dir, files.stale[5]), hourAgo, hourAgo);

      const r = await cli(dir, ['backfill']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/removed 6 temporary files left by an earlier run/);
      for (const f of files.stale) expect(existsSync(join(dir, f)), f).toBe(false);
      for (const f of files.kept) expect(existsSync(join(dir, f)), f).toBe(true);
    } finally {
      live.kill();
    }
  });

  it('removeStaleTempFiles neither follows nor removes symbolic links, and tolerates missing dirs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-rel-clean-'));
    dirs.push(dir);
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'x.parquet.1.tmp'), 'not ours'); // pid 1 is alive, but as old as can be
    utimesSync(join(outside, 'x.parquet.1.tmp'), new Date(0), new Date(0));
    mkdirSync(join(dir, 'output'));
    symlinkSync(outside, join(dir, 'output', 'link'));
    symlinkSync(join(outside, 'x.parquet.1.tmp'), join(dir, 'output', 'y.parquet.1.tmp'));
    const removed = removeStaleTempFiles({
      statePath: join(dir, 'nope', 'state.json'),
      paths: {
        manifests: join(dir, 'nope', 'm'),
        output: join(dir, 'output'),
        downloads: join(dir, 'nope', 'd'),
      },
    });
    expect(removed).toEqual([]);
    expect(existsSync(join(outside, 'x.parquet.1.tmp'))).toBe(true);
  });
});

describe('limits reach the HTTP client the CLI builds', () => {
  it('max_download_bytes from the config, and from the environment', async () => {
    const cfgText = (limits: string) =>
      `allowed_hosts: [127.0.0.1]\n${limits}publications:\n  pa:\n    name: A\n    frequency: monthly\n    urls:\n      - period: 2025-01\n        url: ${base}/4k.csv\n`;
    const dir = mkdtempSync(join(tmpdir(), 'dw-rel-lim-'));
    dirs.push(dir);
    const small = parseConfig(cfgText('limits:\n  max_download_bytes: 1KiB\n'), 'pubs.yaml', {});
    await expect(httpClientFor(small).download(`${base}/4k.csv`, join(dir, 'a.csv'))).rejects.toThrow(
      /over the download size cap of 1 KiB/,
    );
    const fromEnv = parseConfig(cfgText(''), 'pubs.yaml', { DATAWARP_MAX_DOWNLOAD_BYTES: '2KiB' });
    await expect(httpClientFor(fromEnv).download(`${base}/4k.csv`, join(dir, 'b.csv'))).rejects.toThrow(
      /over the download size cap of 2 KiB/,
    );
    const dflt = parseConfig(cfgText(''), 'pubs.yaml', {});
    expect((await httpClientFor(dflt).download(`${base}/4k.csv`, join(dir, 'c.csv'))).bytes).toBe(4096);
  });

  it('the CLI reads limits from its own environment', async () => {
    const dir = workspace();
    const r = await cli(dir, ['validate'], { DATAWARP_MAX_COLUMNS: 'many' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/DATAWARP_MAX_COLUMNS/);
  });
});

describe('exit codes and config errors', () => {
  it('--help says what exit code 2 means', async () => {
    const r = await cli('.', ['--help']);
    expect(r.out).toMatch(/2 could not start \([^)]*\),\s+or lost the database/);
  });

  it('backfill with an alias bomb config: exit 2, a config message, no stack trace', async () => {
    const dir = workspace();
    const lines = ['a: &a [1,2,3,4,5,6,7,8,9,10]'];
    for (let i = 1; i < 8; i++)
      lines.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`)}]`);
    writeFileSync(join(dir, 'config', 'publications.yaml'), `${lines.join('\n')}\npublications: {}\n`);
    const r = await cli(dir, ['backfill']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/publications\.yaml:2:\d+: YAML: .*alias/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
