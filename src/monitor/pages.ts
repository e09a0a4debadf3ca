// Reading the pages the monitor watches (markup in ../shared/docs/monitoring-sources.md):
//  - a digital.nhs.uk series page: releases only from the `data-uipath` release lists (latest, previous),
//    upcoming releases from the upcoming list, the frequency from `ps.series.frequency`;
//  - an england.nhs.uk statistical work-area page: months (or quarters, years) named by headings or by the
//    link text and file names of the data files under them;
//  - a release page: publication date, change notices and data files.
// A series page without the lists, or lists without a release, is a page-structure error, never "nothing new".
import * as cheerio from 'cheerio';
import type { Frequency } from '../config/index.js';
import { parsePeriod } from '../config/index.js';
import { findDataFiles, isDataFileUrl } from '../manifest/index.js';
import type { DataFileLink } from '../model.js';
import { impossibleDate, parsePageDate } from './dates.js';

export interface ListedRelease {
  period: string;
  url: string;
  title: string;
  /** YYYY-MM-DD when the page gives it */
  published?: string;
  /** data files listed with it (work-area pages only: a series page lists release pages) */
  files?: DataFileLink[];
}

export interface Upcoming {
  title: string;
  /** YYYY-MM-DD (precision day) or YYYY-MM (precision month) */
  date: string;
  precision: 'day' | 'month';
}

export interface LandingPage {
  kind: 'series' | 'work-area';
  releases: ListedRelease[];
  upcoming: Upcoming[];
  /** the series page's frequency text (Monthly, Quarterly ...) */
  frequency?: string;
  /** links that looked like releases but named no period */
  skipped: string[];
  /** child pages of a work area to read too (yearly pages), when this page lists no period itself */
  children: string[];
}

export class PageStructureError extends Error {
  constructor(
    readonly page: string,
    detail: string,
  ) {
    super(
      `${page}: page structure changed: ${detail}. Nothing was added for this publication; check the page in a browser and report it (the monitor reads only the page's release lists)`,
    );
    this.name = 'PageStructureError';
  }
}

const clean = (t: string | undefined) => (t ?? '').replace(/[\s\u00a0]+/g, ' ').trim();

