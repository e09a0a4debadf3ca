// Polite HTTP client for NHS publication sites: one request per host at a time, retries with backoff on
// 429/5xx/network errors (honouring Retry-After), an optional host allow-list checked on every redirect hop,
// proxy support through HTTP(S)_PROXY/NO_PROXY, and downloads streamed to disk with a running sha256.
// Limits against hostile servers: a size cap (checked from Content-Length before writing and again while
// streaming) and a minimum throughput averaged over a window; a partial file is removed at once.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { DEFAULT_LIMITS, formatSize, type Limits } from '../config/limits.js';
import { faultPoint } from '../faults.js';

export interface TextResponse {
  status: number;
  /** final URL after redirects */
  url: string;
  text: string;
  /** lower-case header names; repeated headers joined with ", " */
  headers: Record<string, string>;
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

/** A conditional request: extra headers, and what a "not modified" answer returns. */
interface Conditional<T> {
  headers: Record<string, string>;
  notModified(res: Dispatcher.ResponseData): T;
}

export interface HttpClient {
  getText(url: string): Promise<TextResponse>;
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

export class HttpError extends Error {
  status?: number;
  url: string;
  /** true when retrying later might succeed (429, 5xx, network error, timeout, too slow) */
  transient: boolean;
  /** which limit refused the body, if one did: 'size' (terminal) or 'throughput' (transient) */
  limit?: 'size' | 'throughput';

