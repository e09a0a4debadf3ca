// CSV files: encoding detection (UTF-8 or cp1252), BOM, CRLF, headerless extracts.
import Papa from 'papaparse';
import * as XLSX from 'xlsx';
import type { ColumnSpec, ExtractedFile, TableSpec } from '../../model.js';
import { typeColumn } from './types.js';
import { columnNames } from './names.js';
import { parseDateText, parseNumberText } from './types.js';
import { makeFingerprint } from '../fingerprint.js';
import { TOTAL } from './rows.js';

// Windows-1252 0x80-0x9F (Node's decoder may hand these back as C1 control characters)
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeCp1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252')
    .decode(bytes)
    .replace(/[\u0080-\u009f]/g, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80]);
}

/** UTF-8 when the bytes are valid UTF-8, else Windows-1252. BOM removed. */
export function decodeText(buf: Uint8Array): string {
  let bytes = buf;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeCp1252(bytes);
  }
}

/** A first row is a header unless it holds numbers or dates, or is mostly empty. */
function looksLikeHeader(row: string[]): boolean {
  const filled = row.filter((v) => v.trim() !== '');
  if (filled.length * 2 < row.length) return false;
  return filled.every(
    (v) => parseNumberText(v.trim()) === undefined && parseDateText(v.trim()) === undefined,
  );
}

export function readCsv(buf: Uint8Array, name: string, member?: string): ExtractedFile {
  const text = decodeText(buf);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const records = parsed.data;
  const label = member ?? name;
  if (records.length === 0) return { tables: [], docs: [], skipped: [{ name: label, reason: 'empty CSV' }] };
  const headerless = !looksLikeHeader(records[0]);
  const start = headerless ? 0 : 1;
  let width = headerless ? 0 : records[0].length;
  for (let i = start; i < records.length; i++) width = Math.max(width, records[i].length);
  const headers = Array.from({ length: width }, (_, j) => (headerless ? '' : (records[0][j] ?? '').trim()));
  const n = records.length - start;
  const columns: ColumnSpec[] = [];
  const colValues: (string | number | null)[][] = [];
  const names = columnNames(headers.map((h, j) => h || `col_${j + 1}`));
  for (let j = 0; j < width; j++) {
    const cells = new Array<string | undefined>(n);
    for (let i = 0; i < n; i++) cells[i] = records[i + start][j];
    const t = typeColumn(cells);
    colValues.push(t.values);
    columns.push({
      name: names[j],
      header: headers[j],
      type: t.type,
      ...(t.markers ? { markers: t.markers } : {}),
    });
  }
  const rows = new Array<(string | number | null)[]>(n);
  const sourceRows = new Array<number>(n);
  const totalRows: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = new Array<string | number | null>(width);
    for (let j = 0; j < width; j++) r[j] = colValues[j][i];
    rows[i] = r;
    sourceRows[i] = i + start + 1;
    if (
      records[i + start]
        .filter((v) => v.trim() !== '')
        .slice(0, 3)
        .some((v) => TOTAL.test(v))
    )
      totalRows.push(i + start + 1);
  }
  const spec: TableSpec = {
    id: `${label}#1`,
    ...(member ? { member } : {}),
    range: `A1:${XLSX.utils.encode_cell({ r: Math.max(records.length - 1, 0), c: Math.max(width - 1, 0) })}`,
    headerRows: headerless ? [] : [1],
    firstDataRow: start + 1,
    ...(headerless ? { headerless: true } : {}),
    columns,
    rowCount: n,
    ...(totalRows.length ? { totalRows } : {}),
    fingerprint: makeFingerprint(label.replace(/^.*\//, ''), '', columns),
  };
  return { tables: [{ spec, rows, sourceRows }], docs: [], skipped: [] };
}
