// The action's entry point: only calls run() with the real core and GitHub client.
import * as core from '@actions/core';
import { createOctokit } from './action/octokit.js';
import { run } from './main.js';

await run(core, (token) => createOctokit(token, core));
