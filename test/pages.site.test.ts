// The demo NHS site end to end through the real client, page parser and downloader.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError } from '../src/http/index.js';
import { downloadFiles, safeFileName } from '../src/manifest/download.js';
import { findDataFiles } from '../src/manifest/pages.js';
import { startNhsSite, type NhsSite } from './support/site.js';

const FIXTURES = new URL('./fixtures/nhs/', import.meta.url);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const EXPECTED: Record<string, Record<string, string[]>> = {
  pcn_workforce: {
    '2020-03': ['1.Primary Care Networks – March 2020 Individual Level.csv'],
    '2020-09': ['3.Primary Care Networks – September 2020 Individual Level.csv'],
  },
  dtoc: { '2011-04': ['dtoc_April_11.xls'], '2019-11': ['dtoc_Nov_19.xls'] },
  qof: { 'FY2020-21': ['MAPPING_INDICATORS_2021_v2.csv'] },
  ods_trusts: { '2020-02': ['etr.zip', 'epraccur.zip'] },
};

let site: NhsSite;
let tmp: string;
beforeAll(async () => {
  site = await startNhsSite();
  tmp = mkdtempSync(join(tmpdir(), 'dw-site-'));
});
afterAll(async () => {
  await site.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('demo NHS site', () => {
  it('lists publications with absolute URLs on the site', () => {
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(site.publications.map((p) => p.pub)).toEqual(['pcn_workforce', 'dtoc', 'qof', 'ods_trusts']);
    for (const p of site.publications) {
      expect(p.landing_page.startsWith(site.url)).toBe(true);
      expect(Object.keys(EXPECTED[p.pub])).toEqual(p.urls.map((u) => u.period));
      for (const u of p.urls) expect(u.url.startsWith(site.url)).toBe(true);
    }
  });

  it('every release page yields exactly its real files, downloaded byte-identical', async () => {
    const http = createHttpClient({ allowedHosts: ['127.0.0.1'], retries: 0 });
    for (const p of site.publications) {
      const landing = await http.getText(p.landing_page);
      expect(landing.status).toBe(200);
      for (const { period, url } of p.urls) {
        const page = await http.getText(url);
        const links = findDataFiles(page.text, page.url, { period });
        const names = links.map((l) => decodeURIComponent(new URL(l.url).pathname.split('/').pop()!));
        expect(names, `${p.pub} ${period}`).toEqual(EXPECTED[p.pub][period]);
        const dir = join(tmp, p.pub, period);
        const files = await downloadFiles(http, links, dir);
        for (const f of files) {
          const real = readFileSync(new URL(encodeURIComponent(names[files.indexOf(f)]), FIXTURES));
          expect(f.sha256).toBe(sha(real));
          expect(f.bytes).toBe(real.length);
          expect(f.path).toBe(join(dir, safeFileName(f.url)));
        }
        expect(readdirSync(dir).sort()).toEqual(files.map((f) => safeFileName(f.url)).sort());
      }
    }
    // digital-style files live under /files/<2hex>/<6hex>/<name>
    expect(site.requests.some((r) => /^\/files\/[0-9A-F]{2}\/[0-9A-F]{6}\/etr\.zip$/.test(r))).toBe(true);
    // no distractor was ever fetched
    expect(site.requests.filter((r) => /\.pdf$|provisional|Oct_19|Dec_19|May_11|Timeseries/.test(r))).toEqual(
      [],
    );
  });

  it('setMissing makes a page 404 and setOverride serves other bytes', async () => {
    const http = createHttpClient({ allowedHosts: ['127.0.0.1'], retries: 0 });
    const pcn = site.publications[0].urls[0].url;
    site.setMissing(pcn, true);
    const e = await http.getText(pcn).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(404);
    site.setMissing(new URL(pcn).pathname, false);
    expect((await http.getText(pcn)).status).toBe(200);

    const page = await http.getText(site.publications[0].urls[1].url);
    const [link] = findDataFiles(page.text, page.url);
    site.setOverride(new URL(link.url).pathname, Buffer.from('not,a\nreal,file\n'));
    const [bad] = await downloadFiles(http, [link], join(tmp, 'override'));
    expect(readFileSync(bad.path, 'utf8')).toBe('not,a\nreal,file\n');
    site.setOverride(link.url, null);
    const [good] = await downloadFiles(http, [link], join(tmp, 'override2'));
    expect(good.bytes).toBeGreaterThan(700_000);
    expect(site.requests.at(-1)).toBe(new URL(link.url).pathname);
  });

  it('serves chapter sub-pages and a redirect to the latest release', async () => {
    const http = createHttpClient({ allowedHosts: ['127.0.0.1'], retries: 0 });
    const pcn = site.publications[0];
    const latest = await http.getText(`${pcn.landing_page}/latest`);
    expect(latest.url).toBe(pcn.urls[1].url);
    const chapter = await http.getText(`${pcn.urls[0].url}/data-quality`);
    expect(findDataFiles(chapter.text, chapter.url)).toEqual([]);
  });
});

describe('safeFileName', () => {
  it('keeps the decoded name but never a path', () => {
    expect(
      safeFileName('https://x/files/AB/123456/NHS%20Sickness%20Absence%20rates%20CSV%2C%20April%202024.csv'),
    ).toBe('NHS Sickness Absence rates CSV, April 2024.csv');
    expect(safeFileName('https://x/a/..%2F..%2Fetc%2Fpasswd')).toBe('_.._etc_passwd');
    expect(safeFileName('https://x/a/%2E%2E')).toBe('download.bin');
    expect(safeFileName('https://x/')).toBe('download.bin');
    expect(safeFileName('https://x/a/b%5Cc%3F.xlsx', 'xlsx')).toBe('b_c_.xlsx');
    expect(safeFileName(`https://x/${'a'.repeat(300)}.xlsx`)).toMatch(/^a{145}\.xlsx$/);
  });
});
