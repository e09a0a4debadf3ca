// discover under a hostile or broken series page, served on 127.0.0.1: impossible periods and dates are reported
// and never written; release links off allowed_hosts are refused (exit 1) while the page's other releases are
// added; YAML edits touch only the lines they add; a page listing hundreds of releases adds at most
// max_new_releases per run, in linear time; a refused host, a redirect elsewhere and a timeout say so.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { parseConfig } from '../src/config/index.js';
import { createHttpClient } from '../src/http/index.js';
import { discover, emptyMonitor, readMonitor } from '../src/monitor/index.js';
import { emptyState } from '../src/state/index.js';
import { seriesPage, startMonitorSite, type MonitorSite } from './support/monitor-site.js';

const SERIES = '/data-and-information/publications/statistical/mi-hostile';
const NOW = '2025-10-01T10:00:00Z';
let site: MonitorSite;
beforeAll(async () => {
  site = await startMonitorSite();
});
afterAll(() => site.close());

function workspace(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-discover-hostile-'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(dir, 'config.yaml'), config);
  return dir;
}

async function cli(dir: string, args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(
    [...args, '--config', join(dir, 'config.yaml'), '--state', join(dir, 'state', 'state.json')],
    {
      cwd: dir,
      env: { DATAWARP_NOW: NOW },
      io: { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false },
    },
  );
  return { code, out, err };
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at \S+/);
const rel = (title: string, path: string, date: string) => ({ title, path, date });

const config = (extra = '') => `# hostile page
allowed_hosts: [127.0.0.1]

publications:
  hx:
    name: "P"   # comment
    frequency: monthly
    landing_page: ${site.url}${SERIES}${extra}
    urls:
      - period: jun25   # the analyst's way
        url: ${site.url}${SERIES}/june-2025
`;

