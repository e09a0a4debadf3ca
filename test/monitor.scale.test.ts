// Discover at catalogue scale (issue 19 item 6): 300 series pages on 127.0.0.1 in one run. The server counts:
// at most one request in flight per host, the gap between one answer and the next request on a host, the
// validators sent (304 = checked, unchanged, never "no releases"), the order of checks under max-checks across
// runs (least recently checked first), a time budget that defers (an injected clock: nothing sleeps), and pages
// that fail (500, a timeout, a redirect off the allowed hosts) reported by URL while the others are checked.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { loadConfig } from '../src/config/index.js';
import { createHttpClient } from '../src/http/index.js';
import { readMonitor, runDiscover, type PaceClock } from '../src/monitor/index.js';
import { farmConfig, monthName, pagePath, startFarm, type Farm } from './support/landing-farm.js';

const N = 300;
const GAP_MS = 5;
let farm: Farm;

beforeAll(async () => {
  farm = await startFarm(2);
});
afterAll(() => farm.close());

function workspace(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-discover-scale-'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(dir, 'config.yaml'), config);
  return dir;
}

const http = () =>
  createHttpClient({ allowedHosts: ['127.0.0.1'], retries: 1, retryBaseMs: 5, timeoutMs: 500 });

function run(dir: string, now: string, o: Partial<Parameters<typeof runDiscover>[0]> = {}) {
  return runDiscover({
    config: loadConfig(join(dir, 'config.yaml'), {}),
    statePath: join(dir, 'state', 'state.json'),
    cwd: dir,
    http: http(),
    now: () => new Date(now),
    write: true,
    gapMs: GAP_MS,
    ...o,
  });
}

/** The requests since `from`, per host in arrival order. */
function perHost(from: number) {
  const hosts = new Map<string, typeof farm.requests>();
  for (const r of farm.requests.slice(from)) hosts.set(r.host, [...(hosts.get(r.host) ?? []), r]);
  return hosts;
}

