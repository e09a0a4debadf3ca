// The Octokit the action and `datawarp restore --repo` use: @actions/github's client (honours GITHUB_API_URL)
// with throttling (serial writes at least 1 s apart, so uploads stay under GitHub's 80 content-creating requests a
// minute; Retry-After and secondary rate limits honoured) and retries of 5xx. A rate limit is waited out only when
// the wait is at most `maxWaitSeconds` (a run never sleeps until an hourly reset: the request fails, the caller
// leaves its item pending). Every response's x-ratelimit-* headers go to `budget`.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { RateBudget } from './budget.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface OctokitLog {
  warning(msg: string): void;
  info(msg: string): void;
}

export interface OctokitLimits {
  /** longest wait for a rate limit (primary or secondary) before giving up the request; default 60 s */
  maxWaitSeconds?: number;
  /** fed every response's headers */
  budget?: RateBudget;
}

/** How many times a rate-limited request is retried after waiting. */
const RATE_LIMIT_RETRIES = 2;
export const DEFAULT_MAX_WAIT_SECONDS = 60;
const retries = (o: { request?: unknown }) =>
  Number((o.request as { retryCount?: number } | undefined)?.retryCount ?? 0);

export function createOctokit(
  token: string,
  log: OctokitLog,
  baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com',
  limits: OctokitLimits = {},
): Octokit {
  const maxWait = limits.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const decide = (
    kind: string,
    retryAfter: number,
    options: { method: string; url: string; request?: unknown },
  ) => {
    const again = retries(options) < RATE_LIMIT_RETRIES;
    if (again && retryAfter <= maxWait) {
      log.warning(`GitHub ${kind} on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
      return true;
    }
    log.warning(
      `GitHub ${kind} on ${options.method} ${options.url}: ` +
        (again ? `the wait (${retryAfter} s) is over ${maxWait} s` : `retried ${RATE_LIMIT_RETRIES} times`) +
        '; not retried in this run',
    );
    return false;
  };
  const gh = getOctokit(
    token,
    {
      baseUrl,
      throttle: {
        onRateLimit: (retryAfter, options) => decide('rate limit', retryAfter, options),
        onSecondaryRateLimit: (retryAfter, options) => decide('secondary rate limit', retryAfter, options),
      },
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => log.warning(m),
        error: () => {},
      },
    },
    throttling as never,
    retry as never,
  );
  const budget = limits.budget;
  if (budget) {
    gh.hook.after('request', (res) => budget.observe(res.headers as Record<string, unknown>));
    gh.hook.error('request', (err) => {
      budget.observe((err as { response?: { headers?: Record<string, unknown> } }).response?.headers);
      throw err;
    });
  }
  return gh;
}