describe('discover on a hostile series page', () => {
  it('writes only real releases on allowed hosts, reports the rest, and touches no other line', async () => {
    site.set(
      SERIES,
      seriesPage({
        title: 'Hostile',
        seriesPath: SERIES,
        latest: rel('Hostile, August 2025', `${SERIES}/august-2025`, '18 September 2025'),
        past: [
          rel('Hostile, January 5025', `${SERIES}/january-5025`, '1 February 5025'),
          rel('Hostile, July 2025', `${SERIES}/july-2025`, '30 February 2025'),
          rel('Hostile, June 2025', `${SERIES}/june-2025`, '17 July 2025'),
          rel('Hostile, May 2025', 'http://evil.example/x/may-2025', '12 June 2025'),
          rel('Hostile, April 2025', '//evil.example/april-2025', '15 May 2025'),
          rel('Hostile, June 1989', `${SERIES}/june-1989`, '1 July 1989'),
          rel('Hostile, March 2025', `${SERIES}/march-2025`, '10 April 2025'),
        ],
        upcoming: [
          { title: 'Hostile, September 2025', date: '16 October 2025' },
          { title: 'Hostile, January 2026', date: '30 February 2026' },
        ],
      }),
    );
    const dir = workspace(config());
    const before = readFileSync(join(dir, 'config.yaml'), 'utf8');
    const dry = await cli(dir, ['discover', '--json']);
    expect(dry.code).toBe(1);
    expect(JSON.parse(dry.out).publications[0].new.map((n: { period: string }) => n.period)).toEqual([
      '2025-03',
      '2025-08',
    ]);

    const w = await cli(dir, ['discover', '--write']);
    expect(w.code, w.err).toBe(1); // some links were refused: 1, never 2
    noStack(w.err);
    expect(w.err).toContain(
      'refused Hostile, May 2025 (http://evil.example/x/may-2025): host "evil.example"',
    );
    expect(w.err).toContain('refused Hostile, April 2025 (http://evil.example/april-2025)');
    expect(w.out).toContain('period 5025-01 is more than a year after today (2025-10-01)');
    expect(w.out).toContain('period 1989-06 is before 1990');
    expect(w.out).toContain('its publication date "30 February 2025" is not a calendar date');
    expect(w.out).toContain('its date "30 February 2026" is not a calendar date');
    expect(w.out).toContain(`${site.url}${SERIES}: skipped`);
    expect(w.out).toContain('2 release link(s) refused');

    const after = readFileSync(join(dir, 'config.yaml'), 'utf8');
    const added = after.split('\n').filter((l) => !before.split('\n').includes(l));
    expect(added).toEqual([
      '      - period: 2025-03',
      `        url: ${site.url}${SERIES}/march-2025`,
      '      - period: 2025-08',
      `        url: ${site.url}${SERIES}/august-2025`,
    ]);
    expect(after).toContain('    name: "P"   # comment\n');
    expect(after).toContain("      - period: jun25   # the analyst's way\n");
    expect(after.split('\n').filter((l) => before.split('\n').includes(l))).toEqual(before.split('\n'));
    expect(parseConfig(after, 'config.yaml', {}).publications[0].urls.map((u) => u.period)).toEqual([
      '2025-03',
      '2025-06',
      '2025-08',
    ]);

    const monitorText = readFileSync(join(dir, 'state', 'monitor.json'), 'utf8');
    expect(monitorText).not.toMatch(/5025|1989|02-30|evil\.example/);
    expect(
      Object.keys(readMonitor(join(dir, 'state', 'monitor.json')).publications.hx.releases).sort(),
    ).toEqual(['2025-03', '2025-06', '2025-08']);
    const status = await cli(dir, ['status', '--json']);
    expect(JSON.parse(status.out).publications[0]).toMatchObject({
      latest_period: '2025-08',
      freshness: 'fresh',
    });
  });

  it('a page listing 416 releases (415 new) adds at most max_new_releases per run, newest first, in linear time', async () => {
    const path = `${SERIES}-long`;
    const months: string[] = [];
    for (let y = 1991; y <= 2025; y++)
      for (let m = 1; m <= 12; m++) if (y < 2025 || m <= 8) months.push(`${y}-${String(m).padStart(2, '0')}`);
    const name = (p: string) =>
      new Date(`${p}-01T00:00:00Z`).toLocaleString('en-GB', {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
    const releases = [...months].reverse().map((p) => rel(`Long, ${name(p)}`, `${path}/${p}`, ''));
    site.set(
      path,
      seriesPage({
        title: 'Long',
        seriesPath: path,
        latest: releases[0],
        past: releases.slice(1),
        upcoming: [],
      }),
    );
    const dir = workspace(config('-long').replace('    urls:', '    max_new_releases: 100\n    urls:'));
    const t0 = Date.now();
    const w = await cli(dir, ['discover', '--write']);
    const took = Date.now() - t0;
    expect(w.code, w.err).toBe(0);
    expect(w.out).toContain(
      '415 new releases listed, more than max_new_releases (100) of hx: the newest 100 are added now, the other 315 on the next runs',
    );
    let urls = parseConfig(readFileSync(join(dir, 'config.yaml'), 'utf8'), 'c', {}).publications[0].urls;
    const fresh = months.filter((p) => p !== '2025-06');
    expect(urls.map((u) => u.period)).toEqual([...fresh.slice(-100), '2025-06'].sort());
    expect(took).toBeLessThan(15_000);
    for (let run = 0; run < 4; run++) expect((await cli(dir, ['discover', '--write'])).code).toBe(0);
    urls = parseConfig(readFileSync(join(dir, 'config.yaml'), 'utf8'), 'c', {}).publications[0].urls;
    expect(urls.map((u) => u.period)).toEqual(months);
  });
});

describe('checks in the right place and words that say what happened', () => {
  it('validate refuses a landing_page off allowed_hosts; a javascript: URL is not "host  is not in allowed_hosts"', async () => {
    const dir = workspace(
      config()
        .replace(`landing_page: ${site.url}`, 'landing_page: https://evil.example')
        .replace(`url: ${site.url}${SERIES}/june-2025`, 'url: "javascript:alert(1)"'),
    );
    const r = await cli(dir, ['validate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /config\.yaml:8:\d+: landing_page of hx: host evil\.example is not in allowed_hosts/,
    );
    expect(r.err).toMatch(/must be an absolute http\(s\) URL/);
    expect(r.err).not.toContain('host  is');
    noStack(r.err);
  });

  it('a redirect to another host and a refused landing page say so, not "page structure changed"', async () => {
    const server = createServer((req, res) => {
      res
        .writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/moved` })
        .end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const port = (server.address() as AddressInfo).port;
      const dir = workspace(
        config().replace(
          `landing_page: ${site.url}${SERIES}`,
          `landing_page: http://127.0.0.1:${port}/series`,
        ),
      );
      const r = await cli(dir, ['discover', '--write']);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        `http://127.0.0.1:${port}/series: the landing page could not be read: it redirected to http://localhost:${port}/moved, on host "localhost", which is not in allowed_hosts`,
      );
      expect(r.err).not.toContain('page structure changed');
      noStack(r.err);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  it('a landing page that does not answer in time is "timed out"', async () => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const port = (server.address() as AddressInfo).port;
      const cfg = parseConfig(
        config().replace(`landing_page: ${site.url}${SERIES}`, `landing_page: http://127.0.0.1:${port}/slow`),
        'c.yaml',
        {},
      );
      const http = createHttpClient({ allowedHosts: cfg.allowedHosts, timeoutMs: 300, retries: 0 });
      const r = await discover(cfg, emptyState(), emptyMonitor(), {
        http,
        now: () => new Date(NOW),
        tmpDir: tmpdir(),
        manifestsDir: join(tmpdir(), 'none'),
      });
      expect(r.publications[0].error).toMatch(/the landing page could not be read: it timed out/);
      expect(r.publications[0].error).not.toContain('page structure changed');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
