// The fan-out at catalogue scale (issue 19): 300 publications × 120 periods (36,000 items, 108,000
// table-periods) committed to a bare origin: validate, status and plan in-process, the built action's plan (its
// plan-file) and a merge of the fragments of 200 matrix jobs against the GitHub fake. Correctness only: the
// timings are printed (scripts/fleet-local.ts, npm run fleet:local, runs this file), not asserted.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../src/export/index.js';
import { git } from './support/action-harness.js';
import { fleetLocal, fleetReport, type FleetLocal } from './support/fleet-local.js';
import { startGitHubFake, type FakeGitHub } from './support/github-fake.js';

const PUBS = 300;
const PERIODS = 120;
const DONE = 119; // the last period of each publication is pending: 300 pending items

describe(`fan-out at catalogue scale: ${PUBS} publications × ${PERIODS} periods`, () => {
  let fake: FakeGitHub;
  let run: FleetLocal;
  // the committed files are megabytes: past execFileSync's default 1 MB buffer (Origin.show)
  const show = (path: string) =>
    execFileSync('git', ['show', `main:${path}`], {
      cwd: run.origin.bare,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });

  beforeAll(async () => {
    fake = await startGitHubFake();
    run = await fleetLocal(fake, { pubs: PUBS, periods: PERIODS, processed: DONE });
  }, 600_000);
  afterAll(async () => {
    await fake?.close();
    // scripts/fleet-local.ts runs this file to print these (speed targets live in scripts, not assertions)
    if (run) console.log(fleetReport(run, PUBS, PERIODS));
  });

  it('validate and status read the whole catalogue', () => {
    expect(run.cli.validate.code, run.cli.validate.err).toBe(0);
    expect(run.cli.validate.out).toContain(`OK (${PUBS} publications, ${PUBS * PERIODS} periods)`);
    expect(run.cli.status.code, run.cli.status.err).toBe(0);
    const status = JSON.parse(run.cli.status.out);
    expect(status).toMatchObject({ total: PUBS * PERIODS, processed: PUBS * DONE, pending: PUBS, failed: 0 });
  });

  it('plan: at most 200 jobs (256 at most), each publication in exactly one, balanced', () => {
    expect(run.cli.plan.code, run.cli.plan.err).toBe(0);
    const matrix = JSON.parse(run.cli.plan.out) as { job: string; pub: string }[];
    expect(matrix.length).toBe(200);
    const pubs = matrix.flatMap((j) => j.pub.split(' '));
    expect(pubs.length).toBe(PUBS);
    expect(new Set(pubs)).toEqual(new Set(run.cat.pubs));
    // one pending item each: 100 jobs of two publications and 100 of one
    const sizes = matrix.map((j) => j.pub.split(' ').length);
    expect(Math.max(...sizes)).toBe(2);
    expect(Math.min(...sizes)).toBe(1);
    // the action plans the same, writes its plan-file, and keeps the big items off its outputs
    expect(run.actionPlan.code, run.actionPlan.stdout + run.actionPlan.stderr).toBe(0);
    expect(JSON.parse(run.actionPlan.outputs.matrix)).toEqual(matrix);
    expect(run.actionPlan.outputs).toMatchObject({ mode: 'matrix', count: String(PUBS) });
    expect(run.plan.matrix).toEqual(matrix);
    expect(Object.values(run.plan.items).flat().sort()).toEqual([...run.cat.pending].sort());
  });

  it('a merge of 200 fragments: one commit, every key processed, each publication’s new tables merged', () => {
    expect(run.fragments).toBe(200);
    expect(run.merge.code, run.merge.stdout + run.merge.stderr).toBe(0);
    expect(run.merge.outputs).toMatchObject({ processed: String(PUBS), failed: '0' });
    expect(git(run.origin.bare, 'rev-list', '--count', `${run.seedHead}..main`)).toBe('1');
    const state = JSON.parse(show('state/state.json'));
    expect(Object.keys(state.processed).length).toBe(PUBS * PERIODS);
    for (const pub of run.cat.pubs)
      for (const period of run.cat.periods)
        expect(state.processed[`${pub}/${period}`], `${pub}/${period}`).toBeTruthy();
    expect(state.failed).toEqual({});
    const catalog = JSON.parse(show('output/catalog.json')) as Catalog;
    expect(catalog.tables.length).toBe(PUBS * 3);
    for (const t of catalog.tables) {
      expect(t.periods.length, t.table).toBe(PERIODS);
      expect(t.assets?.length, t.table).toBe(PERIODS);
    }
    // the manifests the jobs wrote, one per publication, on their own branch (README "What is committed")
    const onBranch = git(run.origin.bare, 'ls-tree', '-r', '--name-only', 'datawarp/manifests').split('\n');
    expect(new Set(onBranch.filter((f) => f.startsWith('backfill/')).map((f) => f.split('/')[1])).size).toBe(
      PUBS,
    );
    expect(git(run.origin.bare, 'diff', '--name-only', run.seedHead, 'main')).not.toContain('manifests/');
    expect(fake.invalid).toEqual([]);
  });
});
