// Zip archives, read from disk with yauzl (Node's native zlib inflates): CSV members stream, spreadsheets are
// read into memory one at a time; PDFs, __MACOSX and unsafe paths are skipped with the reason, a spreadsheet is
// preferred over its CSV twin.
import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { SourceFile } from '../../model.js';
import { faultPoint } from '../../faults.js';
import { openCsv } from './csv.js';
import { readWorkbookIsolated } from './isolate.js';
import {
  checkMemberCount,
  checkMemberEntry,
  extractLimits,
  inflationGuard,
  type ExtractLimits,
} from './caps.js';

const SHEET = /\.(xlsx|xlsm|xls|ods)$/i;
const DATA = /\.(csv|txt|xlsx|xlsm|xls|ods)$/i;

function stem(path: string): string {
  return path.replace(/\.[^./]+$/, '').toLowerCase();
}

export interface ZipMember {
  name: string;
  /** index in the central directory */
  index: number;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
  /** why the name cannot be used as a path, if it cannot */
  unsafe?: string;
}

/** The members of a zip, from its central directory (nothing is inflated). */
export async function listZip(path: string): Promise<ZipMember[]> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: false, autoClose: false });
  const out: ZipMember[] = [];
  try {
    let index = 0;
    for await (const e of zip.eachEntry()) {
      const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, e.fileNameRaw, e.extraFields, false);
      const unsafe = yauzl.validateFileName(name) ?? undefined;
      out.push({
        name,
        index: index++,
        compressedSize: e.compressedSize,
        uncompressedSize: e.uncompressedSize,
        encrypted: e.isEncrypted(),
        ...(unsafe ? { unsafe } : {}),
      });
    }
  } finally {
    zip.close();
  }
  return out;
}

/** Zips kept open with their directory read (a member's read would otherwise walk the directory up to it: a
 * zip of 3,000 members took longer than 5 minutes to open). A few at a time; yauzl closes a zip's file once its
 * last read stream ends. */
const OPEN_ZIPS = 4;
const openZips = new Map<string, Promise<{ zip: yauzl.ZipFile; entries: yauzl.Entry[] }>>();

function openCached(path: string): Promise<{ zip: yauzl.ZipFile; entries: yauzl.Entry[] }> {
  // the same path may hold another file later (a new download): the key says which file
  const st = statSync(path);
  const key = `${path}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  let got = openZips.get(key);
  if (!got) {
    got = (async () => {
      const zip = await yauzl.openPromise(path, {
        lazyEntries: true,
        decodeStrings: false,
        autoClose: false,
      });
      const entries: yauzl.Entry[] = [];
      try {
        for await (const e of zip.eachEntry()) entries.push(e);
      } catch (err) {
        zip.close();
        throw err;
      }
      return { zip, entries };
    })();
    got.catch(() => openZips.delete(key));
    openZips.set(key, got);
    while (openZips.size > OPEN_ZIPS) {
      const [oldest, z] = openZips.entries().next().value!;
      openZips.delete(oldest);
      void z.then(
        (o) => o.zip.close(),
        () => undefined,
      );
    }
  }
  return got;
}

/** The inflated bytes of one member, as a stream; the limits are checked as it inflates. */
export async function* memberBytes(
  path: string,
  index: number,
  limits: ExtractLimits = extractLimits(),
): AsyncGenerator<Uint8Array> {
  let { zip, entries } = await openCached(path);
  if (!zip.isOpen) {
    for (const [k, z] of openZips) if ((await z.catch(() => undefined))?.zip === zip) openZips.delete(k);
    ({ zip, entries } = await openCached(path));
  }
  const e = entries[index];
  if (!e) throw new Error(`zip member ${index} not found in ${path}`);
  const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, e.fileNameRaw, e.extraFields, false);
  checkMemberEntry(name, e.compressedSize, e.uncompressedSize, limits);
  const guard = inflationGuard(name, e.compressedSize, limits);
  const stream: Readable = await zip.openReadStreamPromise(e);
  try {
    for await (const chunk of stream) {
      guard((chunk as Uint8Array).length);
      await faultPoint('unzip');
      yield chunk as Uint8Array;
    }
  } finally {
    stream.destroy();
  }
}

/** A workbook member, inflated to a temp file and parsed in a child process (see isolate.ts). */
async function isolatedMember(
  path: string,
  m: ZipMember,
  limits: ExtractLimits,
  tmpDir = tmpdir(),
): Promise<SourceFile> {
  const tmp = join(
    tmpDir,
    `${basename(path)}.m${m.index}.${process.pid}.${randomBytes(6).toString('hex')}.part`,
  );
  try {
    await pipeline(Readable.from(memberBytes(path, m.index, limits)), createWriteStream(tmp));
    return await readWorkbookIsolated(tmp, {
      member: m.name,
      name: m.name,
      heapBytes: limits.maxParserMemory,
      tmpDir,
    });
  } finally {
    rmSync(tmp, { force: true });
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
      ? await isolatedMember(path, m, limits, tmpDir)
      : await openCsv(() => memberBytes(path, m.index, limits), m.name, m.name, limits);
    out.tables.push(...part.tables);
    out.docs.push(...part.docs);
    out.skipped.push(...part.skipped);
    // each member workbook's legend: the first to explain a symbol keeps it
    if (part.legend) out.legend = { ...part.legend, ...out.legend };
  }
  return out;
}
