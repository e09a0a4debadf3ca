// The Octokit the action and `datawarp restore --repo` use: @actions/github's client (honours GITHUB_API_URL)
// with throttling (serial writes, Retry-After and secondary rate limits honoured) and retries of 5xx.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type Octokit = ReturnType<typeof getOctokit>;

export interface OctokitLog {
  warning(msg: string): void;
  info(msg: string): void;
}

/** How many times a rate-limited request is retried after waiting. */
const RATE_LIMIT_RETRIES = 2;
const retries = (o: { request?: unknown }) =>
  Number((o.request as { retryCount?: number } | undefined)?.retryCount ?? 0);

export function createOctokit(
  token: string,
  log: OctokitLog,
  baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com',
): Octokit {
  return getOctokit(
    token,
    {
      baseUrl,
      throttle: {
        onRateLimit: (retryAfter, options) => {
          log.warning(`GitHub rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
          return retries(options) < RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (retryAfter, options) => {
          log.warning(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`,
          );
          return retries(options) < RATE_LIMIT_RETRIES;
        },
      },
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
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
}
