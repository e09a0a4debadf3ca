// A TEST HOOK, the only fault mechanism: the reliability and end-to-end tests make a run stop (kill -9), fail
// (throw) or pause at a named point of its work, so a test can kill it, or stop the database under it, at an
// exact place. Off (one environment lookup per point) unless DATAWARP_FAULT_AT is set; not a user setting:
//
//   DATAWARP_FAULT_AT=<point>[:<n>]   the n-th time (default 1) this process reaches <point>
//   DATAWARP_FAULT_ACTION=kill        (default) SIGKILL this process there
//   DATAWARP_FAULT_ACTION=throw       throw an Error ("injected fault at <point>:<n>") there, as a failing
//                                      read, write or query would
//   DATAWARP_FAULT_ACTION=pause:<file> write <file> (holding the point's name) and wait until it is removed
//   DATAWARP_FAULT_ACTION=exit-thread  end the worker thread that reaches it (the Parquet worker); ignored on the
//                                      main thread
//
// Points: download (each body chunk written), unzip (each inflated chunk of a member), parse (each batch of rows
// read from a file; on the fast path each chunk of its bytes), workbook (a workbook parsed), copy (each COPY
// chunk; on the fast path each MB), ledger (a file's ledger row written, before COMMIT), commit (after a file's
// COMMIT), export (a table's export starting), parquet (a Parquet row group written), parquet-rename (a Parquet
// file about to replace the old one), catalog (catalog.json about to be renamed), state (state.json's temp file
// written, before the rename), manifest (a manifest about to be written).
import { existsSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

let counts: Map<string, number> | undefined;

function spec(): { point: string; n: number; action: string } | undefined {
  const at = process.env.DATAWARP_FAULT_AT;
  if (!at) return undefined;
  const i = at.lastIndexOf(':');
  const n = i > 0 ? Number(at.slice(i + 1)) : NaN;
  return Number.isInteger(n) && n > 0
    ? { point: at.slice(0, i), n, action: process.env.DATAWARP_FAULT_ACTION || 'kill' }
    : { point: at, n: 1, action: process.env.DATAWARP_FAULT_ACTION || 'kill' };
}

/** Reached a fault point: kills or pauses the process when DATAWARP_FAULT_AT names it (this time). The pause is
 * a promise (await it where the code is asynchronous); a kill happens at once. */
export function faultPoint(point: string): void | Promise<void> {
  const s = spec();
  if (!s || s.point !== point) return;
  counts ??= new Map();
  const seen = (counts.get(point) ?? 0) + 1;
  counts.set(point, seen);
  if (seen !== s.n) return;
  if (s.action === 'throw') throw new Error(`injected fault at ${point}:${seen} (DATAWARP_FAULT_AT)`);
  if (s.action === 'exit-thread') {
    if (!isMainThread) process.exit(1);
    return;
  }
  if (s.action.startsWith('pause:')) {
    const file = s.action.slice('pause:'.length);
    writeFileSync(file, `${point}:${seen}\n`);
    return new Promise((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(file)) return;
        clearInterval(poll);
        resolve();
      }, 20);
    });
  }
  process.kill(process.pid, 'SIGKILL');
}
