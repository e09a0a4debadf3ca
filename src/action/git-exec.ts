// git run as a child process: the result (stdout, stderr, exit code), or an error naming the command.
import { execFile } from 'node:child_process';

export class GitError extends Error {}

export interface Exec {
  stdout: string;
  stderr: string;
  code: number;
}

export function git(
  cwd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Exec> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? Number((err as { code: number }).code)
            : 1
          : 0;
        resolve({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export async function gitOk(
  cwd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string } = {},
) {
  const r = await git(cwd, args, opts);
  if (r.code !== 0) throw new GitError(`git ${args[0]} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
