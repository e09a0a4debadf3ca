// `datawarp plan [--json] [--pub P] [--period P] [--retry-failed] [--force] [--max-jobs N]`: the publications a
// backfill would work on (the same selection as backfill: src/pipeline/backfill.ts planItems, the monitor's pending
// revisions included), packed into at most N matrix jobs (src/pipeline/fan-out.ts), printed as the fan-out
// workflow's matrix include list `[{"job":"1","pub":"a b"}, ...]`, `[]` when nothing is pending.
import { resolve } from 'node:path';
import { loadConfig, parsePeriod } from '../config/index.js';
import { monitorPathFor, pendingRevisions, readMonitor } from '../monitor/index.js';
import { clampMaxJobs, fanOutPlan, MATRIX_JOB_LIMIT, selectPubs } from '../pipeline/fan-out.js';
import { readState } from '../state/index.js';
import { commandArgs } from './args.js';
import type { CliEnv } from '../runtime/index.js';

export { fanOutPlan, type FanOutPlan } from '../pipeline/fan-out.js';

export const PLAN_USAGE = `Usage: datawarp plan [--json] [--pub P] [--period P] [--retry-failed] [--force] [--max-jobs N] [--config F] [--state F]
  The publications with pending items (what backfill would process), one line per matrix job;
  --json prints the fan-out matrix include list [{"job":"1","pub":"a b"}, ...] ([] when nothing is pending).
  --pub      one publication key or a list (a,b or "a b")
  --max-jobs at most this many jobs (default 200, never over ${MATRIX_JOB_LIMIT}: GitHub's matrix limit);
             the publications are packed into them, balanced by pending items
`;

export async function runPlanCommand(argv: string[], ctx: CliEnv): Promise<number> {
  const v = commandArgs(
    'plan',
    argv,
    {
      json: { type: 'boolean' },
      pub: { type: 'string' },
      period: { type: 'string' },
      'retry-failed': { type: 'boolean' },
      force: { type: 'boolean' },
      'max-jobs': { type: 'string' },
    },
    PLAN_USAGE,
    ctx.io,
  );
  if (typeof v === 'number') return v;
  const maxJobs = v['max-jobs'] === undefined ? undefined : Number(v['max-jobs']);
  if (maxJobs !== undefined && !(Number.isInteger(maxJobs) && maxJobs >= 1)) {
    ctx.io.err(
      `datawarp plan: --max-jobs ${v['max-jobs']}: not a whole number of jobs (1 or more)\n\n${PLAN_USAGE}`,
    );
    return 2;
  }
  const config = loadConfig(resolve(ctx.cwd, v.config ?? 'config/publications.yaml'), ctx.env);
  const statePath = resolve(ctx.cwd, v.state ?? 'state/state.json');
  const state = readState(statePath);
  const sel = selectPubs(config, v.pub);
  if (sel.error) {
    ctx.io.err(`datawarp plan: --pub ${sel.error}\n`);
    return 2;
  }
  let period: string | undefined;
  if (v.period) {
    const pr = parsePeriod(v.period, sel.frequency);
    if (pr.error) {
      ctx.io.err(`datawarp plan: --period: ${pr.error}\n`);
      return 2;
    }
    period = pr.period;
  }
  const plan = fanOutPlan(config, state, {
    pubs: sel.pubs,
    period,
    retryFailed: v['retry-failed'],
    force: v.force,
    revised: pendingRevisions(readMonitor(monitorPathFor(statePath))),
    maxJobs: clampMaxJobs(maxJobs),
  });
  if (maxJobs !== undefined && maxJobs > MATRIX_JOB_LIMIT)
    ctx.io.err(
      `datawarp plan: --max-jobs ${maxJobs} is over GitHub's matrix limit: ${MATRIX_JOB_LIMIT} used\n`,
    );
  if (v.json) ctx.io.out(`${JSON.stringify(plan.matrix)}\n`);
  else if (!plan.matrix.length) ctx.io.out('Nothing pending.\n');
  else {
    const lines: string[] = [];
    for (const { job, pub } of plan.matrix)
      for (const p of pub.split(' '))
        lines.push(`[job ${job}] ${p}: ${plan.items[p].length} pending (${plan.items[p].join(', ')})`);
    ctx.io.out(`${lines.join('\n')}\n`);
  }
  return 0;
}