  constructor(
    message: string,
    opts: {
      url: string;
      status?: number;
      transient: boolean;
      cause?: unknown;
      limit?: 'size' | 'throughput';
    },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HttpError';
    this.url = opts.url;
    this.status = opts.status;
    this.transient = opts.transient;
    if (opts.limit) this.limit = opts.limit;
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const DEFAULT_USER_AGENT = `DataWarp/${packageVersion()} (+https://github.com/datawarp)`;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function statusLine(status: number): string {
  return STATUS_TEXT[status] ? `${status} ${STATUS_TEXT[status]}` : String(status);
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${code ? `${code} ` : ''}${err.message}${cause}`;
  }
  return String(err);
}

function decodeText(buf: Buffer, contentType: string | undefined): string {
  const charset = contentType?.match(/charset\s*=\s*"?([\w-]+)"?/i)?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset).decode(buf);
    } catch {
      // unknown label: fall through to UTF-8
    }
  }
  return new TextDecoder('utf-8').decode(buf);
}

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

type HopOutcome<T> = { kind: 'done'; value: T } | { kind: 'redirect'; location: string };

export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const retries = Math.max(0, opts.retries ?? 3);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const retryBaseMs = opts.retryBaseMs ?? 1_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 300_000;
  const maxRedirects = opts.maxRedirects ?? 5;
  const maxBytes = opts.maxDownloadBytes ?? DEFAULT_LIMITS.maxDownloadBytes;
  const minBps = opts.minBytesPerSecond ?? DEFAULT_LIMITS.minDownloadBytesPerSecond;
  const windowMs = opts.throughputWindowMs ?? DEFAULT_LIMITS.minDownloadWindowSeconds * 1000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const allowed = (opts.allowedHosts ?? [])
    .map((h) => h.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter(Boolean);

  // No `ca`/`connect.ca` given, so Node's default trust store (including NODE_EXTRA_CA_CERTS) applies.
  const timeouts = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } };
  let proxied: Dispatcher | undefined;
  let direct: Dispatcher | undefined;
  const dispatcherFor = (u: URL): Dispatcher => {
    // Never send loopback traffic through a proxy (local test servers, demo site).
    if (LOOPBACK.has(u.hostname.toLowerCase())) return (direct ??= new Agent(timeouts));
    return (proxied ??= new EnvHttpProxyAgent(timeouts));
  };

  const queue = new KeyedQueue();

  function parseAndCheck(raw: string, from?: string): URL {
    let u: URL;
    try {
      u = from ? new URL(raw, from) : new URL(raw);
    } catch {
      throw new HttpError(
        `GET ${raw} refused: not a valid absolute URL${from ? ` (redirect from ${from})` : ''}`,
        {
          url: raw,
          transient: false,
        },
      );
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new HttpError(`GET ${u.href} refused: only http and https URLs are fetched`, {
        url: u.href,
        transient: false,
      });
    }
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
      throw new HttpError(
        `GET ${u.href} refused: the URL contains a user name or password, which would be logged${from ? ` (redirect from ${from})` : ''}`,
        { url: u.href, transient: false },
      );
    }
    const host = u.hostname.toLowerCase();
    if (allowed.length && !allowed.includes(host)) {
      throw new HttpError(
        `GET ${u.href} refused: host "${host}" is not in the allowed hosts (${allowed.join(', ')})` +
          (from ? ` (redirect from ${from})` : ''),
        { url: u.href, transient: false },
      );
    }
    return u;
  }

  /**
   * Follows redirects; for each hop holds that host's slot while attempting (with retries) one request.
   * `onOk` consumes a 2xx body inside the slot.
   */
  async function fetchWith<T>(
    startUrl: string,
    onOk: (res: Dispatcher.ResponseData, url: URL) => Promise<T>,
    conditional?: Conditional<T>,
  ): Promise<T> {
    let url = parseAndCheck(startUrl);
    for (let hop = 0; ; hop++) {
      const current = url;
      const outcome = await queue.run(current.host.toLowerCase(), () =>
        attemptHop(current, onOk, conditional),
      );
      if (outcome.kind === 'done') return outcome.value;
      if (hop >= maxRedirects) {
        throw new HttpError(`GET ${startUrl} -> too many redirects (more than ${maxRedirects})`, {
          url: startUrl,
          transient: false,
        });
      }
      url = parseAndCheck(outcome.location, current.href);
    }
  }

  async function attemptHop<T>(
    url: URL,
    onOk: (res: Dispatcher.ResponseData, url: URL) => Promise<T>,
    conditional?: Conditional<T>,
  ): Promise<HopOutcome<T>> {
    for (let attempt = 0; ; attempt++) {
      let failure: HttpError;
      let retryAfterMs: number | undefined;
      try {
        const res = await request(url, {
          method: 'GET',
          dispatcher: dispatcherFor(url),
          headers: { 'user-agent': userAgent, accept: '*/*', ...conditional?.headers },
        });
        const { statusCode } = res;
        const sent = conditional?.headers['if-none-match'];
        if (conditional && (statusCode === 304 || (statusCode < 300 && sent && res.headers.etag === sent))) {
          await res.body.dump().catch(() => undefined);
          return { kind: 'done', value: conditional.notModified(res) };
        }
        if (REDIRECT_STATUSES.has(statusCode)) {
          await res.body.dump();
          const loc = res.headers.location;
          const location = Array.isArray(loc) ? loc[0] : loc;
          if (!location) {
            throw new HttpError(`GET ${url.href} -> ${statusCode} redirect without a Location header`, {
              url: url.href,
              status: statusCode,
              transient: false,
            });
          }
          return { kind: 'redirect', location };
        }
        if (statusCode >= 200 && statusCode < 300) {
          return { kind: 'done', value: await onOk(res, url) };
        }
        await res.body.dump().catch(() => undefined);
        const transient = isTransientStatus(statusCode);
        failure = new HttpError(`GET ${url.href} -> ${statusLine(statusCode)}`, {
          url: url.href,
          status: statusCode,
          transient,
        });
        if (!transient) throw failure;
        const ra = res.headers['retry-after'];
        retryAfterMs = parseRetryAfter(Array.isArray(ra) ? ra[0] : ra);
      } catch (err) {
        if (err instanceof HttpError) {
          if (!err.transient || attempt >= retries) throw err;
          failure = err;
        } else {
          failure = new HttpError(`GET ${url.href} -> network error: ${describeError(err)}`, {
            url: url.href,
            transient: true,
            cause: err,
          });
          if (attempt >= retries) throw failure;
        }
      }
      if (attempt >= retries) throw failure;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
        failure.message += ` (Retry-After ${Math.round(retryAfterMs / 1000)} s is longer than the ${Math.round(maxRetryAfterMs / 1000)} s allowed)`;
        throw failure;
      }
      const backoff = retryBaseMs * 2 ** attempt + Math.random() * retryBaseMs;
      await sleep(Math.max(backoff, retryAfterMs ?? 0));
    }
  }

  const capHint = '(limits.max_download_bytes in the config, or DATAWARP_MAX_DOWNLOAD_BYTES)';

  /** A Content-Length over the cap: refused before a byte is written (the body is not read). */
  function checkLength(res: Dispatcher.ResponseData, url: URL): number | undefined {
    const header = res.headers['content-length'];
    const value = Array.isArray(header) ? header[0] : header;
    const total = value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
    if (total !== undefined && total > maxBytes) {
      res.body.destroy();
      throw new HttpError(
        `GET ${url.href} refused: Content-Length ${formatSize(total)} is over the download size cap of ${formatSize(maxBytes)} ${capHint}`,
        { url: url.href, status: res.statusCode, transient: false, limit: 'size' },
      );
    }
    return total;
  }

  function overCap(url: URL, bytes: number): HttpError {
    return new HttpError(
      `GET ${url.href} -> stopped after ${formatSize(bytes)}: over the download size cap of ${formatSize(maxBytes)} ${capHint}`,
      { url: url.href, transient: false, limit: 'size' },
    );
  }

  /**
   * Fails the body (via `fail`) once it has run for a whole window and averaged under minBps over the last
   * window. Returns the function that stops watching.
   */
  function watchThroughput(url: URL, received: () => number, fail: (e: HttpError) => void): () => void {
    if (!(minBps > 0) || !(windowMs > 0)) return () => undefined;
    const samples = [{ t: Date.now(), b: 0 }];
    const timer = setInterval(
      () => {
        const now = Date.now();
        const b = received();
        samples.push({ t: now, b });
        while (samples.length > 1 && samples[1].t <= now - windowMs) samples.shift();
        const first = samples[0];
        const span = now - first.t;
        if (span < windowMs) return;
        const rate = ((b - first.b) * 1000) / span;
        if (rate >= minBps) return;
        clearInterval(timer);
        fail(
          new HttpError(
            `GET ${url.href} -> too slow: ${formatSize(b - first.b)} in the last ${Number((span / 1000).toFixed(1))} s, under the minimum of ${formatSize(minBps)}/s over ${Number((windowMs / 1000).toFixed(1))} s (limits.min_download_bytes_per_second / min_download_window_seconds)`,
            { url: url.href, transient: true, limit: 'throughput' },
          ),
        );
      },
      Math.max(10, Math.min(1000, Math.floor(windowMs / 8))),
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  return {
    async getText(rawUrl) {
      return fetchWith(rawUrl, async (res, url) => {
        const headers = flatHeaders(res.headers);
        checkLength(res, url);
        const chunks: Buffer[] = [];
        let bytes = 0;
        const stop = watchThroughput(
          url,
          () => bytes,
          (e) => res.body.destroy(e),
        );
        try {
          for await (const chunk of res.body as AsyncIterable<Buffer>) {
            bytes += chunk.length;
            if (bytes > maxBytes) throw overCap(url, bytes);
            chunks.push(chunk);
          }
        } catch (err) {
          if (err instanceof HttpError) throw err;
          throw new HttpError(`GET ${url.href} -> network error while reading body: ${describeError(err)}`, {
            url: url.href,
            transient: true,
            cause: err,
          });
        } finally {
          stop();
        }
        const buf = Buffer.concat(chunks);
        return {
          status: res.statusCode,
          url: url.href,
          text: decodeText(buf, headers['content-type']),
          headers,
        };
      });
    },

    async download(rawUrl, destPath, dlOpts = {}) {
      await mkdir(dirname(destPath), { recursive: true });
      const ask: Record<string, string> = {};
      if (dlOpts.ifNoneMatch) ask['if-none-match'] = dlOpts.ifNoneMatch;
      if (dlOpts.ifModifiedSince) ask['if-modified-since'] = dlOpts.ifModifiedSince;
      const conditional: Conditional<DownloadResult> | undefined = Object.keys(ask).length
        ? {
            headers: ask,
            notModified: (res) => {
              const h = flatHeaders(res.headers);
              return {
                sha256: '',
                bytes: 0,
                notModified: true,
                etag: h.etag,
                lastModified: h['last-modified'],
              };
            },
          }
        : undefined;
      return fetchWith(
        rawUrl,
        async (res, url) => {
          const headers = flatHeaders(res.headers);
          const total = checkLength(res, url);
          // <dest>.<pid>.<random>.part: the pid lets a later run tell a killed run's leftovers from a live one's
          const tmp = `${destPath}.${process.pid}.${randomBytes(6).toString('hex')}.part`;
          const hash = createHash('sha256');
          let bytes = 0;
          const meter = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              bytes += chunk.length;
              if (bytes > maxBytes) return cb(overCap(url, bytes));
              hash.update(chunk);
              dlOpts.onProgress?.(bytes, total);
              const paused = faultPoint('download');
              if (paused) return void paused.then(() => cb(null, chunk));
              cb(null, chunk);
            },
          });
          const stop = watchThroughput(
            url,
            () => bytes,
            (e) => res.body.destroy(e),
          );
          try {
            await pipeline(res.body, meter, createWriteStream(tmp));
            if (total !== undefined && bytes !== total) {
              throw new Error(`received ${bytes} bytes, Content-Length said ${total}`);
            }
            await rename(tmp, destPath);
          } catch (err) {
            stop();
            await rm(tmp, { force: true });
            if (err instanceof HttpError) throw err;
            const code = (err as { code?: string }).code;
            const isFs =
              typeof code === 'string' && /^E(ACCES|PERM|NOSPC|ROFS|ISDIR|NOTDIR|EXIST|MFILE)$/.test(code);
            throw new HttpError(
              isFs
                ? `GET ${url.href} -> could not write ${destPath}: ${describeError(err)}`
                : `GET ${url.href} -> network error while downloading: ${describeError(err)}`,
              { url: url.href, transient: !isFs, cause: err },
            );
          } finally {
            stop();
          }
          return {
            sha256: hash.digest('hex'),
            bytes,
            contentType: headers['content-type'],
            etag: headers.etag,
            lastModified: headers['last-modified'],
          };
        },
        conditional,
      );
    },
  };
}
