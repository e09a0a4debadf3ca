// The two kinds of page: the index of publications, and one page per table.
import { barChart, barTable } from './chart.js';
import { esc, fmt, isWebUrl, page, pageName } from './html.js';
import type { Freshness, PeriodView, PublicationView, SiteModel, TableVersion, TableView } from './model.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function expected(f: Freshness): string {
  if (!f.next_expected) return '';
  const [y, m, d] = f.next_expected.slice(0, 10).split('-');
  const month = MONTHS[Number(m) - 1];
  const when =
    !month || !y
      ? f.next_expected
      : f.next_expected_precision === 'month'
        ? `${month} ${y}`
        : `${f.next_expected_precision === 'estimate' ? 'about ' : ''}${Number(d)} ${month} ${y}`;
  return ` · next expected ${esc(when)}`;
}

export function freshnessBadge(f?: Freshness): string {
  if (!f) return '';
  return `<span class="badge ${esc(f.state)}" data-freshness="${esc(f.state)}">${esc(f.state)}</span><span class="meta">${expected(f)}</span>`;
}

/** A publication's card: its periods (a bar each), failures and tables. `root` leads back to the site's top. */
export function publicationCard(p: PublicationView, root = ''): string {
  const tables = p.tables
    .map(
      (t) =>
        `<li><a href="${root}tables/${esc(pageName(t.table))}">${esc(t.table)}</a> <span class="meta">${fmt(t.rows)} rows, ${t.periods.length} period${t.periods.length === 1 ? '' : 's'}</span></li>`,
    )
    .join('');
  const failed = p.failed.length
    ? `<p class="err">${p.failed.length} period${p.failed.length === 1 ? '' : 's'} failed: ${p.failed.map((f) => `${esc(f.period)} (${esc(f.error)})`).join('; ')}</p>`
    : '';
  const landing = isWebUrl(p.landingPage) ? ` · <a href="${esc(p.landingPage)}">source</a>` : '';
  return `<section class="card pub" id="pub-${esc(p.code)}" data-pub="${esc(p.code)}">
<h2>${esc(p.name)}</h2>
<p class="meta"><code>${esc(p.code)}</code>${landing} · latest period: <strong data-latest>${esc(p.latest ?? 'none yet')}</strong> · ${p.processed} period${p.processed === 1 ? '' : 's'} processed</p>
${p.freshness ? `<p>${freshnessBadge(p.freshness)}</p>` : ''}
${p.periods.length ? `<p class="rows meta">Rows per period ${barChart(p.periods, { spark: true })}</p>\n${barTable(p.periods)}` : ''}
${failed}
${tables ? `<ul class="tables">${tables}</ul>` : '<p class="meta">No tables loaded yet.</p>'}
</section>`;
}

/** An index page over this many bytes lists each publication in a line (its card is on its own page). */
export const MAX_INDEX_BYTES = 900 * 1024;

/** The page of one publication: pubs/<code>.html. */
export const pubPageName = (code: string) => `pubs/${pageName(code)}`;

/** The letter a publication is filed under in the A–Z index ('#' for names not starting with a letter). */
function letterOf(p: PublicationView): string {
  const c = p.name.trim().charAt(0).toUpperCase();
  return c >= 'A' && c <= 'Z' ? c : '#';
}

/** Publications by name, grouped by letter, A to Z ('#' last). */
function byLetter(pubs: PublicationView[]): [string, PublicationView[]][] {
  const groups = new Map<string, PublicationView[]>();
  const sorted = [...pubs].sort(
    (a, b) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code),
  );
  for (const p of sorted) {
    const l = letterOf(p);
    const group = groups.get(l);
    if (group) group.push(p);
    else groups.set(l, [p]);
  }
  return [...groups].sort(([a], [b]) => (a === '#' ? 1 : b === '#' ? -1 : a.localeCompare(b)));
}

/** The A–Z bar: a link to each letter that has publications. */
function azNav(groups: [string, PublicationView[]][]): string {
  const links = groups.map(([l]) => `<a href="#az-${l === '#' ? 'other' : l}">${esc(l)}</a>`).join(' ');
  return `<nav class="az" aria-label="Publications A to Z">${links}</nav>`;
}

/** One line of the compact index: the publication, its latest period, and a link to its page. */
function publicationLine(p: PublicationView): string {
  const tables = `${p.tables.length} table${p.tables.length === 1 ? '' : 's'}`;
  return `<li class="pub" id="pub-${esc(p.code)}" data-pub="${esc(p.code)}"><a href="${esc(pubPageName(p.code))}">${esc(p.name)}</a> <code>${esc(p.code)}</code> <span class="meta">latest <strong data-latest>${esc(p.latest ?? 'none yet')}</strong> · ${p.processed} period${p.processed === 1 ? '' : 's'} · ${tables}</span> ${freshnessBadge(p.freshness)}</li>`;
}

