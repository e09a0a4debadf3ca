// The full collection a streamed workbook asks for between its first passes and its load
// (src/manifest/extract/collect.ts): it must really collect, or the 2,000,000-row peak's high mode comes back;
// and the guard that collects while rows stream, only when the heap in use has passed its limit
// (docs/benchmarks.md, workbooks).
import { describe, expect, it } from 'vitest';
import { HeapGuard } from '../src/manifest/extract/collect.js';
import { collectGarbage } from '../src/gc.js';

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

describe('HeapGuard', () => {
  const MB = 2 ** 20;
  /** a guard over a pretend heap: `heap` is what is in use, a collection leaves `alive` */
  function pretend(alive: number) {
    const h = { heap: 0, alive, collections: 0 };
    const guard = new HeapGuard(
      80 * MB,
      () => {
        h.collections++;
        h.heap = h.alive;
      },
      () => h.heap,
    );
    return { h, guard };
  }

  it('collects only once the heap in use passes the floor', () => {
    const { h, guard } = pretend(30 * MB);
    h.heap = 79 * MB;
    expect(guard.check()).toBe(false);
    expect(h.collections).toBe(0);
    h.heap = 81 * MB;
    expect(guard.check()).toBe(true);
    expect(h.collections).toBe(1);
    expect(h.heap).toBe(30 * MB);
    // what is alive is under half the floor: the limit stays at the floor
    h.heap = 79 * MB;
    expect(guard.check()).toBe(false);
    h.heap = 80 * MB;
    expect(guard.check()).toBe(true);
    expect(guard.collections).toBe(2);
  });

  it('waits for twice what survived when more than half the floor is alive (no thrashing)', () => {
    const { h, guard } = pretend(60 * MB);
    h.heap = 90 * MB;
    expect(guard.check()).toBe(true);
    h.heap = 110 * MB;
    expect(guard.check()).toBe(false);
    h.heap = 120 * MB;
    expect(guard.check()).toBe(true);
    expect(h.collections).toBe(2);
  });

  it('collects the main heap by default', async () => {
    const refs = (() => Array.from({ length: 100 }, () => new WeakRef(new Array<number>(1000).fill(1))))();
    await new Promise((ok) => setImmediate(ok));
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(100);
    await new Promise((ok) => setImmediate(ok));
    const guard = new HeapGuard(1); // any heap is over a 1-byte floor
    expect(guard.check()).toBe(true);
    expect(guard.collections).toBe(1);
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });
});
