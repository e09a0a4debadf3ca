// One home for the ledger's SQL: outside src/load/ no code names DataWarp's own tables (datawarp.tbl_*, the
// totals view); comments may. Issue 20's rule `grep -rn 'datawarp\.tbl_' src | grep -v '^src/load/'` prints
// only comments; this checks it with the TypeScript parser (a comment is what the compiler calls one, so a
// `//` inside a string or template is code), and also catches the bare table names (`'tbl_manifest_files'`).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');
const SRC = join(REPO, 'src');
const HOME = 'src/load/';
const NAMES = /datawarp\.tbl_|\btbl_(?:manifest_files|item_versions|llm_calls)\b|\bv_publication_totals\b/;

/** The text of a TypeScript file with every comment blanked (line numbers kept). */
export function withoutComments(text: string): string {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true);
  const out = text.split('');
  const blank = (r: ts.CommentRange) => {
    for (let i = r.pos; i < r.end; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  const seen = new Set<number>();
  const visit = (node: ts.Node) => {
    // every comment is leading trivia of some token: visit tokens too (getChildren), not only nodes
    const start = node.getFullStart();
    if (!seen.has(start)) {
      seen.add(start);
      // the trivia before a token: comments on the previous token's line (trailing), then the rest (leading)
      for (const r of ts.getTrailingCommentRanges(text, start) ?? []) blank(r);
      for (const r of ts.getLeadingCommentRanges(text, start) ?? []) blank(r);
    }
    for (const c of node.getChildren(sf)) visit(c);
  };
  visit(sf);
  return out.join('');
}

/** Lines (1-based) of code, not comments, that name a DataWarp table. */
export function tableNamesInCode(text: string): { line: number; text: string }[] {
  const lines = text.split('\n');
  return withoutComments(text)
    .split('\n')
    .flatMap((l, i) => (NAMES.test(l) ? [{ line: i + 1, text: lines[i].trim() }] : []));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('the ledger SQL has one home (src/load)', () => {
  it('finds table names in code and strings, not in comments', () => {
    const text = [
      '// reads datawarp.tbl_manifest_files',
      '/** one row of datawarp.tbl_item_versions */',
      'const url = `https://x.org/${a}`; // datawarp.tbl_llm_calls',
      'const q = `SELECT 1 FROM datawarp.tbl_manifest_files // not a comment: in the string`;',
      '/* a block',
      '   over datawarp.tbl_manifest_files */ const x = 1;',
      'const o = [\'tbl_item_versions\'].map((n) => `"datawarp"."${n}"`);',
      'function f() {',
      '  g();',
      '  // datawarp.v_publication_totals before a closing brace',
      '}',
      'const t = `a ${`datawarp.tbl_llm_calls`} b`;',
    ].join('\n');
    expect(tableNamesInCode(text).map((h) => h.line)).toEqual([4, 7, 12]);
  });

  it('no file outside src/load names datawarp.tbl_* (or the bare table names) in code', () => {
    const files = sources(SRC)
      .map((f) => relative(REPO, f).split('\\').join('/'))
      .filter((f) => !f.startsWith(HOME));
    expect(files.length).toBeGreaterThan(50);
    const hits = files.flatMap((f) => {
      const text = readFileSync(join(REPO, f), 'utf8');
      // parsed only when the names occur at all (most files never name them)
      return NAMES.test(text) ? tableNamesInCode(text).map((h) => `${f}:${h.line}: ${h.text}`) : [];
    });
    expect(hits).toEqual([]);
  });

  it('src/load does name them (the rule looks where the SQL went)', () => {
    const hits = sources(join(SRC, 'load')).filter(
      (f) => tableNamesInCode(readFileSync(f, 'utf8')).length > 0,
    );
    expect(hits.length).toBeGreaterThan(0);
  });
});
