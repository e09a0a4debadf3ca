// `npm run bench:fleet`: a synthetic catalogue (N publications × M monthly periods × 3 tables, small CSV files on
// 127.0.0.1) through the BUILT action (scripts/build.mjs into a temp dir; dist/ is not touched) against the GitHub
// fake enforcing GitHub's limits scaled to a window: a primary budget of FLEET_LIMIT requests per window (GitHub:
// 1,000 an hour) and a secondary limit of 80 content-creating requests a minute. Runs follow each other as an
// hourly schedule would (the window is reset between runs, standing in for the hour passing) until nothing is
// pending. Prints calls per asset, runs needed against the floor the budget sets, deferred items per run,
// committed bytes per item and commits per run.
// Sizes: FLEET_PUBS (4) × FLEET_PERIODS (6); FLEET_LIMIT (60). FLEET_ASSETS: the release layout, `table` (one
// asset per table and period, the default) or `item` (one zip per publication and period: the action input
// release-assets). Octokit spaces writes ≥ 1 s apart, so a run's
// wall time is at least its uploads in seconds: keep N × M × 3 to a few hundred.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { git, makeOrigin, runAction } from '../test/support/action-harness.js';
import { startFleetSite } from '../test/support/fleet-site.js';
import { startGitHubFake } from '../test/support/github-fake.js';

const ROOT = resolve(import.meta.dirname, '..');
const num = (name: string, dflt: number) => Number(process.env[name] ?? '') || dflt;
const PUBS = num('FLEET_PUBS', 4);
const PERIODS = num('FLEET_PERIODS', 6);
const LIMIT = num('FLEET_LIMIT', 60);
const MAX_RUNS = num('FLEET_MAX_RUNS', 20);
const LAYOUT = process.env.FLEET_ASSETS === 'item' ? 'item' : 'table';
const TABLES = 3;

/** The summed blob sizes of `git ls-tree -r -l HEAD` (tracked bytes). */
function trackedBytes(cwd: string): number {
  return git(cwd, 'ls-tree', '-r', '-l', 'HEAD')
    .split('\n')
    .reduce((n, l) => n + (Number(l.split(/\s+/)[3]) || 0), 0);
}

async function main() {
  const build = mkdtempSync(join(tmpdir(), 'dw-fleet-build-'));
  console.log(`building the action into ${build} ...`);
  execFileSync(process.execPath, ['scripts/build.mjs', build], { cwd: ROOT, stdio: 'inherit' });
  const site = await startFleetSite({ pubs: PUBS, periods: PERIODS, start: '2023-01' });
  const limits = {
    primary: { limit: LIMIT, windowSeconds: 3600 },
    secondary: { limit: 80, windowSeconds: 60 },
  };
  const fake = await startGitHubFake({ limits });
  const origin = makeOrigin({
    'config/publications.yaml': site.config(),
    'state/state.json': '{\n  "processed": {},\n  "failed": {}\n}\n',
    '.gitignore': '.datawarp/\noutput/parquet/\n',
  });
  const items = PUBS * PERIODS;
  const tablePeriods = items * TABLES;
  // what the releases should hold: a zip per item, or a Parquet file per (table, period)
  const assets = LAYOUT === 'item' ? items : tablePeriods;
  const rows: string[] = [];
  let processed = 0;
  let runs = 0;
  const bytes0 = trackedBytes(origin.clone());
  const t0 = Date.now();
  try {
    while (processed < items && runs < MAX_RUNS) {
      runs++;
      fake.setLimits(limits); // a new window: the hour has passed
      const before = fake.requests.length;
      const commits0 = Number(git(origin.bare, 'rev-list', '--count', 'main'));
      const started = Date.now();
      const r = await runAction({
        cwd: origin.clone(),
        apiUrl: fake.url,
        repository: `${fake.owner}/${fake.repo}`,
        event: { name: 'workflow_dispatch', payload: { inputs: {} } },
        inputs: { 'database-url': '', 'release-assets': LAYOUT },
        env: { DATAWARP_ACTION_BUNDLE: join(build, 'index.js'), DATAWARP_PUSH_INTERVAL_SECONDS: '600' },
        timeoutMs: 3_600_000,
      });
      if (r.code !== 0)
        throw new Error(`run ${runs} exited ${r.code}:\n${r.stdout.slice(-3000)}\n${r.stderr}`);
      const done = Number(r.outputs.processed);
      processed += done;
      const calls = fake.requests.length - before;
      const commits = Number(git(origin.bare, 'rev-list', '--count', 'main')) - commits0;
      rows.push(
        `| ${runs} | ${done} | ${r.outputs.deferred} | ${r.outputs.failed} | ${calls} | ${commits} | ${((Date.now() - started) / 1000).toFixed(0)} s |`,
      );
      console.log(rows[rows.length - 1]);
    }
    const parquet = fake.releases
      .filter((x) => x.tag_name !== 'datawarp-catalog')
      .flatMap((x) => x.assets.filter((a) => /\.(parquet|zip)$/.test(a.name)));
    const names = new Set(parquet.map((a) => a.name));
    const calls = fake.requests.length;
    const floor = Math.ceil(assets / LIMIT);
    const bytes = trackedBytes(origin.clone()) - bytes0;
    const state = JSON.parse(readFileSync(join(origin.clone(), 'state', 'state.json'), 'utf8'));
    console.log(
      `\nfleet: ${PUBS} publications × ${PERIODS} periods × ${TABLES} tables = ${items} items, ${tablePeriods} table-periods; layout ${LAYOUT}: ${assets} assets`,
    );
    console.log(`primary budget ${LIMIT} requests per window, secondary 80 content-creating a minute\n`);
    console.log('| run | processed | deferred | failed | API calls | commits | wall |');
    console.log('|---|---|---|---|---|---|---|');
    for (const l of rows) console.log(l);
    console.log(
      `\nprocessed ${Object.keys(state.processed).length}/${items}, failed ${Object.keys(state.failed).length}`,
    );
    console.log(
      `data assets ${parquet.length} (${names.size} distinct names; doubled: ${parquet.length - names.size})`,
    );
    console.log(
      `calls ${calls}: ${(calls / assets).toFixed(3)} per asset, ${(calls / items).toFixed(3)} per item, ${(calls / tablePeriods).toFixed(3)} per (table, period)`,
    );
    const uploads = fake.calls('repos/upload-release-asset').length;
    console.log(
      `uploads ${uploads} (content-creating requests: ${fake.requests.filter((r) => r.method !== 'GET').length})`,
    );
    console.log(`runs ${runs} against the floor ${floor} (assets ÷ budget per window)`);
    console.log(`limited by GitHub: primary ${fake.limited.primary}, secondary ${fake.limited.secondary}`);
    console.log(`committed tracked bytes per item: ${(bytes / items).toFixed(0)} B`);
    console.log(`wall time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await fake.close();
    await site.close();
    rmSync(build, { recursive: true, force: true });
  }
}

await main();
