// GitHub's primary rate limit as the run sees it: every response's x-ratelimit-* headers (success or error)
// update what is left and when the window resets. The backfill asks it, before starting an item, whether the
// requests the item needs fit, keeping a reserve for the run's end (state, catalog release, issues).

export interface RateLimitState {
  /** requests left in the window (undefined until a response said) */
  remaining?: number;
  limit?: number;
  /** when the window resets (epoch seconds) */
  reset?: number;
  resource?: string;
}

export interface RateBudget {
  /** record a response's headers (any case; missing headers change nothing) */
  observe(headers: Record<string, unknown> | undefined): void;
  state(): RateLimitState;
  /** requests this run may still spend: what GitHub says is left, cut to this job's share of the limit */
  available(): number | undefined;
  /** requests made so far (responses seen) */
  spent(): number;
}

export interface RateBudgetOptions {
  /** this job's share of the hourly limit, 0 < share <= 1 (matrix jobs running at once split the budget) */
  share?: number;
}

const header = (h: Record<string, unknown>, name: string): number | undefined => {
  const v = h[name] ?? h[name.toUpperCase()];
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(n) ? n : undefined;
};

export function createRateBudget(opts: RateBudgetOptions = {}): RateBudget {
  const share = opts.share && opts.share > 0 && opts.share <= 1 ? opts.share : 1;
  const s: RateLimitState = {};
  let spent = 0;
  /** remaining when this run first heard of the window: the share is of that */
  let startRemaining: number | undefined;
  let spentAtStart = 0;
  return {
    observe(headers) {
      if (!headers) return;
      spent++;
      const remaining = header(headers, 'x-ratelimit-remaining');
      if (remaining === undefined) return;
      const reset = header(headers, 'x-ratelimit-reset');
      // a new window: the share starts again
      if (startRemaining === undefined || (reset !== undefined && s.reset !== undefined && reset > s.reset)) {
        startRemaining = remaining;
        spentAtStart = spent;
      }
      s.remaining = remaining;
      s.limit = header(headers, 'x-ratelimit-limit') ?? s.limit;
      s.reset = reset ?? s.reset;
      const resource = headers['x-ratelimit-resource'];
      if (typeof resource === 'string') s.resource = resource;
    },
    state: () => ({ ...s }),
    available() {
      if (s.remaining === undefined) return undefined;
      if (share >= 1 || startRemaining === undefined || s.limit === undefined) return s.remaining;
      const mine = Math.floor(s.limit * share) - (spent - spentAtStart);
      return Math.max(0, Math.min(s.remaining, mine));
    },
    spent: () => spent,
  };
}
