// A zip member's bytes as memberBytes streams them: exact, in pieces bigger than zlib's default, stored members as
// they are, and a member that inflates to another size than its directory says refused, naming it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { listZip, memberBytes } from '../src/manifest/extract/zip-read.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-zip-read-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A sheet-like text of about `mb` MB that deflates well, as sheet XML does. */
function sheetText(mb: number): Uint8Array {
  const rows: string[] = [];
  for (let r = 1, n = 0; n < mb * 2 ** 20; r++) {
    const row = `<row r="${r}"><c r="A${r}" t="s"><v>${r % 97}</v></c><c r="B${r}"><v>${(r * 7) % 1000}</v></c></row>`;
    rows.push(row);
    n += row.length;
  }
  return new TextEncoder().encode(rows.join(''));
}

async function read(file: string, index: number): Promise<{ bytes: Buffer; pieces: number[] }> {
  const pieces: number[] = [];
  const got: Uint8Array[] = [];
  for await (const b of memberBytes(file, index)) {
    pieces.push(b.length);
    got.push(b);
  }
  return { bytes: Buffer.concat(got), pieces };
}

describe('memberBytes', () => {
  const big = sheetText(8);
  const small = new TextEncoder().encode('a,b\n1,2\n');
  const file = path.join(dir, 'book.zip');
  fs.writeFileSync(
    file,
    zipSync({ 'xl/worksheets/sheet1.xml': [big, { level: 6 }], 'stored.csv': [small, { level: 0 }] }),
  );

  it('inflates a deflated member exactly, in pieces far bigger than zlib’s 16 KiB default', async () => {
    const members = await listZip(file);
    const m = members.find((x) => x.name === 'xl/worksheets/sheet1.xml')!;
    const { bytes, pieces } = await read(file, m.index);
    expect(bytes.equals(Buffer.from(big))).toBe(true);
    // 8 MB in 16 KiB pieces would be 512 of them
    expect(pieces.length).toBeLessThan(200);
    expect(Math.max(...pieces)).toBeGreaterThan(64 * 1024);
  });

  it('reads a stored member as it is', async () => {
    const m = (await listZip(file)).find((x) => x.name === 'stored.csv')!;
    expect((await read(file, m.index)).bytes.toString()).toBe('a,b\n1,2\n');
  });

  it('refuses a member that inflates to another size than its directory says, naming it', async () => {
    const zip = Buffer.from(zipSync({ 'data.csv': [big, { level: 6 }] }));
    // the central directory entry's uncompressed size (offset 24 of the entry) one byte more than it is
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(zip.readUInt32LE(central + 24) + 1, central + 24);
    const damaged = path.join(dir, 'damaged.zip');
    fs.writeFileSync(damaged, zip);
    const [m] = await listZip(damaged);
    await expect(read(damaged, m.index)).rejects.toThrow(
      /zip member "data\.csv" of .*damaged\.zip inflated to [\d]+ bytes where its directory says [\d]+: the file is damaged/,
    );
  });
});
