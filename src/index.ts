// The action's entry point: the restart that sets V8's young generation (src/runtime/restart.ts), then only run()
// with the real core and GitHub client, imported afterwards so that a restart does not load them twice.
import { restartForMemory } from './runtime/restart.js';

restartForMemory();
const core = await import('@actions/core');
const { run } = await import('./action/run.js');
const { createGitHub } = await import('./github/client.js');
const { createOctokit } = await import('./github/octokit.js');

await run(core, (token, { owner, repo }, limits) =>
  createGitHub(createOctokit(token, core, undefined, limits), owner, repo, limits?.budget),
);
