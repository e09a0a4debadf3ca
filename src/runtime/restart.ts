// V8's young generation on the main thread, which Node sets only when a process starts: both front ends restart
// themselves once with --max-semi-space-size=8 (MB), as the same process (execve keeps the PID, the standard
// streams, and so what kill -9 means). Node 24's default is larger: a load's main heap then commits ~155 MB where
// ~25 MB is alive, and a CSV load peaked at ~495 MB instead of ~320 MB, with no gain in speed. Figures:
// docs/benchmarks.md, "The young generation". Node before 22.15 has no process.execve; there the flag applies
// only when the user gives it (README, "Configuration").

/** The flag the restart adds. */
export const SEMI_SPACE_FLAG = '--max-semi-space-size=8';
/** Set by the first DataWarp process, whether it restarts or not, and inherited by every process started below it
 * (the workbook child runs an entry too), so only the process a user or the runner started decides; the others keep
 * Node's default, as before. */
export const STARTED_ENV = 'DATAWARP_STARTED';

/** The part of `process` the restart reads and calls. */
export interface Startable {
  env: NodeJS.ProcessEnv;
  execPath: string;
  execArgv: string[];
  argv: string[];
  /** Node 22.15 and later (experimental); absent on Node 20 and on Windows */
  execve?: (file: string, args?: readonly string[], env?: NodeJS.ProcessEnv) => never;
}

export interface Restart {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

const hasSemiSpace = (p: Startable): boolean =>
  [...p.execArgv, ...(p.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) =>
    /^--max[-_]semi[-_]space[-_]size\b/.test(a),
  );

/**
 * The restart that adds the flag, or undefined: no `process.execve`, a young-generation size already given (by
 * the user, whose value stands, or by the restart itself, so it happens once), or a process started below the first
 * DataWarp process.
 */
export function memoryRestart(p: Startable): Restart | undefined {
  if (typeof p.execve !== 'function' || hasSemiSpace(p) || p.env[STARTED_ENV] !== undefined) return undefined;
  return {
    file: p.execPath,
    args: [p.execPath, SEMI_SPACE_FLAG, ...p.execArgv, ...p.argv.slice(1)],
    env: { ...p.env, [STARTED_ENV]: '1' },
  };
}

/**
 * Call first, before anything is started or written: replaces the process when a restart is due, else marks it
 * started (so its children do not decide again) and returns. If execve(2) itself fails the process runs on as it
 * is, only without the flag.
 */
export function restartForMemory(p: Startable = process): void {
  const restart = memoryRestart(p);
  p.env[STARTED_ENV] ??= '1';
  if (!restart) return;
  try {
    p.execve!(restart.file, restart.args, restart.env);
  } catch {
    // execve(2) failed (E2BIG, ENOMEM...): the current process carries on unchanged
  }
}
