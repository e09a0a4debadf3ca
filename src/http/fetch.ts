// One GET with the client's manners: redirects followed (each target checked by the URL policy), one request per
// host at a time (FIFO), retries with exponential backoff on 429/5xx/network errors honouring Retry-After (up to
// a cap), and conditional requests (If-None-Match / If-Modified-Since) answered "not modified".
import { request, type Dispatcher } from 'undici';
import { describeError, HttpError, isTransientStatus, parseRetryAfter, statusLine } from './errors.js';
import { checkUrl, dispatchers } from './url-policy.js';

/** A conditional request: extra headers, and what a "not modified" answer returns. */
export interface Conditional<T> {
  headers: Record<string, string>;
  notModified(res: Dispatcher.ResponseData): T;
}

export interface FetchSettings {
  userAgent: string;
  allowed: string[];
  retries: number;
  timeoutMs: number;
  retryBaseMs: number;
  maxRetryAfterMs: number;
  maxRedirects: number;
  sleep(ms: number): Promise<void>;
}

/** `onOk` consumes a 2xx body inside the host's slot. */
export type OnOk<T> = (res: Dispatcher.ResponseData, url: URL) => Promise<T>;

export type Fetcher = <T>(url: string, onOk: OnOk<T>, conditional?: Conditional<T>) => Promise<T>;

type HopOutcome<T> = { kind: 'done'; value: T } | { kind: 'redirect'; location: string };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Serialises work per key: one task per host runs at a time, others wait in FIFO order. */
class KeyedQueue {
  private tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

function header(res: Dispatcher.ResponseData, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** One request and what it means: done, a redirect, or a failure with its Retry-After. */
async function requestOnce<T>(
  s: FetchSettings,
  dispatcherFor: (u: URL) => Dispatcher,
  url: URL,
  onOk: OnOk<T>,
  conditional?: Conditional<T>,
): Promise<HopOutcome<T> | { kind: 'failed'; failure: HttpError; retryAfterMs?: number }> {
  const res = await request(url, {
    method: 'GET',
    dispatcher: dispatcherFor(url),
    headers: { 'user-agent': s.userAgent, accept: '*/*', ...conditional?.headers },
  });
  const { statusCode } = res;
  const sent = conditional?.headers['if-none-match'];
  if (conditional && (statusCode === 304 || (statusCode < 300 && sent && res.headers.etag === sent))) {
    await res.body.dump().catch(() => undefined);
    return { kind: 'done', value: conditional.notModified(res) };
  }
  if (REDIRECT_STATUSES.has(statusCode)) {
    await res.body.dump();
    const location = header(res, 'location');
    if (location) return { kind: 'redirect', location };
    throw new HttpError(`GET ${url.href} -> ${statusCode} redirect without a Location header`, {
      url: url.href,
      status: statusCode,
      transient: false,
    });
  }
  if (statusCode >= 200 && statusCode < 300) return { kind: 'done', value: await onOk(res, url) };
  await res.body.dump().catch(() => undefined);
  const failure = new HttpError(`GET ${url.href} -> ${statusLine(statusCode)}`, {
    url: url.href,
    status: statusCode,
    transient: isTransientStatus(statusCode),
  });
  if (!failure.transient) throw failure;
  return { kind: 'failed', failure, retryAfterMs: parseRetryAfter(header(res, 'retry-after')) };
}

/** One hop with retries: transient failures wait (backoff or Retry-After) and try again. */
async function attemptHop<T>(
  s: FetchSettings,
  dispatcherFor: (u: URL) => Dispatcher,
  url: URL,
  onOk: OnOk<T>,
  conditional?: Conditional<T>,
): Promise<HopOutcome<T>> {
  for (let attempt = 0; ; attempt++) {
    let failure: HttpError;
    let retryAfterMs: number | undefined;
    try {
      const out = await requestOnce(s, dispatcherFor, url, onOk, conditional);
      if (out.kind !== 'failed') return out;
      ({ failure, retryAfterMs } = out);
    } catch (err) {
      failure =
        err instanceof HttpError
          ? err
          : new HttpError(`GET ${url.href} -> network error: ${describeError(err)}`, {
              url: url.href,
              transient: true,
              cause: err,
            });
      if (!failure.transient) throw failure;
    }
    if (attempt >= s.retries) throw failure;
    if (retryAfterMs !== undefined && retryAfterMs > s.maxRetryAfterMs) {
      failure.message += ` (Retry-After ${Math.round(retryAfterMs / 1000)} s is longer than the ${Math.round(s.maxRetryAfterMs / 1000)} s allowed)`;
      throw failure;
    }
    const backoff = s.retryBaseMs * 2 ** attempt + Math.random() * s.retryBaseMs;
    await s.sleep(Math.max(backoff, retryAfterMs ?? 0));
  }
}

export function createFetcher(s: FetchSettings): Fetcher {
  const dispatcherFor = dispatchers(s.timeoutMs);
  const queue = new KeyedQueue();
  /** Follows redirects; for each hop holds that host's slot while attempting (with retries) one request. */
  return async function fetchWith<T>(startUrl: string, onOk: OnOk<T>, conditional?: Conditional<T>) {
    let url = checkUrl(startUrl, s.allowed);
    for (let hop = 0; ; hop++) {
      const current = url;
      const outcome = await queue.run(current.host.toLowerCase(), () =>
        attemptHop(s, dispatcherFor, current, onOk, conditional),
      );
      if (outcome.kind === 'done') return outcome.value;
      if (hop >= s.maxRedirects) {
        throw new HttpError(`GET ${startUrl} -> too many redirects (more than ${s.maxRedirects})`, {
          url: startUrl,
          transient: false,
        });
      }
      url = checkUrl(outcome.location, s.allowed, current.href);
    }
  };
}
