// A small local site for the monitor's tests: pages and files by path, editable between runs, answering
// conditional requests (ETag / If-None-Match, Last-Modified / If-Modified-Since) like the NHS servers do.
// The HTML builders follow the real markup in ../shared/docs/monitoring-sources.md.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MonitorSite {
  url: string;
  set(path: string, body: string | Buffer, type?: string): void;
  remove(path: string): void;
  /** request lines received: "GET /path [conditional]" */
  requests: string[];
  close(): Promise<void>;
}

export async function startMonitorSite(): Promise<MonitorSite> {
  const routes = new Map<string, { body: Buffer; type: string; modified: string }>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const conditional = Boolean(req.headers['if-none-match'] || req.headers['if-modified-since']);
    requests.push(`${req.method} ${req.url}${conditional ? ' [conditional]' : ''}`);
    const r = routes.get(path);
    if (!r) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Page not found</h1>');
      return;
    }
    const etag = `"${createHash('sha256').update(r.body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, {
      'content-type': r.type,
      'content-length': String(r.body.length),
      etag,
      'last-modified': r.modified,
    });
    res.end(r.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let tick = 0;
  return {
    url,
    requests,
    set(path, body, type) {
      const t =
        type ?? (path.match(/\.(xlsx?|csv|zip)$/) ? 'application/octet-stream' : 'text/html; charset=utf-8');
      const modified = new Date(Date.UTC(2025, 0, 1) + tick++ * 86_400_000).toUTCString();
      routes.set(path, { body: Buffer.isBuffer(body) ? body : Buffer.from(body), type: t, modified });
    },
    remove(path) {
      routes.delete(path);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export interface SeriesRelease {
  title: string;
  path: string;
  /** "13 November 2025" */
  date: string;
}

function releaseItem(r: SeriesRelease, published: boolean): string {
  return `
      <li class="list__item">
        <article class="cta cta--detailed callout-box">
          <div class="callout-box__content">
            <h3 class="callout-box__content-heading"><a class="cta__button" href="${esc(r.path)}" title="${esc(r.title)}" onClick="logGoogleAnalyticsEvent('Link click','Series','${esc(r.path)}');">${esc(r.title)}</a></h3>
            <p class="callout-box__content-description-date">${published ? 'Published: ' : ''}${esc(r.date)}</p>
          </div>
        </article>
      </li>`;
}

/** A digital.nhs.uk series page: latest, past (with a "series replaced" callout) and upcoming lists. */
export function seriesPage(o: {
  title: string;
  seriesPath: string;
  latest: SeriesRelease;
  past: SeriesRelease[];
  upcoming: { title: string; date: string }[];
  frequency?: string;
}): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)} - NHS England Digital</title></head>
<body>
<nav class="nhsd-o-global-header"><a href="/data-and-information">Data and information</a></nav>
<main id="main-content">
  <div class="nhsd-o-hero"><h1 data-uipath="document.title">${esc(o.title)}</h1>
    <dl><dt>Frequency:</dt><dd data-uipath="ps.series.frequency">${esc(o.frequency ?? 'Monthly')}</dd></dl></div>
  <div class="article-section" id="summary"><h2>Summary</h2>
    <p>Management information about ADHD. See the <a href="${esc(o.seriesPath)}/supporting-information">Supporting information, March 2025</a> page.</p>
    <div class="inset-text"><p>Supplementary information: <a href="/supplementary-information/2025/adhd-april-2025">ADHD request, April 2025</a></p></div>
  </div>
  <div class="article-section" id="latest-statistics"><h2>Latest statistics</h2>
    <ul class="list list--reset cta-list" data-uipath="ps.series.publications-list.latest">${releaseItem(o.latest, true)}
    </ul>
  </div>
  <div class="article-section" id="upcoming-publications"><h2>Upcoming publications</h2>
    <ul class="list list--reset cta-list" data-uipath="ps.series.publications-list.upcoming">${o.upcoming
      .map(
        (u) => `
      <li class="list__item" itemscope itemtype="http://schema.org/PublicationIssue">
        <article class="cta">
          <h3 class="cta__title" itemprop="name">${esc(u.title)}</h3>
          <p class="cta__text" itemprop="datePublished">${esc(u.date)}</p>
        </article>
      </li>`,
      )
      .join('')}
    </ul>
  </div>
  <div class="article-section" id="past-publications"><h2>Past publications</h2>
    <ul class="list list--reset cta-list" data-uipath="ps.series.publications-list.previous">${o.past
      .map((r) => releaseItem(r, false))
      .join('')}
      <li class="list__item">
        <div class="callout-box callout-box--grey"><div class="callout-box__content">
          <p>This series replaced <a href="/data-and-information/publications/statistical/adhd-prescribing/april-2025">ADHD prescribing, April 2025</a>.</p>
        </div></div>
      </li>
    </ul>
  </div>
  <div class="article-section" id="resources"><h2>Resources</h2>
    <a href="${esc(o.seriesPath)}/supporting-information/may-2025">Supporting information, May 2025</a></div>
</main></body></html>
`;
}

