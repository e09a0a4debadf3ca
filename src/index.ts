// The action's entry point: only calls run() with the real core and GitHub client.
import * as core from '@actions/core';
import { run } from './action/run.js';
import { createGitHub } from './github/client.js';
import { createOctokit } from './github/octokit.js';

await run(core, (token, { owner, repo }, limits) =>
  createGitHub(createOctokit(token, core, undefined, limits), owner, repo, limits?.budget),
);
