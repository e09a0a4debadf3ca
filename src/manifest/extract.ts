// Public entry: detect and extract every table of a downloaded file, with no per-file recipe.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ExtractedFile } from '../model.js';
import { readCsv } from './extract/csv.js';
import { readWorkbook } from './extract/workbook.js';
import { readZip } from './extract/zip.js';

export interface ExtractOptions {
  ext: 'xlsx' | 'xls' | 'csv' | 'zip' | 'ods' | 'xlsm';
  /** name used for table ids of a plain CSV (defaults to the file's base name) */
  name?: string;
}

export async function extractFile(path: string, opts: ExtractOptions): Promise<ExtractedFile> {
  const buf = new Uint8Array(await readFile(path));
  return extractBuffer(buf, opts.ext, opts.name ?? basename(path));
}

export function extractBuffer(buf: Uint8Array, ext: ExtractOptions['ext'], name: string): ExtractedFile {
  switch (ext) {
    case 'csv':
      return readCsv(buf, name);
    case 'zip':
      return readZip(buf);
    default:
      return readWorkbook(buf);
  }
}
