// Garbage collections the code asks for, where V8 on its own would wait too long: V8 collects when its heap
// fills, not by the bytes its objects hold outside it (a Buffer's memory is malloc's). `gc` is exposed from inside
// the process (as jest-leak-detector does), so no flag is needed; if the runtime refuses, these do nothing.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'major' | 'minor' }) => void;
let gc: Gc | null | undefined;

function exposed(): Gc | null {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as Gc;
    } catch {
      gc = null;
    }
  }
  return gc;
}

/** A full collection now (see src/manifest/extract/collect.ts for when a workbook asks). */
export function collectGarbage(): void {
  exposed()?.();
}

/** A young-generation collection now: cheap (~1 ms), it frees the buffers of young objects already dead. */
function collectYoung(): void {
  exposed()?.({ type: 'minor' });
}

/** Bytes moved between two young collections by code that makes little other garbage (a download). */
const YOUNG_EVERY_BYTES = 4 * 2 ** 20;

/** For a stream that moves bytes in new buffers and makes little other garbage (a download, the fast path's file):
 * told each chunk's size, it makes a young collection each time YOUNG_EVERY_BYTES more have gone by, so the dead
 * buffers are freed before they pile up in malloc's heap. */
export function youngCollections(): (bytes: number) => void {
  let due = YOUNG_EVERY_BYTES;
  return (bytes) => {
    due -= bytes;
    if (due > 0) return;
    due = YOUNG_EVERY_BYTES;
    collectYoung();
  };
}
