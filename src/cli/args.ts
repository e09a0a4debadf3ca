// A subcommand's arguments: its own options plus --config, --state and --help. A bad option is a usage error
// (the message and the usage on stderr, exit 2); --help prints the usage (exit 0).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Io } from '../runtime/reporter.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON = {
  config: { type: 'string' },
  state: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof COMMON; strict: true }>
>['values'];

/** The parsed options, or the exit code when the command ends here (a usage error, or --help). */
export function commandArgs<const O extends Options>(
  command: string,
  argv: string[],
  options: O,
  usage: string,
  io: Io,
): Values<O> | number {
  let values: Values<O>;
  try {
    values = parseArgs({ args: argv, options: { ...options, ...COMMON }, strict: true }).values as Values<O>;
  } catch (e) {
    io.err(`datawarp ${command}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    io.out(usage);
    return 0;
  }
  return values;
}
