// HTML builders for the local NHS-style site: digital.nhs.uk current-design release and series pages, and
// england.nhs.uk WordPress yearly pages. Markup follows DIGITAL_NHS_PAGE_STRUCTURE.md (download cards in a
// Resources section, hero "Publication, Part of <series>", change notices, chapter links).

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface Card {
  href: string;
  title: string;
  /** lower-case extension shown in the tag, e.g. "csv" */
  ext: string;
  /** size label, e.g. "123 KB" (omitted for external links) */
  size?: string;
  archived?: boolean;
}

export function sizeLabel(bytes: number): string {
  if (bytes > 1_000_000) return `${Math.round(bytes / 1_000_000)} MB`;
  if (bytes > 1_000) return `${Math.round(bytes / 1_000)} KB`;
  return `${bytes} bytes`;
}

function card(c: Card): string {
  return `
            <div class="nhsd-!t-margin-top-4" data-uipath="ps.publication.resources-attachment">
              <div class="nhsd-m-download-card nhsd-!t-margin-bottom-6">
                <a href="${esc(c.href)}" class="nhsd-a-box-link" onClick="logGoogleAnalyticsEvent('Download attachment','Publication','${esc(c.href)}');" onKeyUp="return vjsu.onKeyUp(event)"${c.archived ? ' rel=archived' : ''}>
                  <div class="nhsd-a-box nhsd-a-box--bg-light-grey">
                    <div class="nhsd-m-download-card__image-box"><svg aria-hidden="true" focusable="false" viewBox="0 0 16 16"></svg></div>
                    <div class="nhsd-m-download-card__content-box">
                      <p class="nhsd-t-heading-s">${esc(c.title)} ${c.archived ? '[Archive content]' : ''}</p>
                      <div class="nhsd-m-download-card__meta-tags">
                        <span class="nhsd-a-tag nhsd-a-tag--meta">${esc(c.ext)}</span>
                        ${c.size ? `<span class="nhsd-a-tag nhsd-a-tag--meta-light">${esc(c.size)}</span>` : ''}
                      </div>
                    </div>
                  </div>
                </a>
              </div>
            </div>`;
}

export interface ReleasePage {
  title: string;
  seriesTitle: string;
  seriesPath: string;
  infoType: string;
  publicationDate: string;
  dateRange: string;
  granularity: string;
  summary: string[];
  /** HTML allowed (used for body-text distractor links) */
  summaryHtml?: string;
  keyFacts: string[];
  notices: { title: string; body: string; stamp: string }[];
  chapters: { title: string; path: string }[];
  resources: Card[];
  relatedLinks: { title: string; href: string }[];
}

export function releasePageHtml(p: ReleasePage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(p.title)} - NHS England Digital</title>
</head>
<body>
<div class="nhsd-o-global-header">
  <a href="/" class="nhsd-o-global-header__logo">NHS England Digital</a>
  <nav aria-label="Primary"><ul>
    <li><a href="/data-and-information">Data and information</a></li>
    <li><a href="/services">Services</a></li>
  </ul></nav>
