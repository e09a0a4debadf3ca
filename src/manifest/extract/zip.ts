// Zip archives: data members extracted, PDFs and __MACOSX skipped, a spreadsheet preferred over its CSV twin.
import { unzipSync } from 'fflate';
import type { ExtractedFile } from '../../model.js';
import { readCsv } from './csv.js';
import { readWorkbook } from './workbook.js';

const SHEET = /\.(xlsx|xlsm|xls|ods)$/i;
const DATA = /\.(csv|txt|xlsx|xlsm|xls|ods)$/i;

function stem(path: string): string {
  return path.replace(/\.[^./]+$/, '').toLowerCase();
}

export function readZip(buf: Uint8Array): ExtractedFile {
  const out: ExtractedFile = { tables: [], docs: [], skipped: [] };
  const names: string[] = [];
  const files = unzipSync(buf, {
    filter: (f) => {
      names.push(f.name);
      return (
        !f.name.endsWith('/') &&
        !f.name.startsWith('__MACOSX/') &&
        DATA.test(f.name) &&
        !/(^|\/)\./.test(f.name)
      );
    },
  });
  const sheets = new Set(names.filter((n) => SHEET.test(n)).map(stem));
  for (const name of names) {
    if (name.endsWith('/')) continue;
    if (name.startsWith('__MACOSX/') || /(^|\/)\./.test(name)) {
      out.skipped.push({ name, reason: 'macOS metadata' });
      continue;
    }
    if (!files[name]) {
      out.skipped.push({ name, reason: `not a data file (${name.replace(/^.*\./, '.').toLowerCase()})` });
      continue;
    }
    if (!SHEET.test(name) && sheets.has(stem(name))) {
      out.skipped.push({ name, reason: 'spreadsheet twin preferred' });
      continue;
    }
    const part = SHEET.test(name) ? readWorkbook(files[name], name) : readCsv(files[name], name, name);
    out.tables.push(...part.tables);
    out.docs.push(...part.docs);
    out.skipped.push(...part.skipped);
  }
  return out;
}
