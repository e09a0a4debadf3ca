// A zip's members read from disk with yauzl (Node's native zlib inflates): the central directory, and one
// member's bytes as a stream with the caps checked as they inflate. Used by zip.ts and the xlsx reader.
import { createReadStream, statSync } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { faultPoint } from '../../faults.js';
import { checkMemberEntry, extractLimits, inflationGuard, type ExtractLimits } from './caps.js';

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
  const stream = await inflated(path, zip, e);
  let total = 0;
  try {
    for await (const chunk of stream) {
      total = guard((chunk as Uint8Array).length);
      await faultPoint('unzip');
      yield chunk as Uint8Array;
    }
    if (total !== e.uncompressedSize)
      throw new Error(
        `zip member "${name}" of ${path} inflated to ${total} bytes where its directory says ${e.uncompressedSize}: the file is damaged`,
      );
  } finally {
    stream.destroy();
  }
}

/** Inflated pieces of this size: yauzl's zlib default (16 KiB) costs twice the time over a big sheet part
 * (5,000 pieces of a 73 MB part, each a callback, a decode and a scanner step; ~0.6 s against ~0.3 s). */
const INFLATE_CHUNK = 128 * 1024;

/** A member's bytes: a deflated one read from the file by Node's own stream and inflated here in INFLATE_CHUNK
 * pieces (the caller checks its size at the end, as yauzl does); a stored or encrypted one as yauzl reads it (an
 * encrypted one fails there, clearly). Not yauzl's raw stream: destroyed while a read waits, it throws. */
async function inflated(path: string, zip: yauzl.ZipFile, e: yauzl.Entry): Promise<Readable> {
  if (e.compressionMethod !== 8 || e.isEncrypted()) return zip.openReadStreamPromise(e);
  const { fileDataStart } = await zip.readLocalFileHeaderPromise(e, { minimal: true });
  const raw =
    e.compressedSize > 0
      ? createReadStream(path, { start: fileDataStart, end: fileDataStart + e.compressedSize - 1 })
      : Readable.from([]);
  // an error in either stream destroys both, the inflater with it: the caller's read throws it
  return pipeline(raw, createInflateRaw({ chunkSize: INFLATE_CHUNK }), () => {});
}
