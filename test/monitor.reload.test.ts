// discover → backfill, as a user runs them (PGlite): a period republished with a `-revised` twin is flagged in
// state/monitor.json by `discover`, the next plain `backfill` reloads it as version 2 (the only processed item it
// requests), and the revision is then no longer pending, so the backfill after that requests nothing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { pendingRevisions, readMonitor } from '../src/monitor/index.js';
import { releasePage, seriesPage, startMonitorSite, type MonitorSite } from './support/monitor-site.js';

const SERIES = '/data-and-information/publications/statistical/mi-adhd';
const FILES = '/files/ab/cd12ef';
const MONTHS = [
  ['2025-07', 'july-2025', 'July 2025'],
  ['2025-08', 'august-2025', 'August 2025'],
] as const;

const csv = (n: number) => `org,patients\nA,${n}\nB,${n + 1}\nC,${n + 2}\n`;

let site: MonitorSite;
beforeAll(async () => {
  site = await startMonitorSite();
});
afterAll(() => site.close());

function serve(files: Record<string, { name: string; body: string }[]>) {
  site.set(
    SERIES,
    seriesPage({
      title: 'ADHD Management Information',
      seriesPath: SERIES,
      latest: { title: 'ADHD, August 2025', path: `${SERIES}/august-2025`, date: '18 September 2025' },
      past: [{ title: 'ADHD, July 2025', path: `${SERIES}/july-2025`, date: '14 August 2025' }],
      upcoming: [{ title: 'ADHD, September 2025', date: '16 October 2025' }],
    }),
  );
  for (const [period, slug, label] of MONTHS) {
    for (const f of files[period]) site.set(`${FILES}/${f.name}`, f.body);
    site.set(
      `${SERIES}/${slug}`,
      releasePage({
        title: `ADHD Management Information, ${label}`,
        published: '18 Sep 2025',
        files: files[period].map((f) => ({ href: `${FILES}/${f.name}`, title: f.name, ext: 'csv' })),
      }),
    );
  }
}

async function cli(dir: string, args: string[], now = '2025-10-01T10:00:00Z') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [...args, '--config', join(dir, 'config.yaml'), '--state', join(dir, 'state', 'state.json')],
    {
      cwd: dir,
      env: {
        DATAWARP_NOW: now,
        DATAWARP_PGLITE_DIR: join(dir, 'pglite'),
        DATAWARP_DISCOVER_GAP_SECONDS: '0.001',
      },
      io: { out: (s) => void out.push(s), err: (s) => void err.push(s), isTTY: false },
    },
  );
  return { code, out: out.join(''), err: err.join('') };
}

it('a revision discover records is reloaded by the next backfill as version 2, then no longer pending', async () => {
  serve({
    '2025-07': [{ name: 'ADHD-Jul25.csv', body: csv(10) }],
    '2025-08': [{ name: 'ADHD-Aug25.csv', body: csv(20) }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'dw-reload-'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(
    join(dir, 'config.yaml'),
    `allowed_hosts: [127.0.0.1]
publications:
  adhd:
    name: ADHD Management Information
    frequency: monthly
    landing_page: ${site.url}${SERIES}
    urls:
${MONTHS.map(([p, slug]) => `      - period: ${p}\n        url: ${site.url}${SERIES}/${slug}`).join('\n')}
`,
  );
  const first = await cli(dir, ['backfill']);
  expect(first.code, first.err + first.out).toBe(0);
  expect(first.out).toContain('2 processed');

  const d1 = await cli(dir, ['discover', '--write', '--json']);
  expect(d1.code, d1.err).toBe(0);
  expect(JSON.parse(d1.out).publications[0].revised).toEqual([]);

  // August republished with a -revised twin replacing its file
  serve({
    '2025-07': [{ name: 'ADHD-Jul25.csv', body: csv(10) }],
    '2025-08': [{ name: 'ADHD-Aug25-revised.csv', body: csv(25) }],
  });
  const d2 = await cli(dir, ['discover', '--write', '--json'], '2025-10-02T10:00:00Z');
  expect(d2.code, d2.err).toBe(0);
  const monitorFile = join(dir, 'state', 'monitor.json');
  expect(pendingRevisions(readMonitor(monitorFile)).map((r) => `${r.pub}/${r.period}`)).toEqual([
    'adhd/2025-08',
  ]);

  const second = await cli(dir, ['backfill']);
  expect(second.code, second.err + second.out).toBe(0);
  expect(second.out).toContain('1 processed'); // only the revised item, July stays skipped
  expect(second.out).toMatch(/adhd\/2025-08.*version 2/);
  expect(pendingRevisions(readMonitor(monitorFile))).toEqual([]);
  const state = JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8'));
  expect(state.processed['adhd/2025-08'].rows_loaded).toBe(3);

  const h = await cli(dir, ['history', '--pub', 'adhd', '--period', '2025-08', '--json']);
  expect(h.code, h.err).toBe(0);
  const versions = JSON.parse(h.out).versions as { version: number; rows_changed: number }[];
  expect(versions.map((v) => v.version)).toEqual([1, 2]);
  expect(versions[1].rows_changed).toBe(3); // every org's count changed (20,21,22 -> 25,26,27)

  const third = await cli(dir, ['backfill']);
  expect(third.code, third.err).toBe(0);
  expect(third.out).toContain('0 processed');

  // the site shows what the monitor knows (next release 16 October: fresh on 2 October) and the new version
  const built = await cli(dir, ['site', '--out', join(dir, 'site')], '2025-10-02T10:00:00Z');
  expect(built.code, built.err).toBe(0);
  const index = readFileSync(join(dir, 'site', 'index.html'), 'utf8');
  expect(index).toContain('data-freshness="fresh"');
  expect(index).toContain('16 Oct');
  const pages = readdirSync(join(dir, 'site', 'tables'));
  const page = readFileSync(join(dir, 'site', 'tables', pages[0]), 'utf8');
  const versionRows = page.match(/<table class="data versions">[\s\S]*?<\/table>/)![0];
  expect(versionRows).toContain('2025-08 v2');
  expect(versionRows).toContain('+0 / −0 / ~3'); // the three orgs' counts changed
}, 240_000);
