// An xlsx written part by part (fflate's streaming zip, a sheet's rows deflated as they are made, so a
// million-row workbook is written in bounded memory): shared and inline strings, number formats (dates,
// percentages), merged cells, the 1904 date system, several sheets.
import { closeSync, openSync, writeSync } from 'node:fs';
import { Zip, ZipDeflate } from 'fflate';

/** A cell: a string (shared unless `inline`), a number (with a style index), or nothing. */
export type XCell =
  string | number | null | undefined | { n: number; s: number } | { inline: string } | { err: string };

export interface XSheet {
  name: string;
  /** the sheet's rows, 0-based: [row number, cells from column A] */
  rows: () => Iterable<[number, XCell[]]>;
  merges?: string[];
  hidden?: boolean;
}

export interface XBook {
  sheets: XSheet[];
  /** custom number formats, id 164 on; styles are [numFmtId] by index (0 = General) */
  formats?: string[];
  styles?: number[];
  date1904?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colName(c: number): string {
  let s = '';
  for (c++; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

function cellXml(ref: string, v: XCell, sst: Map<string, number>): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
  if (typeof v === 'string') {
    let k = sst.get(v);
    if (k === undefined) sst.set(v, (k = sst.size));
    return `<c r="${ref}" t="s"><v>${k}</v></c>`;
  }
  if ('inline' in v) return `<c r="${ref}" t="inlineStr"><is><t>${esc(v.inline)}</t></is></c>`;
  if ('err' in v) return `<c r="${ref}" t="e"><v>${esc(v.err)}</v></c>`;
  return `<c r="${ref}" s="${v.s}"><v>${v.n}</v></c>`;
}

function stylesXml(b: XBook): string {
  const fmts = (b.formats ?? [])
    .map((f, i) => `<numFmt numFmtId="${164 + i}" formatCode="${esc(f).replace(/"/g, '&quot;')}"/>`)
    .join('');
  const xfs = [0, ...(b.styles ?? [])]
    .map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
    `<numFmts count="${b.formats?.length ?? 0}">${fmts}</numFmts><fonts count="1"><font><sz val="11"/></font></fonts>` +
    `<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>` +
    `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
    `<cellXfs count="${(b.styles?.length ?? 0) + 1}">${xfs}</cellXfs></styleSheet>`
  );
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** Write the workbook to `file`; styles index 1.. = `styles[0]`... (0 is General). */
export function writeXlsx(file: string, b: XBook): void {
  const fd = openSync(file, 'w');
  let failed: Error | undefined;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else writeSync(fd, chunk);
  });
  const text = (name: string, s: string) => {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(new TextEncoder().encode(s), true);
  };
  const sst = new Map<string, number>();
  b.sheets.forEach((sh, k) => {
    const f = new ZipDeflate(`xl/worksheets/sheet${k + 1}.xml`, { level: 6 });
    zip.add(f);
    const enc = new TextEncoder();
    let buf = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ${NS} ${RNS}><sheetData>`;
    for (const [r, cells] of sh.rows()) {
      buf += `<row r="${r + 1}">`;
      cells.forEach((v, c) => (buf += cellXml(`${colName(c)}${r + 1}`, v, sst)));
      buf += '</row>';
      if (buf.length > 1 << 20) {
        f.push(enc.encode(buf));
        buf = '';
      }
    }
    buf += '</sheetData>';
    if (sh.merges?.length)
      buf += `<mergeCells count="${sh.merges.length}">${sh.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`;
    f.push(enc.encode(buf + '</worksheet>'), true);
  });
  const strings = [...sst.keys()].map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('');
  text(
    'xl/sharedStrings.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ${NS} count="${sst.size}" uniqueCount="${sst.size}">${strings}</sst>`,
  );
  text('xl/styles.xml', stylesXml(b));
  const sheets = b.sheets
    .map(
      (s, k) =>
        `<sheet name="${esc(s.name)}" sheetId="${k + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="rId${k + 1}"/>`,
    )
    .join('');
  text(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook ${NS} ${RNS}><workbookPr${b.date1904 ? ' date1904="1"' : ''}/><sheets>${sheets}</sheets></workbook>`,
  );
  const rels = b.sheets
    .map(
      (_, k) =>
        `<Relationship Id="rId${k + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${k + 1}.xml"/>`,
    )
    .join('');
  const n = b.sheets.length;
  text(
    'xl/_rels/workbook.xml.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}` +
      `<Relationship Id="rId${n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
      `<Relationship Id="rId${n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  );
  text(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  const over = b.sheets
    .map(
      (_, k) =>
        `<Override PartName="/xl/worksheets/sheet${k + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
    )
    .join('');
  text(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${over}` +
      `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
      `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
  );
  zip.end();
  closeSync(fd);
  if (failed) throw failed;
}
