// Reading one landing page. A series page is asked conditionally with the validators monitor.json kept for it
// (If-None-Match / If-Modified-Since): a 304 means "checked, unchanged", and what the page listed is taken from
// monitor.json (never a "page yields no releases" error: that rule is about a page that answered 200). A work
// area's main page is always read in full: its months are added on yearly child pages the main page links to.
import type { Frequency } from '../config/index.js';
import type { HttpClient } from '../http/index.js';
import {
  PageStructureError,
  parseSeriesPage,
  parseWorkAreaPage,
  type LandingPage,
  type ListedRelease,
} from './pages.js';
import { fetchProblem } from './screen.js';
import type { PubMonitor } from './state.js';

export const WORK_AREA = (url: string): boolean => {
  const u = new URL(url);
  return /(^|\.)england\.nhs\.uk$/i.test(u.hostname) || u.pathname.startsWith('/statistics/');
};

export interface ReadLanding {
  landing: LandingPage;
  /** the page answered 304 to the validators kept: `landing` is what monitor.json holds */
  notModified: boolean;
  /** the validators of the page just read (undefined: none given, or not a series page) */
  validators?: { etag?: string; last_modified?: string };
}

/** What monitor.json holds of an unchanged series page, as the page's parse would give it. */
export function fromMonitor(m: PubMonitor): LandingPage {
  const releases: ListedRelease[] = Object.entries(m.releases).map(([period, r]) => ({
    period,
    url: r.url,
    title: r.title,
    ...(r.published ? { published: r.published } : {}),
  }));
  return {
    kind: 'series',
    releases,
    upcoming: m.upcoming,
    ...(m.frequency ? { frequency: m.frequency } : {}),
    skipped: [],
    children: [],
  };
}

async function readWorkArea(
  http: HttpClient,
  text: string,
  url: string,
  frequency?: Frequency,
): Promise<LandingPage> {
  const landing = parseWorkAreaPage(text, url, frequency);
  const have = new Set(landing.releases.map((r) => r.period));
  for (const child of landing.children.slice(0, 20)) {
    const sub = await http.getText(child).catch(() => undefined);
    if (!sub) continue;
    for (const r of parseWorkAreaPage(sub.text, sub.url || child, frequency).releases)
      if (!have.has(r.period) && have.add(r.period)) landing.releases.push(r);
  }
  if (!landing.releases.length)
    throw new PageStructureError(url, 'no period headings or data files named by period were found');
  return landing;
}

/** The landing page `url` of a publication; `m` is what monitor.json holds of it (validators, releases). */
export async function readLanding(
  http: HttpClient,
  url: string,
  frequency: Frequency | undefined,
  m: PubMonitor | undefined,
): Promise<ReadLanding> {
  const series = !WORK_AREA(url);
  const known = series && m?.landing_page === url ? m.landing : undefined;
  let page;
  try {
    page = await http.getText(url, {
      ...(known?.etag ? { ifNoneMatch: known.etag } : {}),
      ...(known?.last_modified ? { ifModifiedSince: known.last_modified } : {}),
    });
  } catch (e) {
    throw new Error(
      `${url}: the landing page could not be read: ${fetchProblem(e)}. Nothing was added for this publication`,
      { cause: e },
    );
  }
  if (page.notModified && m) return { landing: fromMonitor(m), notModified: true, validators: known };
  if (!series)
    return { landing: await readWorkArea(http, page.text, page.url || url, frequency), notModified: false };
  const etag = page.headers.etag;
  const lastModified = page.headers['last-modified'];
  return {
    landing: parseSeriesPage(page.text, page.url || url, frequency),
    notModified: false,
    ...(etag || lastModified
      ? {
          validators: { ...(etag ? { etag } : {}), ...(lastModified ? { last_modified: lastModified } : {}) },
        }
      : {}),
  };
}
