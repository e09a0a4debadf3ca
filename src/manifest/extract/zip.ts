// Zip archives (members read by zip-read.ts): CSV members stream; a spreadsheet member is inflated to a temp file
// and opened as a download is (an xlsx/xlsm streams, xlsx-open.ts; others are parsed in the child process,
// isolate.ts), one at a time; PDFs, __MACOSX and unsafe paths are skipped with the reason, a spreadsheet is
// preferred over its CSV twin.
import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SourceFile } from '../../model.js';
import { openCsv } from './csv.js';
import { readWorkbookIsolated, track } from './isolate.js';
import { openXlsx } from './xlsx-open.js';
import { checkMemberCount, checkMemberEntry, extractLimits, type ExtractLimits } from './caps.js';
import { listZip, memberBytes, type ZipMember } from './zip-read.js';

export { listZip, memberBytes, type ZipMember };

const SHEET = /\.(xlsx|xlsm|xls|ods)$/i;
const DATA = /\.(csv|txt|xlsx|xlsm|xls|ods)$/i;

function stem(path: string): string {
  return path.replace(/\.[^./]+$/, '').toLowerCase();
}

/** A workbook member, inflated to a temp file and opened as a downloaded workbook is. A streamed xlsx reads
 * that file while its rows load: it stays (tracked) until the item is done (releaseParsedRows). */
async function workbookMember(
  path: string,
  m: ZipMember,
  limits: ExtractLimits,
  tmpDir = tmpdir(),
  streamFrom?: number,
): Promise<SourceFile> {
  const tmp = join(
    tmpDir,
    `${basename(path)}.m${m.index}.${process.pid}.${randomBytes(6).toString('hex')}.part`,
  );
  let kept = false;
  try {
    await pipeline(Readable.from(memberBytes(path, m.index, limits)), createWriteStream(tmp));
    const grid = (sheets?: string[]) =>
      readWorkbookIsolated(tmp, {
        member: m.name,
        name: m.name,
        heapBytes: limits.maxParserMemory,
        tmpDir,
        sheets,
      });
    if (!/\.(xlsx|xlsm)$/i.test(m.name)) return await grid();
    const opened = await openXlsx(tmp, limits, grid, { streamFrom, member: m.name });
    if (opened.streamed) {
      track(tmp);
      kept = true;
    }
    return opened.file;
  } finally {
    if (!kept) rmSync(tmp, { force: true });
  }
}

function skipReason(m: ZipMember, sheets: Set<string>): string | undefined {
  if (m.unsafe) return `unsafe path (${m.unsafe})`;
  if (m.name.startsWith('__MACOSX/') || /(^|\/)\./.test(m.name)) return 'macOS metadata';
  if (!DATA.test(m.name)) return `not a data file (${m.name.replace(/^.*\./, '.').toLowerCase()})`;
  if (!SHEET.test(m.name) && sheets.has(stem(m.name))) return 'spreadsheet twin preferred';
  if (m.encrypted) return 'encrypted (password-protected) member';
  return undefined;
}

export async function openZip(
  path: string,
  limits: ExtractLimits = extractLimits(),
  tmpDir?: string,
  streamFrom?: number,
): Promise<SourceFile> {
  const out: SourceFile = { tables: [], docs: [], skipped: [] };
  const all = await listZip(path);
  checkMemberCount('the zip', all.length, limits);
  const members = all.filter((m) => !m.name.endsWith('/'));
  const sheets = new Set(members.filter((m) => !m.unsafe && SHEET.test(m.name)).map((m) => stem(m.name)));
  for (const m of members) {
    const reason = skipReason(m, sheets);
    if (reason) {
      out.skipped.push({ name: m.name, reason });
      continue;
    }
    // the directory's sizes first: a bomb is refused before a byte is inflated
    checkMemberEntry(m.name, m.compressedSize, m.uncompressedSize, limits);
    const part = SHEET.test(m.name)
      ? await workbookMember(path, m, limits, tmpDir, streamFrom)
      : await openCsv(() => memberBytes(path, m.index, limits), m.name, m.name, limits);
    out.tables.push(...part.tables);
    out.docs.push(...part.docs);
    out.skipped.push(...part.skipped);
    // each member workbook's legend: the first to explain a symbol keeps it
    if (part.legend) out.legend = { ...part.legend, ...out.legend };
  }
  return out;
}
