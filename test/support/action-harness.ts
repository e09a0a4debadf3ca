// Runs the committed bundle (dist/index.js) the way the runner does: INPUT_* (action.yml defaults filled in,
// hyphens kept), GITHUB_EVENT_NAME/EVENT_PATH, GITHUB_OUTPUT/STEP_SUMMARY files, GITHUB_API_URL; the workspace
// is a clone of a local bare repository acting as `origin`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import YAML from 'yaml';
import type { FakeGitHub } from './github-fake.js';

/** The repository root (not imported from workspace.ts, which loads vitest: bench/fleet.ts uses this file). */
const REPO = resolve(import.meta.dirname, '..', '..');

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

export interface Origin {
  bare: string;
  /** a fresh clone of `branch` (what actions/checkout gives a runner) */
  clone(branch?: string): string;
  show(path: string, rev?: string): string | undefined;
  head(branch?: string): string;
}

/** A bare repository seeded with `files` on main. */
export function makeOrigin(files: Record<string, string>): Origin {
  const root = mkdtempSync(join(tmpdir(), 'dw-origin-'));
  const bare = join(root, 'origin.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  const seed = join(root, 'seed');
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', seed]);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(seed, p, '..'), { recursive: true });
    writeFileSync(join(seed, p), c);
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '--quiet', '-m', 'seed');
  git(seed, 'remote', 'add', 'origin', bare);
  git(seed, 'push', '--quiet', 'origin', 'main');
  let n = 0;
  return {
    bare,
    clone(branch = 'main') {
      const dir = join(root, `ws${n++}`);
      execFileSync('git', ['clone', '--quiet', '--branch', branch, bare, dir]);
      return dir;
    },
    show(path, rev = 'main') {
      try {
        return execFileSync('git', ['show', `${rev}:${path}`], {
          cwd: bare,
          encoding: 'utf8',
          stdio: 'pipe',
        });
      } catch {
        return undefined;
      }
    },
    head(branch = 'main') {
      return git(bare, 'rev-parse', branch);
    },
  };
}

/** A commit on origin's main writing `files` (what a merged pull request does). */
export function pushFiles(origin: Origin, files: Record<string, string>, message: string): void {
  const dir = origin.clone();
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', message);
  git(dir, 'push', '--quiet', 'origin', 'main');
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

const actionInputs = (): Record<string, { default?: string }> =>
  (
    YAML.parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    }
  ).inputs;

/** Parse a GITHUB_OUTPUT file (name<<delimiter heredocs, or name=value lines). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const val: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) val.push(lines[i]);
      out[m[1]] = val.join('\n');
    } else if (lines[i].includes('=')) {
      const [k, ...v] = lines[i].split('=');
      out[k] = v.join('=');
    }
  }
  return out;
}

export interface RunActionOptions {
  cwd: string;
  apiUrl: string;
  repository: string;
  event: { name: string; payload: Record<string, unknown> };
  inputs?: Record<string, string>;
  /** default refs/heads/main */
  ref?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function runAction(o: RunActionOptions): Promise<ActionRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'dw-runner-'));
  const eventPath = join(tmp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(o.event.payload));
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_PATH'].map((k) => {
      const p = join(tmp, k.toLowerCase());
      writeFileSync(p, '');
      return [k, p];
    }),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: o.event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: o.repository,
    GITHUB_REF: o.ref ?? 'refs/heads/main',
    GITHUB_SHA: git(o.cwd, 'rev-parse', 'HEAD'),
    GITHUB_WORKSPACE: o.cwd,
    GITHUB_API_URL: o.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_WORKFLOW_REF: `${o.repository}/.github/workflows/backfill.yml@${o.ref ?? 'refs/heads/main'}`,
    RUNNER_TEMP: tmp,
    ...files,
    ...o.env,
  };
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(actionInputs())) {
    const d = spec.default ?? '';
    inputs[name] = d.includes('${{') ? '' : d; // the runner evaluates expressions; the harness leaves them empty
  }
  inputs['github-token'] = 'ghs_faketoken0123456789';
  Object.assign(inputs, o.inputs ?? {});
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  return new Promise((resolve) => {
    // DATAWARP_ACTION_BUNDLE: a bundle built elsewhere by scripts/build.mjs (default: the committed dist/index.js)
    const bundle =
      o.env?.DATAWARP_ACTION_BUNDLE || process.env.DATAWARP_ACTION_BUNDLE || join(REPO, 'dist', 'index.js');
    // node flags for the action's process (a profiler: DATAWARP_ACTION_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p")
    const nodeArgs = (process.env.DATAWARP_ACTION_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, bundle], {
      cwd: o.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
        summary: existsSync(files.GITHUB_STEP_SUMMARY) ? readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') : '',
      });
    });
  });
}

/** The files a repository using the action starts with: its config, an empty state, the usual .gitignore. */
export const seedFiles = (config: string): Record<string, string> => ({
  'config/publications.yaml': config,
  'state/state.json': '{\n  "processed": {},\n  "failed": {}\n}\n',
  '.gitignore': '.datawarp/\noutput/parquet/\n',
});

export type ActionEvent = RunActionOptions['event'];

/** A `schedule` event: by default backfill.yml's daily one. */
export const scheduleEvent = (fake: FakeGitHub, cron = '17 6 * * *'): ActionEvent => ({
  name: 'schedule',
  payload: { schedule: cron, repository: { full_name: `${fake.owner}/${fake.repo}` } },
});

/** A `workflow_dispatch` of backfill.yml on main with these inputs. */
/** A workflow_dispatch run of the action in `cwd` against the fake, with `inputs`. */
export const dispatchRun = (
  fake: FakeGitHub,
  cwd: string,
  inputs: Record<string, string>,
  timeoutMs = 120_000,
): RunActionOptions => ({
  cwd,
  apiUrl: fake.url,
  repository: `${fake.owner}/${fake.repo}`,
  event: dispatchEvent(fake),
  inputs,
  timeoutMs,
});

export const dispatchEvent = (fake: FakeGitHub, inputs: Record<string, unknown> = {}): ActionEvent => ({
  name: 'workflow_dispatch',
  payload: {
    inputs,
    ref: 'refs/heads/main',
    repository: { full_name: `${fake.owner}/${fake.repo}` },
    sender: { login: 'someone' },
    workflow: '.github/workflows/backfill.yml',
  },
});