</div>
<div class="nhsd-o-banner">Creating a new NHS England: Health Education England, NHS Digital and NHS England have merged.</div>
<main id="main-content">
  <div class="nhsd-o-hero nhsd-!t-bg-bright-blue-20-tint">
    <div class="nhsd-t-grid">
      <span class="nhsd-t-body-s">Publication, Part of <a href="${esc(p.seriesPath)}" class="nhsd-a-link">${esc(p.seriesTitle)}</a></span>
      <h1 class="nhsd-t-heading-xxl" data-uipath="ps.document.title">${esc(p.title)}</h1>
      <span class="nhsd-t-heading-xs" data-uipath="ps.publication.information-types">${esc(p.infoType)}</span>
      <dl class="nhsd-o-hero__meta-data">
        <div class="nhsd-o-hero__meta-data-item"><dt class="nhsd-o-hero__meta-data-item-title">Publication Date:</dt>
          <dd class="nhsd-o-hero__meta-data-item-description" data-uipath="ps.publication.nominal-publication-date">${esc(p.publicationDate)}</dd></div>
        <div class="nhsd-o-hero__meta-data-item"><dt class="nhsd-o-hero__meta-data-item-title">Geographic Coverage:</dt>
          <dd class="nhsd-o-hero__meta-data-item-description" data-uipath="ps.publication.geographic-coverage">England</dd></div>
        <div class="nhsd-o-hero__meta-data-item"><dt class="nhsd-o-hero__meta-data-item-title">Geographical Granularity:</dt>
          <dd class="nhsd-o-hero__meta-data-item-description" data-uipath="ps.publication.granularity">${esc(p.granularity)}</dd></div>
        <div class="nhsd-o-hero__meta-data-item"><dt class="nhsd-o-hero__meta-data-item-title">Date Range:</dt>
          <dd class="nhsd-o-hero__meta-data-item-description" data-uipath="ps.publication.date-range">${esc(p.dateRange)}</dd></div>
      </dl>
    </div>
  </div>
  <div class="nhsd-t-grid nhsd-!t-margin-top-8">
    <div class="nhsd-t-row">
      <div class="nhsd-t-col-xs-12 nhsd-t-col-s-3">
        <nav class="nhsd-m-sticky-navigation" aria-label="Scrolling navigation">
          <p class="nhsd-t-heading-xs">Page contents</p>
          <ul><li><a href="#summary">Summary</a></li><li><a href="#resources">Resources</a></li></ul>
          <p class="nhsd-t-heading-xs">Chapters</p>
          <ul>${p.chapters.map((c) => `<li><a href="${esc(c.path)}">${esc(c.title)}</a></li>`).join('')}</ul>
        </nav>
      </div>
      <div class="nhsd-t-col-xs-12 nhsd-t-col-s-9">
${p.notices
  .map(
    (
      n,
    ) => `        <div class="nhsd-m-card nhsd-!t-margin-bottom-6" data-uipath="ps.publication.change-notice">
          <div class="nhsd-a-box nhsd-a-box--bg-light-yellow">
            <p class="nhsd-t-heading-s">${esc(n.title)}</p>
            <div class="nhsd-t-body">${n.body}</div>
            <p class="nhsd-t-body-s">${esc(n.stamp)}</p>
          </div>
        </div>`,
  )
  .join('\n')}
        <div id="summary" class="nhsd-!t-margin-bottom-6">
          <h2 class="nhsd-t-heading-l">Summary</h2>
          <div data-uipath="ps.publication.summary">
            ${p.summary.map((s) => `<p>${esc(s)}</p>`).join('\n            ')}
            ${p.summaryHtml ?? ''}
          </div>
        </div>
        <div id="key-facts" class="nhsd-!t-margin-bottom-6">
          <h2 class="nhsd-t-heading-l">Key Facts</h2>
          <div data-uipath="ps.publication.key-facts">${p.keyFacts.map((s) => `<p>${esc(s)}</p>`).join('')}</div>
        </div>
        <div id="resources" class="nhsd-!t-margin-bottom-6">
          <h2 class="nhsd-t-heading-m">Resources</h2>
          <div data-uipath="ps.publication.resources-attachments">${p.resources.map(card).join('')}
          </div>
        </div>
        <div id="related-links">
          <h2 class="nhsd-t-heading-m">Related links</h2>
          <ul data-uipath="ps.publication.related-links">
            ${p.relatedLinks.map((l) => `<li><a href="${esc(l.href)}">${esc(l.title)}</a></li>`).join('\n            ')}
          </ul>
        </div>
      </div>
    </div>
  </div>
