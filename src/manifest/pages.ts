// Find the data files linked from an NHS release page.
//
// Layouts recognised (see DIGITAL_NHS_PAGE_STRUCTURE.md):
//  a) digital.nhs.uk current design: Resources section of download cards
//     [data-uipath="ps.publication.resources-attachment"] .nhsd-m-download-card a.nhsd-a-box-link
//  b) digital.nhs.uk v1: ul[data-uipath="ps.publication.resources"] > li.attachment > a
//  c) digital.nhs.uk v2: ul[data-uipath="ps.publication.resources-attachments"] > li > a.block-link
//  d) www.england.nhs.uk WordPress pages: period headings followed by plain links to wp-content/uploads;
//     with opts.period only the links under the heading(s) naming that period are returned
//  e) anything else: every link whose path ends in a data extension (period headings honoured as in d)
// On digital.nhs.uk pages (a-c) only the Resources section counts: links in body text, related links or
// chapter sub-pages are never returned.

import * as cheerio from 'cheerio';
import { MONTHS } from '../config/periods.js';
import type { DataFileLink } from '../model.js';

type Ext = DataFileLink['ext'];
const DATA_EXTS: readonly Ext[] = ['xlsx', 'xls', 'xlsm', 'csv', 'zip', 'ods'];

function urlExtension(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, 'http://x.invalid/').pathname;
  } catch {
    return undefined;
  }
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep the raw path
  }
  const m = path.toLowerCase().match(/\.([a-z0-9]{1,5})$/);
  return m?.[1];
}

function asDataExt(ext: string | undefined): Ext | undefined {
  const e = ext?.trim().toLowerCase().replace(/^\./, '');
  return e && (DATA_EXTS as readonly string[]).includes(e) ? (e as Ext) : undefined;
}

/** The data-file extension of a URL whose path ends in one (xlsx, xls, xlsm, csv, zip, ods), else undefined. */
export function isDataFileUrl(url: string): Ext | undefined {
  return asDataExt(urlExtension(url));
}

function clean(text: string | undefined): string {
  return (text ?? '').replace(/[\s\u00a0]+/g, ' ').trim();
}

function fileNameOf(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? url;
    return decodeURIComponent(last);
  } catch {
    return url;
  }
}

