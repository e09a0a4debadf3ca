// The merge of a fan-out (the built action: dist/index.js, or DATAWARP_ACTION_BUNDLE) reads publications.yaml only
// when it needs it (to link a lost job's items in their issues): a config broken after the plan cannot stop it
// from committing what the jobs did, and when it does need the config, the problem is said and the state is
// still committed.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchRun, git, runAction } from './support/action-harness.js';
import { writeFiles } from './support/catalogue.js';
import { plannedFanOut } from './support/fleet-local.js';
import { startGitHubFake, type FakeGitHub } from './support/github-fake.js';

const O = { pubs: 3, periods: 4, processed: 3 };

describe('fan-out merge with a config broken after the plan', () => {
  let fake: FakeGitHub;
  beforeAll(async () => void (fake = await startGitHubFake()));
  afterAll(async () => void (await fake?.close()));

  const options = (cwd: string, inputs: Record<string, string>) => dispatchRun(fake, cwd, inputs);

  /** A planned fan-out whose jobs left their fragments; then someone pushes a broken publications.yaml. */
  async function plannedThenBroken() {
    const { cat, origin, planFile, fragments } = await plannedFanOut(fake, O);
    const other = origin.clone();
    writeFiles(other, { 'config/publications.yaml': 'publications:\n  pub_001: [unclosed\n' });
    git(other, 'commit', '--quiet', '-am', 'a broken config');
    git(other, 'push', '--quiet', 'origin', 'main');
    return { cat, origin, planFile, fragments };
  }
  const processedKeys = (text: string | undefined) => Object.keys(JSON.parse(text!).processed).length;

  it('every job reported: the merge commits their items and never reads the config', async () => {
    const { cat, origin, planFile, fragments } = await plannedThenBroken();
    const m = await runAction(
      options(origin.clone(), { command: 'merge', fragments, 'plan-file': planFile }),
    );
    expect(m.code, m.stdout + m.stderr).toBe(0);
    expect(m.outputs).toMatchObject({ processed: String(O.pubs), failed: '0' });
    expect(processedKeys(origin.show('state/state.json'))).toBe(cat.pubs.length * O.periods);
  });

  it('a job left nothing: its items are committed under failed; the issues need the config and say it is broken', async () => {
    const { cat, origin, planFile, fragments } = await plannedThenBroken();
    const lost = cat.pubs[1];
    rmSync(join(fragments, lost), { recursive: true });
    const m = await runAction(
      options(origin.clone(), { command: 'merge', fragments, 'plan-file': planFile }),
    );
    expect(m.code).toBe(1);
    expect(m.stdout).toMatch(/::error::DataWarp merge finished with problems: issues: .*publications\.yaml/);
    const state = JSON.parse(origin.show('state/state.json')!);
    expect(Object.keys(state.processed).length).toBe(cat.pubs.length * O.periods - 1);
    expect(Object.keys(state.failed)).toEqual([`${lost}/${cat.periods.at(-1)}`]);
    expect(state.failed[`${lost}/${cat.periods.at(-1)}`].error).toMatch(/left no state fragment/);
  });
});
