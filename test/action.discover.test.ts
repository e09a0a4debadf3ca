// `command: discover` end to end: the committed dist/index.js under a `schedule` event, a local bare
// repository as origin, a series page on 127.0.0.1 and the OpenAPI-validated GitHub fake. One pull request on
// datawarp/discover is opened, then updated (never duplicated), and closed once the base has everything it
// proposes; a late publication's issue is opened once and closed when the release arrives.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  git,
  makeOrigin,
  runAction,
  scheduleEvent,
  seedFiles,
  type Origin,
} from './support/action-harness.js';
import { useActionBed } from './support/action-run.js';
import type { FakeGitHub } from './support/github-fake.js';
import { seriesPage, startMonitorSite, type MonitorSite } from './support/monitor-site.js';

const SERIES = '/data-and-information/publications/statistical/mi-adhd';
const rel = (slug: string, month: string, date: string) => ({
  title: `ADHD Management Information, ${month}`,
  path: `${SERIES}/${slug}`,
  date,
});

const bed = useActionBed(startMonitorSite);
let site: MonitorSite;
let fake: FakeGitHub;
let origin: Origin;

function servePage(arrived: boolean) {
  site.set(
    SERIES,
    seriesPage({
      title: 'ADHD Management Information',
      seriesPath: SERIES,
      latest: arrived
        ? rel('september-2025', 'September 2025', '22 October 2025')
        : rel('august-2025', 'August 2025', '18 September 2025'),
      past: [
        ...(arrived ? [rel('august-2025', 'August 2025', '18 September 2025')] : []),
        rel('july-2025', 'July 2025', '14 August 2025'),
      ],
      upcoming: arrived
        ? [{ title: 'ADHD Management Information, October 2025', date: '13 November 2025' }]
        : [{ title: 'ADHD Management Information, September 2025', date: '16 October 2025' }],
    }),
  );
}

beforeAll(() => {
  ({ site, fake } = bed);
  origin = makeOrigin(
    seedFiles(`# monitored publications
allowed_hosts: [127.0.0.1]

publications:
  adhd:
    name: ADHD Management Information
    frequency: monthly
    landing_page: ${site.url}${SERIES}
    urls:
      - period: aug25
        url: ${site.url}${SERIES}/august-2025
`),
  );
});

const discover = (now: string) =>
  runAction({
    ...bed.options({ cwd: origin.clone(), event: scheduleEvent(fake, '47 5 * * *') }),
    // a short gap between requests to one host (the default, 1 s, is for real sites)
    inputs: { command: 'discover', 'discover-gap-seconds': '0.01' },
    env: { DATAWARP_NOW: now },
  });

const lateIssues = () => fake.issues.filter((i) => i.labels.includes('datawarp-late'));

describe('command: discover under schedule', () => {
  it('opens one pull request, updates it on the next run, and opens then closes a late-release issue', async () => {
    servePage(false);
    const mainBefore = origin.head('main');
    const r1 = await discover('2025-10-01T10:00:00Z');
    expect(r1.code, r1.stdout + r1.stderr).toBe(0);
    expect(r1.outputs['new-releases']).toBe('1');
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]).toMatchObject({ head: 'datawarp/discover', base: 'main', state: 'open' });
    expect(fake.pulls[0].body).toContain('2025-07');
    expect(r1.outputs['pull-request']).toBe(String(fake.pulls[0].number));
    const proposed = origin.show('config/publications.yaml', 'datawarp/discover')!;
    expect(proposed).toContain(
      `      - period: 2025-07\n        url: ${site.url}${SERIES}/july-2025\n      - period: aug25`,
    );
    expect(proposed.startsWith('# monitored publications\n')).toBe(true);
    expect(
      JSON.parse(origin.show('state/monitor.json', 'datawarp/discover')!).publications.adhd.upcoming,
    ).toEqual([
      { title: 'ADHD Management Information, September 2025', date: '2025-10-16', precision: 'day' },
    ]);
    expect(origin.head('main')).toBe(mainBefore); // the default branch is never written
    expect(lateIssues()).toEqual([]);
    expect(r1.summary).toContain('next expected: 2025-10-16 (day): **fresh**');

    // late: the PR is updated, not duplicated; one issue is opened
    const r2 = await discover('2025-10-21T10:00:00Z');
    expect(r2.code, r2.stdout + r2.stderr).toBe(0);
    expect(fake.pulls).toHaveLength(1);
    expect(fake.calls('pulls/create')).toHaveLength(1);
    expect(fake.calls('pulls/update')).toHaveLength(1);
    expect(lateIssues()).toHaveLength(1);
    expect(lateIssues()[0]).toMatchObject({ state: 'open', title: 'DataWarp: adhd release is late' });
    expect(lateIssues()[0].body).toContain('<!-- datawarp:late pub=adhd -->');

    // still late next day: no second issue
    expect((await discover('2025-10-22T08:00:00Z')).code).toBe(0);
    expect(lateIssues()).toHaveLength(1);
    expect(fake.pulls).toHaveLength(1);

    // the release arrives: the issue is closed, the PR now proposes September too
    servePage(true);
    const r4 = await discover('2025-10-23T10:00:00Z');
    expect(r4.code, r4.stdout + r4.stderr).toBe(0);
    expect(lateIssues()[0].state).toBe('closed');
    expect(lateIssues()[0].comments.at(-1)?.body).toContain('The release arrived');
    expect(fake.pulls).toHaveLength(1);
    expect(origin.show('config/publications.yaml', 'datawarp/discover')).toContain('period: 2025-09');
    expect(fake.invalid).toEqual([]);
  });

  it('a stale pull request (the base has everything it proposes) is closed by the next run', async () => {
    expect(fake.pulls[0].state).toBe('open');
    // what the pull request proposes reaches main another way (e.g. the URLs added by hand): nothing is new
    git(origin.bare, 'update-ref', 'refs/heads/main', 'refs/heads/datawarp/discover');
    const head = origin.head('main');
    const r = await discover('2025-10-23T10:00:00Z');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('nothing new to propose');
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0].state).toBe('closed');
    expect(fake.pulls[0].body).toMatch(/^Closed by DataWarp: `main` already has everything/);
    expect(r.outputs['pull-request']).toBeUndefined();
    expect(origin.head('main')).toBe(head);
    // closed once: the next run finds no open pull request and changes nothing
    const n = fake.calls('pulls/update').length;
    expect((await discover('2025-10-23T11:00:00Z')).code).toBe(0);
    expect(fake.calls('pulls/update')).toHaveLength(n);
    expect(fake.invalid).toEqual([]);
  });
});
