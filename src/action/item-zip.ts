// The asset of an item in the `item` release layout: one zip holding every table's Parquet file as a member
// `<table>.parquet`, STORED (Parquet is compressed already). Written to disk as it is read, a chunk at a time with
// back-pressure (fflate's streaming Zip): no Parquet file is held in memory. The members' timestamps are fixed,
// so the same files make the same bytes and a re-run finds the released asset unchanged.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Zip, ZipPassThrough } from 'fflate';

export interface ZipMember {
  /** the name inside the zip (`<table>.parquet`) */
  name: string;
  /** the file on disk */
  path: string;
}

/** Fixed member time: the zip's bytes depend on its members only. */
const MTIME = new Date('2000-01-01T00:00:00Z');

async function drained(out: WriteStream): Promise<void> {
  if (out.writableNeedDrain) await once(out, 'drain');
}

/** Write the members, in order, to a STORED zip at `path`. */
export async function writeItemZip(path: string, members: ZipMember[]): Promise<void> {
  const out = createWriteStream(path);
  let failed: Error | undefined;
  out.on('error', (e) => (failed = e));
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else out.write(chunk);
  });
  try {
    for (const m of members) {
      const entry = new ZipPassThrough(m.name);
      entry.mtime = MTIME;
      zip.add(entry);
      for await (const chunk of createReadStream(m.path)) {
        entry.push(new Uint8Array(chunk as Buffer));
        if (failed) throw failed;
        await drained(out);
      }
      entry.push(new Uint8Array(0), true);
      await drained(out);
    }
    zip.end();
    if (failed) throw failed;
  } catch (e) {
    out.destroy();
    throw e;
  }
  out.end();
  await once(out, 'finish');
  if (failed) throw failed;
}
