// The start-up restart (src/runtime/restart.ts): both front ends replace themselves once, as the same process, with
// V8's young generation set (--max-semi-space-size=8), unless the flag is given already or the Node has no
// process.execve. The built CLI and action are run as a user and the runner run them, with a probe preloaded
// (NODE_OPTIONS=--import) that records each process image's PID and flags.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  memoryRestart,
  STARTED_ENV,
  restartForMemory,
  SEMI_SPACE_FLAG,
  type Startable,
} from '../src/runtime/restart.js';
import { execveNode, hasExecve } from './support/execve-node.js';

const REPO = join(import.meta.dirname, '..');

function proc(over: Partial<Startable> = {}): Startable {
  return {
    env: {},
    execPath: '/usr/bin/node',
    execArgv: ['--enable-source-maps'],
    argv: ['/usr/bin/node', '/app/bin/datawarp.js', 'backfill', '--pub', 'adhd'],
    execve: (() => {
      throw new Error('not called');
    }) as never,
    ...over,
  };
}

describe('memoryRestart: when and how', () => {
  it('restarts with the flag first, then the flags and arguments it was given, in its environment and the mark', () => {
    const p = proc({ env: { DATABASE_URL: 'postgres://x' } });
    expect(memoryRestart(p)).toEqual({
      file: '/usr/bin/node',
      args: [
        '/usr/bin/node',
        SEMI_SPACE_FLAG,
        '--enable-source-maps',
        '/app/bin/datawarp.js',
        'backfill',
        '--pub',
        'adhd',
      ],
      env: { DATABASE_URL: 'postgres://x', [STARTED_ENV]: '1' },
    });
  });

  it('not in a process started below the first one (the workbook child): the mark is inherited', () => {
    expect(memoryRestart(proc({ env: { [STARTED_ENV]: '1' } }))).toBeUndefined();
  });

  it('not without process.execve (Node before 22.15, Windows)', () => {
    expect(memoryRestart(proc({ execve: undefined }))).toBeUndefined();
  });

  it("not when a young-generation size is given, in the flags or NODE_OPTIONS, in either spelling: the user's stands", () => {
    expect(memoryRestart(proc({ execArgv: ['--max-semi-space-size=16'] }))).toBeUndefined();
    expect(memoryRestart(proc({ execArgv: ['--max_semi_space_size', '4'] }))).toBeUndefined();
    expect(
      memoryRestart(proc({ env: { NODE_OPTIONS: '--import=x.mjs --max-semi-space-size=32' } })),
    ).toBeUndefined();
    expect(memoryRestart(proc({ execArgv: ['--max-old-space-size=4096'] }))).toBeDefined();
  });

  it('marks the process started even when it does not restart, so its children do not restart either', () => {
    const p = proc({ execArgv: ['--max-semi-space-size=16'], execve: vi.fn() as never });
    restartForMemory(p);
    expect(p.execve).not.toHaveBeenCalled();
    expect(p.env[STARTED_ENV]).toBe('1');
    const child = proc({ env: { ...p.env }, execArgv: ['--max-old-space-size=4096'] });
    expect(memoryRestart(child)).toBeUndefined();
  });

  it('calls execve with the restart; when execve(2) fails the process carries on', () => {
    const execve = vi.fn(() => {
      throw Object.assign(new Error('E2BIG'), { code: 'E2BIG' });
    });
    expect(() => restartForMemory(proc({ execve: execve as never }))).not.toThrow();
    expect(execve).toHaveBeenCalledWith('/usr/bin/node', memoryRestart(proc())!.args, {
      [STARTED_ENV]: '1',
    });
  });
});

/** Run a built entry under `node` with the probe; the probe's lines as [pid, flags]. */
function probed(node: string, entry: string, args: string[], nodeOptions = '') {
  const dir = mkdtempSync(join(tmpdir(), 'datawarp-restart-'));
  const probe = join(dir, 'probe.mjs');
  const log = join(dir, 'probe.log');
  writeFileSync(
    probe,
    `import { appendFileSync } from 'node:fs';\n` +
      `appendFileSync(${JSON.stringify(log)}, process.pid + ' ' + process.execArgv.join(' ') + '\\n');\n`,
  );
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import=${probe} ${nodeOptions}`.trim() };
  delete env[STARTED_ENV];
  for (const k of Object.keys(env)) if (k.startsWith('INPUT_') || k.startsWith('GITHUB_')) delete env[k];
  const r = spawnSync(node, [join(REPO, entry), ...args], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const images = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => [Number(l.split(' ')[0]), l.slice(l.indexOf(' ') + 1)] as const);
  return { ...r, images };
}

describe('the built front ends (dist/), as run by a user and by the runner', () => {
  const node = execveNode();
  it.runIf(node)('the CLI: one restart, same PID, the flag set, the command run once', () => {
    const r = probed(node!, 'dist/cli/index.js', ['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.images).toHaveLength(2);
    expect(r.images[1][0]).toBe(r.images[0][0]);
    expect(r.images[0][1]).not.toContain('semi-space');
    expect(r.images[1][1]).toContain(SEMI_SPACE_FLAG);
    expect(r.stdout).toBe(`${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`);
    // process.execve is experimental: no warning about it reaches the user
    expect(r.stderr).toBe('');
  });

  it.runIf(node)("the CLI with the user's own young-generation size: no restart, theirs kept", () => {
    const r = probed(node!, 'dist/cli/index.js', ['--version'], '--max-semi-space-size=32');
    expect(r.status, r.stderr).toBe(0);
    expect(r.images).toHaveLength(1);
  });

  it.runIf(node)(
    'the action (dist/index.js, as the runner starts it): one restart, same PID, before run()',
    () => {
      const r = probed(node!, 'dist/index.js', []);
      expect(r.images).toHaveLength(2);
      expect(r.images[1][0]).toBe(r.images[0][0]);
      expect(r.images[1][1]).toContain(SEMI_SPACE_FLAG);
      // run() ran once, in the restarted image: the missing config is reported once, not twice
      expect(r.status).toBe(1);
      expect(r.stdout.match(/cannot read the config/g) ?? [], r.stdout).toHaveLength(1);
    },
  );

  it('on this Node: a restart exactly when it has process.execve', () => {
    const r = probed(process.execPath, 'dist/cli/index.js', ['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.images).toHaveLength(hasExecve() ? 2 : 1);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
