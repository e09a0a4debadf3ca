// What a command loads before it does anything: the OpenAI SDK only when a table is named by the LLM, Octokit
// only where a GitHub client is made. Each is ~10 MB of a small runner's memory in every run that needs neither.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function modulesLoadedBy(args: string[]): Set<string> {
  const r = spawnSync(
    process.execPath,
    ['--import', './test/support/module-log.mjs', '--import', 'tsx', 'src/cli/index.ts', ...args],
    { cwd: root, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '' } },
  );
  expect(r.status, r.stderr).toBe(0);
  return new Set([...r.stderr.matchAll(/^MODULE (\S+)$/gm)].map((m) => m[1]));
}

describe('the CLI at start-up', () => {
  it('loads neither the OpenAI SDK nor Octokit for --help', () => {
    const loaded = modulesLoadedBy(['--help']);
    // the hook sees the packages the CLI does load
    expect(loaded).toContain('yaml');
    expect(loaded).toContain('undici');
    expect([...loaded].filter((m) => /^(openai|@actions\/github|@octokit\/)/.test(m))).toEqual([]);
  }, 60_000);
});
