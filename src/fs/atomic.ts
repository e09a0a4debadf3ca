// Write to a temp file, then rename: the one way DataWarp replaces a file (state, monitor state, config, manifests,
// catalog, plan, fragments, Parquet). A reader sees the old file or the new one, never part of one; a kill leaves
// at most <file>.<pid>.<ms>.tmp beside it, which src/preflight.ts removes once that process is gone.
// Node built-ins only: every stage may import it.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The temp file a write of `file` goes to before its rename: <file>.<pid>.<ms>.tmp (the pid tells preflight
 * whether the process that wrote it is still running). */
export function tempPathFor(file: string): string {
  return `${file}.${process.pid}.${Date.now()}.tmp`;
}

export interface AtomicWriteOptions {
  /** runs after the temp file is written and flushed, before the rename (a fault point; a lock check, which may
   * remove `tmp` and throw: nothing is renamed then) */
  beforeRename?: (tmp: string) => void;
}

/** Replaces `file` with `data` (its directory made if missing): temp file, fsync, rename. */
export function writeFileAtomic(file: string, data: string | Uint8Array, o: AtomicWriteOptions = {}): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  o.beforeRename?.(tmp);
  renameSync(tmp, file);
}

/** Moves a finished temp file (from tempPathFor, written as a stream) into place. */
export function renameIntoPlace(tmp: string, file: string): void {
  renameSync(tmp, file);
}
