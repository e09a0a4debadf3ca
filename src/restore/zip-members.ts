// The Parquet members of an item zip (the `item` release layout, src/github/release-names.ts): read with yauzl
// from the zip's central directory, each member's bytes only when it is asked for.
import yauzl from 'yauzl';

export interface ZipMemberReader {
  name: string;
  /** uncompressed size from the central directory */
  size: number;
  read(): Promise<Uint8Array>;
}

/** The members of a zip held in `bytes` (their names and a reader each); not a zip: an error saying so. */
export async function zipMembers(bytes: Uint8Array): Promise<ZipMemberReader[]> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true, strictFileNames: true });
  } catch (e) {
    throw new Error(`not a zip archive (${(e as Error).message})`, { cause: e });
  }
  const out: ZipMemberReader[] = [];
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName.endsWith('/')) continue;
    out.push({
      name: entry.fileName,
      size: entry.uncompressedSize,
      async read() {
        const stream = await zip.openReadStreamPromise(entry);
        const parts: Buffer[] = [];
        for await (const c of stream) parts.push(c as Buffer);
        return new Uint8Array(Buffer.concat(parts));
      },
    });
  }
  return out;
}
