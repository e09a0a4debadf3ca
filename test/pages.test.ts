import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findDataFiles, isDataFileUrl, periodHeadingPattern } from '../src/manifest/pages.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/pages/${name}`, import.meta.url), 'utf8');
const urls = (links: { url: string }[]) => links.map((l) => l.url);

const DIGITAL = 'https://digital.nhs.uk/data-and-information/publications/statistical';
const FILES = 'https://files.digital.nhs.uk';
const WP = 'https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2';

describe('findDataFiles: digital.nhs.uk current design (download cards)', () => {
  const html = fixture('digital-current-appointments-august-2024.html');
  const links = findDataFiles(html, `${DIGITAL}/appointments-in-general-practice/august-2024`);

  it('returns exactly the data files of the Resources section, in page order, de-duplicated', () => {
    expect(links).toEqual([
      {
        url: `${FILES}/B4/6E83A1/Appointments_GP_Daily_CSV_Aug_24.zip`,
        title: 'Annex 1 - Appointments in General Practice, daily (CSV)',
        ext: 'zip',
      },
      {
        url: `${FILES}/5F/1C7A22/Appointments_GP_Regional_CSV_Aug_24.zip`,
        title: 'Annex 2 - Regional appointments (CSV)',
        ext: 'zip',
      },
      {
        url: `${FILES}/9A/22F0C3/Practice%20Level%20Crosstab%2C%20August%202024.xlsx`,
        title: 'Practice level crosstab, August 2024',
        ext: 'xlsx',
      },
      // small card variant (p.nhsd-t-heading-xs)
      { url: `${FILES}/71/C0DE55/GPAD_Mapping_Aug_24.csv`, title: 'Mapping file', ext: 'csv' },
    ]);
  });

  it('ignores the PDF card, archived items, external resource links and links outside Resources', () => {
    const all = urls(links).join('\n');
    expect(all).not.toMatch(/\.pdf/);
    expect(all).not.toMatch(/old_method/); // rel=archived + "[Archive content]"
    expect(all).not.toMatch(/powerbi/);
    expect(all).not.toMatch(/Jul_24/); // summary text + change notice links to other releases
    expect(all).not.toMatch(/GP_Workforce/); // related links
    expect(all).not.toMatch(/epraccur/); // footer
    expect(all).not.toMatch(/august-2024\//); // chapter sub-pages
  });

  it('does not let opts.period filter a single-release digital page', () => {
    expect(
      findDataFiles(html, `${DIGITAL}/appointments-in-general-practice/august-2024`, { period: '2024-07' }),
    ).toEqual(links);
  });

  it('skips an archived card marked only by its title', () => {
    const page = `<div data-uipath="ps.publication.resources-attachments">
      <div data-uipath="ps.publication.resources-attachment"><div class="nhsd-m-download-card">
        <a class="nhsd-a-box-link" href="/files/old.xlsx"><p class="nhsd-t-heading-s">Old tables [Archive content]</p>
        <span class="nhsd-a-tag nhsd-a-tag--meta">xlsx</span></a></div></div>
      <div data-uipath="ps.publication.resources-attachment"><div class="nhsd-m-download-card">
        <a class="nhsd-a-box-link" href="/files/new.xlsx"><p class="nhsd-t-heading-s">New tables</p>
        <span class="nhsd-a-tag nhsd-a-tag--meta">xlsx</span></a></div></div>
    </div>`;
    expect(findDataFiles(page, 'https://digital.nhs.uk/x/y')).toEqual([
      { url: 'https://digital.nhs.uk/files/new.xlsx', title: 'New tables', ext: 'xlsx' },
    ]);
  });

  it('takes the extension from the card tag when the URL has none, but never turns a .pdf into data', () => {
    const page = `<div data-uipath="ps.publication.resources-attachment"><div class="nhsd-m-download-card">
        <a class="nhsd-a-box-link" href="https://files.digital.nhs.uk/AA/BBCCDD/download?id=7"><p class="nhsd-t-heading-s">Data</p>
        <span class="nhsd-a-tag nhsd-a-tag--meta">csv</span><span class="nhsd-a-tag nhsd-a-tag--meta-light">1 MB</span></a></div></div>
      <div data-uipath="ps.publication.resources-attachment"><div class="nhsd-m-download-card">
        <a class="nhsd-a-box-link" href="https://files.digital.nhs.uk/AA/BBCCDD/report.pdf"><p class="nhsd-t-heading-s">Report</p>
        <span class="nhsd-a-tag nhsd-a-tag--meta">xlsx</span></a></div></div>`;
    expect(findDataFiles(page, 'https://digital.nhs.uk/x/y')).toEqual([
      { url: 'https://files.digital.nhs.uk/AA/BBCCDD/download?id=7', title: 'Data', ext: 'csv' },
    ]);
  });

  it('returns nothing (not body links) when the Resources section holds no data file', () => {
    const page = `<p>See <a href="https://files.digital.nhs.uk/AA/BBCCDD/other.csv">other data</a></p>
      <div data-uipath="ps.publication.resources-attachments"><div data-uipath="ps.publication.resources-attachment">
      <div class="nhsd-m-download-card"><a class="nhsd-a-box-link" href="/r.pdf"><p class="nhsd-t-heading-s">Report</p>
      <span class="nhsd-a-tag nhsd-a-tag--meta">pdf</span></a></div></div></div>`;
    expect(findDataFiles(page, 'https://digital.nhs.uk/x/y')).toEqual([]);
  });
});

describe('findDataFiles: digital.nhs.uk older designs', () => {
  it('v1: ul[data-uipath="ps.publication.resources"] > li.attachment > a', () => {
    const links = findDataFiles(
      fixture('digital-v1-sickness-absence-january-2017.html'),
      `${DIGITAL}/nhs-sickness-absence-rates/january-2017`,
    );
    const base = `${FILES}/publicationimport/pub23xxx/pub23917`;
    expect(links).toEqual([
      {
        url: `${base}/nhs-sick-abs-rates-jan-2017-csv.csv`,
        title: 'NHS Sickness Absence Rates January 2017 CSV',
        ext: 'csv',
      },
      {
        url: `${base}/nhs-sick-abs-rates-jan-2017-tab.xlsx`,
        title: 'NHS Sickness Absence Rates January 2017 Tables',
        ext: 'xlsx',
      },
      { url: `${base}/nhs-sick-abs-rates-jan-2017-bench.xls`, title: 'Benchmarking tool', ext: 'xls' },
    ]);
  });

  it('v2: ul[data-uipath="ps.publication.resources-attachments"] > li > a.block-link, relative hrefs resolved', () => {
    const links = findDataFiles(
      fixture('digital-v2-dementia-december-2018.html'),
      `${DIGITAL}/recorded-dementia-diagnoses/december-2018`,
    );
    expect(links).toEqual([
      {
        url: `${FILES}/E1/1A7A33/rec-dem-diag-Dec-2018-summary.xls`,
        title: 'Recorded Dementia Diagnoses, December 2018: Summary',
        ext: 'xls',
      },
      {
        url: `${FILES}/7D/5C2E90/rec-dem-diag-Dec-2018-csv.csv`,
        title: 'Recorded Dementia Diagnoses, December 2018: CSV',
        ext: 'csv',
      },
      {
        url: 'https://digital.nhs.uk/binaries/content/assets/legacy/rec-dem-diag-Dec-2018-practice.zip',
        title: 'Recorded Dementia Diagnoses, December 2018: Practice level data',
        ext: 'zip',
      },
    ]);
  });
});

describe('findDataFiles: england.nhs.uk yearly WordPress page', () => {
  const html = fixture('england-dtoc-2019-20.html');
  const page =
    'https://www.england.nhs.uk/statistics/statistical-work-areas/delayed-transfers-of-care/delayed-transfers-of-care-data-2019-20/';

  it('2019-11 picks exactly the files under "November 2019" (no PDF, no duplicates)', () => {
    expect(findDataFiles(html, page, { period: '2019-11' })).toEqual([
      {
        url: `${WP}/2020/01/LA-Type-of-Care-November-2019-9kidr.xls`,
        title: 'Total Delayed Days Local Authority 2019-20 November',
        ext: 'xls',
      },
      {
        url: `${WP}/2020/01/Trust-Type-of-Care-November-2019-4mlz1.xls`,
        title: 'Total Delayed Days Trust 2019-20 November',
        ext: 'xls',
      },
      { url: `${WP}/2020/01/DTOC-November-2019-CSV-0fhtz.csv`, title: 'DTOC November 2019 CSV', ext: 'csv' },
    ]);
  });

  it('handles h3 headings and <p><strong> pseudo-headings, with and without a <br> after them', () => {
    expect(urls(findDataFiles(html, page, { period: '2020-02' }))).toEqual([
      `${WP}/2020/04/LA-Type-of-Care-February-2020-1hx0w.xls`,
      `${WP}/2020/04/Trust-Type-of-Care-February-2020-ouh4c.xls`,
    ]);
    expect(urls(findDataFiles(html, page, { period: '2019-05' }))).toEqual([
      `${WP}/2019/07/LA-Type-of-Care-May-2019-tt9de.xls`,
      `${WP}/2019/07/DTOC-May-2019-CSV.csv`,
    ]);
    expect(urls(findDataFiles(html, page, { period: '2019-04' }))).toEqual([
      `${WP}/2019/06/LA-Type-of-Care-April-2019-kd8s2.xls`,
      `${WP}/2019/06/DTOC-April-2019-CSV.zip`,
    ]);
  });

  it('a period without a heading on the page yields nothing (not other months)', () => {
    expect(findDataFiles(html, page, { period: '2019-01' })).toEqual([]);
    expect(findDataFiles(html, page, { period: '2020-03' })).toEqual([]);
  });

  it('without a period returns every data file in the content, minus nav/sidebar/footer', () => {
    const all = urls(findDataFiles(html, page));
    expect(all).toHaveLength(16);
    expect(all[0]).toBe(`${WP}/2019/06/Total-Delayed-Days-Local-Authority-2018-19-March-5hjds.xls`);
    expect(all.at(-1)).toBe(`${WP}/2020/04/DTOC-Timeseries-2010-11-to-2019-20-February-2020.xls`);
    expect(all.join('\n')).not.toMatch(/\.pdf|Bed-Availability|calendar|\.ods/i);
  });
});

describe('findDataFiles: period headings of other frequencies', () => {
  const page = `<main>
    <h1>Example statistics</h1>
    <p>Intro <a href="/guidance.pdf">guidance</a></p>
    <h2>2024-25</h2>
    <h3>Q1 2024-25</h3><p><a href="/u/fyq1.xlsx">Q1 file</a></p>
    <h3>July to September 2024</h3><p><a href="/u/fyq2.xlsx">Q2 file</a></p>
    <h2>2023-24</h2>
    <h3>Quarter 4 2023-24</h3><p><a href="/u/fy2324q4.csv">Q4 file</a></p>
    <h2>Calendar year 2023</h2>
    <h3>Jan-Mar 2023</h3><p><a href="/u/cq1.ods">CQ1</a></p>
    <h3>Q2 2023</h3><p><a href="/u/cq2.xlsm">CQ2</a></p>
  </main>`;
  const base = 'https://www.england.nhs.uk/statistics/x/';
  const get = (period: string) =>
    urls(findDataFiles(page, base, { period })).map((u) => u.replace('https://www.england.nhs.uk', ''));

  it('financial quarters, financial years, calendar quarters and years', () => {
    expect(get('FY2024-25-Q1')).toEqual(['/u/fyq1.xlsx']);
    expect(get('FY2024-25-Q2')).toEqual(['/u/fyq2.xlsx']);
    expect(get('FY2023-24-Q4')).toEqual(['/u/fy2324q4.csv']);
    expect(get('FY2024-25')).toEqual(['/u/fyq1.xlsx', '/u/fyq2.xlsx']);
    expect(get('2023-Q1')).toEqual(['/u/cq1.ods']);
    expect(get('2023-Q2')).toEqual(['/u/cq2.xlsm']);
    expect(get('2023')).toEqual(['/u/cq1.ods', '/u/cq2.xlsm']);
    expect(get('2024-Q1')).toEqual([]);
  });

  it('period patterns match the written forms and not neighbours', () => {
    const m = (p: string, h: string) => periodHeadingPattern(p)!.test(h);
    expect(m('2019-11', 'November 2019')).toBe(true);
    expect(m('2019-11', 'Nov-19')).toBe(true);
    expect(m('2019-11', 'Revised: November 2019 (published January 2020)')).toBe(true);
    expect(m('2019-11', 'November 2018')).toBe(false);
    expect(m('2019-11', 'October 2019')).toBe(false);
    expect(m('2019-09', 'Sept 2019')).toBe(true);
    expect(m('2024-Q1', 'Q1 2024-25')).toBe(false);
    expect(m('FY2024-25-Q1', 'April - June 2024')).toBe(true);
    expect(m('FY2024-25-Q4', 'January to March 2025')).toBe(true);
    expect(m('FY2024-25', '2024/25')).toBe(true);
    expect(m('FY2024-25', '2024-2025')).toBe(true);
    expect(m('FY2024-25', '2023-24')).toBe(false);
    expect(m('2024', '2024-25')).toBe(false);
    expect(periodHeadingPattern('weekly-whatever')).toBeUndefined();
  });
});

describe('findDataFiles: fallback', () => {
  it('any link whose path ends in a data extension, absolute, de-duplicated, in order', () => {
    const page = `<body><p><a href="data/a.CSV">A</a> <a href="./data/a.CSV#top">A again</a>
      <a href="https://example.org/b.xlsx?download=1">B</a> <a href="c.pdf">C</a> <a href="mailto:x@y.z">mail</a>
      <a href="d/">dir</a> <a href="e%20f.zip">E F</a></p></body>`;
    expect(findDataFiles(page, 'https://example.org/pub/page')).toEqual([
      { url: 'https://example.org/pub/data/a.CSV', title: 'A', ext: 'csv' },
      { url: 'https://example.org/b.xlsx?download=1', title: 'B', ext: 'xlsx' },
      { url: 'https://example.org/pub/e%20f.zip', title: 'E F', ext: 'zip' },
    ]);
  });

  it('a period on a page without period headings keeps every data link', () => {
    const page = `<h1>Latest data</h1><p><a href="/x.csv">x</a></p>`;
    expect(urls(findDataFiles(page, 'https://example.org/', { period: '2020-01' }))).toEqual([
      'https://example.org/x.csv',
    ]);
  });
});

describe('isDataFileUrl', () => {
  it('recognises data extensions on the path only', () => {
    expect(isDataFileUrl('https://files.digital.nhs.uk/AB/123456/File%20Name.XLSX')).toBe('xlsx');
    expect(isDataFileUrl('https://x/y.xls?x=1')).toBe('xls');
    expect(isDataFileUrl('https://x/y.xlsm')).toBe('xlsm');
    expect(isDataFileUrl('https://x/y.ods')).toBe('ods');
    expect(isDataFileUrl('https://x/epraccur.zip')).toBe('zip');
    expect(isDataFileUrl('https://x/y.pdf')).toBeUndefined();
    expect(isDataFileUrl('https://x/page?file=y.csv')).toBeUndefined();
    expect(
      isDataFileUrl('https://digital.nhs.uk/data-and-information/publications/statistical/x/csv'),
    ).toBeUndefined();
  });
});
