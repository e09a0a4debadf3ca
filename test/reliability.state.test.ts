// Issue 11, case 1: several runs on one state file. Real child processes write the same state.json at once,
// each from its own in-memory copy (as the pipeline does after every item): nothing may be lost.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  readState,
  recordFailed,
  recordProcessed,
  replaceState,
  StateError,
  writeState,
} from '../src/state/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const STATE = pathToFileURL(join(ROOT, 'src/state/index.ts')).href;

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'dw-rel-state-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// A child "run": reads the state once, then records N items one by one and writes its in-memory copy after
// each, like pipeline.backfill. It waits for the go file so that all children write at the same time.
const WRITER = `
import { existsSync } from 'node:fs';
import { readState, recordProcessed, writeState } from ${JSON.stringify(STATE)};
const [file, pub, n, go] = process.argv.slice(2);
process.stdout.write('ready\\n');
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 5));
const state = readState(file);
for (let i = 0; i < Number(n); i++) {
  recordProcessed(state, pub + '/' + String(i).padStart(3, '0'), { completed_at: new Date().toISOString(), rows_loaded: i });
  writeState(file, state);
}
process.stdout.write('done\\n');
`;

// Holds the state lock for a while, the way a writer in another process does.
const HOLDER = `
import { writeFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
const [lock, ms] = process.argv.slice(2);
writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: 'holder', at: new Date().toISOString() }), { flag: 'wx' });
process.stdout.write('locked\\n');
setTimeout(() => { unlinkSync(lock); process.stdout.write('released\\n'); }, Number(ms));
`;

