// The full collection a streamed workbook asks for between its first passes and its load
// (src/manifest/extract/collect.ts): it must really collect, or the 2,000,000-row peak's high mode comes back
// (docs/benchmarks.md, workbooks).
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../src/manifest/extract/collect.js';

describe('collectGarbage', () => {
  it('collects what nothing refers to any more', async () => {
    const refs = (() =>
      Array.from({ length: 100 }, () => new WeakRef({ rows: new Array<number>(1000).fill(1) })))();
    // a WeakRef's target lives at least to the end of the job that made (or last read) it
    const nextJob = () => new Promise((ok) => setImmediate(ok));
    await nextJob();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(100);
    await nextJob();
    collectGarbage();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });
});
