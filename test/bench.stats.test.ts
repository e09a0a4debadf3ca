// The bench's pure helpers (bench/stats.ts): pairs, alternation, medians and spreads, the gate. No timing.
import { describe, expect, it } from 'vitest';
import {
  GateError,
  gate,
  gateFailures,
  median,
  pairOrder,
  pairsFrom,
  ratioOfMedians,
  showSeconds,
  summarize,
} from '../bench/stats.js';

describe('bench helpers', () => {
  it('takes BENCH_PAIRS, 3 by default, and refuses what is not a whole number ≥ 1', () => {
    expect(pairsFrom({})).toBe(3);
    expect(pairsFrom({ BENCH_PAIRS: '5' })).toBe(5);
    for (const bad of ['0', '-1', '2.5', 'three', ''])
      expect(() => pairsFrom({ BENCH_PAIRS: bad }), bad).toThrow(GateError);
  });

  it('alternates who goes first, pair by pair', () => {
    const firsts = [0, 1, 2, 3].map((i) => pairOrder(i, 'psql', 'datawarp')[0]);
    expect(firsts).toEqual(['psql', 'datawarp', 'psql', 'datawarp']);
    expect(pairOrder(1, 'psql', 'datawarp')).toEqual(['datawarp', 'psql']);
  });

  it('takes the median of odd and even counts without reordering its input', () => {
    const xs = [9, 1, 5];
    expect(median(xs)).toBe(5);
    expect(xs).toEqual([9, 1, 5]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/no samples/);
  });

  it('summarizes the spread and prints the median before it', () => {
    const s = summarize([12.34, 10.01, 11.5]);
    expect(s).toEqual({ n: 3, median: 11.5, min: 10.01, max: 12.34 });
    expect(showSeconds(s)).toBe('11.5 s (10.0–12.3 s over 3)');
  });

  it('gives the ratio of medians as DataWarp speed over the baseline', () => {
    // DataWarp 50 s, baseline 40 s: 0.8x the baseline's speed
    expect(ratioOfMedians(summarize([60, 50, 45]), summarize([40, 38, 52]))).toBeCloseTo(0.8);
  });

  it('passes a gate only when every check holds', () => {
    expect(gateFailures([{ what: 'exit', want: 0, got: 0 }])).toEqual([]);
    expect(gateFailures([{ what: 'ledger rows', want: 200000, got: 199999 }])).toEqual([
      'ledger rows: expected 200000, got 199999',
    ]);
    expect(gateFailures([{ what: 'exit', want: 0, got: null }])).toEqual(['exit: expected 0, got null']);
    expect(gateFailures([{ what: 'sum', want: 5, got: undefined }])).toEqual([
      'sum: expected 5, got nothing',
    ]);
    expect(gateFailures([{ what: 'big', want: 5n, got: 5 }])).toEqual([]);
    expect(
      gateFailures([{ what: 'exit', want: 0, got: 2, detail: 'error: no such table\nhint: run it' }]),
    ).toEqual(['exit: expected 0, got 2\n    error: no such table\n    hint: run it']);
  });

  it('names the sample and every failed check in the error, never only the first', () => {
    let err: unknown;
    try {
      gate('pair 2', [
        { what: 'exit code', want: 0, got: 1 },
        { what: 'staging rows', want: 10, got: 10 },
        { what: 'ledger rows', want: 10, got: 0 },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GateError);
    expect((err as GateError).failures).toEqual([
      'pair 2: exit code: expected 0, got 1',
      'pair 2: ledger rows: expected 10, got 0',
    ]);
    expect(() => gate('ok', [{ what: 'x', want: 'a', got: 'a' }])).not.toThrow();
  });
});
