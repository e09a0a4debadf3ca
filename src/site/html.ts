// HTML pieces: escaping (every text comes from NHS files or the config), the page frame, the stylesheet.
// No scripts, fonts or anything from elsewhere: the pages work offline and on GitHub Pages.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value, escaped. */
export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** Only http(s) addresses become links (a `javascript:` URL in a file or the config never does). */
export const isWebUrl = (u?: string): u is string => Boolean(u && /^https?:\/\//i.test(u));

export const fmt = (n: number) => n.toLocaleString('en-GB');

/** A file name safe in a URL path and on any file system. */
export const pageName = (table: string) => `${table.replace(/[^A-Za-z0-9_.-]/g, '_')}.html`;

export function page(opts: { title: string; root: string; body: string; generatedAt: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<link rel="stylesheet" href="${opts.root}style.css">
</head>
<body>
<header><a class="home" href="${opts.root}index.html">DataWarp catalog</a></header>
<main>
${opts.body}
</main>
<footer>Built ${esc(opts.generatedAt)} by DataWarp · <a href="${opts.root}datapackage.json">datapackage.json</a></footer>
</body>
</html>
`;
}

export const CSS = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2433;background:#f7f8fa}
header{background:#005eb8;padding:.6rem 1rem}
header a.home{color:#fff;font-weight:600;text-decoration:none}
main{max-width:64rem;margin:0 auto;padding:1rem}
footer{max-width:64rem;margin:0 auto;padding:1rem;color:#5a6376;font-size:.85rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:1.6rem 0 .6rem}
a{color:#005eb8}
code,pre{font:.85rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:.75rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.card{background:#fff;border:1px solid #d8dde6;border-radius:8px;padding:1rem;margin:0 0 1rem}
.card h2{margin:0 0 .4rem;font-size:1.15rem;overflow-wrap:anywhere}
.meta{color:#5a6376;font-size:.9rem;margin:.2rem 0}
.badge{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.8rem;font-weight:600;border:1px solid transparent}
.badge.fresh{background:#e3f4e8;color:#0b6b2b}
.badge.due{background:#fff4d6;color:#7a5400}
.badge.late{background:#fde2e1;color:#a4120d}
.badge.missing{background:#fde2e1;color:#a4120d;border-color:#a4120d}
.badge.cancelled{background:#eceef2;color:#4a5263}
.badge.unknown{background:#eceef2;color:#4a5263}
nav.az{display:flex;flex-wrap:wrap;gap:.3rem .6rem;margin:0 0 1rem;font-weight:600}
h2.letter{border-bottom:1px solid #d8dde6;padding-bottom:.2rem}
ul.pubs{list-style:none;margin:0;padding:0}
ul.pubs li{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:.4rem .6rem;margin:0 0 .4rem;overflow-wrap:anywhere}
ul.tables{margin:.5rem 0 0;padding-left:1.2rem}
ul.tables li{overflow-wrap:anywhere}
.tablewrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table.data{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
table.data th,table.data td{border:1px solid #d8dde6;padding:.35rem .5rem;text-align:left;vertical-align:top}
table.data th{background:#eef1f6}
table.files td:first-child{white-space:nowrap}
table.data td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.flag{display:inline-block;background:#eef1f6;border-radius:4px;padding:0 .35rem;margin:.1rem .2rem .1rem 0;font-size:.78rem}
svg.chart{display:block;width:100%;height:auto;max-width:100%}
svg.chart rect.bar{fill:#005eb8}
svg.chart text{font:12px system-ui,sans-serif;fill:#5a6376}
svg.chart.spark{display:inline-block;vertical-align:middle;margin-left:.5rem}
.rows{margin:.4rem 0}
details summary{cursor:pointer;color:#005eb8;font-size:.9rem}
.err{color:#a4120d;overflow-wrap:anywhere}
@media (max-width:40rem){
 main{padding:.6rem}
 h1{font-size:1.3rem}
 table.cols thead{display:none}
 table.cols tr{display:block;border:1px solid #d8dde6;margin:0 0 .5rem;background:#fff;padding:.3rem 0}
 table.cols td{display:block;border:0;padding:.1rem .5rem}
 table.cols td[data-label=Column],table.cols td[data-label=Type]{display:inline-block}
 table.cols td[data-label=Type]{color:#5a6376}
 table.cols td:empty{display:none}
 table.files td{white-space:nowrap}
}
`;
