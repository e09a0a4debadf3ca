// The fan-out's plan as a file and a step summary: the plan job writes it (input plan-file) and uploads it as the
// datawarp-plan artifact; the merge job reads the planned items from it (at catalogue scale they fit neither a
// job output nor an environment variable), or from input planned (the items as JSON) for small plans.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { jobsByPub, type FanOutJob, type FanOutPlan } from '../pipeline/fan-out.js';
import { InputError } from './context.js';
import type { ActionEnv } from './env.js';
import { parseJson } from './merge.js';
import { cell } from './summary.js';

export type FanOutMode = 'none' | 'single' | 'matrix';

export function writePlanFile(path: string, plan: FanOutPlan): void {
  writeFileAtomic(path, JSON.stringify(plan) + '\n');
}

/** The step summary of a plan: one row per job (its publications and their pending items), at most 300 rows. */
export function planSummary(plan: FanOutPlan, mode: FanOutMode): string {
  const n = Object.keys(plan.items).length;
  const items = Object.values(plan.items).reduce((s, k) => s + k.length, 0);
  const rows = plan.matrix.slice(0, 300).map(({ job, pub }) => {
    const keys = pub.split(' ').flatMap((p) => plan.items[p] ?? []);
    const shown = keys.length > 12 ? `${keys.slice(0, 12).join(', ')} ... (${keys.length})` : keys.join(', ');
    return `| ${job} | ${cell(pub)} | ${keys.length} | ${cell(shown)} |`;
  });
  const lines = [
    '## DataWarp plan',
    '',
    n
      ? `${n} publication(s), ${items} pending item(s): ${mode === 'matrix' ? `${plan.matrix.length} matrix job(s)` : 'one job'}.`
      : 'Nothing pending.',
    ...(n ? ['', '| job | publications | pending | items |', '|---|---|---|---|'] : []),
    ...rows,
    ...(plan.matrix.length > rows.length
      ? ['', `... and ${plan.matrix.length - rows.length} more job(s)`]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The planned items and jobs: from input plan-file (the plan job's artifact), else input planned. */
export function readPlanned(e: ActionEnv): { items: Map<string, string[]>; jobs: Map<string, FanOutJob> } {
  const { inputs } = e;
  let items: unknown;
  let matrix: FanOutJob[] = [];
  if (inputs.planFile) {
    const path = resolve(e.cwd, inputs.planFile);
    const plan = existsSync(path) ? parseJson<Partial<FanOutPlan>>(readFileSync(path, 'utf8')) : undefined;
    if (!plan || typeof plan.items !== 'object' || !Array.isArray(plan.matrix)) {
      // what the jobs finished is still merged; the items of a job that left nothing stay pending (not failed)
      e.core.warning(
        `input plan-file: ${inputs.planFile} is missing or not a plan ({"matrix": [...], "items": {...}}): the fragments are merged, but items of a job that left no fragment stay pending instead of failed`,
      );
      return { items: new Map(), jobs: new Map() };
    }
    items = plan.items;
    matrix = plan.matrix.filter((j) => typeof j?.pub === 'string');
  } else items = parseJson(inputs.planned || '{}');
  if (!items || typeof items !== 'object' || Array.isArray(items))
    throw new InputError(
      `input planned: not the plan's items output ({"pub": ["pub/period", ...]}): ${inputs.planned.slice(0, 200)}`,
    );
  const out = new Map<string, string[]>();
  for (const [pub, keys] of Object.entries(items))
    if (Array.isArray(keys))
      out.set(
        pub,
        keys.filter((k): k is string => typeof k === 'string'),
      );
  return { items: out, jobs: jobsByPub(matrix) };
}
