// `command: discover` with max-checks through the built action (DATAWARP_ACTION_BUNDLE, else dist/index.js), a
// local bare origin and the GitHub fake: the pages not read are deferred and named; with the pull request NOT
// merged, the next run still goes on to the least recently checked pages (the branch's monitor.json is carried)
// and keeps proposing what the deferred pages gave before; a failing page fails the step but the others' findings
// are still proposed.
import { beforeAll, describe, expect, it } from 'vitest';
import { makeOrigin, runAction, scheduleEvent, seedFiles, type Origin } from './support/action-harness.js';
import { useActionBed } from './support/action-run.js';
import type { FakeGitHub } from './support/github-fake.js';
import { farmConfig, monthName, pagePath, startFarm, type Farm } from './support/landing-farm.js';

const bed = useActionBed(() => startFarm(1));
let farm: Farm;
let fake: FakeGitHub;
let origin: Origin;

beforeAll(() => {
  ({ site: farm, fake } = bed);
  origin = makeOrigin(seedFiles(farmConfig(farm, 4, [monthName(8)])));
});

const discover = (now: string) =>
  runAction({
    ...bed.options({ cwd: origin.clone(), event: scheduleEvent(fake, '47 5 * * *') }),
    inputs: {
      command: 'discover',
      'max-checks': '2',
      'discover-gap-seconds': '0.005',
      'open-issues': 'false',
    },
    env: { DATAWARP_NOW: now },
  });

const pathsSince = (from: number) => farm.requests.slice(from).map((r) => r.path);
const proposed = () => origin.show('config/publications.yaml', 'datawarp/discover') ?? '';
const url = (i: number) => `${farm.urls[0]}${pagePath(i)}/august-2025`;

describe('command: discover with max-checks', () => {
  it('defers pages visibly, rotates without a merge, keeps deferred proposals, and survives a failing page', async () => {
    let from = farm.requests.length;
    const r1 = await discover('2025-09-20T10:00:00Z');
    expect(r1.code, r1.stdout + r1.stderr).toBe(0);
    expect(pathsSince(from)).toEqual([pagePath(1), pagePath(2)]);
    expect(r1.outputs['pages-checked']).toBe('2');
    expect(r1.outputs['pages-deferred']).toBe('2');
    expect(r1.summary).toContain('**2 deferred** to the next run');
    expect(r1.summary).toContain(
      `- deferred \`p003\` ${farm.urls[0]}${pagePath(3)} (over max-checks; last checked never)`,
    );
    expect(fake.pulls).toHaveLength(1);
    expect(proposed()).toContain(url(1));
    expect(proposed()).toContain(url(2));

    // the pull request is not merged: the next run reads pages 3 and 4, and still proposes 1 and 2
    from = farm.requests.length;
    const r2 = await discover('2025-09-21T10:00:00Z');
    expect(r2.code, r2.stdout + r2.stderr).toBe(0);
    expect(pathsSince(from)).toEqual([pagePath(3), pagePath(4)]);
    for (const i of [1, 2, 3, 4]) expect(proposed()).toContain(url(i));
    expect(r2.outputs['new-releases']).toBe('4');
    expect(r2.summary).toContain('kept from an earlier run: new **2025-08** of `p001`');
    expect(fake.pulls).toHaveLength(1);

    // page 2 now fails: it is named and fails the step; the others' proposals stay
    farm.months.delete(pagePath(2));
    from = farm.requests.length;
    const r3 = await discover('2025-09-22T10:00:00Z');
    expect(pathsSince(from)).toEqual([pagePath(1), pagePath(2)]);
    expect(r3.code).not.toBe(0);
    expect(r3.stdout + r3.stderr).toContain(
      `${farm.urls[0]}${pagePath(2)}: the landing page could not be read`,
    );
    for (const i of [1, 2, 3, 4]) expect(proposed()).toContain(url(i));
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0].state).toBe('open');
    expect(fake.invalid).toEqual([]);
  });
});