export function indexPage(m: SiteModel): string {
  const rows = m.tables.reduce((s, t) => s + t.rows, 0);
  const groups = byLetter(m.publications);
  const head = `<h1>NHS England statistical publications</h1>
<p class="meta">${m.publications.length} publication${m.publications.length === 1 ? '' : 's'}, ${m.tables.length} table${m.tables.length === 1 ? '' : 's'}, ${fmt(rows)} rows.</p>
${azNav(groups)}`;
  const anchor = (l: string) => `<h2 class="letter" id="az-${l === '#' ? 'other' : l}">${esc(l)}</h2>`;
  const full = page({
    title: 'DataWarp catalog',
    root: '',
    body: `${head}\n${groups.map(([l, ps]) => `${anchor(l)}\n${ps.map((p) => publicationCard(p)).join('\n')}`).join('\n')}`,
    generatedAt: m.generatedAt,
  });
  if (Buffer.byteLength(full) <= MAX_INDEX_BYTES) return full;
  // a catalogue: one line per publication, its card on its own page
  const lines = groups.map(
    ([l, ps]) => `${anchor(l)}\n<ul class="pubs">${ps.map(publicationLine).join('\n')}</ul>`,
  );
  return page({
    title: 'DataWarp catalog',
    root: '',
    body: `${head}\n${lines.join('\n')}`,
    generatedAt: m.generatedAt,
  });
}

/** A publication's own page (pubs/<code>.html): its card. */
export function publicationPage(p: PublicationView, m: SiteModel): string {
  return page({
    title: `${p.name} · DataWarp`,
    root: '../',
    body: publicationCard(p, '../'),
    generatedAt: m.generatedAt,
  });
}

/** The address a reader's tools use for a period's file: the release asset, else the local copy (a member of an
 * item zip has no address of its own: see zipped). */
export const fileRef = (p: PeriodView) =>
  p.asset.url && p.asset.member ? undefined : (p.asset.url ?? p.asset.local?.sitePath);

/** Periods whose Parquet is a member of a released item zip: read by unzipping it. */
function zipped(t: TableView): string {
  const zips = t.periods.filter((p) => p.asset.url && p.asset.member);
  if (!zips.length) return '';
  const files = zips.map((p) => `    (${JSON.stringify(p.asset.url)}, ${JSON.stringify(p.asset.member)}),`);
  const py = `import io, urllib.request, zipfile\nimport pandas as pd\n\nfiles = [\n${files.join('\n')}\n]\n\ndef read(url, member):\n    with urllib.request.urlopen(url) as r:\n        return pd.read_parquet(io.BytesIO(zipfile.ZipFile(io.BytesIO(r.read())).read(member)))\n\ndf = pd.concat((read(u, m) for u, m in files), ignore_index=True)`;
  return `<p>${zips.length === t.periods.length ? 'Each period' : 'Some periods'} of this table ${zips.length === 1 ? 'is' : 'are'} released inside the zip of its publication and period (one download per period holds every table of it): unzip it and read the member <code>${esc(`${t.table}.parquet`)}</code>. pandas:</p><pre><code class="pandas-zip">${esc(py)}</code></pre>`;
}

function snippets(t: TableView): string {
  const refs = t.periods.map(fileRef).filter((r): r is string => Boolean(r));
  const zips = zipped(t);
  if (!refs.length) return zips ? `<h2>Read it</h2>${zips}` : '<p class="meta">No files to read yet.</p>';
  const list = refs.map((r) => `  '${r.replace(/'/g, "''")}'`).join(',\n');
  const duck = `SELECT *\nFROM read_parquet([\n${list}\n], union_by_name = true);`;
  const pyList = refs.map((r) => `    ${JSON.stringify(r)},`).join('\n');
  const pandas = `import pandas as pd\n\nurls = [\n${pyList}\n]\ndf = pd.concat((pd.read_parquet(u) for u in urls), ignore_index=True)`;
  const where = t.periods.some((p) => p.asset.url)
    ? ''
    : '<p class="meta">Paths are relative to this site folder.</p>';
  return `<h2>Read it</h2>${where}
<p>DuckDB:</p><pre><code class="duckdb">${esc(duck)}</code></pre>
<p>pandas (with pyarrow):</p><pre><code class="pandas">${esc(pandas)}</code></pre>${zips}`;
}

function columnsTable(t: TableView): string {
  const rows = t.columns
    .map(
      (c) =>
        `<tr data-column="${esc(c.name)}"><td data-label="Column"><code>${esc(c.name)}</code></td><td data-label="Type">${esc(c.type)}</td><td data-label="Description" class="desc">${esc(c.description)}${c.header && c.header !== c.description ? `<div class="meta">Source header: ${esc(c.header)}</div>` : ''}</td><td data-label="Flags">${c.flags.map((f) => `<span class="flag">${esc(f)}</span>`).join('')}</td></tr>`,
    )
    .join('\n');
  return `<div class="tablewrap"><table class="data cols"><thead><tr><th>Column</th><th>Type</th><th>Description</th><th>Flags</th></tr></thead><tbody>
${rows}
</tbody></table></div>`;
}