</main>
<footer class="nhsd-o-global-footer"><a href="/about-nhs-digital/terms-and-conditions">Terms and conditions</a></footer>
</body>
</html>
`;
}

export function chapterPageHtml(release: ReleasePage, chapterTitle: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(chapterTitle)} - ${esc(release.title)}</title></head>
<body><main id="main-content">
  <span class="nhsd-t-body-s">Publication, Part of <a href="${esc(release.seriesPath)}">${esc(release.seriesTitle)}</a></span>
  <h1 class="nhsd-t-heading-xxl">${esc(release.title)}</h1>
  ${release.notices.map((n) => `<div data-uipath="ps.publication.change-notice"><p class="nhsd-t-heading-s">${esc(n.title)}</p>${n.body}<p>${esc(n.stamp)}</p></div>`).join('')}
  <h2 class="nhsd-t-heading-l">${esc(chapterTitle)}</h2>
  <p>This chapter describes the data. The data files are in the Resources section of the main publication page.</p>
</main></body></html>
`;
}

export interface SeriesPage {
  title: string;
  summary: string;
  releases: { title: string; path: string; date: string }[];
  upcoming: { title: string; date: string }[];
}

export function seriesPageHtml(s: SeriesPage): string {
  const [latest, ...past] = s.releases;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(s.title)} - NHS England Digital</title></head>
<body><main id="main-content">
  <div class="nhsd-o-hero"><span class="nhsd-t-body-s">Series</span><h1 class="nhsd-t-heading-xxl" data-uipath="ps.document.title">${esc(s.title)}</h1></div>
  <h2 class="nhsd-t-heading-l">Summary</h2><p>${esc(s.summary)}</p>
  ${
    latest
      ? `<h2 class="nhsd-t-heading-l">Latest statistics</h2>
  <div class="nhsd-m-card"><a href="${esc(latest.path)}" class="nhsd-a-box-link"><p class="nhsd-t-heading-s">${esc(latest.title)}</p>
  <p class="nhsd-t-body-s">Publication date</p><p>${esc(latest.date)}</p></a></div>`
      : ''
  }
  <h2 class="nhsd-t-heading-l">Upcoming publications</h2>
  <ul>${s.upcoming.map((u) => `<li>${esc(u.title)} <span>${esc(u.date)}</span></li>`).join('')}</ul>
  <h2 class="nhsd-t-heading-l">Past publications</h2>
  <ul>${past.map((r) => `<li><a href="${esc(r.path)}">${esc(r.title)}</a> <span>${esc(r.date)}</span></li>`).join('')}</ul>
</main></body></html>
`;
}

export interface WordPressYearPage {
  title: string;
  intro: string;
  /** newest first; links are {title, href}; plain <a> elements after an <h3> month heading */
  months: { heading: string; links: { title: string; href: string }[] }[];
  timeSeries: { title: string; href: string }[];
  related: { title: string; href: string }[];
}

export function wordpressYearPageHtml(p: WordPressYearPage): string {
  const links = (ls: { title: string; href: string }[]) =>
    ls.map((l) => `<a href="${esc(l.href)}">${esc(l.title)}</a>`).join('<br>\n');
  return `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="UTF-8"><title>${esc(p.title)} | Statistics</title></head>
<body class="page-template-default page">
<header class="site-header"><a href="/statistics/">Statistics</a>
  <nav class="primary-nav"><ul><li><a href="/statistics/statistical-work-areas/">Statistical Work Areas</a></li></ul></nav>
</header>
<main id="main-content">
<article class="page">
<h1>${esc(p.title)}</h1>
<div class="page-content">
<p>${p.intro}</p>
${p.months.map((m) => `<h3>${esc(m.heading)}</h3>\n<p>${links(m.links)}</p>`).join('\n')}
<h3>Time Series</h3>
<p>${links(p.timeSeries)}</p>
</div>
</article>
<aside class="sidebar"><h2>Related content</h2><ul>${p.related.map((l) => `<li><a href="${esc(l.href)}">${esc(l.title)}</a></li>`).join('')}</ul></aside>
</main>
<footer class="site-footer"><a href="/privacy-policy/">Privacy</a></footer>
</body></html>
`;
}
