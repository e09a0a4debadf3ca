// The action in-process through run(), with the real Octokit (throttling, retry, the budget) against the GitHub
// fake: a workspace, a fresh runner's checkout of it, and one run with given inputs (what test/action.budget.test.ts
// does, shared for other tests).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Core } from '../../src/action/context.js';
import { createGitHub, type GitHubFactory } from '../../src/github/client.js';
import { run } from '../../src/action/run.js';
import { createOctokit } from '../../src/github/octokit.js';
import type { FakeGitHub } from './github-fake.js';

export const tmp = () => mkdtempSync(join(tmpdir(), 'dw-inproc-'));

interface Rec {
  outputs: Record<string, string>;
  summary: string;
  warnings: string[];
  logs: string[];
  failed?: string;
}

export function fakeCore(inputs: Record<string, string>): { core: Core; rec: Rec } {
  const rec: Rec = { outputs: {}, summary: '', warnings: [], logs: [] };
  const summary = {
    addRaw(text: string) {
      rec.summary += text;
      return summary;
    },
    async write() {
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
    setOutput: (k: string, v: unknown) => (rec.outputs[k] = String(v)),
    setFailed: (m: string | Error) => (rec.failed = String(m)),
    setSecret: () => {},
    info: (m: string) => rec.logs.push(m),
    notice: (m: string) => rec.logs.push(m),
    warning: (m: string) => rec.warnings.push(String(m)),
    error: (m: string | Error) => rec.warnings.push(String(m)),
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

export const env = (fake: FakeGitHub): NodeJS.ProcessEnv => ({
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
  GITHUB_REF: 'refs/heads/main',
  RUNNER_TEMP: tmp(),
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
  await run(f.core, factoryFor(fake), { cwd, env: env(fake) });
  return f.rec;
}

export const processedKeys = (cwd: string) =>
  Object.keys(JSON.parse(readFileSync(join(cwd, 'state', 'state.json'), 'utf8')).processed).sort();

/** Every release asset, as "<tag>/<name>"; and the Parquet ones. */
export const assetNames = (fake: FakeGitHub) =>
  fake.releases.flatMap((r) => r.assets.map((a) => `${r.tag_name}/${a.name}`));
export const parquet = (fake: FakeGitHub) => assetNames(fake).filter((n) => n.endsWith('.parquet'));
