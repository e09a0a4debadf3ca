// The action in-process through run(): a recording @actions/core (fakeCore), a runner's environment, and with the
// real Octokit (throttling, retry, the budget) against the GitHub fake: a workspace, a fresh runner's checkout of
// it, and one run with given inputs.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Core } from '../../src/action/context.js';
import { createGitHub, type GitHubFactory } from '../../src/github/client.js';
import { run } from '../../src/action/run.js';
import { createOctokit } from '../../src/github/octokit.js';
import type { FakeGitHub } from './github-fake.js';

export const tmp = () => mkdtempSync(join(tmpdir(), 'dw-inproc-'));

/** What the action told the runner: outputs, the step summary written, annotations, logs, the failure. */
export interface CoreRecord {
  outputs: Record<string, string>;
  summary: string;
  errors: { message: string; props?: Record<string, unknown> }[];
  warnings: string[];
  logs: string[];
  failed?: string;
}

/**
 * @actions/core for run(): `inputs` over the defaults (a token, no state commit, no database URL); the summary
 * holds what was written (addRaw without write() is lost, as on a runner).
 */
export function fakeCore(inputs: Record<string, string>): { core: Core; rec: CoreRecord } {
  const rec: CoreRecord = { outputs: {}, summary: '', errors: [], warnings: [], logs: [] };
  let pending = '';
  const summary = {
    addRaw(text: string, eol = false) {
      pending += text + (eol ? '\n' : '');
      return summary;
    },
    async write() {
      rec.summary += pending;
      pending = '';
      return summary;
    },
  };
  const all: Record<string, string> = {
    'github-token': 'ghs_fake',
    'commit-state': 'false',
    'database-url': '',
    ...inputs,
  };
  const core = {
    getInput: (name: string) => all[name] ?? '',
    getBooleanInput: (name: string) => all[name] === 'true',
    setOutput: (k: string, v: unknown) => (rec.outputs[k] = String(v)),
    setFailed: (m: string | Error) => (rec.failed = String(m)),
    setSecret: () => {},
    info: (m: string) => rec.logs.push(m),
    notice: (m: string) => rec.logs.push(m),
    warning: (m: string) => rec.warnings.push(String(m)),
    error: (m: string | Error, props?: Record<string, unknown>) =>
      rec.errors.push({ message: String(m), props }),
    summary,
  };
  return { core: core as unknown as Core, rec };
}

/** The action's own GitHub client (Octokit with throttling, the budget) against the fake. */
export const factoryFor =
  (fake: FakeGitHub): GitHubFactory =>
  (token, { owner, repo }, limits) =>
    createGitHub(
      createOctokit(token, { info: () => {}, warning: () => {} }, fake.url, limits),
      owner,
      repo,
      limits?.budget,
    );

/** A runner's environment for a workflow_dispatch on main of `repository` (owner/name). */
export const runnerEnv = (repository: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_REPOSITORY: repository,
  GITHUB_REF: 'refs/heads/main',
  RUNNER_TEMP: tmp(),
  ...extra,
});

/** A workspace holding `config`. */
export function workspace(config: string): string {
  const dir = tmp();
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'publications.yaml'), config);
  return dir;
}

/** What a fresh runner checks out: config, state, catalog (no database, no Parquet). */
export function freshRunner(from: string): string {
  const dir = tmp();
  for (const p of ['config', 'state', 'output/catalog.json'])
    try {
      cpSync(join(from, p), join(dir, p), { recursive: true });
    } catch {
      // not there yet
    }
  return dir;
}

export async function runOnce(fake: FakeGitHub, cwd: string, inputs: Record<string, string> = {}) {
  const f = fakeCore(inputs);
  await run(f.core, factoryFor(fake), { cwd, env: runnerEnv(`${fake.owner}/${fake.repo}`) });
  return f.rec;
}

export const processedKeys = (cwd: string) =>
  Object.keys(JSON.parse(readFileSync(join(cwd, 'state', 'state.json'), 'utf8')).processed).sort();

/** Every release asset, as "<tag>/<name>"; and the Parquet ones. */
export const assetNames = (fake: FakeGitHub) =>
  fake.releases.flatMap((r) => r.assets.map((a) => `${r.tag_name}/${a.name}`));
export const parquet = (fake: FakeGitHub) => assetNames(fake).filter((n) => n.endsWith('.parquet'));
