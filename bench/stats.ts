// The bench's pure helpers: how many pairs, who goes first in a pair, medians and spreads, and the gate a
// sample must pass before any figure is printed (test/bench.stats.test.ts).

/** Pairs of (baseline, DataWarp) samples per case: BENCH_PAIRS, default 3. */
export function pairsFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.BENCH_PAIRS ?? '3';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new GateError([`BENCH_PAIRS must be a whole number ≥ 1, got "${raw}"`]);
  return n;
}

/** Pair i's order: even pairs run `a` first, odd pairs `b` first, so neither always has the warmer machine. */
export function pairOrder<T>(i: number, a: T, b: T): [T, T] {
  return i % 2 === 0 ? [a, b] : [b, a];
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(xs: readonly number[]): number {
  if (!xs.length) throw new Error('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** "12.3 s (11.9–13.0 s over 3)": the median, then the spread. */
export function showSeconds(s: Summary, digits = 1): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(s.median)} s (${f(s.min)}–${f(s.max)} s over ${s.n})`;
}

/** DataWarp's speed over the baseline's, from the medians of their times (> 1: DataWarp faster). */
export function ratioOfMedians(datawarp: Summary, baseline: Summary): number {
  return baseline.median / datawarp.median;
}

/** One thing a sample must show before its time counts: a row count, an exit code, a sum. */
export interface Check {
  what: string;
  want: number | bigint | string;
  got: number | bigint | string | null | undefined;
  /** shown under a failed check (the end of a failed process's output) */
  detail?: string;
}

/** The checks that failed, each as a line naming what, wanted and got; empty when all passed. */
export function gateFailures(checks: readonly Check[]): string[] {
  return checks
    .filter((c) => c.got === null || c.got === undefined || String(c.got) !== String(c.want))
    .map((c) => {
      const line = `${c.what}: expected ${String(c.want)}, got ${c.got === undefined ? 'nothing' : String(c.got)}`;
      return c.detail ? `${line}\n    ${c.detail.split('\n').join('\n    ')}` : line;
    });
}

/** A gate that did not pass: the bench prints the failures and exits non-zero, no figure. */
export class GateError extends Error {
  constructor(readonly failures: string[]) {
    super(`gate failed:\n  ${failures.join('\n  ')}`);
    this.name = 'GateError';
  }
}

/** Throw a GateError naming the sample when any check fails. */
export function gate(sample: string, checks: readonly Check[]): void {
  const failed = gateFailures(checks);
  if (failed.length) throw new GateError(failed.map((f) => `${sample}: ${f}`));
}
