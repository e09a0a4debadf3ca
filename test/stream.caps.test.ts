// Limits enforced while extracting (issue 11's caps on the streamed path): a zip bomb is refused from the zip's
// directory before a byte is inflated, and while inflating when the directory lies; too many members, too many
// columns and an unterminated quote running past the cell cap are refused naming the cap.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { collectTable, openFile } from '../src/manifest/extract/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-caps-'));
const put = (name: string, data: Uint8Array | string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
};
const MiB = 1024 * 1024;

describe('extraction limits', () => {
  it('a member that inflates 1000:1 is refused from the directory, naming the cap and how to raise it', async () => {
    const zeros = new Uint8Array(8 * MiB).fill(48); // '0' repeated: deflates ~1000:1
    const p = put('bomb.zip', zipSync({ 'a.csv': new TextEncoder().encode('x,y\n'), 'bomb.csv': zeros }));
    const err = await openFile(p, { ext: 'zip', limits: { inflationRatioAfterBytes: MiB } }).catch((e) => e);
    expect(String(err)).toMatch(
      /zip member "bomb.csv" inflates [\d,]+:1 .*max_inflation_ratio \(100:1\).*DATAWARP_MAX_INFLATION_RATIO/,
    );
    // with the default threshold (64 MB) the same member is fine
    const ok = await openFile(p, { ext: 'zip' });
    expect(ok.tables.length).toBe(2);
  });

  it('a member larger than max_member_bytes is refused before inflating, and while inflating when the directory lies', async () => {
    const big = new Uint8Array(3 * MiB).fill(65);
    const p = put('big.zip', zipSync({ 'big.csv': big }, { level: 0 }));
    const err = await openFile(p, { ext: 'zip', limits: { maxMemberBytes: 2 * MiB } }).catch((e) => e);
    expect(String(err)).toMatch(/"big.csv" inflates to 3(\.0)? ?MiB.*max_member_bytes/);
    // the same zip with its directory claiming 1 KiB: the inflating stream is cut at the cap
    const buf = Buffer.from(fs.readFileSync(p));
    const cd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    buf.writeUInt32LE(1024, cd + 24); // uncompressed size in the central directory
    buf.writeUInt32LE(1024, 22); // and in the local header
    const liar = put('liar.zip', buf);
    const f = await openFile(liar, { ext: 'zip', limits: { maxMemberBytes: 2 * MiB } }).catch((e) => e);
    const e2 = f instanceof Error ? f : await collectTable(f.tables[0]).catch((e: unknown) => e);
    expect(String(e2)).toMatch(/size mismatch|too many bytes|max_member_bytes/);
  });

  it('too many members, too many columns, a record past the cell cap', async () => {
    const three = put(
      'three.zip',
      zipSync({
        'a.csv': new Uint8Array([120]),
        'b.csv': new Uint8Array([120]),
        'c.csv': new Uint8Array([120]),
      }),
    );
    expect(
      String(await openFile(three, { ext: 'zip', limits: { maxZipMembers: 2 } }).catch((e) => e)),
    ).toMatch(/has 3 members: over the limit max_zip_members \(2\)/);
    const wide = put('wide.csv', 'a,b,c,d,e\n1,2,3,4,5\n');
    expect(String(await openFile(wide, { ext: 'csv', limits: { maxColumns: 3 } }).catch((e) => e))).toMatch(
      /"wide.csv" has 5 columns: over the limit max_columns \(3\)/,
    );
    const quote = put('quote.csv', 'a,b\n1,"' + 'x'.repeat(1_500_000) + '\n');
    expect(
      String(await openFile(quote, { ext: 'csv', limits: { maxCellBytes: 100_000 } }).catch((e) => e)),
    ).toMatch(/line 2: a record runs past 100,000 characters/);
  });

  it('an unterminated quote in a small CSV names the line instead of loading a corrupt file', async () => {
    const p = put('bad.csv', 'a,b\n1,2\n3,"4\n5,6\n7,8\n9,10\n');
    expect(String(await openFile(p, { ext: 'csv' }).catch((e) => e))).toMatch(
      /line 3: a quoted field is never closed/,
    );
  });
});
