// What the COPY holds while it runs (src/load/copy.ts). The fast path's bytes (`counted`): each chunk read from a
// file is a new buffer, freed only when collected, and the path makes little other garbage, so without its young
// collections (src/gc.ts) the chunks piled up in malloc's heap until V8's external-memory limit (~55 MB more at the
// Node 24 peak of a 3,000,000-row CSV load, docs/benchmarks.md). The typed path's fields made once (`Fields`): what
// they keep is bounded, whatever the rows.
import { describe, expect, it } from 'vitest';
import { FIELDS_KEPT, FIELD_KEPT_LENGTH, Fields, counted } from '../src/load/copy.js';
import type { RawCsv } from '../src/model.js';

describe('the fast path passing bytes on', () => {
  it('lets go of the chunks it has passed: their memory does not grow with the file', async () => {
    const line = Buffer.from('E92000001,England,1000,0.5\n');
    const chunk = Buffer.alloc(64 * 1024, line.toString());
    const total = 96 * 16; // 96 MB in 64 KiB chunks, each a new buffer as a file's stream reads them
    const raw: RawCsv = {
      async *open() {
        for (let i = 0; i < total; i++) yield Buffer.from(chunk);
      },
      encoding: 'UTF8',
      delimiter: ',',
      newline: '\n',
      header: false,
      firstRow: 1,
      types: ['text', 'text', 'integer', 'numeric'],
    };
    const before = process.memoryUsage().arrayBuffers;
    let most = 0;
    let bytes = 0;
    let mb = 0;
    for await (const b of counted(raw, { onRows: () => mb++ })) {
      bytes += b.length;
      most = Math.max(most, process.memoryUsage().arrayBuffers - before);
    }
    expect(bytes).toBe(total * chunk.length);
    expect(mb).toBe(96);
    expect(most / 2 ** 20).toBeLessThan(16);
  });
});

describe('the typed path’s fields made once', () => {
  it('keeps short strings per column, never long ones, and at most FIELDS_KEPT of them', () => {
    const fields = new Fields(['text', 'integer']);
    // a blank is a quoted text in a text column and NULL in a number column, each from its own column's set
    expect(fields.of('  ', 0)).toBe('"  "');
    expect(fields.of('  ', 1)).toBe('');
    expect(fields.of('say "hi"', 0)).toBe('"say ""hi"""');
    expect(fields.of('say "hi"', 0)).toBe('"say ""hi"""');
    expect(fields.of(12, 1)).toBe('12');
    expect(fields.count).toBe(3);
    const long = 'x'.repeat(FIELD_KEPT_LENGTH + 1);
    expect(fields.of(long, 0)).toBe(`"${long}"`);
    expect(fields.count).toBe(3);
    for (let i = 0; i < FIELDS_KEPT + 1000; i++) expect(fields.of(`v${i}`, 0)).toBe(`"v${i}"`);
    expect(fields.count).toBe(FIELDS_KEPT);
  });
});