function child(dir: string, source: string, args: string[]): { proc: ChildProcess; out: () => string } {
  const script = join(dir, `child-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(script, source);
  const proc = spawn(process.execPath, ['--import', TSX, script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return { proc, out: () => out };
}

const until = async (cond: () => boolean, what: string, ms = 30_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const exited = (p: ChildProcess) =>
  new Promise<number | null>((ok) =>
    p.exitCode !== null ? ok(p.exitCode) : p.on('close', (code) => ok(code)),
  );

describe('concurrent runs on one state file', () => {
  it('four processes writing after every item at once lose no entry', async () => {
    const dir = tmp();
    const file = join(dir, 'state', 'state.json');
    const go = join(dir, 'go');
    const N = 40;
    const kids = ['pa', 'pb', 'pc', 'pd'].map((pub) => child(dir, WRITER, [file, pub, String(N), go]));
    await until(() => kids.every((k) => k.out().includes('ready')), 'children to start');
    writeFileSync(go, '');
    const codes = await Promise.all(kids.map((k) => exited(k.proc)));
    expect(codes, kids.map((k) => k.out()).join('\n')).toEqual([0, 0, 0, 0]);
    const s = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(s.processed)).toHaveLength(4 * N);
    for (const pub of ['pa', 'pb', 'pc', 'pd'])
      expect(s.processed[`${pub}/039`]).toMatchObject({ rows_loaded: 39 });
    expect(s.failed).toEqual({});
    // no temp or lock file left behind
    expect(readdirSync(join(dir, 'state'))).toEqual(['state.json']);
  }, 60_000);

  it('waits for a lock held by another live process, then writes', async () => {
    const dir = tmp();
    const file = join(dir, 'state.json');
    const holder = child(dir, HOLDER, [`${file}.lock`, '700']);
    await until(() => holder.out().includes('locked'), 'the holder to lock');
    const s = readState(file);
    recordProcessed(s, 'a/1', { completed_at: new Date().toISOString(), rows_loaded: 1 });
    const t0 = Date.now();
    writeState(file, s);
    const waited = Date.now() - t0;
    await exited(holder.proc);
    expect(holder.out()).toContain('released');
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(readState(file).processed['a/1']).toBeDefined();
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 30_000);

  it('a lock left by a dead process is taken over at once', async () => {
    const dir = tmp();
    const file = join(dir, 'state.json');
    const dead = child(dir, 'process.exit(0)', []);
    await exited(dead.proc);
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: dead.proc.pid, host: hostname(), token: 'x', at: new Date().toISOString() }),
    );
    const s = readState(file);
    recordProcessed(s, 'a/1', { completed_at: new Date().toISOString(), rows_loaded: 1 });
    // a lock judged alive would be waited on for 5 s and then fail the write with a StateError
    writeState(file, s, { lock: { timeoutMs: 5_000 } });
    expect(readState(file).processed['a/1']).toBeDefined();
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 30_000);

  it('a lock held by a live process past the timeout is an error naming the lock and its holder', async () => {
    const dir = tmp();
    const file = join(dir, 'state.json');
    const holder = child(dir, HOLDER, [`${file}.lock`, '3000']);
    await until(() => holder.out().includes('locked'), 'the holder to lock');
    const s = readState(file);
    recordProcessed(s, 'a/1', { completed_at: new Date().toISOString(), rows_loaded: 1 });
    let err: unknown;
    try {
      writeState(file, s, { lock: { timeoutMs: 300 } });
    } catch (e) {
      err = e;
    }
    holder.proc.kill();
    await exited(holder.proc);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toContain(`${file}.lock`);
    expect((err as Error).message).toContain(`pid ${holder.proc.pid}`);
  }, 30_000);
});

describe('merge on write', () => {
  it('an item another run recorded failed LATER than our processed entry ends up failed', () => {
    const file = join(tmp(), 'state.json');
    const mine = readState(file); // run A
    const theirs = readState(file); // run B
    recordProcessed(mine, 'x/1', { completed_at: '2026-01-01T10:00:00.000Z', rows_loaded: 5 });
    writeState(file, mine);
    recordFailed(theirs, 'x/1', { failed_at: '2026-01-01T11:00:00.000Z', error: 'later' });
    writeState(file, theirs);
    // run A goes on with its in-memory copy, which still says x/1 processed
    recordProcessed(mine, 'y/1', { completed_at: '2026-01-01T12:00:00.000Z', rows_loaded: 1 });
    writeState(file, mine);
    const s = readState(file);
    expect(Object.keys(s.processed)).toEqual(['y/1']);
    expect(s.failed['x/1'].error).toBe('later');
    // the in-memory copy now holds what the file holds
    expect(mine.failed['x/1']?.error).toBe('later');
    expect(mine.processed['x/1']).toBeUndefined();
  });

  it('our newer outcome replaces an older one written by another run', () => {
    const file = join(tmp(), 'state.json');
    const a = readState(file);
    const b = readState(file);
    recordFailed(b, 'x/1', { failed_at: '2026-01-01T10:00:00.000Z', error: 'early' });
    writeState(file, b);
    recordProcessed(a, 'x/1', { completed_at: '2026-01-01T11:00:00.000Z', rows_loaded: 3 });
    writeState(file, a);
    expect(readState(file)).toEqual({
      processed: { 'x/1': { completed_at: '2026-01-01T11:00:00.000Z', rows_loaded: 3 } },
      failed: {},
    });
  });

  it('an entry deleted in memory (the action clearing failures to retry) is deleted in the file', () => {
    const file = join(tmp(), 'state.json');
    const s0 = readState(file);
    recordFailed(s0, 'x/1', { failed_at: '2026-01-01T10:00:00.000Z', error: '503' });
    recordProcessed(s0, 'y/1', { completed_at: '2026-01-01T10:00:00.000Z', rows_loaded: 1 });
    writeState(file, s0);
    const s = readState(file);
    delete s.failed['x/1'];
    writeState(file, s);
    expect(readState(file)).toEqual({
      processed: { 'y/1': { completed_at: '2026-01-01T10:00:00.000Z', rows_loaded: 1 } },
      failed: {},
    });
  });

  it('replaceState (init-state) writes exactly what it is given', () => {
    const file = join(tmp(), 'state.json');
    const s0 = readState(file);
    recordProcessed(s0, 'old/1', { completed_at: '2026-01-01T10:00:00.000Z', rows_loaded: 1 });
    writeState(file, s0);
    replaceState(file, {
      processed: { 'new/1': { completed_at: '2026-01-02T10:00:00.000Z', rows_loaded: 2 } },
      failed: {},
    });
    expect(Object.keys(readState(file).processed)).toEqual(['new/1']);
  });

  it('a state file that became invalid JSON is not overwritten', () => {
    const file = join(tmp(), 'state.json');
    const s = readState(file);
    writeFileSync(file, '{"processed": ');
    recordProcessed(s, 'a/1', { completed_at: '2026-01-01T10:00:00.000Z', rows_loaded: 1 });
    expect(() => writeState(file, s)).toThrow(StateError);
    expect(readFileSync(file, 'utf8')).toBe('{"processed": ');
  });
});
