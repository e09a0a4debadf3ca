// Public entry of the site stage: a static site (an A–Z index of publications, a page per publication and per
// table, datapackage.json)
// built from plain data as a list of files. A pure function: the CLI reads the inputs and writes the files.
import { dataPackage } from './datapackage.js';
import { CSS, pageName } from './html.js';
import { siteModel, type SiteInput } from './model.js';
import { indexPage, publicationPage, pubPageName, tablePage } from './pages.js';

export type {
  Freshness,
  FreshnessState,
  LocalFile,
  SiteInput,
  SiteLedgerRow,
  SiteModel,
  TableVersion,
} from './model.js';
export { siteModel } from './model.js';
export { fieldType, resourceName } from './datapackage.js';

export interface SiteFile {
  /** POSIX path inside the site folder */
  path: string;
  content: string;
}

export function buildSite(input: SiteInput): SiteFile[] {
  const m = siteModel(input);
  const files: SiteFile[] = [
    { path: 'index.html', content: indexPage(m) },
    { path: 'style.css', content: CSS },
    { path: 'datapackage.json', content: JSON.stringify(dataPackage(m), null, 2) + '\n' },
    // GitHub Pages: serve files as they are (no Jekyll)
    { path: '.nojekyll', content: '' },
  ];
  for (const p of m.publications) files.push({ path: pubPageName(p.code), content: publicationPage(p, m) });
  const pubs = new Map(m.publications.map((p) => [p.code, p]));
  for (const t of m.tables)
    files.push({ path: `tables/${pageName(t.table)}`, content: tablePage(t, pubs.get(t.pub), m) });
  return files;
}