function absolute(href: string | undefined, base: string): string | undefined {
  const h = href?.trim();
  if (!h || h.startsWith('#') || /^(mailto|javascript|tel|data):/i.test(h)) return undefined;
  try {
    const u = new URL(h, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.hash = '';
    return u.href;
  } catch {
    return undefined;
  }
}

const ARCHIVE_RE = /\[\s*archive content\s*\]/i;

class Collector {
  readonly out: DataFileLink[] = [];
  private seen = new Set<string>();

  constructor(private base: string) {}

  add(href: string | undefined, title: string, hintExt?: string): void {
    const url = absolute(href, this.base);
    if (!url) return;
    const urlExt = urlExtension(url);
    let ext = asDataExt(urlExt);
    // A URL with a known non-data extension (pdf, docx, html ...) is never a data file, whatever the tag says.
    if (
      !ext &&
      (!urlExt || !/^(pdf|docx?|pptx?|html?|aspx?|php|txt|rtf|odt|png|jpe?g|gif|svg)$/.test(urlExt))
    ) {
      ext = asDataExt(hintExt);
    }
    if (!ext || this.seen.has(url)) return;
    this.seen.add(url);
    this.out.push({ url, title: clean(title) || fileNameOf(url), ext });
  }
}

function isArchived($a: cheerio.Cheerio<any>, title: string): boolean {
  const rel = ($a.attr('rel') ?? '').toLowerCase().split(/\s+/);
  return rel.includes('archived') || ARCHIVE_RE.test(title);
}

/** digital.nhs.uk Resources section in any of its three designs; undefined when the page has none. */
function digitalResources($: cheerio.CheerioAPI, pageUrl: string): DataFileLink[] | undefined {
  const hasSection =
    $(
      '[data-uipath="ps.publication.resources-attachments"], [data-uipath="ps.publication.resources-attachment"]',
    ).length > 0 ||
    $('[data-uipath="ps.publication.resources"], [data-uipath="ps.publication.resources-links"]').length >
      0 ||
    $('[data-uipath="ps.publication.resources-link"]').length > 0;
  if (!hasSection) return undefined;

  const c = new Collector(pageUrl);
  const cardSel =
    '[data-uipath="ps.publication.resources-attachment"] .nhsd-m-download-card a.nhsd-a-box-link[href], ' +
    '[data-uipath="ps.publication.resources-link"] .nhsd-m-download-card a.nhsd-a-box-link[href], ' +
    'ul[data-uipath="ps.publication.resources"] > li > a[href], ' +
    'ul[data-uipath="ps.publication.resources-attachments"] > li > a[href], ' +
    'ul[data-uipath="ps.publication.resources-links"] > li > a[href]';

  $(cardSel).each((_, el) => {
    const $a = $(el);
    if ($a.closest('.nhsd-m-download-card').length) {
      // (a) current design card
      const title =
        clean($a.find('p.nhsd-t-heading-s, p.nhsd-t-heading-xs').first().text()) || clean($a.text());
      if (isArchived($a, title)) return;
      const tag = $a
        .find('span.nhsd-a-tag--meta')
        .filter((_i, s) => !$(s).hasClass('nhsd-a-tag--meta-light'))
        .first()
        .text();
      c.add($a.attr('href'), title, clean(tag));
      return;
    }
    // (b) v1 list item, (c) v2 block link
    const title =
      clean($a.find('.block-link__title, [itemprop="name"]').first().text()) ||
      clean($a.attr('title')) ||
      clean($a.clone().children('.fileSize, .block-link__meta, .regular').remove().end().text());
    if (isArchived($a, title)) return;
    const mime = $a.find('meta[itemprop="encodingFormat"]').attr('content');
    c.add($a.attr('href'), title, mimeToExt(mime));
  });
  return c.out;
}

function mimeToExt(mime: string | undefined): string | undefined {
  const m = (mime ?? '').toLowerCase();
  if (!m) return undefined;
  if (m.includes('spreadsheetml')) return 'xlsx';
  if (m.includes('ms-excel.sheet.macroenabled')) return 'xlsm';
  if (m.includes('ms-excel')) return 'xls';
  if (m.includes('csv')) return 'csv';
  if (m.includes('zip')) return 'zip';
  if (m.includes('opendocument.spreadsheet')) return 'ods';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Period headings (england.nhs.uk and fallback pages)

function monthRe(i: number): string {
  const full = MONTHS[i];
  const abbr = full.slice(0, 3);
  const alts = [full, abbr];
  if (full === 'september') alts.push('sept');
  return `(?:${alts.join('|')})\\.?`;
}

/** A year that is not the start or end of a range like 2024-25 / 2023/2024. */
const yearAlone = (y: number) => `(?<![\\d/-])${y}(?![\\d]|\\s*[-/]\\s*\\d)`;
const fyRe = (start: number) => {
  const yy = String((start + 1) % 100).padStart(2, '0');
  return `(?<!\\d)${start}\\s*[-/]\\s*(?:${start + 1}|${yy})(?!\\d)`;
};

function monthRange(startMonth: number, endMonth: number, year: number): string {
  // "April to June 2024", "Apr-Jun 2024", "April - June 2024"
  return `\\b${monthRe(startMonth)}\\s*(?:-|to|–)\\s*${monthRe(endMonth)},?\\s*${yearAlone(year)}`;
}

/** Regex source matching the written forms of a canonical period in a heading; undefined if not parseable. */
export function periodHeadingPattern(period: string): RegExp | undefined {
  const p = period.trim();
  let m: RegExpMatchArray | null;
  let src: string | undefined;
  if ((m = p.match(/^(\d{4})-(\d{2})$/))) {
    const y = Number(m[1]);
    const mi = Number(m[2]) - 1;
    if (mi < 0 || mi > 11) return undefined;
    const yy = String(y % 100).padStart(2, '0');
    src =
      `\\b${monthRe(mi)},?[\\s'’-]*(?:${yearAlone(y)}|${yy}(?![\\d]|\\s*[-/]\\s*\\d))` +
      `|(?<!\\d)${y}-${m[2]}(?![\\d-])`;
  } else if ((m = p.match(/^(\d{4})-Q([1-4])$/i))) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    src =
      `\\bq(?:uarter)?\\s*${q}[\\s,]*${yearAlone(y)}|(?<![\\d/-])${y}[\\s-]*q(?:uarter)?\\s*${q}\\b|` +
      monthRange((q - 1) * 3, (q - 1) * 3 + 2, y);
  } else if ((m = p.match(/^FY(\d{4})-(\d{2})-Q([1-4])$/i))) {
    const start = Number(m[1]);
    const q = Number(m[3]);
    const fy = fyRe(start);
    const calYear = q === 4 ? start + 1 : start;
    const firstMonth = (3 + (q - 1) * 3) % 12;
    src = `\\bq(?:uarter)?\\s*${q}[\\s,]*(?:fy\\s*)?${fy}|(?:fy\\s*)?${fy}[\\s,-]*q(?:uarter)?\\s*${q}\\b|${monthRange(firstMonth, firstMonth + 2, calYear)}`;
  } else if ((m = p.match(/^FY(\d{4})-(\d{2})$/i))) {
    src = `(?:fy\\s*)?${fyRe(Number(m[1]))}`;
  } else if ((m = p.match(/^(\d{4})$/))) {
    src = yearAlone(Number(m[1]));
  }
  return src ? new RegExp(src, 'i') : undefined;
}

const ANY_MONTH = MONTHS.map((_, i) => monthRe(i)).join('|');
const PERIODISH = new RegExp(`(?<!\\d)(?:19|20)\\d{2}(?!\\d)|\\b(?:${ANY_MONTH})[\\s'’-]*\\d{2}\\b`, 'i');

function normaliseHeading(text: string): string {
  return clean(text).replace(/[\u2012-\u2015]/g, '-');
}

interface ScannedLink {
  href: string;
  title: string;
  headings: string[];
}

/** Links in document order, each with the stack of headings it sits under. */
function scanWithHeadings(
  $: cheerio.CheerioAPI,
  root: cheerio.Cheerio<any>,
): { links: ScannedLink[]; headings: string[] } {
  const stack: { level: number; text: string }[] = [];
  const links: ScannedLink[] = [];
  const headings: string[] = [];
  const push = (level: number, text: string) => {
    while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
    stack.push({ level, text });
    headings.push(text);
  };

  root.find('h1, h2, h3, h4, h5, h6, strong, b, a[href]').each((_, el) => {
    const $el = $(el);
    const tag = (el as { tagName?: string }).tagName?.toLowerCase() ?? '';
    if (/^h[1-6]$/.test(tag)) {
      push(Number(tag[1]), normaliseHeading($el.text()));
      return;
    }
    if (tag === 'strong' || tag === 'b') {
      // A bold line opening its paragraph acts as a heading ("<p><strong>November 2019</strong><br>...").
      if ($el.closest('a, h1, h2, h3, h4, h5, h6').length || $el.find('a').length) return;
      const text = normaliseHeading($el.text());
      const parentText = normaliseHeading($el.parent().text());
      if (text && text.length <= 80 && parentText.startsWith(text)) push(7, text);
      return;
    }
    // Navigation, sidebars and footers are never part of a release's files.
    if (
      $el.closest('nav, aside, footer, header, [role="navigation"], [role="complementary"], .sidebar').length
    )
      return;
    links.push({ href: $el.attr('href') ?? '', title: $el.text(), headings: stack.map((s) => s.text) });
  });
  return { links, headings };
}

function stripSizeSuffix(title: string): string {
  // "Monthly A&E March 2020 (CSV, 71KB)" -> "Monthly A&E March 2020"
  return clean(title).replace(/\s*\((?:xlsx?|xlsm|csv|zip|ods|excel)\b[^)]*\)\s*$/i, '');
}

