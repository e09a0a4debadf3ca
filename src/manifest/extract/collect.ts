// Full garbage collections (src/gc.ts) a streamed workbook asks for: one between its first passes and its load
// (xlsx-open.ts), and, while its rows stream, one whenever the main thread's heap has grown well past what is alive
// (HeapGuard).
import { getHeapStatistics } from 'node:v8';
import { collectGarbage } from '../../gc.js';

/** Bytes of the main thread's heap in use (live and not yet collected). */
const usedHeap = (): number => getHeapStatistics().used_heap_size;

/** MB of heap in use above which a long stream collects. V8 alone waits until ~4x what its last full collection
 * left: 126-156 MB of heap while a workbook loads, with 31-37 MB alive, the top of the 2,000,000-row peak. With
 * the guard (limit 64 MB there: twice the ~32 MB alive) that peak fell 375 -> ~302 MB and the 200,000-row one
 * 322 -> ~277 MB; a floor of 80 MB gave ~319 and ~288 (docs/benchmarks.md). */
export const GUARD_FLOOR_MB = 56;

/** Keeps the heap of a long stream near what is alive: `check()` (once a batch) collects when the heap in use has
 * passed the limit, then sets the limit to the floor or twice what survived, whichever is more, so that a live set
 * near or over the floor is not collected batch after batch (each collection then frees at least as much as is
 * alive). */
export class HeapGuard {
  /** the floor of a guard made without one (bytes): tests lower it */
  static floor = GUARD_FLOOR_MB * 2 ** 20;
  /** full collections made by all guards */
  static collections = 0;
  private limit: number;
  /** full collections made */
  collections = 0;

  constructor(
    private readonly floor = HeapGuard.floor,
    private readonly collect: () => void = collectGarbage,
    private readonly used: () => number = usedHeap,
  ) {
    this.limit = floor;
  }

  /** Collect if the heap in use is over the limit; true when it did. */
  check(): boolean {
    if (this.used() < this.limit) return false;
    this.collect();
    this.collections++;
    HeapGuard.collections++;
    this.limit = Math.max(this.floor, 2 * this.used());
    return true;
  }
}
