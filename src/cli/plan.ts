// `datawarp plan [--json] [--pub P] [--period P] [--retry-failed] [--force]`: the publications a backfill would
// work on (the same selection as backfill: src/pipeline.ts planItems, the monitor's pending revisions included), as
// the matrix include list of the fan-out workflow, `[{"pub":"<key>"}, ...]`, `[]` when nothing is pending.
import { resolve } from 'node:path';
import { loadConfig, parsePeriod, type Config } from '../config/index.js';
import { monitorPathFor, pendingRevisions, readMonitor } from '../monitor/index.js';
import { planItems, type BackfillOptions } from '../pipeline.js';
import { readState, type State } from '../state/index.js';
import { commandArgs } from './args.js';
import type { CliEnv } from './main.js';

export interface FanOutPlan {
  /** the matrix include list: one entry per publication with pending items, in config order */
  matrix: { pub: string }[];
  /** per publication, the keys of its pending items (the merge job marks them failed if a job leaves nothing) */
  items: Record<string, string[]>;
}

export function fanOutPlan(
  config: Config,
  state: State,
  opts: Pick<BackfillOptions, 'pub' | 'period' | 'retryFailed' | 'force' | 'revised'>,
): FanOutPlan {
  const items: Record<string, string[]> = {};
  for (const it of planItems(config, state, opts))
    if (it.action === 'process') (items[it.pub.code] ??= []).push(it.key);
  return { matrix: Object.keys(items).map((pub) => ({ pub })), items };
}

export const PLAN_USAGE = `Usage: datawarp plan [--json] [--pub P] [--period P] [--retry-failed] [--force] [--config F] [--state F]
  The publications with pending items (what backfill would process), one per line;
  --json prints the fan-out matrix include list [{"pub":"<key>"}, ...] ([] when nothing is pending).
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
    },
    PLAN_USAGE,
    ctx.io,
  );
  if (typeof v === 'number') return v;
  const config = loadConfig(resolve(ctx.cwd, v.config ?? 'config/publications.yaml'), ctx.env);
  const statePath = resolve(ctx.cwd, v.state ?? 'state/state.json');
  const state = readState(statePath);
  if (v.pub && !config.publications.some((p) => p.code === v.pub)) {
    ctx.io.err(`datawarp plan: --pub ${v.pub}: no such publication in ${config.file}\n`);
    return 2;
  }
  let period: string | undefined;
  if (v.period) {
    const pr = parsePeriod(v.period, config.publications.find((p) => p.code === v.pub)?.frequency);
    if (pr.error) {
      ctx.io.err(`datawarp plan: --period: ${pr.error}\n`);
      return 2;
    }
    period = pr.period;
  }
  const plan = fanOutPlan(config, state, {
    pub: v.pub,
    period,
    retryFailed: v['retry-failed'],
    force: v.force,
    revised: pendingRevisions(readMonitor(monitorPathFor(statePath))),
  });
  if (v.json) ctx.io.out(`${JSON.stringify(plan.matrix)}\n`);
  else if (!plan.matrix.length) ctx.io.out('Nothing pending.\n');
  else
    for (const { pub } of plan.matrix)
      ctx.io.out(`${pub}: ${plan.items[pub].length} pending (${plan.items[pub].join(', ')})\n`);
  return 0;
}
