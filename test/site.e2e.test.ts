// The site from a real small backfill (local NHS site -> database -> Parquet -> catalog), opened in a headless
// Chromium (test/support/browser.ts finds one; outside CI none found skips this file's tests, with CI=true it fails): the index links to a table page whose chart has one bar per period carrying the ledger's
// row counts, every column has its description, and the DuckDB snippet names the table's release asset URLs.
// Screenshots of each page (desktop and phone width) go to test-output/screenshots/.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNhsSite, type NhsSite } from '../scripts/demo/site.js';
import { periodStart } from '../src/config/index.js';
import { assetName, releaseTag } from '../src/github/release-names.js';
import { ledgerRows, type LedgerRow } from '../src/load/index.js';
import { browserOrSkip } from './support/browser.js';
import { testEngines } from './support/db.js';
import { frictionlessProblems } from './support/frictionless.js';
import { serveFolder, type StaticServer } from './support/static-server.js';
import { makeWorkspace, REPO, type Workspace } from './support/workspace.js';

const BROWSER = browserOrSkip();
const SHOTS = join(REPO, 'test-output', 'screenshots');
const GH_REPO = 'nhs-example/datawarp-data';
const PUBS = ['pcn_workforce', 'qof'];

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: BROWSER!.path,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

for (const kind of testEngines()) {
  describe.skipIf(!BROWSER)(`datawarp site in a browser [${kind}]`, () => {
    let nhs: NhsSite;
    let ws: Workspace;
    let server: StaticServer;
    let browser: Browser;
    let ledger: LedgerRow[];
    let columns: Map<string, string[]>;

    beforeAll(async () => {
      nhs = await startNhsSite();
      ws = await makeWorkspace(kind, nhs, PUBS);
      const r = await ws.run(['backfill']);
      expect(r.code, r.err).toBe(0);
      ({ ledger, columns } = await ws.withDb(async (db) => {
        const cols = await db.query<{ table_name: string; column_name: string }>(
          `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'staging'
            ORDER BY table_name, ordinal_position`,
        );
        const byTable = new Map<string, string[]>();
        for (const c of cols)
          byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
        return { ledger: (await ledgerRows(db)).filter((l) => l.status === 'loaded'), columns: byTable };
      }));
      const s = await ws.run(['site', '--out', 'site', '--repo', GH_REPO]);
      expect(s.code, s.err).toBe(0);
      server = await serveFolder(resolve(ws.dir, 'site'));
      browser = await launch();
      mkdirSync(SHOTS, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await ws?.dispose();
      await nhs?.close();
    });

    it('index -> table page: one bar per period with the ledger rows, described columns, asset URLs in the DuckDB snippet', async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const outside: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith(server.url) && !req.url().startsWith('data:')) outside.push(req.url());
      });
      await page.goto(`${server.url}/index.html`);
      // every configured publication is listed, with its latest period
      for (const pub of PUBS) {
        const periods = [...new Set(ledger.filter((l) => l.pub === pub).map((l) => l.period))].sort((a, b) =>
          periodStart(a).localeCompare(periodStart(b)),
        );
        await expect(page.locator(`[data-pub="${pub}"] [data-latest]`).textContent()).resolves.toBe(
          periods.at(-1),
        );
        expect(await page.locator(`[data-pub="${pub}"] svg.spark rect.bar`).count()).toBe(periods.length);
      }
      await page.screenshot({ path: join(SHOTS, `${kind}-index.png`), fullPage: true });

      // the table of pcn_workforce with the most periods
      const perTable = new Map<string, Set<string>>();
      for (const l of ledger.filter((x) => x.pub === 'pcn_workforce'))
        perTable.set(l.table_name, (perTable.get(l.table_name) ?? new Set()).add(l.period));
      const [table, periodSet] = [...perTable].sort(
        (a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]),
      )[0];
      expect(periodSet.size).toBeGreaterThan(1);
      await Promise.all([page.waitForURL(/\/tables\//), page.click(`a[href="tables/${table}.html"]`)]);
      expect(await page.locator('h1').textContent()).toBe(table);

      // one bar per period, carrying the ledger's rows
      const bars = await page
        .locator('svg.chart:not(.spark) rect.bar')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-period'), Number(e.getAttribute('data-rows'))]),
        );
      const expected = [...periodSet]
        .sort((a, b) => periodStart(a).localeCompare(periodStart(b)))
        .map((p) => [
          p,
          ledger
            .filter((l) => l.table_name === table && l.period === p)
            .reduce((s, l) => s + Number(l.rows_loaded), 0),
        ]);
      expect(bars).toEqual(expected);
      expect(bars.every(([, n]) => Number(n) > 0)).toBe(true);
      const label = await page.locator('svg.chart:not(.spark)').getAttribute('aria-label');
      for (const [p, n] of expected) expect(label).toContain(`${p} ${Number(n).toLocaleString('en-GB')}`);

      // every column of the database table, each with a description
      const shown = await page
        .locator('tr[data-column]')
        .evaluateAll((els) =>
          els.map((e) => [
            e.getAttribute('data-column'),
            e.querySelector('td.desc')?.textContent?.trim() ?? '',
          ]),
        );
      expect(shown.map(([c]) => c)).toEqual(columns.get(table));
      for (const [c, d] of shown) expect(d, `description of ${c}`).not.toBe('');

      // the DuckDB snippet reads exactly the release assets of the table's periods
      const duck = (await page.locator('code.duckdb').textContent()) ?? '';
      const urls = [...duck.matchAll(/'(https:[^']+)'/g)].map((m) => m[1]);
      expect(urls).toEqual(
        expected.map(
          ([p]) =>
            `https://github.com/${GH_REPO}/releases/download/${releaseTag('pcn_workforce', periodStart(String(p)).slice(0, 4))}/${assetName(table, String(p))}`,
        ),
      );
      expect(await page.locator('code.pandas').textContent()).toContain(urls[0]);
      await page.screenshot({ path: join(SHOTS, `${kind}-table.png`), fullPage: true });
      expect(outside).toEqual([]); // nothing from elsewhere: works offline
      await page.close();

      // phone width: nothing wider than the screen
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
      for (const [name, path] of [
        ['index', 'index.html'],
        ['table', `tables/${table}.html`],
      ]) {
        await phone.goto(`${server.url}/${path}`);
        const over = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(over, `${path} is wider than a phone screen`).toBeLessThanOrEqual(0);
        await phone.screenshot({ path: join(SHOTS, `${kind}-phone-${name}.png`), fullPage: true });
      }
      await phone.close();
    });

    it('datapackage.json of a local build: every resource path is a file in the site whose bytes and sha256 match', async () => {
      const r = await ws.run(['site', '--out', 'site-local'], { GITHUB_REPOSITORY: '' });
      expect(r.code, r.err).toBe(0);
      const dir = resolve(ws.dir, 'site-local');
      const dp = JSON.parse(readFileSync(join(dir, 'datapackage.json'), 'utf8'));
      expect(frictionlessProblems(dp)).toEqual([]);
      const loaded = new Set(ledger.map((l) => `${l.table_name}/${l.period}`));
      expect(dp.resources).toHaveLength(loaded.size);
      for (const res of dp.resources) {
        expect(res.path).not.toMatch(/^\/|\.\.\//);
        const data = readFileSync(join(dir, res.path));
        expect(res.bytes).toBe(data.length);
        expect(res.hash).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
      }
      // the build for the repository: the same resources, at their release asset URLs, with the same bytes and hash
      const remote = JSON.parse(readFileSync(join(ws.dir, 'site', 'datapackage.json'), 'utf8'));
      expect(frictionlessProblems(remote)).toEqual([]);
      expect(
        remote.resources.map((r: { name: string; bytes: number; hash: string }) => [r.name, r.bytes, r.hash]),
      ).toEqual(
        dp.resources.map((r: { name: string; bytes: number; hash: string }) => [r.name, r.bytes, r.hash]),
      );
      for (const r of remote.resources)
        expect(r.path).toMatch(
          new RegExp(
            `^https://github\\.com/${GH_REPO}/releases/download/datawarp-[a-z_]+-\\d{4}/[^/]+\\.parquet$`,
          ),
        );
    });
  });
}
