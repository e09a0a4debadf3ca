// dist/ is committed (the action runs it); it must match what `npm run build` makes from src/.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

it('dist/ is up to date with src/ (run `npm run build` and commit dist/)', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'dw-dist-')), 'dist');
  // async: a synchronous 60-90 s build would block this worker's event loop and vitest's RPC with it
  await promisify(execFile)(process.execPath, ['scripts/build.mjs', out], { maxBuffer: 64 * 1024 * 1024 });
  const fresh = files(out)
    .map((f) => relative(out, f))
    .sort();
  const committed = files('dist')
    .map((f) => relative('dist', f))
    .sort();
  expect(committed).toEqual(fresh);
  const stale = fresh.filter((f) => !readFileSync(join(out, f)).equals(readFileSync(join('dist', f))));
  expect(stale, `stale files in dist/: ${stale.join(', ')}`).toEqual([]);
}, 300_000);