describe('discover over 300 landing pages', () => {
  it('one request at a time per host, the gap kept, hosts in parallel; then conditional requests and 304s', async () => {
    const dir = workspace(farmConfig(farm, N, [monthName(8), monthName(7)]));
    const from = farm.requests.length;
    const t0 = performance.now();
    const first = await run(dir, '2025-09-20T10:00:00Z');
    const wall = performance.now() - t0;
    console.log(`discover: ${N} landing pages on 2 hosts, ${GAP_MS} ms gap: ${Math.round(wall)} ms`);
    expect(first.errors).toEqual([]);
    expect(first.result.publications).toHaveLength(N);
    expect(first.result.deferred).toEqual([]);
    expect(first.added).toBe(2 * N);
    expect(farm.requests.length - from).toBe(N);
    expect(farm.maxInFlight()).toBe(1);
    const hosts = perHost(from);
    expect(hosts.size).toBe(2);
    for (const reqs of hosts.values()) {
      for (let i = 1; i < reqs.length; i++)
        expect(reqs[i].start - reqs[i - 1].end, `${reqs[i].path}`).toBeGreaterThanOrEqual(GAP_MS - 0.5);
    }
    // the two hosts were served at the same time: some request of one ran while the other host's did
    const [a, b] = [...hosts.values()];
    expect(a.some((x) => b.some((y) => x.start < y.end && y.start < x.end))).toBe(true);
    // one polite host alone would need at least N gaps
    expect(wall).toBeLessThan(N * GAP_MS + 60_000);

    const monitor = readMonitor(join(dir, 'state', 'monitor.json'));
    expect(monitor.publications.p001.landing?.etag).toBe(farm.etags.get(pagePath(1)));
    expect(monitor.publications.p001.checked).toBeUndefined(); // every page read: no "checked at" kept

    // ten pages gain a release; the rest answer 304 to the validators kept
    for (let i = 1; i <= 10; i++)
      farm.months.set(pagePath(i * 30), [monthName(9), monthName(8), monthName(7)]);
    const monitorText = readFileSync(join(dir, 'state', 'monitor.json'), 'utf8');
    const mark = farm.requests.length;
    const second = await run(dir, '2025-10-20T10:00:00Z');
    const reqs = farm.requests.slice(mark);
    expect(reqs).toHaveLength(N);
    for (const r of reqs)
      expect(r.ifNoneMatch, r.path).toBe(
        JSON.parse(monitorText).publications[`p${r.path.slice(9)}`].landing.etag,
      );
    expect(reqs.filter((r) => r.status === 304)).toHaveLength(N - 10);
    expect(second.errors).toEqual([]); // a 304 is "checked, unchanged", never "the page lists no release"
    const unchanged = second.result.publications.filter((p) => p.not_modified);
    expect(unchanged).toHaveLength(N - 10);
    const fresh = second.result.publications.filter((p) => p.new.length);
    expect(fresh.map((p) => p.pub)).toEqual(
      Array.from({ length: 10 }, (_, i) => `p${String((i + 1) * 30).padStart(3, '0')}`),
    );
    expect(fresh.every((p) => p.new.length === 1 && p.new[0].period === '2025-09')).toBe(true);
    expect(second.added).toBe(10);
    // an unchanged page keeps what it listed
    expect(
      Object.keys(readMonitor(join(dir, 'state', 'monitor.json')).publications.p001.releases).sort(),
    ).toEqual(['2025-07', '2025-08']);
    expect(farm.maxInFlight()).toBe(1);
  });

  it('max-checks: least recently checked first across runs, the rest deferred and named', async () => {
    const dir = workspace(farmConfig(farm, N, [monthName(8)]));
    const checked = (from: number) => farm.requests.slice(from).map((r) => Number(r.path.slice(9)));
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);

    let from = farm.requests.length;
    const r1 = await run(dir, '2025-09-20T10:00:00Z', { maxChecks: 120 });
    expect(sorted(checked(from))).toEqual(range(1, 120));
    expect(r1.result.deferred).toHaveLength(180);
    expect(r1.result.deferred[0]).toEqual({
      pub: 'p121',
      landing_page: `${farm.urls[121 % 2]}${pagePath(121)}`,
      reason: 'max-checks',
    });
    const m1 = readMonitor(join(dir, 'state', 'monitor.json'));
    expect(m1.publications.p001.checked).toBe('2025-09-20T10:00:00.000Z');
    expect(m1.publications.p121).toBeUndefined();

    from = farm.requests.length;
    const r2 = await run(dir, '2025-09-21T10:00:00Z', { maxChecks: 120 });
    expect(sorted(checked(from))).toEqual(range(121, 240));
    expect(r2.result.deferred.map((d) => d.pub).slice(0, 2)).toEqual(['p241', 'p242']);

    from = farm.requests.length;
    const r3 = await run(dir, '2025-09-22T10:00:00Z', { maxChecks: 120 });
    expect(sorted(checked(from))).toEqual([...range(1, 60), ...range(241, 300)]);
    expect(r3.result.deferred.find((d) => d.pub === 'p061')).toMatchObject({
      last_checked: '2025-09-20T10:00:00.000Z',
    });
    expect(farm.maxInFlight()).toBe(1);
  });

  it('a time budget stops starting page checks; an injected clock paces without sleeping', async () => {
    const dir = workspace(farmConfig(farm, N, [monthName(8)], 1));
    let t = 0;
    const slept: number[] = [];
    const clock: PaceClock = {
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
    };
    const from = farm.requests.length;
    const r = await run(dir, '2025-09-20T10:00:00Z', { clock, gapMs: 1000, timeBudgetMs: 10_000 });
    // one host: page 1 at t=0, each later page waits 1 s of the clock, none starts at t >= 10 s
    const reqs = farm.requests.slice(from);
    expect(reqs.map((x) => x.path)).toEqual(Array.from({ length: 11 }, (_, i) => pagePath(i + 1)));
    expect(r.result.publications).toHaveLength(11);
    expect(r.result.deferred).toHaveLength(N - 11);
    expect(r.result.deferred[0]).toMatchObject({ pub: 'p012', reason: 'time-budget' });
    expect(r.result.deferred.every((d) => d.reason === 'time-budget')).toBe(true);
    expect(new Set(r.result.deferred.map((d) => d.pub)).has('p001')).toBe(false);
    expect(slept).toEqual(Array(10).fill(1000));
    const m = readMonitor(join(dir, 'state', 'monitor.json'));
    expect(Object.keys(m.publications)).toHaveLength(11);
    expect(m.publications.p011.checked).toBe('2025-09-20T10:00:00.000Z');
  });

  it('pages that fail (500, timeout, off-host redirect) are named with their URL; the others are checked', async () => {
    const dir = workspace(farmConfig(farm, N, [monthName(8)]));
    farm.fail.add(pagePath(7));
    farm.hang.add(pagePath(13));
    farm.offHost.add(pagePath(21));
    try {
      const r = await run(dir, '2025-09-20T10:00:00Z');
      const url = (i: number) => `${farm.urls[i % 2]}${pagePath(i)}`;
      expect(r.errors.map((e) => e.pub)).toEqual(['p007', 'p013', 'p021']);
      expect(r.errors[0].error).toMatch(
        new RegExp(`^${url(7)}: the landing page could not be read: the server answered 500`),
      );
      expect(r.errors[1].error).toMatch(
        new RegExp(`^${url(13)}: the landing page could not be read: it timed out`),
      );
      expect(r.errors[2].error).toMatch(
        new RegExp(`^${url(21)}: the landing page could not be read: it redirected to http://localhost:1/`),
      );
      expect(r.result.publications.filter((p) => !p.error)).toHaveLength(N - 3);
      // what the other pages gave is written; the failed ones learned nothing
      expect(r.added).toBe(N - 3);
      const m = readMonitor(join(dir, 'state', 'monitor.json'));
      expect(m.publications.p007).toBeUndefined();
      expect(Object.keys(m.publications)).toHaveLength(N - 3);
    } finally {
      farm.fail.clear();
      farm.hang.clear();
      farm.offHost.clear();
    }
  });
});

