// The local parts of a backfill at catalogue scale (issue 19): a generated catalogue of N publications × M periods
// committed to a bare origin; `datawarp validate`, `status` and `plan` in-process; the built action's plan
// (plan-file) and merge of the fragments every matrix job would leave, against the GitHub fake. Returns what each
// step printed or committed and how long it took; test/fanout.scale.test.ts checks the results and
// scripts/fleet-local.ts prints the timings.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import type { FanOutPlan } from '../../src/pipeline/fan-out.js';
import { dispatchRun, makeOrigin, runAction, type ActionRun, type Origin } from './action-harness.js';
import { generateCatalogue, writeFragments, type Catalogue, type CatalogueOptions } from './catalogue.js';
import type { FakeGitHub } from './github-fake.js';

export interface FleetLocal {
  cat: Catalogue;
  origin: Origin;
  seedHead: string;
  /** milliseconds per step */
  timings: Record<'generate' | 'validate' | 'status' | 'plan' | 'action plan' | 'merge', number>;
  cli: Record<'validate' | 'status' | 'plan', { code: number; out: string; err: string }>;
  plan: FanOutPlan;
  actionPlan: ActionRun;
  merge: ActionRun;
  fragments: number;
}

const clock = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  // yield first: the steps are long synchronous stretches, and a test worker must answer its runner meanwhile
  await new Promise((r) => setImmediate(r));
  const t = performance.now();
  const r = await f();
  return [r, Math.round(performance.now() - t)];
};

export async function fleetLocal(
  fake: FakeGitHub,
  o: CatalogueOptions & { maxJobs?: number; timeoutMs?: number },
): Promise<FleetLocal> {
  const [cat, generate] = await clock(() => generateCatalogue(o));
  await new Promise((r) => setImmediate(r));
  const origin = makeOrigin(cat.files);
  const seedHead = origin.head();
  await new Promise((r) => setImmediate(r));
  const cwd = origin.clone();
  const cliRun = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, {
      cwd,
      env: {},
      io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
    });
    return { code, out, err };
  };
  const [validate, tValidate] = await clock(() => cliRun('validate'));
  const [status, tStatus] = await clock(() => cliRun('status', '--json'));
  const maxJobs = o.maxJobs ? ['--max-jobs', String(o.maxJobs)] : [];
  const [plan, tPlan] = await clock(() => cliRun('plan', '--json', ...maxJobs));
  const base = (inputs: Record<string, string>) =>
    dispatchRun(fake, origin.clone(), inputs, o.timeoutMs ?? 300_000);
  const planFile = join(mkdtempSync(join(tmpdir(), 'dw-fleet-plan-')), 'plan.json');
  const [actionPlan, tActionPlan] = await clock(() =>
    runAction(
      base({
        command: 'plan',
        'plan-file': planFile,
        ...(o.maxJobs ? { 'max-jobs': String(o.maxJobs) } : {}),
      }),
    ),
  );
  const full = JSON.parse(readFileSync(planFile, 'utf8')) as FanOutPlan;
  const fragDir = mkdtempSync(join(tmpdir(), 'dw-fleet-fragments-'));
  await new Promise((r) => setImmediate(r));
  writeFragments(fragDir, cat, full.matrix, o);
  const [merge, tMerge] = await clock(() =>
    runAction(base({ command: 'merge', fragments: fragDir, 'plan-file': planFile })),
  );
  return {
    cat,
    origin,
    seedHead,
    timings: {
      generate,
      validate: tValidate,
      status: tStatus,
      plan: tPlan,
      'action plan': tActionPlan,
      merge: tMerge,
    },
    cli: { validate, status, plan },
    plan: full,
    actionPlan,
    merge,
    fragments: full.matrix.length,
  };
}

/**
 * A generated catalogue on a bare origin, planned by the built action (its plan-file), and the fragments the
 * plan's matrix jobs would leave in a folder: what a merge job starts from.
 */
export async function plannedFanOut(fake: FakeGitHub, o: CatalogueOptions) {
  const cat = generateCatalogue(o);
  const origin = makeOrigin(cat.files);
  const planFile = join(mkdtempSync(join(tmpdir(), 'dw-plan-')), 'plan.json');
  const p = await runAction(dispatchRun(fake, origin.clone(), { command: 'plan', 'plan-file': planFile }));
  if (p.code !== 0) throw new Error(`the action's plan failed: ${p.stdout}${p.stderr}`);
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as FanOutPlan;
  const fragments = mkdtempSync(join(tmpdir(), 'dw-fragments-'));
  writeFragments(fragments, cat, plan.matrix, o);
  return { cat, origin, planFile, plan, fragments };
}

/** The timings of a run, one line per step (each local step's target: under 5 s). */
export function fleetReport(run: FleetLocal, pubs: number, periods: number): string {
  const lines = [
    `fleet-local: ${pubs} publications × ${periods} periods = ${pubs * periods} items; ` +
      `${run.fragments} matrix jobs, ${pubs} fragments merged`,
  ];
  // a step that failed is said so: its time is not a figure
  const code = (step: string) => ({ 'action plan': run.actionPlan, merge: run.merge })[step]?.code ?? 0;
  for (const [step, ms] of Object.entries(run.timings))
    lines.push(
      `  ${step.padEnd(12)} ${(ms / 1000).toFixed(2).padStart(7)} s${step !== 'generate' && ms > 5000 ? '  (over the 5 s target)' : ''}` +
        (code(step) ? `  FAILED (exit ${code(step)}): not a figure` : ''),
    );
  return lines.join('\n');
}
