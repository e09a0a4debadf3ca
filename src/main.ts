// The GitHub Action: read inputs, run the CLI command, set outputs and the step summary.
// `core` is passed in so tests can run this without a runner.
import type * as coreModule from '@actions/core';
import { runCli } from './cli/main.js';
import type { BackfillResult } from './pipeline.js';

export type Core = Pick<
  typeof coreModule,
  | 'getInput'
  | 'getBooleanInput'
  | 'setOutput'
  | 'setFailed'
  | 'setSecret'
  | 'info'
  | 'warning'
  | 'error'
  | 'summary'
>;

export async function run(
  core: Core,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<void> {
  try {
    const command = core.getInput('command') || 'backfill';
    if (!['backfill', 'status', 'validate'].includes(command)) {
      core.setFailed(`input command: "${command}" is not one of backfill, status, validate`);
      return;
    }
    const databaseUrl = core.getInput('database-url');
    const openaiKey = core.getInput('openai-api-key');
    if (databaseUrl) core.setSecret(databaseUrl);
    if (openaiKey) core.setSecret(openaiKey);
    const childEnv = {
      ...env,
      DATABASE_URL: databaseUrl || env.DATABASE_URL,
      OPENAI_API_KEY: openaiKey || env.OPENAI_API_KEY,
    };
    const args = [
      command,
      '--config',
      core.getInput('config') || 'config/publications.yaml',
      '--state',
      core.getInput('state') || 'state/state.json',
    ];
    if (command === 'backfill') {
      const pub = core.getInput('pub');
      const period = core.getInput('period');
      if (pub) args.push('--pub', pub);
      if (period) args.push('--period', period);
      if (bool(core, 'dry-run')) args.push('--dry-run');
      if (bool(core, 'retry-failed')) args.push('--retry-failed');
      if (bool(core, 'force')) args.push('--force');
    }
    let out = '';
    let result: BackfillResult | undefined;
    const code = await runCli(args, {
      cwd,
      env: childEnv,
      io: {
        out: (s) => {
          out += s;
          process.stdout.write(s);
        },
        err: (s) => process.stderr.write(s),
        isTTY: false,
      },
      onBackfill: (r) => (result = r),
    });
    const outcomes = result?.outcomes ?? [];
    core.setOutput('processed', String(outcomes.filter((o) => o.status === 'processed').length));
    core.setOutput('failed', String(outcomes.filter((o) => o.status === 'failed').length));
    core.setOutput('rows-loaded', String(outcomes.reduce((n, o) => n + (o.rowsLoaded ?? 0), 0)));
    await core.summary
      .addHeading(`DataWarp ${command}`, 2)
      .addCodeBlock(out.trim() || '(no output)')
      .write();
    if (code !== 0) core.setFailed(`datawarp ${command} exited with code ${code}`);
  } catch (e) {
    core.setFailed((e as Error).message);
  }
}

function bool(core: Core, name: string): boolean {
  const v = core.getInput(name);
  return v === '' ? false : core.getBooleanInput(name);
}
