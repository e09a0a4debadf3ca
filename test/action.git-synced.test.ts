// The state commit (src/action/git-commit.ts) takes the working tree's state.json as it is while it was made from
// the tip it is committed on (the checkout, or a push of it as it was): no parse and merge with the tip's copy (at
// catalogue scale ~0.3 s a commit). Once a push had to merge another run's state, the file no longer holds the tip's
// entries, so every later commit merges with the tip again.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitCommitter } from '../src/action/git.js';
import { makeOrigin, seedFiles } from './support/action-harness.js';

const entry = { completed_at: '2026-01-01T00:00:00.000Z', rows_loaded: 1 };
const stateText = (keys: string[]) =>
  JSON.stringify({ processed: Object.fromEntries(keys.map((k) => [k, entry])), failed: {} }, null, 2) + '\n';
const write = (clone: string, keys: string[]) =>
  writeFileSync(join(clone, 'state', 'state.json'), stateText(keys));
const committed = (show: (p: string) => string | undefined) =>
  Object.keys(JSON.parse(show('state/state.json')!).processed).sort();

describe('the state commit and the tip it was made from', () => {
  it('a state made from the checkout is committed byte for byte: a key this run removed stays removed', async () => {
    const origin = makeOrigin({
      ...seedFiles('publications: {}\n'),
      'state/state.json': stateText(['a/1', 'x/1']),
    });
    const clone = origin.clone();
    // this run left x/1 pending again (e.g. its assets did not all upload) and processed b/1
    write(clone, ['a/1', 'b/1']);
    const r = await createGitCommitter({ cwd: clone, branch: 'main' }).commitAndPush('datawarp: b/1');
    expect(r.pushed).toBe(true);
    expect(committed((p) => origin.show(p))).toEqual(['a/1', 'b/1']);
    expect(origin.show('state/state.json')).toBe(readFileSync(join(clone, 'state', 'state.json'), 'utf8'));
  });

  it('after a push that merged another run’s state, later commits merge with the tip again', async () => {
    const origin = makeOrigin(seedFiles('publications: {}\n'));
    const ours = origin.clone();
    const theirs = origin.clone();
    write(theirs, ['t/1']);
    expect((await createGitCommitter({ cwd: theirs, branch: 'main' }).commitAndPush('theirs')).pushed).toBe(
      true,
    );
    const committer = createGitCommitter({ cwd: ours, branch: 'main', sleep: async () => {} });
    write(ours, ['o/1']);
    const first = await committer.commitAndPush('ours 1');
    expect(first.rejected).toBe(1); // the branch moved: fetched, merged by key, pushed again
    expect(committed((p) => origin.show(p))).toEqual(['o/1', 't/1']);
    // the working tree's state still lacks t/1: the next commit must not drop it
    write(ours, ['o/1', 'o/2']);
    const second = await committer.commitAndPush('ours 2');
    expect(second).toMatchObject({ pushed: true, rejected: 0 });
    expect(committed((p) => origin.show(p))).toEqual(['o/1', 'o/2', 't/1']);
    expect(
      execFileSync('git', ['rev-list', '--count', 'main'], { cwd: origin.bare, encoding: 'utf8' }).trim(),
    ).toBe('4');
  });
});
