// The GitHub Action: inputs -> one of validate, status, a pull-request preview or a backfill. `core` and the
// GitHub client factory are passed in (src/index.ts passes the real ones; tests pass fakes).
import { relative, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { runBackfill } from './backfill.js';
import { runDiscoverAction } from './discover.js';
import { runMerge, runPlan } from './fanout.js';
import { readContext, readInputs, InputError, type Core } from './context.js';
import { actionPaths, redactor, secretsOf, type ActionEnv, type RunOptions } from './env.js';
import { limitsOf, type GitHubFactory } from '../github/client.js';
import { runPullRequest } from './pull-request.js';
import { runStatus } from './status.js';
import { configProblemsSummary, validateSummary } from './summary.js';

export type { Core } from './context.js';
export type { RunOptions } from './env.js';
export type { GitHub, GitHubFactory } from '../github/client.js';

export async function run(core: Core, github: GitHubFactory, options: RunOptions = {}): Promise<void> {
  let inputs;
  try {
    inputs = readInputs(core);
  } catch (e) {
    core.setFailed(e instanceof InputError ? e.message : String(e));
    return;
  }
  const redact = redactor(secretsOf(inputs));
  try {
    const env = options.env ?? process.env;
    const cwd = options.cwd ?? process.cwd();
    const ctx = readContext(env);
    // the merge folds what the jobs did and needs the config only to link a lost job's items in issues: it reads
    // it then (300 publications' URLs are ~0.5 s), and a config broken since the plan cannot lose the jobs' work
    const configPath = resolve(cwd, inputs.config);
    let config: Config | undefined;
    if (inputs.command !== 'merge') {
      config = await loadConfigAnnotated(core, configPath, cwd, env);
      if (!config) return;
    }
    if (config && inputs.command === 'validate') {
      const periods = config.publications.reduce((s, p) => s + p.urls.length, 0);
      core.info(`${inputs.config}: OK (${config.publications.length} publications, ${periods} periods)`);
      await core.summary.addRaw(validateSummary(inputs.config, config.publications.length, periods)).write();
      return;
    }
    const e: ActionEnv = {
      core,
      inputs,
      ctx,
      get config() {
        return (config ??= loadConfig(configPath, env));
      },
      cwd,
      env,
      ...actionPaths(cwd),
      github: inputs.githubToken
        ? github(inputs.githubToken, { owner: ctx.owner, repo: ctx.repo }, limitsOf(inputs))
        : undefined,
      redact,
      log: { info: (m) => core.info(redact(m)), warning: (m) => core.warning(redact(m)) },
      options,
    };
    if (inputs.command === 'status') return await runStatus(e);
    if (inputs.command === 'discover') return await runDiscoverAction(e);
    if (inputs.command === 'plan') return await runPlan(e);
    if (inputs.command === 'merge') return await runMerge(e);
    if (ctx.pullRequest) return await runPullRequest(e, ctx.pullRequest);
    return await runBackfill(e);
  } catch (err) {
    core.setFailed(redact(err instanceof Error ? err.message : String(err)));
  }
}

/** The config, or undefined after one annotation per problem (file and line), a summary and setFailed. */
async function loadConfigAnnotated(
  core: Core,
  configPath: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Config | undefined> {
  try {
    return loadConfig(configPath, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // problems from environment variables have file 'environment' and line 0: no file annotation
    const problems = e.problems.map((p) => ({
      ...p,
      file: p.line > 0 ? relative(cwd, p.file) || p.file : p.file,
    }));
    for (const p of problems)
      core.error(
        p.message,
        p.line > 0
          ? { title: 'publications config', file: p.file, startLine: p.line, startColumn: p.column }
          : { title: `publications config (${p.file})` },
      );
    const n = problems.length;
    core.setFailed(`${n} problem${n > 1 ? 's' : ''} in ${relative(cwd, configPath)}`);
    await core.summary.addRaw(configProblemsSummary(problems)).write();
    return undefined;
  }
}
