// `datawarp discover` against a series page and a work-area page served on 127.0.0.1 in the real markup:
// only the release lists count, --write adds the missing periods in order keeping the file's formatting, a
// second run changes no byte, status shows the next date and its freshness as the clock moves, and a page
// whose structure changed is an error naming it with the config untouched.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { parseConfig } from '../src/config/index.js';
import { findDataFiles } from '../src/manifest/index.js';
import { createHttpClient } from '../src/http/index.js';
import { discover, parseWorkAreaPage, readMonitor } from '../src/monitor/index.js';
import { emptyState } from '../src/state/index.js';
import { startNhsSite } from './support/site.js';
import { seriesPage, startMonitorSite, workAreaPage, type MonitorSite } from './support/monitor-site.js';

const SERIES = '/data-and-information/publications/statistical/mi-adhd';
const rel = (slug: string, month: string, date: string) => ({
  title: `ADHD Management Information, ${month}`,
  path: `${SERIES}/${slug}`,
  date,
});

function adhdPage(): string {
  return seriesPage({
    title: 'ADHD Management Information',
    seriesPath: SERIES,
    latest: rel('august-2025', 'August 2025', '18 September 2025'),
    past: [
      rel('july-2025', 'July 2025', '14 August 2025'),
      rel('june-2025', 'June 2025', '17 July 2025'),
      rel('may-2025', 'May 2025', '12 June 2025'),
    ],
    upcoming: [
      { title: 'ADHD Management Information, September 2025', date: '16 October 2025' },
      { title: 'ADHD Management Information, February 2026', date: 'Mar 2026' },
    ],
  });
}

function cli(dir: string, args: string[], now?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const run = runCli(
    [...args, '--config', join(dir, 'config.yaml'), '--state', join(dir, 'state', 'state.json')],
    {
      cwd: dir,
      env: { DATAWARP_DISCOVER_GAP_SECONDS: '0.001', ...(now ? { DATAWARP_NOW: now } : {}) },
      io: { out: (s) => void out.push(s), err: (s) => void err.push(s), isTTY: false },
    },
  );
  return run.then((code) => ({ code, out: out.join(''), err: err.join('') }));
}

let site: MonitorSite;
beforeAll(async () => {
  site = await startMonitorSite();
});
afterAll(() => site.close());

function workspace(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-discover-'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(dir, 'config.yaml'), config);
  return dir;
}

const adhdConfig = () => `# Publications DataWarp monitors.
# Keep this comment and the order of keys.
allowed_hosts: [127.0.0.1]

publications:
  adhd:
    name: "ADHD Management Information" # quoted on purpose
    frequency: monthly
    landing_page: ${site.url}${SERIES}
    urls:
      - period: jun25 # written the analyst's way
        url: ${site.url}${SERIES}/june-2025
      - period: August 2025
        url: ${site.url}${SERIES}/august-2025

  other:
    frequency: monthly
    name: Other
    urls: []
`;

