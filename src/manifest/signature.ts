// A downloaded file must be what its extension says before a reader is let loose on it:
// an error page saved as "data.xlsx" should fail with a clear reason, not load as a one-column table.
import { openSync, readSync, closeSync } from 'node:fs';
import type { DataFileLink } from '../model.js';

function head(path: string, n = 512): Buffer {
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
  const looksHtml = text.startsWith('<!doctype html') || text.startsWith('<html');
  switch (ext) {
    case 'xlsx':
    case 'xlsm':
    case 'ods':
    case 'zip':
      if (b.subarray(0, 4).equals(ZIP) || b.subarray(0, 4).equals(ZIP_EMPTY)) return undefined;
      return `not a ${ext} file (a ${ext} is a zip archive; this starts with ${describe(b, looksHtml)})`;
    case 'xls':
      // Real .xls files are OLE2 (BIFF); old NHS exports are sometimes HTML or SpreadsheetML saved as .xls.
      if (b.subarray(0, 8).equals(OLE) || text.startsWith('<')) return undefined;
      // BIFF2-4 stand-alone worksheets
      if (b[0] === 0x09 && [0x00, 0x02, 0x04].includes(b[1])) return undefined;
      return `not an xls workbook (starts with ${describe(b, looksHtml)})`;
    case 'csv':
      if (
        b.includes(0) &&
        !b.subarray(0, 2).equals(Buffer.from([0xff, 0xfe])) &&
        !b.subarray(0, 2).equals(Buffer.from([0xfe, 0xff]))
      ) {
        return 'not a text CSV (binary content)';
      }
      if (looksHtml) return 'not a CSV (an HTML page was served instead)';
      return undefined;
  }
}

function describe(b: Buffer, html: boolean): string {
  if (html) return 'an HTML page';
  const printable = b
    .subarray(0, 16)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  return `"${printable}"`;
}