function filesTable(t: TableView): string {
  const rows = t.periods
    .map((p) => {
      const href = p.asset.url ?? (p.asset.local ? `../${p.asset.local.sitePath}` : undefined);
      const named = href ? `<a href="${esc(href)}" download>${esc(p.asset.name)}</a>` : esc(p.asset.name);
      const link = p.asset.member
        ? `${named} <span class="member">member <code>${esc(p.asset.member)}</code></span>`
        : named;
      const size = p.asset.local ? `${fmt(Math.ceil(p.asset.local.bytes / 1024))} KB` : '';
      const src = p.sources
        .filter(isWebUrl)
        .map((s) => `<a href="${esc(s)}">source</a>`)
        .join(' ');
      return `<tr data-period="${esc(p.period)}"><td>${esc(p.period)}</td><td class="num">${fmt(p.rows)}</td><td>${link} <span class="meta">${esc(size)}</span></td><td>${esc(p.asset.tag)}</td><td>${src}</td></tr>`;
    })
    .join('\n');
  return `<div class="tablewrap"><table class="data files"><thead><tr><th>Period</th><th>Rows</th><th>Parquet</th><th>Release</th><th>Source</th></tr></thead><tbody>
${rows}
</tbody></table></div>`;
}

function versionsTable(versions?: TableVersion[]): string {
  if (!versions?.length) return '';
  const rows = versions
    .map((v) => {
      const files = Array.isArray(v.files) ? v.files.length : v.files;
      const diff = v.diff
        ? `+${fmt(v.diff.added)} / −${fmt(v.diff.removed)} / ~${fmt(v.diff.changed)}`
        : '<span class="meta">first version</span>';
      return `<tr><td>${esc(v.version)}</td><td>${esc(v.loaded_at)}</td><td class="num">${fmt(files)}</td><td>${diff}</td></tr>`;
    })
    .join('\n');
  return `<h2>Versions</h2><div class="tablewrap"><table class="data versions"><thead><tr><th>Version</th><th>Loaded</th><th>Files</th><th>Rows added / removed / changed</th></tr></thead><tbody>
${rows}
</tbody></table></div>`;
}

/** Aggregate rows and, per part with one total row, how the total compares with its detail rows. */
function totalsSection(t: TableView): string {
  if (!t.rowKinds && !t.reconciliation?.length) return '';
  const note = t.rowKinds
    ? `<p>Rows that are aggregates of others are marked in <code>_dw_row_kind</code>: <code>total</code> (Total, the national row, All in every breakdown) or <code>subtotal</code> (a region or ICB above lower levels); the others are <code>detail</code>. Sum only <code>WHERE _dw_row_kind = 'detail'</code>. Rows loaded before row kinds hold NULL.</p>`
    : '';
  const rows = (t.reconciliation ?? [])
    .flatMap((r) =>
      r.columns.map(
        (c) =>
          `<tr data-status="${esc(c.status)}"><td>${esc(r.period)}</td><td>${esc(r.sheet)}</td><td><code>${esc(c.column)}</code></td><td>${esc(c.status)}</td><td class="num">${esc(c.total ?? '')}</td><td class="num">${esc(c.sum ?? '')}</td><td class="num">${esc(c.difference ?? '')}</td></tr>`,
      ),
    )
    .join('\n');
  const table = rows
    ? `<p class="meta">The total row against the sum of the detail rows (subtotals not added, suppressed cells missing). A difference is not an error: NHS totals differ by suppression and rounding.</p>
<div class="tablewrap"><table class="data reconciliation"><thead><tr><th>Period</th><th>Sheet</th><th>Column</th><th>Status</th><th>Total</th><th>Sum of detail rows</th><th>Difference</th></tr></thead><tbody>
${rows}
</tbody></table></div>`
    : '';
  return `<h2>Totals</h2>${note}${table}`;
}

export function tablePage(t: TableView, p: PublicationView | undefined, m: SiteModel): string {
  const body = `<p class="meta"><a href="../index.html#pub-${esc(t.pub)}">${esc(p?.name ?? t.pub)}</a>${p?.freshness ? ` · ${freshnessBadge(p.freshness)}` : ''}</p>
<h1>${esc(t.table)}</h1>
<p class="description">${esc(t.description) || '<span class="meta">No description.</span>'}</p>
<p class="meta">${fmt(t.rows)} rows over ${t.periods.length} period${t.periods.length === 1 ? '' : 's'}, ${t.columns.length} column${t.columns.length === 1 ? '' : 's'}.</p>
<h2>Rows per period</h2>
${barChart(t.periods)}
${barTable(t.periods)}
<h2>Columns</h2>
${columnsTable(t)}
${totalsSection(t)}
${versionsTable(t.versions)}
<h2>Files</h2>
${filesTable(t)}
${snippets(t)}`;
  return page({ title: `${t.table} · DataWarp`, root: '../', body, generatedAt: m.generatedAt });
}
