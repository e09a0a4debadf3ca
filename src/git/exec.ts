// The one git runner: git as a child process, for the action (asynchronous: its result, stdout, stderr and exit
// code, or an error naming the command) and for the manifest store's reads (synchronous: the output, or
// undefined when git fails). Neither prompts for credentials.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export class GitError extends Error {}

export interface Exec {
  stdout: string;
  stderr: string;
  code: number;
}

export interface GitOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** git never asks a person: no terminal prompt, ssh in batch mode. */
function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
    ...extra,
  };
}

export function git(cwd: string, args: string[], opts: GitOptions = {}): Promise<Exec> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: gitEnv(opts.env), maxBuffer: 64 * 1024 * 1024 },
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

export async function gitOk(cwd: string, args: string[], opts: GitOptions = {}): Promise<string> {
  const r = await git(cwd, args, opts);
  if (r.code !== 0) throw new GitError(`git ${args[0]} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** git run to its end: its output as text, or as bytes with `bytes`; undefined when it fails or times out. */
export function gitSync(
  cwd: string,
  args: string[],
  opts: { input?: string; bytes: true },
): Buffer | undefined;
export function gitSync(cwd: string, args: string[], opts?: { input?: string }): string | undefined;
export function gitSync(
  cwd: string,
  args: string[],
  opts: { input?: string; bytes?: boolean } = {},
): string | Buffer | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      ...(opts.bytes ? {} : { encoding: 'utf8' as const }),
      maxBuffer: 1 << 30,
      ...(opts.input === undefined
        ? { stdio: ['ignore', 'pipe', 'ignore'] }
        : { input: opts.input, stdio: ['pipe', 'pipe', 'ignore'] }),
      timeout: 120_000,
      env: gitEnv(),
    });
  } catch {
    return undefined;
  }
}

/** Whether git could find a repository from `dir`: GIT_DIR is set, or `dir` or a folder above it holds `.git`. When
 * not, asking git is only a process started (forked from this one, with its memory) to be told no. */
export function mayBeInRepo(dir: string): boolean {
  if (process.env.GIT_DIR) return true;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}
