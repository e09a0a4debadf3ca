// Public entry of extraction: detect the tables of a downloaded file, with no per-file recipe. `openFile` gives
// streamed sources (what the pipeline loads); `extractFile` reads every row into memory (small files, tests).
import { basename } from 'node:path';
import type {
  CellValue,
  ExtractedFile,
  ExtractedTable,
  RowFlags,
  SourceFile,
  TableSource,
} from '../../model.js';
import { openCsv } from './csv.js';
import { fileBytes } from './source.js';
import { readWorkbookIsolated } from './isolate.js';
import { listZip, openZip } from './zip.js';
import { checkMemberEntry, extractLimits } from './caps.js';
import { openXlsx } from './xlsx-open.js';
import type { Limits } from '../../config/index.js';

export interface ExtractOptions {
  ext: 'xlsx' | 'xls' | 'csv' | 'zip' | 'ods' | 'xlsm';
  /** name used for table ids of a plain CSV (defaults to the file's base name) */
  name?: string;
  /** the config's limits (defaults when absent) */
  limits?: Partial<Limits>;
  /** where a workbook's parsed rows wait to be loaded (default: the system's temp directory) */
  tmpDir?: string;
  /** an xlsx/xlsm is streamed when a sheet part inflates to more than this (default STREAM_SHEET_BYTES) */
  streamFrom?: number;
}

export async function openFile(path: string, opts: ExtractOptions): Promise<SourceFile> {
  const limits = extractLimits(opts.limits);
  switch (opts.ext) {
    case 'csv':
      return openCsv(fileBytes(path), opts.name ?? basename(path), undefined, limits);
    case 'zip':
      return openZip(path, limits, opts.tmpDir, opts.streamFrom);
    case 'xls':
      break;
    default:
      // xlsx/xlsm/ods are zips SheetJS inflates itself: their directory is checked before it does
      for (const m of await listZip(path).catch(() => []))
        checkMemberEntry(m.name, m.compressedSize, m.uncompressedSize, limits);
  }
  const isolated = (sheets?: string[]) =>
    // parsed in a child process: a workbook that exhausts memory or crashes the parser fails alone
    readWorkbookIsolated(path, {
      name: opts.name ?? basename(path),
      heapBytes: limits.maxParserMemory,
      tmpDir: opts.tmpDir,
      sheets,
    });
  if (opts.ext !== 'xlsx' && opts.ext !== 'xlsm') return isolated();
  return (await openXlsx(path, limits, isolated, { streamFrom: opts.streamFrom })).file;
}

/** Every row of a source, in memory. */
export async function collectTable(t: TableSource): Promise<ExtractedTable> {
  const rows: CellValue[][] = [];
  const sourceRows: number[] = [];
  const flags: (RowFlags | null)[] = [];
  for await (const b of t.batches(50_000)) {
    for (const r of b.rows) rows.push(r);
    for (const n of b.sourceRows) sourceRows.push(n);
    for (let i = 0; i < b.rows.length; i++) flags.push(b.flags?.[i] ?? null);
  }
  // a column widened after some rows were typed: give every value the final column type's form
  const types = t.spec.columns.map((c) => c.type);
  for (const r of rows)
    types.forEach((ty, j) => ty === 'text' && typeof r[j] === 'number' && (r[j] = String(r[j])));
  return { spec: t.spec, rows, sourceRows, ...(flags.some(Boolean) ? { flags } : {}) };
}

export async function extractFile(path: string, opts: ExtractOptions): Promise<ExtractedFile> {
  const f = await openFile(path, opts);
  const tables: ExtractedTable[] = [];
  for (const t of f.tables) tables.push(await collectTable(t));
  return { tables, docs: f.docs, skipped: f.skipped, ...(f.legend ? { legend: f.legend } : {}) };
}
