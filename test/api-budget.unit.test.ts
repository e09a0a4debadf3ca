// The API budget gate and the rate budget: what is left (and this job's share of it) against the next item's
// requests and the run's reserve; GitHub's 500 uploads an hour; a refusal stops new items.
import { describe, expect, it } from 'vitest';
import { apiBudgetGate, END_RESERVE, ITEM_OVERHEAD } from '../src/action/api-budget.js';
import { createRateBudget } from '../src/github/budget.js';

const h = (remaining: number, reset = 2_000_000_000, limit = 1000) => ({
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(reset),
  'x-ratelimit-limit': String(limit),
  'x-ratelimit-resource': 'core',
});

describe('rate budget', () => {
  it('reads every response; unknown until a response says', () => {
    const b = createRateBudget();
    expect(b.available()).toBeUndefined();
    b.observe({ 'content-type': 'x' });
    expect(b.available()).toBeUndefined();
    b.observe(h(500));
    expect(b.available()).toBe(500);
    expect(b.state()).toMatchObject({ remaining: 500, reset: 2_000_000_000, limit: 1000, resource: 'core' });
  });

  it("a job's share: a quarter of the hourly limit, less what it spent, never more than GitHub says", () => {
    const b = createRateBudget({ share: 0.25 });
    b.observe(h(900));
    expect(b.available()).toBe(250 - 0);
    for (let i = 0; i < 10; i++) b.observe(h(899 - i));
    expect(b.available()).toBe(240);
    b.observe(h(100)); // other jobs spent the rest
    expect(b.available()).toBe(100);
  });
});

describe('budget gate', () => {
  it('starts an item while what is left covers it and the reserve; then stops for good, with the reset', () => {
    const b = createRateBudget();
    const logs: string[] = [];
    const gate = apiBudgetGate(b, 3, (m) => logs.push(m));
    expect(gate.shouldStop()).toBe(false); // nothing known yet
    const need = 3 + ITEM_OVERHEAD + END_RESERVE;
    b.observe(h(need));
    expect(gate.shouldStop()).toBe(false);
    b.observe(h(need - 1, 1_900_000_000));
    expect(gate.shouldStop()).toBe(true);
    expect(gate.stopped()).toMatchObject({ limit: 'requests', available: need - 1, needed: need });
    expect(gate.reset()).toBe(new Date(1_900_000_000_000).toISOString());
    b.observe(h(1000));
    expect(gate.shouldStop()).toBe(true);
    expect(logs.join('\n')).toMatch(/stay pending/);
  });

  it('an item with more uploads raises what the next needs', () => {
    const b = createRateBudget();
    const gate = apiBudgetGate(b, 1, () => {});
    b.observe(h(1 + ITEM_OVERHEAD + END_RESERVE + 5));
    expect(gate.shouldStop()).toBe(false);
    gate.noteItem(10);
    expect(gate.shouldStop()).toBe(true);
  });

  it("GitHub's 500 uploads an hour: no item starts that would pass 480 in the hour", () => {
    let t = 0;
    const b = createRateBudget();
    b.observe(h(5000, 2_000_000_000, 5000));
    const gate = apiBudgetGate(b, 3, () => {}, { now: () => t });
    for (let i = 0; i < 159; i++) {
      expect(gate.shouldStop()).toBe(false);
      gate.noteItem(3);
      t += 1000;
    }
    expect(gate.shouldStop()).toBe(true);
    expect(gate.stopped()?.limit).toBe('content');
    t += 3_600_000; // stopped for the run, even an hour later
  });

  it('a refused upload (rate limit) stops new items; another failure does not', () => {
    const b = createRateBudget();
    b.observe(h(900));
    const gate = apiBudgetGate(b, 3, () => {});
    gate.noteItem(3, 'Server Error');
    expect(gate.shouldStop()).toBe(false);
    gate.noteItem(3, 'API rate limit exceeded for installation ID 1.');
    expect(gate.shouldStop()).toBe(true);
    expect(gate.stopped()?.limit).toBe('refused');
  });
});
