// Revision detection in `discover`: the release pages and files of the most recent processed periods are
// fetched again (conditional requests once validators are known) and compared with what was loaded (the
// manifests) or last seen (state/monitor.json). A `-revised` twin with new bytes, new bytes at a known URL and
// a new change notice mark the period revised; the same bytes at a new URL do not.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { clearRevision, pendingRevisions, readMonitor, writeMonitor } from '../src/monitor/index.js';
import { releasePage, seriesPage, startMonitorSite, type MonitorSite } from './support/monitor-site.js';

const SERIES = '/data-and-information/publications/statistical/mi-adhd';
const FILES = '/files/ab/cd12ef';
const MONTHS = [
  ['2025-05', 'may-2025', 'May 2025', 'May25'],
  ['2025-06', 'june-2025', 'June 2025', 'Jun25'],
  ['2025-07', 'july-2025', 'July 2025', 'Jul25'],
  ['2025-08', 'august-2025', 'August 2025', 'Aug25'],
] as const;

const csv = (month: string, n: number) => `org,month,patients\nA,${month},${n}\nB,${month},${n + 1}\n`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let site: MonitorSite;
beforeAll(async () => {
  site = await startMonitorSite();
});
afterAll(() => site.close());

function serve(
  files: Record<string, { name: string; body: string }[]>,
  notices: Record<string, string[]> = {},
) {
  site.set(
    SERIES,
    seriesPage({
      title: 'ADHD Management Information',
      seriesPath: SERIES,
      latest: {
        title: 'ADHD Management Information, August 2025',
        path: `${SERIES}/august-2025`,
        date: '18 September 2025',
      },
      past: MONTHS.slice(0, 3)
        .reverse()
        .map(([, slug, label]) => ({
          title: `ADHD Management Information, ${label}`,
          path: `${SERIES}/${slug}`,
          date: '1 July 2025',
        })),
      upcoming: [{ title: 'ADHD Management Information, September 2025', date: '16 October 2025' }],
    }),
  );
  for (const [period, slug, label] of MONTHS) {
    for (const f of files[period]) site.set(`${FILES}/${f.name}`, f.body);
    site.set(
      `${SERIES}/${slug}`,
      releasePage({
        title: `ADHD Management Information, ${label}`,
        published: '18 Sep 2025',
        notices: (notices[period] ?? []).map((t) => ({ title: t, date: '4 December 2025 13:00 PM' })),
        files: files[period].map((f) => ({ href: `${FILES}/${f.name}`, title: f.name, ext: 'csv' })),
      }),
    );
  }
}

const original = () =>
  Object.fromEntries(
    MONTHS.map(([p, , label, short]) => [p, [{ name: `ADHD-${short}.csv`, body: csv(label, 10) }]]),
  );

function workspace(recheck: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-revisions-'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(
    join(dir, 'config.yaml'),
    `allowed_hosts: [127.0.0.1]
publications:
  adhd:
    name: ADHD Management Information
    frequency: monthly
    landing_page: ${site.url}${SERIES}
    recheck_periods: ${recheck}
    urls:
${MONTHS.map(([p, slug]) => `      - period: ${p}\n        url: ${site.url}${SERIES}/${slug}`).join('\n')}
`,
  );
  const processed = Object.fromEntries(
    MONTHS.map(([p]) => [`adhd/${p}`, { completed_at: '2025-09-20T08:00:00.000Z', rows_loaded: 2 }]),
  );
  writeFileSync(join(dir, 'state', 'state.json'), JSON.stringify({ processed, failed: {} }, null, 2));
  // what the backfill loaded: one manifest per period with the file's URL and sha256
  for (const [p, , label, short] of MONTHS) {
    mkdirSync(join(dir, 'manifests', 'backfill', 'adhd'), { recursive: true });
    const url = `${site.url}${FILES}/ADHD-${short}.csv`;
    writeFileSync(
      join(dir, 'manifests', 'backfill', 'adhd', `adhd_${p}.yaml`),
      YAML.stringify({
        pub: 'adhd',
        period: p,
        files: [{ url, title: 'x', sha256: sha(csv(label, 10)), bytes: 40, tables: [] }],
      }),
    );
  }
  return dir;
}

async function discover(dir: string, now = '2025-10-01T10:00:00Z') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [
      'discover',
      '--write',
      '--json',
      '--config',
      join(dir, 'config.yaml'),
      '--state',
      join(dir, 'state', 'state.json'),
    ],
    {
      cwd: dir,
      env: { DATAWARP_NOW: now, DATAWARP_DISCOVER_GAP_SECONDS: '0.001' },
      io: { out: (s) => void out.push(s), err: (s) => void err.push(s), isTTY: false },
    },
  );
  expect(code, err.join('')).toBe(0);
  return JSON.parse(out.join('')).publications[0] as { revised: { period: string; reason: string }[] };
}

