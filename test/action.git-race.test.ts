// Two runs pushing state and manifests at the same moment (src/action/git.ts): origin's pre-receive hook holds
// every push for a second, so both pass git's up-to-date check and the later one loses the ref lock. An atomic
// push (the branch and datawarp/manifests together) then reports `[remote rejected] (atomic transaction failed)`
// with `cannot lock ref ...: is at X but expected Y` (or `reference already exists`) on stderr: the branch moved,
// so the run fetches, merges by key and pushes again; both runs' items and manifests land.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitCommitter } from '../src/action/git.js';
import { MANIFESTS_BRANCH } from '../src/manifest/index.js';
import { git, makeOrigin, seedFiles } from './support/action-harness.js';

/** A runner's checkout holding one processed item and its manifest, not yet committed. */
function runnerWith(clone: string, key: string): void {
  const state = { processed: { [key]: { processed_at: '2026-01-01T00:00:00.000Z' } }, failed: {} };
  writeFileSync(join(clone, 'state', 'state.json'), JSON.stringify(state, null, 2) + '\n');
  const [pub, period] = key.split('/');
  mkdirSync(join(clone, 'manifests', 'backfill', pub), { recursive: true });
  writeFileSync(join(clone, 'manifests', 'backfill', pub, `${pub}_${period}.yaml`), `pub: ${pub}\n`);
}

describe('state pushes that race for the ref lock', () => {
  it('the run that loses the lock fetches, merges and pushes again: both items and manifests land', async () => {
    const origin = makeOrigin(seedFiles('publications: {}\n'));
    const hook = join(origin.bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\ncat >/dev/null\nsleep 1\n');
    chmodSync(hook, 0o755);
    const keys = ['a/2024-01', 'b/2024-01'];
    const logs: string[] = [];
    const results = await Promise.all(
      keys.map((key) => {
        const clone = origin.clone();
        runnerWith(clone, key);
        const committer = createGitCommitter({
          cwd: clone,
          branch: 'main',
          log: (m) => logs.push(`${key}: ${m}`),
          sleep: async () => {},
        });
        return committer.commitAndPush(`datawarp: ${key}`);
      }),
    );
    expect(results.map((r) => r.pushed)).toEqual([true, true]);
    // the pushes overlapped (the hook held both): one of them lost and was retried
    expect(results.map((r) => r.rejected).sort(), logs.join('\n')).toEqual([0, 1]);
    const state = JSON.parse(origin.show('state/state.json')!);
    expect(Object.keys(state.processed).sort()).toEqual(keys);
    const manifests = git(origin.bare, 'ls-tree', '-r', '--name-only', MANIFESTS_BRANCH).split('\n');
    expect(manifests.sort()).toEqual(['backfill/a/a_2024-01.yaml', 'backfill/b/b_2024-01.yaml']);
  }, 60_000);
});
