// A local stand-in for digital.nhs.uk / www.england.nhs.uk, serving release pages built like the real ones and
// real NHS files from test/fixtures/nhs. Used by `npm run demo` and by end-to-end tests.
//
//   npx tsx scripts/demo/site.ts [--port 8080]     serve until Ctrl-C and print the publications
//
// Publications (periods canonical):
//   pcn_workforce  monthly         2020-03, 2020-09   digital.nhs.uk current design, individual-level CSV each
//   dtoc           monthly         2011-04, 2019-11   england.nhs.uk WordPress yearly pages (month headings), .xls
//   qof            financial_year  FY2020-21          digital.nhs.uk current design, CSV
//   ods_trusts     monthly         2020-02            digital.nhs.uk current design, two zips (etr, epraccur: csv + pdf)
// Every release page carries distractors (PDF cards, archived cards, chapter links, links to other releases'
// files in body text, notices and related links, other months' links on yearly pages) whose targets are either
// other real files or 404s, so a parser that picks them up gets caught.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  chapterPageHtml,
  esc,
  releasePageHtml,
  seriesPageHtml,
  sizeLabel,
  wordpressYearPageHtml,
  type Card,
  type ReleasePage,
} from './html.js';

export interface SitePublication {
  pub: string;
  name: string;
  frequency: string;
  landing_page: string;
  urls: { period: string; url: string }[];
}

export interface NhsSite {
  /** e.g. http://127.0.0.1:43817 (no trailing slash) */
  url: string;
  close(): Promise<void>;
  /** request targets as received (path + query, percent-encoded as sent), in order */
  requests: string[];
  /** make a path (or absolute URL on this site) answer 404, or serve it again */
  setMissing(path: string, missing: boolean): void;
  /** serve these bytes instead of the normal content (null restores it), e.g. a corrupt workbook */
  setOverride(path: string, body: Buffer | null): void;
  /** config entries for publications.yaml, URLs absolute on this site */
  publications: SitePublication[];
}

export interface NhsSiteOptions {
  /** default 0: any free port */
  port?: number;
  /** where the real NHS files are; default <repo>/test/fixtures/nhs */
  filesDir?: string;
}

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const DIGITAL = '/data-and-information/publications/statistical';
const WP_UPLOADS = '/statistics/wp-content/uploads/sites/2';

type Route =
  | { kind: 'file'; path: string; type: string }
  | { kind: 'bytes'; body: Buffer; type: string }
  | { kind: 'redirect'; location: string };

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
  pdf: 'application/pdf',
};

function typeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