function absolute(href: string | undefined, base: string): string | undefined {
  if (!href || href.startsWith('#') || /^(mailto|javascript|tel):/i.test(href)) return undefined;
  try {
    const u = new URL(href, base);
    u.hash = '';
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** The canonical forms a frequency's periods take (a quarterly series may be named by its last month). */
function fits(period: string, frequency?: Frequency): boolean {
  const month = /^\d{4}-\d{2}$/.test(period);
  switch (frequency) {
    case 'monthly':
    case 'weekly':
      return month;
    case 'quarterly':
      return month || /^\d{4}-Q\d$/.test(period);
    case 'financial_quarterly':
      return month || /^FY\d{4}-\d{2}-Q\d$/.test(period);
    case 'annual':
      return /^(\d{4}|FY\d{4}-\d{2})$/.test(period);
    case 'financial_year':
      return /^FY\d{4}-\d{2}$/.test(period);
    default:
      return true;
  }
}

const PERIOD_TEXT = [
  /\bQ[1-4][ -]\d{4}[-/]\d{2,4}\b/i, // Q2 2025-26
  /\b\d{4}[-/]\d{2,4}[ -]Q[1-4]\b/i,
  /\b\d{1,2}(?:st|nd|rd|th)?[ -][a-z]{3,9}[ -,]*\d{4}\b/i, // 31 March 2020
  /\b[a-z]{3,9}[ -]?,? ?\d{4}\b/i, // August 2025, Apr-2025
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*[ -]?\d{2}\b/i, // Apr25, Aug-25
  /\bQ[1-4][ -]\d{4}\b/i,
  /\b\d{4}[-/]\d{2,4}\b/, // 2024-25, 2025-08
  /\b\d{4}\b/,
];

/** The first period written in `text` that fits the frequency (title, heading, link text, file name). */
export function findPeriod(text: string, frequency?: Frequency): string | undefined {
  const s = clean(text.replace(/[_]+/g, ' '));
  for (const re of PERIOD_TEXT) {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    for (const m of s.matchAll(g)) {
      const p = parsePeriod(m[0], frequency).period;
      if (p && fits(p, frequency)) return p;
    }
  }
  return undefined;
}

/** A release's period: from its title (the part after the last comma first), else the URL's last segment. */
export function releasePeriod(title: string, url: string, frequency?: Frequency): string | undefined {
  const tail = title.includes(',') ? title.slice(title.lastIndexOf(',') + 1) : '';
  const direct = (s: string) => {
    const p = parsePeriod(clean(s), frequency).period;
    return p && fits(p, frequency) ? p : undefined;
  };
  let slug = '';
  try {
    slug = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    // keep ''
  }
  return (
    (tail && direct(tail)) ||
    direct(slug) ||
    findPeriod(title, frequency) ||
    findPeriod(slug.replace(/-/g, ' '), frequency)
  );
}

const LIST = (name: string) => `ul[data-uipath="ps.series.publications-list.${name}"]`;

export function parseSeriesPage(html: string, pageUrl: string, frequency?: Frequency): LandingPage {
  const $ = cheerio.load(html);
  const lists = $('[data-uipath^="ps.series.publications-list"]');
  if (!lists.length)
    throw new PageStructureError(pageUrl, 'no release lists (data-uipath="ps.series.publications-list.*")');
  const releases: ListedRelease[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const links = $(`${LIST('latest')} h3 a.cta__button, ${LIST('previous')} > li h3 a.cta__button`);
  links.each((_, el) => {
    const $a = $(el);
    const url = absolute($a.attr('href'), pageUrl);
    if (!url || seen.has(url)) return;
    seen.add(url);
    const title = clean($a.attr('title')) || clean($a.text());
    const period = releasePeriod(title, url, frequency);
    if (!period) {
      skipped.push(`${title} (${url}): no period in its title or address`);
      return;
    }
    const dateText = $a.closest('li').find('p.callout-box__content-description-date').first().text();
    if (impossibleDate(dateText)) {
      skipped.push(`${title} (${url}): its publication date "${clean(dateText)}" is not a calendar date`);
      return;
    }
    const published = parsePageDate(dateText);
    releases.push({
      period,
      url,
      title,
      ...(published?.precision === 'day' ? { published: published.date } : {}),
    });
  });
  if (!releases.length)
    throw new PageStructureError(
      pageUrl,
      skipped.length
        ? `the release lists name no period (${skipped.join('; ')})`
        : 'the release lists hold no release (ul[data-uipath="ps.series.publications-list.latest"|"previous"] h3 a.cta__button)',
    );
  const upcoming: Upcoming[] = [];
  $(`${LIST('upcoming')} > li[itemtype="http://schema.org/PublicationIssue"]`).each((_, el) => {
    const $li = $(el);
    const title = clean($li.find('a').first().text()) || clean($li.find('h3, h2, h4').first().text());
    const text = $li.find('p.cta__text').first().text();
    if (impossibleDate(text))
      skipped.push(`upcoming "${title}": its date "${clean(text)}" is not a calendar date`);
    const d = parsePageDate(text);
    if (d) upcoming.push({ title, date: d.date, precision: d.precision });
  });
  const freq = clean($('dd[data-uipath="ps.series.frequency"]').first().text()) || undefined;
  return { kind: 'series', releases, upcoming, frequency: freq, skipped, children: [] };
}

/** Headings (h2-h6, a bold line) naming a period, and the data files under each. */
export function parseWorkAreaPage(html: string, pageUrl: string, frequency?: Frequency): LandingPage {
  const $ = cheerio.load(html);
  const root = $('#main-content, main, article, .page-content').first();
  const scope: cheerio.Cheerio<any> = root.length ? root : $.root();
  const periods: { period: string; heading: string }[] = [];
  const byFileName = new Map<string, DataFileLink[]>();
  let current: string | undefined;
  scope.find('h2, h3, h4, h5, h6, p > strong:first-child, a[href]').each((_, el) => {
    const tag = (el as { tagName?: string }).tagName?.toLowerCase();
    const $el = $(el);
    if (tag !== 'a') {
      const text = clean($el.text());
      const p = text.length <= 80 ? findPeriod(text, frequency) : undefined;
      current = p;
      if (p && !periods.some((x) => x.period === p)) periods.push({ period: p, heading: text });
      return;
    }
    if ($el.closest('nav, aside, footer, header, .sidebar').length) return;
    const url = absolute($el.attr('href'), pageUrl);
    if (!url || !isDataFileUrl(url) || current) return;
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    const p = findPeriod(clean($el.text()), frequency) ?? findPeriod(name.replace(/[-.]/g, ' '), frequency);
    if (!p) return;
    const ext = isDataFileUrl(url)!;
    byFileName.set(p, [...(byFileName.get(p) ?? []), { url, title: clean($el.text()) || name, ext }]);
  });
  const releases: ListedRelease[] = [];
  for (const { period, heading } of periods) {
    const files = findDataFiles(html, pageUrl, { period });
    if (files.length) releases.push({ period, url: pageUrl, title: heading, files });
  }
  for (const [period, files] of byFileName)
    if (!releases.some((r) => r.period === period))
      releases.push({ period, url: pageUrl, title: files[0].title, files });
  const children: string[] = [];
  if (!releases.length) {
    const base = new URL(pageUrl);
    const prefix = base.pathname.replace(/\/?$/, '/');
    scope.find('a[href]').each((_, el) => {
      const url = absolute($(el).attr('href'), pageUrl);
      if (!url || isDataFileUrl(url)) return;
      const u = new URL(url);
      if (u.host === base.host && u.pathname.startsWith(prefix) && u.pathname !== prefix)
        if (!children.includes(u.href)) children.push(u.href);
    });
  }
  return { kind: 'work-area', releases, upcoming: [], skipped: [], children };
}

export interface ReleasePageInfo {
  published?: string;
  /** change notices: heading and date-time text */
  notices: { title: string; date: string }[];
  files: DataFileLink[];
}

/** A release page (digital.nhs.uk) or the work-area page holding a period (england.nhs.uk). */
export function parseReleasePage(html: string, pageUrl: string, period: string): ReleasePageInfo {
  const $ = cheerio.load(html);
  const dateText = $(
    'dd[data-uipath="ps.publication.publication-date"], dd[data-uipath="ps.publication.nominal-publication-date"]',
  )
    .first()
    .text();
  const published = parsePageDate(dateText);
  const notices: { title: string; date: string }[] = [];
  $('div.nhsd-m-emphasis-box, [data-uipath="ps.publication.change-notice"]').each((_, el) => {
    const $n = $(el);
    const title = clean($n.find('h2, h3, h4, .nhsd-t-heading-s, .nhsd-t-heading-xs').first().text());
    const stamp = clean($n.find('time, p').last().text());
    if (title && !notices.some((n) => n.title === title && n.date === stamp))
      notices.push({ title, date: stamp });
  });
  return {
    ...(published?.precision === 'day' ? { published: published.date } : {}),
    notices,
    files: findDataFiles(html, pageUrl, { period }),
  };
}
