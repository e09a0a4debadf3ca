// The action's entry point: the restart that sets V8's young generation (src/runtime/restart.ts), then only run()
// with the real core and GitHub client, imported afterwards so that a restart does not load them twice.
import { restartForMemory } from './runtime/restart.js';

restartForMemory();
const [core, { run }, { createGitHub }, { createOctokit }] = await Promise.all([
  import('@actions/core'),
  import('./action/run.js'),
  import('./github/client.js'),
  import('./github/octokit.js'),
]);

await run(core, (token, { owner, repo }, limits) =>
  createGitHub(createOctokit(token, core, undefined, limits), owner, repo, limits?.budget),
);
