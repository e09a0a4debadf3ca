// The local parts of a backfill at catalogue scale, timed (issue 19: each under 5 s at 300 × 120): runs
// test/fanout.scale.test.ts (validate, status, plan in-process; the built action's plan and a merge of 200 matrix
// jobs' fragments against the GitHub fake on a local bare origin), which prints each step's time.
//   npx tsx scripts/fleet-local.ts            (npm run fleet:local)
// The action runs dist/index.js, or the bundle DATAWARP_ACTION_BUNDLE names (node scripts/build.mjs <dir>).
// A vitest run because the test harness (test/support) needs vitest; the database engines are not used.
import { spawnSync } from 'node:child_process';

const r = spawnSync('npx', ['vitest', 'run', 'test/fanout.scale.test.ts', '--silent=false'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
  env: { ...process.env, DATAWARP_TEST_ENGINES: process.env.DATAWARP_TEST_ENGINES ?? 'pglite' },
});
const report = r.stdout.split('\n').filter((l) => /fleet-local:|^\s{2}\S.* s( |$)/.test(l));
console.log(report.length ? report.join('\n') : r.stdout);
process.exit(r.status ?? 1);
