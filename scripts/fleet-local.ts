// The local parts of a backfill at catalogue scale, timed (issue 19: each under 5 s at 300 × 120):
// `datawarp validate`, `status`, `plan` in-process, and the built action's plan and merge of the fragments of every
// matrix job against the GitHub fake on a local bare origin.
//   npx tsx scripts/fleet-local.ts [--pubs 300] [--periods 120] [--max-jobs 200]
// The action runs dist/index.js, or the bundle DATAWARP_ACTION_BUNDLE names (node scripts/build.mjs <dir>).
import { parseArgs } from 'node:util';
import { fleetLocal } from '../test/support/fleet-local.js';
import { startGitHubFake } from '../test/support/github-fake.js';

const { values } = parseArgs({
  options: {
    pubs: { type: 'string', default: '300' },
    periods: { type: 'string', default: '120' },
    'max-jobs': { type: 'string' },
  },
});
const pubs = Number(values.pubs);
const periods = Number(values.periods);
const fake = await startGitHubFake();
try {
  const run = await fleetLocal(fake, {
    pubs,
    periods,
    processed: periods - 1,
    maxJobs: values['max-jobs'] ? Number(values['max-jobs']) : undefined,
  });
  for (const [what, r] of [
    ['action plan', run.actionPlan],
    ['merge', run.merge],
  ] as const)
    if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  const items = pubs * periods;
  console.log(
    `${pubs} publications × ${periods} periods = ${items} items (${items * 3} table-periods); ` +
      `${run.fragments} matrix jobs, ${pubs} fragments merged`,
  );
  for (const [step, ms] of Object.entries(run.timings))
    console.log(
      `${step.padEnd(12)} ${(ms / 1000).toFixed(2).padStart(7)} s${step !== 'generate' && ms > 5000 ? '  (over 5 s)' : ''}`,
    );
} finally {
  await fake.close();
}