describe('revision detection', () => {
  it('flags a -revised twin, new bytes at a known URL and a new change notice; not the same bytes moved', async () => {
    serve(original());
    const dir = workspace(4);
    expect((await discover(dir)).revised).toEqual([]);
    const monitorFile = join(dir, 'state', 'monitor.json');
    const m1 = readMonitor(monitorFile);
    expect(Object.keys(m1.publications.adhd.periods).sort()).toEqual(MONTHS.map(([p]) => p));
    expect(Object.values(m1.publications.adhd.periods['2025-08'].files)[0].etag).toMatch(/^"/);

    // nothing changed: the files are asked for conditionally, nothing is revised, no byte of monitor.json moves
    const text = readFileSync(monitorFile, 'utf8');
    site.requests.length = 0;
    expect((await discover(dir, '2025-10-02T10:00:00Z')).revised).toEqual([]);
    const fileRequests = site.requests.filter((r) => r.includes(FILES));
    expect(fileRequests).toHaveLength(4);
    expect(fileRequests.every((r) => r.endsWith('[conditional]'))).toBe(true);
    expect(readFileSync(monitorFile, 'utf8')).toBe(text);

    const files = original();
    files['2025-08'] = [{ name: 'ADHD-Aug25-revised.csv', body: csv('August 2025', 12) }]; // a revised twin
    files['2025-07'] = [{ name: 'ADHD-Jul25.csv', body: csv('July 2025', 11) }]; // new bytes, same URL
    files['2025-06'] = [{ name: 'moved/ADHD-Jun25.csv', body: csv('June 2025', 10) }]; // same bytes, new URL
    serve(files, { '2025-05': ['May 2025 data revised'] });
    const r = await discover(dir, '2025-12-05T10:00:00Z');
    expect(r.revised).toEqual([
      { period: '2025-08', reason: 'new data file ADHD-Aug25-revised.csv' },
      { period: '2025-07', reason: 'new bytes at ADHD-Jul25.csv' },
      { period: '2025-05', reason: 'change notice "May 2025 data revised" (4 December 2025 13:00 PM)' },
    ]);
    // June (same bytes at a new URL) is not revised; the notice is new against what monitor.json recorded
    const m = readMonitor(monitorFile);
    expect(pendingRevisions(m)).toEqual([
      { pub: 'adhd', period: '2025-08', reason: 'new data file ADHD-Aug25-revised.csv' },
      { pub: 'adhd', period: '2025-07', reason: 'new bytes at ADHD-Jul25.csv' },
      {
        pub: 'adhd',
        period: '2025-05',
        reason: 'change notice "May 2025 data revised" (4 December 2025 13:00 PM)',
      },
    ]);
    expect(m.publications.adhd.revised[0].detected_at).toBe('2025-12-05T10:00:00.000Z');

    // the lead's backfill reloads them and clears them; the next discover does not flag them again
    for (const p of pendingRevisions(m)) clearRevision(m, p.pub, p.period);
    writeMonitor(monitorFile, m);
    expect((await discover(dir, '2025-12-06T10:00:00Z')).revised).toEqual([]);
  });

  it('clears a pending revision once the upstream bytes are back to what is loaded', async () => {
    serve(original());
    const dir = workspace(4);
    await discover(dir);
    const files = original();
    files['2025-07'] = [{ name: 'ADHD-Jul25.csv', body: csv('July 2025', 3) }]; // truncated upstream
    serve(files);
    expect((await discover(dir, '2025-10-02T10:00:00Z')).revised).toEqual([
      { period: '2025-07', reason: 'new bytes at ADHD-Jul25.csv' },
    ]);
    // the reload failed (the period stays processed at what is loaded); upstream restores the file
    serve(original());
    expect((await discover(dir, '2025-10-03T10:00:00Z')).revised).toEqual([]);
    expect(pendingRevisions(readMonitor(join(dir, 'state', 'monitor.json')))).toEqual([]);
  });

  it('re-checks only the most recent recheck_periods processed periods', async () => {
    serve(original());
    const dir = workspace(1);
    site.requests.length = 0;
    await discover(dir);
    const pages = site.requests.filter((r) => /mi-adhd\/[a-z]+-2025/.test(r));
    expect(pages).toEqual([`GET ${SERIES}/august-2025`]);
  });
});
