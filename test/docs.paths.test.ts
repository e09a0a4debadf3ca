// The docs point at real things: every `src/…` path named in README.md or docs/*.md exists (a bare file name in
// the same table row as a src/ path, e.g. `csv.ts` after `src/manifest/extract/types.ts`, in that folder), and
// every test named in docs/reliability.md's tables exists, with the quoted test names in that file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');

const DOCS = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

/** `src/...` paths in a text (trailing punctuation dropped), with the line they are on. */
export function srcPaths(text: string): { path: string; line: number }[] {
  const out: { path: string; line: number }[] = [];
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(/(?<![\w./-])src\/[\w./-]*/g))
      out.push({ path: m[0].replace(/[.,]+$/, ''), line: i + 1 });
  });
  return out;
}

/** Bare `name.ts` files in a table row that also names a src/ path: resolved in the folder of the src path
 * named before them in that row. */
export function barePaths(text: string): { path: string; line: number }[] {
  const out: { path: string; line: number }[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.startsWith('|')) return;
    let folder: string | undefined;
    for (const m of l.matchAll(/`([^`\s]+)`/g)) {
      const name = m[1];
      if (name.startsWith('src/')) folder = name.endsWith('/') ? name : dirname(name);
      else if (folder && /^[\w-]+\.ts$/.test(name)) out.push({ path: join(folder, name), line: i + 1 });
    }
  });
  return out;
}

describe('docs name files that exist', () => {
  it('every src/ path in README.md and docs/ exists', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const doc of DOCS) {
      const text = readFileSync(join(REPO, doc), 'utf8');
      for (const p of [...srcPaths(text), ...barePaths(text)]) {
        seen++;
        if (!existsSync(join(REPO, p.path))) missing.push(`${doc}:${p.line}: ${p.path}`);
      }
    }
    expect(seen).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('the checks can fail: a moved file and a bare name beside it are both reported', () => {
    const text =
      '| x | `src/export/gone.ts` (`nothere.ts`), `src/export/tap.ts` (`tap-thread.ts`) |\nsee src/load/.';
    const paths = [...srcPaths(text), ...barePaths(text)].map((p) => p.path);
    expect(paths).toEqual([
      'src/export/gone.ts',
      'src/export/tap.ts',
      'src/load/',
      'src/export/nothere.ts',
      'src/export/tap-thread.ts',
    ]);
    expect(paths.filter((p) => !existsSync(join(REPO, p)))).toEqual([
      'src/export/gone.ts',
      'src/export/nothere.ts',
    ]);
  });

  it('every row of docs/reliability.md names a test file that exists, and its quoted test names', () => {
    const text = readFileSync(join(REPO, 'docs/reliability.md'), 'utf8');
    const problems: string[] = [];
    let rows = 0;
    text.split('\n').forEach((l, i) => {
      if (!l.startsWith('|') || l.startsWith('|---') || l.startsWith('| case ')) return;
      rows++;
      const cells = l.split(' | ');
      const last = cells[cells.length - 1].replace(/\s*\|\s*$/, '');
      let file: string | undefined;
      let named = 0;
      for (const m of last.matchAll(/`([^`]+)`|"([^"]+)"/g)) {
        if (m[1] !== undefined) {
          file = /^[\w.-]+$/.test(m[1]) ? join(REPO, 'test', `${m[1]}.test.ts`) : undefined;
          if (!file) continue;
          named++;
          if (!existsSync(file)) problems.push(`line ${i + 1}: no test/${m[1]}.test.ts`);
        } else if (!file) problems.push(`line ${i + 1}: "${m[2]}" names no test file before it`);
        else if (existsSync(file) && !readFileSync(file, 'utf8').includes(m[2]))
          problems.push(`line ${i + 1}: "${m[2]}" is not in ${file.slice(REPO.length + 1)}`);
      }
      if (!named) problems.push(`line ${i + 1}: no test named (${last})`);
    });
    expect(rows).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });
});