/** Route key: decoded path without query or trailing slash. Accepts absolute URLs too. */
function keyOf(pathOrUrl: string): string {
  let p = pathOrUrl;
  if (/^https?:\/\//i.test(p)) p = new URL(p).pathname;
  p = p.split(/[?#]/)[0];
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep as is
  }
  if (p.length > 1) p = p.replace(/\/+$/, '');
  return p || '/';
}

/** files.digital.nhs.uk-style location: /files/<2 hex>/<6 hex>/<name url-encoded> */
function filesPath(name: string): string {
  const h = createHash('sha1').update(name).digest('hex').toUpperCase();
  return `/files/${h.slice(0, 2)}/${h.slice(2, 8)}/${encodeURIComponent(name)}`;
}

/** A minimal, valid one-page PDF: the distractor "report" on every page. */
function tinyPdf(title: string): Buffer {
  const text = title.replace(/[()\\]/g, ' ');
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

interface DigitalRelease {
  period: string;
  slug: string;
  title: string;
  publicationDate: string;
  dateRange: string;
  /** real files (names in filesDir) with their card titles */
  files: { name: string; title: string }[];
  keyFacts: string[];
}

interface DigitalSeries {
  pub: string;
  name: string;
  frequency: string;
  seriesSlug: string;
  infoType: string;
  granularity: string;
  summary: string;
  releases: DigitalRelease[];
}

const DIGITAL_SERIES: DigitalSeries[] = [
  {
    pub: 'pcn_workforce',
    name: 'Primary Care Network Workforce',
    frequency: 'monthly',
    seriesSlug: 'primary-care-network-workforce',
    infoType: 'Official statistics',
    granularity: 'Primary Care Networks (PCNs), Sub-ICB Locations, ICBs, Regions',
    summary:
      'Figures on staff working in Primary Care Networks in England, from the National Workforce Reporting Service.',
    releases: [
      {
        period: '2020-03',
        slug: '31-march-2020',
        title: 'Primary Care Network Workforce, 31 March 2020',
        publicationDate: '13 Aug 2020',
        dateRange: '31 Mar 2020 to 31 Mar 2020',
        files: [
          {
            name: '1.Primary Care Networks – March 2020 Individual Level.csv',
            title: 'PCN Workforce Individual Level, March 2020 (CSV)',
          },
        ],
        keyFacts: ['4,937 FTE staff were working in PCN roles on 31 March 2020.'],
      },
      {
        period: '2020-09',
        slug: '30-september-2020',
        title: 'Primary Care Network Workforce, 30 September 2020',
        publicationDate: '12 Nov 2020',
        dateRange: '30 Sep 2020 to 30 Sep 2020',
        files: [
          {
            name: '3.Primary Care Networks – September 2020 Individual Level.csv',
            title: 'PCN Workforce Individual Level, September 2020 (CSV)',
          },
        ],
        keyFacts: ['PCN staff numbers rose between March and September 2020.'],
      },
    ],
  },
  {
    pub: 'qof',
    name: 'Quality and Outcomes Framework, Achievement, Prevalence and Exceptions data',
    frequency: 'financial_year',
    seriesSlug: 'quality-and-outcomes-framework-achievement-prevalence-and-exceptions-data',
    infoType: 'Official statistics',
    granularity: 'GP practices, PCNs, Sub-ICB Locations, ICBs, Regions',
    summary:
      'The Quality and Outcomes Framework (QOF) is a voluntary annual reward and incentive programme for GP practices.',
    releases: [
      {
        period: 'FY2020-21',
        slug: '2020-21',
        title: 'Quality and Outcomes Framework, 2020-21',
        publicationDate: '23 Sep 2021',
        dateRange: '01 Apr 2020 to 31 Mar 2021',
        files: [{ name: 'MAPPING_INDICATORS_2021_v2.csv', title: 'QOF 2020-21: indicator mapping (CSV)' }],
        keyFacts: ['Achievement fell in 2020-21 as practices responded to COVID-19.'],
      },
    ],
  },
  {
    pub: 'ods_trusts',
    name: 'Organisation Data Service: NHS Trusts',
    frequency: 'monthly',
    seriesSlug: 'ods-nhs-trusts',
    infoType: 'Management information',
    granularity: 'NHS Trusts',
    summary: 'Monthly extract of NHS Trusts from the Organisation Data Service (etr).',
    releases: [
      {
        period: '2020-02',
        slug: 'february-2020',
        title: 'Organisation Data Service: NHS Trusts, February 2020',
        publicationDate: '14 Feb 2020',
        dateRange: '01 Feb 2020 to 29 Feb 2020',
        files: [
          { name: 'etr.zip', title: 'NHS Trusts (etr), February 2020' },
          { name: 'epraccur.zip', title: 'GP Practices (epraccur), February 2020' },
        ],
        keyFacts: ['The extracts list every NHS Trust and GP practice with address and open/close dates.'],
      },
    ],
  },
];

interface WpMonth {
  period: string;
  heading: string;
  /** real file served at WP_UPLOADS/<upload>/<name>; undefined = link only (answers 404) */
  file?: string;
  upload: string;
  linkName: string;
  title: string;
}

const DTOC_SLUG = '/statistics/statistical-work-areas/delayed-transfers-of-care';
const DTOC_YEARS: { fy: string; months: WpMonth[] }[] = [
  {
    fy: '2011-12',
    months: [
      {
        period: '2011-05',
        heading: 'May 2011',
        upload: '2011/06',
        linkName: 'dtoc_May_11.xls',
        title: 'Total Delayed Days Local Authority 2011-12 May (XLS, 86K)',
      },
      {
        period: '2011-04',
        heading: 'April 2011',
        file: 'dtoc_April_11.xls',
        upload: '2011/05',
        linkName: 'dtoc_April_11.xls',
        title: 'Total Delayed Days Local Authority 2011-12 April (XLS, 85K)',
      },
    ],
  },
  {
    fy: '2019-20',
    months: [
      {
        period: '2019-12',
        heading: 'December 2019',
        upload: '2020/02',
        linkName: 'dtoc_Dec_19.xls',
        title: 'Total Delayed Days Local Authority 2019-20 December (XLS, 137K)',
      },
      {
        period: '2019-11',
        heading: 'November 2019',
        file: 'dtoc_Nov_19.xls',
        upload: '2020/01',
        linkName: 'dtoc_Nov_19.xls',
        title: 'Total Delayed Days Local Authority 2019-20 November (XLS, 135K)',
      },
      {
        period: '2019-10',
        heading: 'October 2019',
        upload: '2019/12',
        linkName: 'dtoc_Oct_19.xls',
        title: 'Total Delayed Days Local Authority 2019-20 October (XLS, 134K)',
      },
    ],
  },
];

function longDate(period: string): string {
  if (!/^\d{4}-\d{2}$/.test(period)) return period;
  const [y, m] = period.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export async function startNhsSite(opts: NhsSiteOptions = {}): Promise<NhsSite> {
  const filesDir = resolve(opts.filesDir ?? join(REPO_ROOT, 'test', 'fixtures', 'nhs'));
  const routes = new Map<string, Route>();
  const pages = new Map<string, () => string>();
  const missing = new Set<string>();
  const overrides = new Map<string, Buffer>();
  const requests: string[] = [];

  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const realFile = (name: string): string => {
    const p = join(filesDir, name);
    if (!existsSync(p)) throw new Error(`demo site: ${p} is missing (see test/fixtures/nhs/SOURCES.md)`);
    return p;
  };
  const addFile = (path: string, file: string) =>
    routes.set(keyOf(path), { kind: 'file', path: file, type: typeOf(file) });
  const addPdf = (path: string, title: string) =>
    routes.set(keyOf(path), { kind: 'bytes', body: tinyPdf(title), type: 'application/pdf' });
  const addPage = (path: string, html: () => string) => pages.set(keyOf(path), html);

  const publications: SitePublication[] = [];

  // ---- digital.nhs.uk style series ------------------------------------------------------------------------
  for (const s of DIGITAL_SERIES) {
    const seriesPath = `${DIGITAL}/${s.seriesSlug}`;
    const pub: SitePublication = {
      pub: s.pub,
      name: s.name,
      frequency: s.frequency,
      landing_page: base + seriesPath,
      urls: [],
    };
    const fileUrls = new Map<string, string>(); // period -> first data file URL (for cross-links)
    for (const r of s.releases) {
      for (const f of r.files) {
        const p = filesPath(f.name);
        addFile(p, realFile(f.name));
        if (!fileUrls.has(r.period)) fileUrls.set(r.period, base + p);
      }
    }
    s.releases.forEach((r, i) => {
      const releasePath = `${seriesPath}/${r.slug}`;
      const other = s.releases[i === 0 ? 1 : i - 1];
      const otherFile = other ? fileUrls.get(other.period) : undefined;
      const pdfPath = filesPath(`${s.seriesSlug}-${r.slug}-summary.pdf`);
      addPdf(pdfPath, `${r.title} summary`);
      const resources: Card[] = r.files.map((f) => ({
        href: base + filesPath(f.name),
        title: f.title,
        ext: f.name.split('.').pop()!.toLowerCase(),
        size: sizeLabel(statSync(realFile(f.name)).size),
      }));
      resources.splice(1, 0, {
        href: base + pdfPath,
        title: `${r.title}: summary report`,
        ext: 'pdf',
        size: '212 KB',
      });
      // Archived item: a previous version of the data that is no longer served (404 if fetched).
      resources.push({
        href: base + filesPath(`${s.seriesSlug}-${r.slug}-provisional.csv`),
        title: `${r.title}: provisional data`,
        ext: 'csv',
        size: '40 KB',
        archived: true,
      });
      const chapters = [
        { title: 'Data quality', path: `${releasePath}/data-quality` },
        { title: 'Background information', path: `${releasePath}/background` },
      ];
      const page: ReleasePage = {
        title: r.title,
        seriesTitle: s.name,
        seriesPath,
        infoType: s.infoType,
        publicationDate: r.publicationDate,
        dateRange: r.dateRange,
        granularity: s.granularity,
        summary: [s.summary],
        summaryHtml: otherFile
          ? `<p>Figures for other dates are published separately, for example <a href="${esc(otherFile)}">${esc(other!.title)} data (CSV)</a>.</p>`
          : `<p>Background notes are in the <a href="${esc(base + pdfPath)}">summary report (PDF)</a>.</p>`,
        keyFacts: r.keyFacts,
        notices: [
          {
            title: other ? `${longDate(other.period)} data` : 'Revisions to earlier data',
            body: `<p>Data for earlier periods were revised. See the <a href="${esc(seriesPath)}">series page</a> for past publications.</p>`,
            stamp: '4 December 2025 13:00 PM',
          },
        ],
        chapters,
        resources,
        relatedLinks: [
          { title: 'NHS Digital data and information', href: '/data-and-information' },
          ...(otherFile ? [{ title: `${other!.title} (CSV)`, href: otherFile }] : []),
        ],
      };
      addPage(releasePath, () => releasePageHtml(page));
      for (const c of chapters) addPage(c.path, () => chapterPageHtml(page, c.title));
      pub.urls.push({ period: r.period, url: base + releasePath });
    });
    const latest = s.releases[s.releases.length - 1];
    routes.set(keyOf(`${seriesPath}/latest`), { kind: 'redirect', location: `${seriesPath}/${latest.slug}` });
    addPage(seriesPath, () =>
      seriesPageHtml({
        title: s.name,
        summary: s.summary,
        releases: [...s.releases]
          .reverse()
          .map((r) => ({ title: r.title, path: `${seriesPath}/${r.slug}`, date: r.publicationDate })),
        upcoming: [{ title: `${s.name} - next release`, date: '12 Mar 2026' }],
      }),
    );
    publications.push(pub);
  }

  // ---- england.nhs.uk style DTOC yearly pages ---------------------------------------------------------------
  const dtoc: SitePublication = {
    pub: 'dtoc',
    name: 'Delayed Transfers of Care',
    frequency: 'monthly',
    landing_page: `${base}${DTOC_SLUG}/`,
    urls: [],
  };
  for (const y of DTOC_YEARS) {
    const pagePath = `${DTOC_SLUG}/delayed-transfers-of-care-data-${y.fy}/`;
    const guidance = `${WP_UPLOADS}/${y.months[0].upload}/DTOC-Guidance-${y.fy}.pdf`;
    addPdf(guidance, `Delayed transfers of care guidance ${y.fy}`);
    for (const m of y.months)
      if (m.file) addFile(`${WP_UPLOADS}/${m.upload}/${m.linkName}`, realFile(m.file));
    const html = wordpressYearPageHtml({
      title: `Delayed Transfers of Care Data ${y.fy}`,
      intro: `Monthly delayed transfers of care data for ${esc(y.fy)}. See the <a href="${esc(guidance)}">guidance (PDF, 412K)</a>
        and the <a href="${esc(DTOC_SLUG)}/">Delayed Transfers of Care</a> page for other years.`,
      months: y.months.map((m) => ({
        heading: m.heading,
        links: [
          { title: m.title, href: `${base}${WP_UPLOADS}/${m.upload}/${m.linkName}` },
          {
            title: `Monthly Delayed Transfers of Care Report ${m.heading} (PDF, 300K)`,
            href: `${WP_UPLOADS}/${m.upload}/DTOC-Report-${m.heading.replace(' ', '-')}.pdf`,
          },
        ],
      })),
      timeSeries: [
        {
          title: `DTOC time series to ${y.months[0].heading} (XLS, 1.1MB)`,
          href: `${WP_UPLOADS}/${y.months[0].upload}/DTOC-Timeseries-${y.fy}.xls`,
        },
      ],
      related: [
        {
          title: 'Bed availability and occupancy data (XLSX, 80K)',
          href: `${WP_UPLOADS}/2020/01/Bed-Availability-Q3.xlsx`,
        },
      ],
    });
    addPage(pagePath, () => html);
    for (const m of y.months) if (m.file) dtoc.urls.push({ period: m.period, url: base + pagePath });
  }
  addPage(
    `${DTOC_SLUG}/`,
    () => `<!DOCTYPE html><html lang="en-GB"><head><meta charset="UTF-8"><title>Delayed Transfers of Care | Statistics</title></head>
<body><main id="main-content"><h1>Delayed Transfers of Care</h1>
<p>Data on patients delayed in transferring from hospital. The collection was paused in March 2020.</p>
<ul>${DTOC_YEARS.map((y) => `<li><a href="${DTOC_SLUG}/delayed-transfers-of-care-data-${y.fy}/">Delayed Transfers of Care Data ${y.fy}</a></li>`).join('')}</ul>
</main></body></html>`,
  );
  dtoc.urls.sort((a, b) => a.period.localeCompare(b.period));
  publications.splice(1, 0, dtoc);

  function send(
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    type: string,
    body: Buffer,
    extra: Record<string, string> = {},
  ) {
    res.writeHead(status, {
      'content-type': type,
      'content-length': String(body.length),
      etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
      'last-modified': 'Thu, 13 Feb 2020 11:20:00 GMT',
      ...extra,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const target = req.url ?? '/';
    requests.push(target);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, req, 405, 'text/plain', Buffer.from('method not allowed'), { allow: 'GET, HEAD' });
      return;
    }
    const key = keyOf(target);
    if (missing.has(key)) {
      send(res, req, 404, 'text/html; charset=utf-8', Buffer.from(notFound(key)));
      return;
    }
    const override = overrides.get(key);
    const route = routes.get(key);
    if (override) {
      const type =
        route?.kind === 'file' || route?.kind === 'bytes'
          ? route.type
          : pages.has(key)
            ? 'text/html; charset=utf-8'
            : typeOf(key);
      send(res, req, 200, type, override);
      return;
    }
    const page = pages.get(key);
    if (page) {
      send(res, req, 200, 'text/html; charset=utf-8', Buffer.from(page(), 'utf8'));
      return;
    }
    if (!route) {
      send(res, req, 404, 'text/html; charset=utf-8', Buffer.from(notFound(key)));
      return;
    }
    if (route.kind === 'redirect') {
      send(res, req, 302, 'text/plain', Buffer.from(`see ${route.location}`), { location: route.location });
      return;
    }
    const body = route.kind === 'file' ? readFileSync(route.path) : route.body;
    send(res, req, 200, route.type, body, {
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(basename(key))}`,
    });
  }

  function notFound(key: string) {
    return `<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Page not found</h1><p>${esc(key)}</p></body></html>`;
  }

  return {
    url: base,
    requests,
    publications,
    setMissing(path, isMissing) {
      if (isMissing) missing.add(keyOf(path));
      else missing.delete(keyOf(path));
    },
    setOverride(path, body) {
      if (body) overrides.set(keyOf(path), body);
      else overrides.delete(keyOf(path));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

// Run standalone: serve until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--port');
  const site = await startNhsSite({ port: i > 0 ? Number(process.argv[i + 1]) : 0 });
  console.log(`NHS demo site on ${site.url}`);
  for (const p of site.publications) {
    console.log(`\n${p.pub} (${p.frequency}) ${p.name}\n  landing: ${p.landing_page}`);
    for (const u of p.urls) console.log(`  ${u.period}: ${u.url}`);
  }
  const stop = () => void site.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
