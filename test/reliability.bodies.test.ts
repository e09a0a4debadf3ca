// Error bodies and broken workbooks: an HTML or XML error page is refused whatever the extension; encrypted,
// truncated and corrupt workbooks fail with a reason a user can act on, not SheetJS's internals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { afterAll, describe, expect, it } from 'vitest';
import { openFile } from '../src/manifest/index.js';
import { checkSignature } from '../src/manifest/signature.js';
import { heavyWorkbook, smallWorkbook } from './support/faults.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-bodies-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, body: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, body);
  return p;
}

const S3_ERROR =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>' +
  '<RequestId>X1</RequestId></Error>';
const HTML_ERROR =
  '<!DOCTYPE html>\n<html><head><title>Page not found - NHS England Digital</title></head><body><h1>Sorry</h1></body></html>';

describe('error pages are refused whatever the extension', () => {
  it('an XML error body served as .csv, .xlsx, .xls and .zip', () => {
    expect(checkSignature(file('e1.csv', S3_ERROR), 'csv')).toBe(
      'not a CSV (an XML page was served instead: "AccessDenied: Access Denied"; an error page?)',
    );
    expect(checkSignature(file('e1.xlsx', S3_ERROR), 'xlsx')).toMatch(
      /^not a xlsx file \(a xlsx is a zip archive; this starts with an XML page: "AccessDenied: Access Denied"/,
    );
    expect(checkSignature(file('e1.xls', S3_ERROR), 'xls')).toMatch(
      /^not an xls workbook \(an XML page was served instead: "AccessDenied: Access Denied"/,
    );
    expect(checkSignature(file('e1.zip', S3_ERROR), 'zip')).toMatch(/an XML page: "AccessDenied/);
  });

  it('an HTML error page as .csv and .xls, named by its title', () => {
    expect(checkSignature(file('e2.csv', HTML_ERROR), 'csv')).toBe(
      'not a CSV (an HTML page was served instead: "Page not found - NHS England Digital"; an error page?)',
    );
    expect(checkSignature(file('e2.xls', HTML_ERROR), 'xls')).toMatch(/^not an xls workbook \(an HTML page/);
    expect(checkSignature(file('e3.csv', '\uFEFF  <html><body>Login</body></html>'), 'csv')).toMatch(
      /an HTML page was served instead/,
    );
  });

  it('data that only looks like markup is kept: "<5" cells, Excel HTML and SpreadsheetML .xls, UTF-16', () => {
    expect(checkSignature(file('lt.csv', '<5 years,count\n<5,12\n'), 'csv')).toBeUndefined();
    expect(checkSignature(file('tag.csv', '<b>,x\n1,2\n'), 'csv')).toBeUndefined();
    const excelHtml =
      '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>a</td></tr></table></body></html>';
    expect(checkSignature(file('h.xls', excelHtml), 'xls')).toBeUndefined();
    const spreadsheetMl =
      '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>';
    expect(checkSignature(file('x.xls', spreadsheetMl), 'xls')).toBeUndefined();
    expect(checkSignature(file('u16.csv', Buffer.from('code,n\nA,1\n', 'utf16le')), 'csv')).toBeUndefined();
    expect(checkSignature(file('bin.csv', Buffer.from([1, 0, 0, 2, 3, 0, 9, 9, 0, 0])), 'csv')).toBe(
      'not a text CSV (binary content)',
    );
  });
});

describe('encrypted, truncated and corrupt workbooks', () => {
  const good = path.join(dir, 'good.xlsx');
  smallWorkbook(good, 30);
  const bigger = path.join(dir, 'bigger.xlsx');
  heavyWorkbook(bigger, 3000);

  const read = (p: string, ext: 'xlsx' | 'xls' = 'xlsx') =>
    openFile(p, { ext }).then(
      () => 'read',
      (e: Error) => e.message,
    );

  it('truncated: the zip directory is missing', async () => {
    const bytes = fs.readFileSync(bigger);
    for (const keep of [0.5, 0.9]) {
      const msg = await read(file(`cut${keep}.xlsx`, bytes.subarray(0, Math.floor(bytes.length * keep))));
      expect(msg).toMatch(
        /^the workbook is truncated: its zip directory is missing \([\d,]+ bytes; the download/,
      );
      expect(msg).not.toMatch(/Bad compressed size|Unsupported ZIP/);
    }
  });

  it('encrypted: an OLE2 file holding EncryptionInfo and EncryptedPackage (how Excel saves a password)', async () => {
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(
      cfb,
      '/EncryptionInfo',
      Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0, ...Array(64).fill(1)]),
    );
    XLSX.CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.alloc(4096, 7));
    const p = file('secret.xlsx', Buffer.from(XLSX.CFB.write(cfb, { type: 'buffer' }) as Uint8Array));
    expect(checkSignature(p, 'xlsx')).toMatch(/not a xlsx file/); // not a zip: refused before any reader
    expect(await read(p, 'xls')).toMatch(
      /^the workbook is encrypted \(password-protected\): it cannot be read/,
    );
  });

  it('corrupt: an OLE2 header over garbage, a zip whose member data is damaged', async () => {
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(600, 3),
    ]);
    const msg = await read(file('bad.xls', ole), 'xls');
    expect(msg).toMatch(/^the workbook is corrupt: not a readable OLE2 compound file/);
    expect(msg).not.toMatch(/^Major Version/);

    const bytes = Buffer.from(fs.readFileSync(bigger));
    bytes.fill(0, 40, Math.floor(bytes.length / 2)); // local headers and deflated data zeroed, directory kept
    const zipMsg = await read(file('damaged.xlsx', bytes));
    expect(zipMsg).toMatch(/^the workbook is corrupt: its zip archive \(xlsx, xlsm, ods\) cannot be read \(/);
  });

  it('the good workbook still reads', async () => {
    expect(await read(good)).toBe('read');
  });
});
