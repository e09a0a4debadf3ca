// Public entry of the start-up both front ends share (src/cli and src/action): workspace paths, database
// options, the HTTP client, the clock, progress reporting.
export { clockFrom, dbOptions, defaultPaths, httpClientFor, UsageError, type CliEnv } from './env.js';
export { bar, createReporter, type Io } from './reporter.js';