describe('discover on a digital.nhs.uk series page', () => {
  it('adds exactly the missing releases in period order, keeps the file, and a second run changes no byte', async () => {
    site.set(SERIES, adhdPage());
    const dir = workspace(adhdConfig());
    const before = readFileSync(join(dir, 'config.yaml'), 'utf8');

    const dry = await cli(dir, ['discover', '--json'], '2025-10-01T10:00:00Z');
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.out);
    expect(report.publications).toHaveLength(1);
    const adhd = report.publications[0];
    expect(adhd.new.map((n: { period: string }) => n.period)).toEqual(['2025-05', '2025-07']);
    expect(adhd.new[1]).toEqual({
      period: '2025-07',
      url: `${site.url}${SERIES}/july-2025`,
      title: 'ADHD Management Information, July 2025',
      published: '2025-08-14',
    });
    expect(adhd.upcoming).toEqual([
      { title: 'ADHD Management Information, September 2025', date: '2025-10-16', precision: 'day' },
      { title: 'ADHD Management Information, February 2026', date: '2026-03', precision: 'month' },
    ]);
    expect(adhd.freshness).toMatchObject({ state: 'fresh', next_expected: '2025-10-16' });
    // without --write nothing is written
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(before);

    const w = await cli(dir, ['discover', '--write'], '2025-10-01T10:00:00Z');
    expect(w.code, w.err).toBe(0);
    const after = readFileSync(join(dir, 'config.yaml'), 'utf8');
    const added = after.split('\n').filter((l) => !before.split('\n').includes(l));
    expect(added).toEqual([
      '      - period: 2025-05',
      `        url: ${site.url}${SERIES}/may-2025`,
      '      - period: 2025-07',
      `        url: ${site.url}${SERIES}/july-2025`,
    ]);
    // every original line is still there, in order
    const lines = after.split('\n');
    let i = 0;
    for (const l of before.split('\n')) i = lines.indexOf(l, i) + 1 || expect.fail(`lost line: ${l}`);
    const periods = parseConfig(after, 'config.yaml', {}).publications[0].urls.map((u) => u.period);
    expect(periods).toEqual(['2025-05', '2025-06', '2025-07', '2025-08']);
    const monitor = readMonitor(join(dir, 'state', 'monitor.json'));
    expect(Object.keys(monitor.publications.adhd.releases).sort()).toEqual([
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
    ]);
    expect(monitor.publications.adhd.releases['2025-08'].published).toBe('2025-09-18');

    const monitorText = readFileSync(join(dir, 'state', 'monitor.json'), 'utf8');
    const again = await cli(dir, ['discover', '--write'], '2025-10-02T10:00:00Z');
    expect(again.code).toBe(0);
    expect(again.out).toContain('Nothing new');
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(after);
    expect(readFileSync(join(dir, 'state', 'monitor.json'), 'utf8')).toBe(monitorText);
  });

  it('status shows the next date and fresh, then due, late and missing as the clock moves', async () => {
    site.set(SERIES, adhdPage());
    const dir = workspace(adhdConfig());
    expect((await cli(dir, ['discover', '--write'], '2025-10-01T10:00:00Z')).code).toBe(0);
    const status = async (now: string) => {
      const r = await cli(dir, ['status', '--json'], now);
      expect(r.code).toBe(0);
      return JSON.parse(r.out).publications.find((p: { pub: string }) => p.pub === 'adhd');
    };
    expect(await status('2025-10-01T10:00:00Z')).toMatchObject({
      latest_period: '2025-08',
      latest_published: '2025-09-18',
      next_expected: '2025-10-16',
      next_expected_precision: 'day',
      freshness: 'fresh',
    });
    expect((await status('2025-10-17T10:00:00Z')).freshness).toBe('due'); // one working day after
    expect((await status('2025-10-21T10:00:00Z')).freshness).toBe('late'); // Fri, Mon, Tue
    expect((await status('2025-11-20T10:00:00Z')).freshness).toBe('missing'); // over a month past
    const text = await cli(dir, ['status'], '2025-10-21T10:00:00Z');
    expect(text.out).toContain('next expected: 2025-10-16: late');
    expect(text.out).toContain('latest: 2025-08 (published 2025-09-18)');
  });

  it('a page without its data-uipath lists is an error naming the page; the config is unchanged', async () => {
    const path = `${SERIES}-broken`;
    site.set(path, adhdPage().replace(/ data-uipath="[^"]*"/g, ''));
    const dir = workspace(
      adhdConfig().replace(`landing_page: ${site.url}${SERIES}`, `landing_page: ${site.url}${path}`),
    );
    const before = readFileSync(join(dir, 'config.yaml'), 'utf8');
    const r = await cli(dir, ['discover', '--write'], '2025-10-01T10:00:00Z');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${site.url}${path}: page structure changed`);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe(before);
    expect(() => readFileSync(join(dir, 'state', 'monitor.json'))).toThrow();

    const missing = workspace(
      adhdConfig().replace(`landing_page: ${site.url}${SERIES}`, `landing_page: ${site.url}/gone`),
    );
    const m = await cli(missing, ['discover', '--write', '--json'], '2025-10-01T10:00:00Z');
    expect(m.code).toBe(1);
    expect(JSON.parse(m.out).publications[0].error).toMatch(
      /\/gone: the landing page could not be read: the server answered 404/,
    );
  });

  it('usage and config errors exit 2', async () => {
    const dir = workspace(adhdConfig());
    expect((await cli(dir, ['discover', '--pub', 'nope'])).code).toBe(2);
    expect((await cli(dir, ['discover', '--pub', 'other'])).code).toBe(2); // no landing page
    expect((await cli(dir, ['discover', '--bogus'])).code).toBe(2);
    writeFileSync(
      join(dir, 'config.yaml'),
      adhdConfig().replace('frequency: monthly', 'frequency: sometimes'),
    );
    expect((await cli(dir, ['discover'])).code).toBe(2);
  });
});

const WA = '/statistics/statistical-work-areas/ae-waiting-times-and-activity/ae-attendances-2025-26';
const UP = '/statistics/wp-content/uploads/sites/2';

function aePage(): string {
  const month = (name: string, short: string, upload: string) => ({
    heading: `${name} 2025`,
    files: [
      {
        href: `${UP}/${upload}/${name}-2025-AE-by-provider-x1y2z.xls`,
        title: `A&E Attendances by provider ${name} 2025 (XLS, 120K)`,
      },
      { href: `${UP}/${upload}/Monthly-AE-${short}25.csv`, title: `Monthly A&E ${name} 2025 (CSV, 71KB)` },
      { href: `${UP}/${upload}/AE-Report-${short}25.pdf`, title: `Statistical note ${name} 2025 (PDF)` },
    ],
  });
  return workAreaPage({
    title: 'A&E Attendances and Emergency Admissions 2025-26',
    months: [
      month('June', 'Jun', '2025/07'),
      month('May', 'May', '2025/06'),
      month('April', 'Apr', '2025/05'),
    ],
  });
}

describe('discover on an england.nhs.uk work-area page', () => {
  it('finds each month with its own files, the same files the backfill takes for that period', () => {
    const html = aePage();
    const page = parseWorkAreaPage(html, `${site.url}${WA}`, 'monthly');
    expect(page.releases.map((r) => r.period)).toEqual(['2025-06', '2025-05', '2025-04']);
    for (const r of page.releases) {
      const month = { '2025-06': 'June', '2025-05': 'May', '2025-04': 'April' }[r.period]!;
      expect(r.files!.map((f) => f.url)).toEqual([
        expect.stringContaining(`/${month}-2025-AE-by-provider-x1y2z.xls`),
        expect.stringContaining(`/Monthly-AE-${month.slice(0, 3)}25.csv`),
      ]);
      expect(findDataFiles(html, `${site.url}${WA}`, { period: r.period }).map((f) => f.url)).toEqual(
        r.files!.map((f) => f.url),
      );
    }
  });

  it('lists the months not yet configured, the work-area page as their URL', async () => {
    site.set(WA, aePage());
    const dir = workspace(`allowed_hosts: [127.0.0.1]
publications:
  ae:
    name: A&E Attendances
    frequency: monthly
    landing_page: ${site.url}${WA}
    urls:
      - period: 2025-05
        url: ${site.url}${WA}
`);
    const r = await cli(dir, ['discover', '--json', '--write'], '2025-08-01T10:00:00Z');
    expect(r.code, r.err).toBe(0);
    const ae = JSON.parse(r.out).publications[0];
    expect(ae.new.map((n: { period: string; url: string }) => [n.period, n.url])).toEqual([
      ['2025-04', `${site.url}${WA}`],
      ['2025-06', `${site.url}${WA}`],
    ]);
    // no upcoming list: the next release is estimated from the frequency (no publication dates: unknown)
    expect(ae.freshness.state).toBe('unknown');
    const cfg = parseConfig(readFileSync(join(dir, 'config.yaml'), 'utf8'), 'c', {});
    expect(cfg.publications[0].urls.map((u) => u.period)).toEqual(['2025-04', '2025-05', '2025-06']);
  });

  it('follows the yearly pages a work area links to when it lists no month itself', async () => {
    const nhs = await startNhsSite();
    try {
      const dtoc = nhs.publications.find((p) => p.pub === 'dtoc')!;
      const config = parseConfig(
        `allowed_hosts: [127.0.0.1]
publications:
  dtoc:
    name: Delayed Transfers of Care
    frequency: monthly
    landing_page: ${dtoc.landing_page}
    urls:
${dtoc.urls.map((u) => `      - period: ${u.period}\n        url: ${u.url}`).join('\n')}
`,
        'c.yaml',
        {},
      );
      const r = await discover(
        config,
        emptyState(),
        { publications: {} },
        {
          http: createHttpClient({ allowedHosts: ['127.0.0.1'] }),
          now: () => new Date('2020-03-01T10:00:00Z'),
          tmpDir: mkdtempSync(join(tmpdir(), 'dw-dtoc-')),
          manifestsDir: '/nonexistent',
        },
      );
      const pub = r.publications[0];
      expect(pub.error).toBeUndefined();
      // configured: 2011-04 and 2019-11; the yearly pages also list these months
      expect(pub.new.map((n) => n.period)).toEqual(['2011-05', '2019-10', '2019-12']);
      expect(pub.new.find((n) => n.period === '2019-12')!.url).toMatch(
        /delayed-transfers-of-care-data-2019-20\/$/,
      );
    } finally {
      await nhs.close();
    }
  });
});