function contentRoot($: cheerio.CheerioAPI): cheerio.Cheerio<any> {
  for (const sel of ['#main-content', 'main', '.page-content', 'article', '#content']) {
    const $r = $(sel).first();
    if ($r.length && $r.find('a[href]').length) return $r;
  }
  return $.root();
}

/**
 * Data files linked from a release page, absolute, de-duplicated, in page order.
 * `opts.period` (canonical form: 2019-11, 2024-Q1, FY2024-25, FY2024-25-Q1, 2024) picks the links under the
 * matching heading on multi-period pages (england.nhs.uk yearly pages); digital.nhs.uk release pages are one
 * period each and ignore it.
 */
export function findDataFiles(html: string, pageUrl: string, opts: { period?: string } = {}): DataFileLink[] {
  const $ = cheerio.load(html);
  const base = absolute($('base[href]').attr('href'), pageUrl) ?? pageUrl;

  const digital = digitalResources($, base);
  if (digital) return digital;

  const { links, headings } = scanWithHeadings($, contentRoot($));
  const dataLinks = links.filter((l) => {
    const url = absolute(l.href, base);
    return url !== undefined && isDataFileUrl(url) !== undefined;
  });

  let chosen = dataLinks;
  const pattern = opts.period ? periodHeadingPattern(opts.period) : undefined;
  if (pattern && headings.some((h) => PERIODISH.test(h))) {
    // A multi-period page: only the section(s) headed by this period count (possibly none).
    chosen = dataLinks.filter((l) => l.headings.some((h) => pattern.test(h)));
  }

  const c = new Collector(base);
  for (const l of chosen) c.add(l.href, stripSizeSuffix(l.title));
  return c.out;
}
