// Polite HTTP client for NHS publication sites: one request per host at a time, retries with backoff on
// 429/5xx/network errors (honouring Retry-After), an optional host allow-list checked on every redirect hop,
// proxy support through HTTP(S)_PROXY/NO_PROXY, and downloads streamed to disk with a running sha256.
// The parts: which URLs are fetched (url-policy.ts), one GET with redirects and retries (fetch.ts), bodies under
// the size and throughput limits (body.ts), failures as values (errors.ts).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../config/limits.js';
import { userAgent as defaultUserAgent } from '../version.js';
import { decodeText, flatHeaders, readBody, writeBody, type BodyLimits } from './body.js';
import { createFetcher, type Conditional } from './fetch.js';
import { normaliseHosts } from './url-policy.js';

export interface TextResponse {
  status: number;
  /** final URL after redirects */
  url: string;
  text: string;
  /** lower-case header names; repeated headers joined with ", " */
  headers: Record<string, string>;
  /** the origin answered 304 (or 2xx with the same ETag) to a conditional request: `text` is '' */
  notModified?: boolean;
}

/** Validators of the copy held: the page is fetched only when it changed. */
export interface TextOptions {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

export interface DownloadResult {
  sha256: string;
  bytes: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** the origin answered 304 (or 2xx with the same ETag) to a conditional request: nothing was written,
   * `sha256` is '' and `bytes` 0 */
  notModified?: boolean;
}

export interface DownloadOptions {
  onProgress?(bytes: number, total?: number): void;
  /** ask the origin whether the copy we hold is still current (a cache) */
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

export interface HttpClient {
  getText(url: string, opts?: TextOptions): Promise<TextResponse>;
  download(url: string, destPath: string, opts?: DownloadOptions): Promise<DownloadResult>;
}

export interface HttpClientOptions {
  userAgent?: string;
  /** Hostnames that may be fetched (port ignored, case-insensitive, subdomains must be listed explicitly).
   * Undefined or empty = any host. Checked for every redirect target too. */
  allowedHosts?: string[];
  /** Retries after the first attempt for transient failures (429, 5xx, network errors, timeouts). Default 3. */
  retries?: number;
  /** Connect / response-headers / body-inactivity timeout. Default 30 000 ms. */
  timeoutMs?: number;
  /** Base of the exponential backoff (base * 2^n plus up to one base of jitter). Default 1 000 ms. */
  retryBaseMs?: number;
  /** A Retry-After longer than this is not waited for: the request fails instead. Default 300 000 ms. */
  maxRetryAfterMs?: number;
  /** Redirect hops followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Largest body accepted (download or page), bytes: a larger Content-Length is refused before anything is
   * written, a body that grows past it is stopped. Default 4 GiB (limits.max_download_bytes). */
  maxDownloadBytes?: number;
  /** A body averaging fewer bytes per second than this over `throughputWindowMs` fails (transient).
   * 0 = no minimum. Default 1 KiB/s (limits.min_download_bytes_per_second). */
  minBytesPerSecond?: number;
  /** The window of that average. Default 60 000 ms (limits.min_download_window_seconds). */
  throughputWindowMs?: number;
  sleep?(ms: number): Promise<void>;
}

/** The client options that come from the config's limits (see src/config/limits.ts). */
export function httpLimits(
  limits: Pick<Limits, 'maxDownloadBytes' | 'minDownloadBytesPerSecond' | 'minDownloadWindowSeconds'>,
): Pick<HttpClientOptions, 'maxDownloadBytes' | 'minBytesPerSecond' | 'throughputWindowMs'> {
  return {
    maxDownloadBytes: limits.maxDownloadBytes,
    minBytesPerSecond: limits.minDownloadBytesPerSecond,
    throughputWindowMs: limits.minDownloadWindowSeconds * 1000,
  };
}

export const DEFAULT_USER_AGENT = defaultUserAgent();

/** The "not modified" answer of a conditional request, when validators were given. */
function conditionalFor<T>(
  o: TextOptions,
  answer: (h: Record<string, string>, url: string) => T,
  url: string,
): Conditional<T> | undefined {
  const ask: Record<string, string> = {};
  if (o.ifNoneMatch) ask['if-none-match'] = o.ifNoneMatch;
  if (o.ifModifiedSince) ask['if-modified-since'] = o.ifModifiedSince;
  if (!Object.keys(ask).length) return undefined;
  return { headers: ask, notModified: (res) => answer(flatHeaders(res.headers), url) };
}

const downloadNotModified = (h: Record<string, string>): DownloadResult => ({
  sha256: '',
  bytes: 0,
  notModified: true,
  etag: h.etag,
  lastModified: h['last-modified'],
});

const textNotModified = (h: Record<string, string>, url: string): TextResponse => ({
  status: 304,
  url,
  text: '',
  headers: h,
  notModified: true,
});

export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const fetchWith = createFetcher({
    userAgent: opts.userAgent ?? DEFAULT_USER_AGENT,
    allowed: normaliseHosts(opts.allowedHosts),
    retries: Math.max(0, opts.retries ?? 3),
    timeoutMs: opts.timeoutMs ?? 30_000,
    retryBaseMs: opts.retryBaseMs ?? 1_000,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? 300_000,
    maxRedirects: opts.maxRedirects ?? 5,
    sleep: opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
  });
  const lim: BodyLimits = {
    maxBytes: opts.maxDownloadBytes ?? DEFAULT_LIMITS.maxDownloadBytes,
    minBps: opts.minBytesPerSecond ?? DEFAULT_LIMITS.minDownloadBytesPerSecond,
    windowMs: opts.throughputWindowMs ?? DEFAULT_LIMITS.minDownloadWindowSeconds * 1000,
  };
  return {
    getText: (rawUrl, textOpts = {}) =>
      fetchWith(
        rawUrl,
        async (res, url) => {
          const headers = flatHeaders(res.headers);
          const buf = await readBody(res, url, lim);
          return {
            status: res.statusCode,
            url: url.href,
            text: decodeText(buf, headers['content-type']),
            headers,
          };
        },
        conditionalFor(textOpts, textNotModified, rawUrl),
      ),
    async download(rawUrl, destPath, dlOpts = {}) {
      await mkdir(dirname(destPath), { recursive: true });
      return fetchWith(
        rawUrl,
        async (res, url) => {
          const headers = flatHeaders(res.headers);
          const { sha256, bytes } = await writeBody(res, url, lim, destPath, dlOpts.onProgress);
          const { etag } = headers;
          return {
            sha256,
            bytes,
            contentType: headers['content-type'],
            etag,
            lastModified: headers['last-modified'],
          };
        },
        conditionalFor(dlOpts, downloadNotModified, rawUrl),
      );
    },
  };
}