/** A digital.nhs.uk release page: publication date, change notices, download cards. */
export function releasePage(o: {
  title: string;
  published: string;
  notices?: { title: string; date: string }[];
  files: { href: string; title: string; ext: string }[];
}): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)}</title></head>
<body><main id="main-content">
  <h1 data-uipath="ps.document.title">${esc(o.title)}</h1>
  <dl><dt>Publication Date:</dt><dd data-uipath="ps.publication.publication-date">${esc(o.published)}</dd></dl>
  ${(o.notices ?? [])
    .map(
      (n) => `<div class="nhsd-m-emphasis-box nhsd-m-emphasis-box--emphasis"><div class="nhsd-a-box">
    <h2 class="nhsd-t-heading-s">${esc(n.title)}</h2><p class="nhsd-t-body-s">${esc(n.date)}</p></div></div>`,
    )
    .join('\n  ')}
  <div id="resources"><h2>Resources</h2>${o.files
    .map(
      (f) => `
    <div data-uipath="ps.publication.resources-attachment"><div class="nhsd-m-download-card">
      <a href="${esc(f.href)}" class="nhsd-a-box-link"><div class="nhsd-a-box">
        <p class="nhsd-t-heading-xs">${esc(f.title)}</p>
        <span class="nhsd-a-tag nhsd-a-tag--meta">${esc(f.ext.toUpperCase())}</span>
        <span class="nhsd-a-tag nhsd-a-tag--meta-light">12 kB</span></div></a></div></div>`,
    )
    .join('')}
  </div>
</main></body></html>
`;
}

/** An england.nhs.uk statistical work-area page: month headings, each with its files. */
export function workAreaPage(o: {
  title: string;
  months: { heading: string; files: { href: string; title: string }[] }[];
}): string {
  return `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="UTF-8"><title>${esc(o.title)} | Statistics</title></head>
<body><header class="site-header"><nav><a href="/statistics/statistical-work-areas/">Statistical Work Areas</a>
  <a href="/statistics/wp-content/uploads/sites/2/2024/05/Old-Nav-April-2024.xlsx">April 2024 (XLSX)</a></nav></header>
<main id="main-content"><article class="page"><h1>${esc(o.title)}</h1>
<div class="page-content">
<p>Monthly data. Guidance: <a href="/statistics/wp-content/uploads/sites/2/2025/04/Guidance-2025-26.pdf">guidance (PDF, 300K)</a>.</p>
${o.months
  .map(
    (m) =>
      `<h3>${esc(m.heading)}</h3>\n<p>${m.files.map((f) => `<a href="${esc(f.href)}">${esc(f.title)}</a>`).join('<br>\n')}</p>`,
  )
  .join('\n')}
<h3>Time Series</h3>
<p><a href="/statistics/wp-content/uploads/sites/2/2025/10/Timeseries-2025-26.xlsx">Monthly time series (XLSX, 1MB)</a></p>
</div></article>
<aside class="sidebar"><a href="/statistics/wp-content/uploads/sites/2/2025/01/Other-March-2025.xlsx">Other March 2025</a></aside>
</main></body></html>
`;
}