describe('datawarp discover --max-checks (CLI)', () => {
  it('names the deferred pages, exits 1 for a failed page, and checks it first next run', async () => {
    const dir = workspace(farmConfig(farm, 6, [monthName(8)]));
    farm.months.delete(pagePath(2)); // 404
    const cli = async (now: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(
        [
          'discover',
          '--write',
          '--max-checks',
          '4',
          '--gap-seconds',
          '0.005',
          '--config',
          join(dir, 'config.yaml'),
          '--state',
          join(dir, 'state', 'state.json'),
        ],
        {
          cwd: dir,
          env: { DATAWARP_NOW: now },
          io: { out: (s) => void out.push(s), err: (s) => void err.push(s), isTTY: false },
        },
      );
      return { code, out: out.join(''), err: err.join('') };
    };
    let from = farm.requests.length;
    const r1 = await cli('2025-09-20T10:00:00Z');
    expect(r1.code).toBe(1);
    expect(r1.err).toContain(
      `${farm.urls[0]}${pagePath(2)}: the landing page could not be read: the server answered 404`,
    );
    expect(r1.out).toContain(
      'Checked 4 landing page(s) (0 unchanged since the last run, 1 failed); 2 deferred to the next run.',
    );
    expect(r1.out).toContain(
      `  deferred p005  ${farm.urls[1]}${pagePath(5)}  (over --max-checks; last checked never)`,
    );
    expect(r1.out).toContain('Added 3 release(s)');
    expect(
      farm.requests
        .slice(from)
        .map((r) => r.path)
        .sort(),
    ).toEqual([1, 2, 3, 4].map(pagePath));
    // the failed page was never stamped: it comes first with the two never checked, then the oldest
    farm.months.set(pagePath(2), [monthName(8)]);
    from = farm.requests.length;
    const r2 = await cli('2025-09-21T10:00:00Z');
    expect(r2.code, r2.err).toBe(0);
    expect(
      farm.requests
        .slice(from)
        .map((r) => r.path)
        .sort(),
    ).toEqual([1, 2, 5, 6].map(pagePath));
  });
});
