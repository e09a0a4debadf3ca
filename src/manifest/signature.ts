// A downloaded file must be what its extension says before a reader is let loose on it:
// an error page saved as "data.xlsx" should fail with a clear reason, not load as a one-column table.
import { openSync, readSync, closeSync } from 'node:fs';
import type { DataFileLink } from '../model.js';

function head(path: string, n = 4096): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Undefined when the file looks like its type, else the reason it does not. */
export function checkSignature(path: string, ext: DataFileLink['ext']): string | undefined {
  const b = head(path);
  if (b.length === 0) return 'the file is empty';
  const text = b
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  const page = markupPage(
    b
      .toString('latin1')
      .replace(/^\xEF\xBB\xBF/, '')
      .trimStart(),
  );
  const looksHtml = page?.kind === 'HTML';
  switch (ext) {
    case 'xlsx':
    case 'xlsm':
    case 'ods':
    case 'zip':
      if (b.subarray(0, 4).equals(ZIP) || b.subarray(0, 4).equals(ZIP_EMPTY)) return undefined;
      return `not a ${ext} file (a ${ext} is a zip archive; this starts with ${describe(b, looksHtml)})`;
    case 'xls':
      // Real .xls files are OLE2 (BIFF); old NHS exports are sometimes HTML or SpreadsheetML saved as .xls.
      if (b.subarray(0, 8).equals(OLE)) return undefined;
      if (page) return spreadsheetMarkup(text) ? undefined : `not an xls workbook (${pageText(page)})`;
      // BIFF2-4 stand-alone worksheets
      if (b[0] === 0x09 && [0x00, 0x02, 0x04].includes(b[1])) return undefined;
      return `not an xls workbook (starts with ${describe(b, looksHtml)})`;
    case 'csv':
      if (
        b.includes(0) &&
        !b.subarray(0, 2).equals(Buffer.from([0xff, 0xfe])) &&
        !b.subarray(0, 2).equals(Buffer.from([0xfe, 0xff])) &&
        !utf16Text(b)
      ) {
        return 'not a text CSV (binary content)';
      }
      if (page) return `not a CSV (${pageText(page)})`;
      return undefined;
  }
}

interface MarkupPage {
  kind: 'HTML' | 'XML';
  /** what the page says: its title, or an XML error's code and message */
  says?: string;
}

/** An HTML or XML document (an error or login page where data was expected), from the file's first bytes. */
function markupPage(text: string): MarkupPage | undefined {
  const t = text.replace(/^<\?xml[^>]*\?>\s*/i, '').replace(/^(<!--[\s\S]*?-->\s*)+/, '');
  const isXml = /^<\?xml/i.test(text);
  let kind: MarkupPage['kind'] | undefined;
  if (/^<(!doctype html|html|head|body)\b/i.test(t)) kind = 'HTML';
  else if ((isXml || /^<[a-z_][\w:.-]*[\s/>]/i.test(t)) && /<\/|\/>/.test(t)) kind = 'XML';
  if (!kind) return undefined;
  const tag = (name: string) =>
    t
      .match(new RegExp(`<${name}\\b[^>]*>([^<]{1,200})<`, 'i'))?.[1]
      ?.replace(/\s+/g, ' ')
      .trim();
  const says =
    kind === 'HTML'
      ? (tag('title') ?? tag('h1'))
      : [tag('Code'), tag('Message') ?? tag('title') ?? tag('Error')].filter(Boolean).join(': ') || undefined;
  return { kind, ...(says ? { says } : {}) };
}

function pageText(p: MarkupPage): string {
  return `an ${p.kind} page was served instead${p.says ? `: "${p.says}"` : ''}; an error page?`;
}

/** Old Excel exports saved as .xls: SpreadsheetML 2003 (XML) or an Excel HTML table. */
function spreadsheetMarkup(lower: string): boolean {
  return (
    lower.includes('urn:schemas-microsoft-com:office:spreadsheet') ||
    lower.includes('urn:schemas-microsoft-com:office:excel') ||
    lower.includes('<workbook') ||
    lower.includes('<table')
  );
}

/** UTF-16 text without a byte order mark: the NULs all on even bytes or all on odd ones. */
function utf16Text(b: Buffer): boolean {
  let even = 0;
  let odd = 0;
  const n = b.length & ~1;
  for (let i = 0; i < n; i++) {
    if (b[i] !== 0) continue;
    if (i % 2) odd++;
    else even++;
  }
  return n >= 4 && (even === 0 || odd === 0) && Math.max(even, odd) >= n / 4;
}

function describe(b: Buffer, html: boolean): string {
  const page = markupPage(b.toString('latin1').trimStart());
  if (page) return pageText(page).replace(/ was served instead/, '');
  if (html) return 'an HTML page';
  const printable = b
    .subarray(0, 16)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  return `"${printable}"`;
}
