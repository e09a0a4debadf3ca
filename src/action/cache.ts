// Downloaded source files cached with @actions/cache, keyed by URL and validator (ETag, else Last-Modified), so a
// forced run or a retry need not download again. The origin is always asked: the cached copy is sent as
// If-None-Match / If-Modified-Since and served only when the origin answers 304 Not Modified, so new bytes at the
// same URL are never hidden behind the cache. A transient failure stays a failure (the cool-down retries it).
// The cache is a convenience: when the service is unavailable or errs, that is one notice, never a failure.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as actionsCache from '@actions/cache';
import type { DownloadOptions, DownloadResult, HttpClient } from '../http/index.js';

/** Where cache entries live: one directory per entry (the body and meta.json). */
export interface SourceCache {
  /** restores `dir` from the newest entry whose key starts with `prefix`; returns that key or undefined */
  restore(dir: string, prefix: string): Promise<string | undefined>;
  save(dir: string, key: string): Promise<void>;
}

/**
 * What the cache needs from the HTTP client: a download that sends validators and reports a 304.
 * `notModified: true` means the origin answered 304 (or a 2xx whose ETag equals `ifNoneMatch`, body unread):
 * nothing was written to `destPath`. `lastModified` is the response's Last-Modified header.
 */
export interface ConditionalDownloadOptions extends DownloadOptions {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}
export interface ConditionalDownloadResult extends DownloadResult {
  notModified?: boolean;
  lastModified?: string;
}
export interface ConditionalHttpClient extends HttpClient {
  download(
    url: string,
    destPath: string,
    opts?: ConditionalDownloadOptions,
  ): Promise<ConditionalDownloadResult>;
}

/** What the summary shows: URLs served from the cache after a 304, URLs downloaded. */
export interface CacheReport {
  hits: string[];
  misses: string[];
  /** why the cache was not used, when it was not */
  notice?: string;
}

interface EntryMeta {
  url: string;
  etag?: string;
  lastModified?: string;
  sha256: string;
  bytes: number;
  contentType?: string;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex');
export const CACHE_KEY_VERSION = 'datawarp-src-v2';
/** Every entry of one URL starts with this; the validator follows. */
export const urlKeyPrefix = (url: string) => `${CACHE_KEY_VERSION}-${hash(url).slice(0, 24)}-`;
export const entryKey = (url: string, m: { etag?: string; lastModified?: string }) =>
  `${urlKeyPrefix(url)}${hash(m.etag ? `etag:${m.etag}` : `lm:${m.lastModified}`).slice(0, 16)}`;

/** @actions/cache, degrading to "no cache" with one notice when the service is unavailable or fails. */
export function createActionsCache(notice: (m: string) => void): SourceCache {
  let said = false;
  const once = (m: string) => {
    if (!said) notice(m);
    said = true;
  };
  const available = () => {
    try {
      if (actionsCache.isFeatureAvailable()) return true;
    } catch {
      // treated as unavailable
    }
    once('the Actions cache service is unavailable: source files are downloaded without a cache');
    return false;
  };
  return {
    async restore(dir, prefix) {
      if (!available()) return undefined;
      try {
        return await actionsCache.restoreCache([dir], prefix, [prefix]);
      } catch (e) {
        once(`the Actions cache could not be read (${(e as Error).message}); continuing without it`);
        return undefined;
      }
    },
    async save(dir, key) {
      if (!available()) return;
      try {
        await actionsCache.saveCache([dir], key);
      } catch (e) {
        // ReserveCacheError: the key exists already (entries are immutable): nothing to do.
        if ((e as Error).name !== 'ReserveCacheError')
          once(`the Actions cache could not be written (${(e as Error).message}); continuing without it`);
      }
    },
  };
}

function readMeta(dir: string): EntryMeta | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as EntryMeta;
    return statSync(join(dir, 'body')).size === m.bytes && (m.etag || m.lastModified) ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wrap a client: each download asks the origin with the validators of the cached copy (if any); a 304 copies the
 * cached body to `destPath`, anything else downloads and caches the new body under its validator. `root` must be
 * the same path in every run (it is part of the @actions/cache version): a directory in the workspace.
 */
export function cachedHttpClient(
  http: ConditionalHttpClient,
  cache: SourceCache,
  opts: { root: string; log(m: string): void },
): HttpClient & { report(): CacheReport } {
  const hits: string[] = [];
  const misses: string[] = [];
  let notice: string | undefined;
  const say = (m: string) => {
    notice ??= m;
    opts.log(m);
  };
  const store = async (url: string, dir: string, destPath: string, res: ConditionalDownloadResult) => {
    if (!res.etag && !res.lastModified) return; // nothing to revalidate with: not worth caching
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(destPath, join(dir, 'body'));
    const meta: EntryMeta = { url, ...pick(res) };
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
    await cache.save(dir, entryKey(url, meta)).catch((e: Error) => say(`cache save failed: ${e.message}`));
  };
  return {
    getText: (url) => http.getText(url),
    async download(url, destPath, dlOpts) {
      const dir = join(opts.root, hash(url).slice(0, 24));
      rmSync(dir, { recursive: true, force: true });
      const hit = await cache.restore(dir, urlKeyPrefix(url)).catch((e: Error) => {
        say(`cache restore failed: ${e.message}`);
        return undefined;
      });
      const meta = hit ? readMeta(dir) : undefined;
      const res = await http.download(url, destPath, {
        ...dlOpts,
        ...(meta?.etag ? { ifNoneMatch: meta.etag } : {}),
        ...(meta?.lastModified ? { ifModifiedSince: meta.lastModified } : {}),
      });
      if (res.notModified && meta) {
        mkdirSync(dirname(destPath), { recursive: true });
        copyFileSync(join(dir, 'body'), destPath);
        hits.push(url);
        opts.log(`${url}: not modified since the cached copy (${hit}); served from the cache`);
        return { sha256: meta.sha256, bytes: meta.bytes, contentType: meta.contentType, etag: meta.etag };
      }
      if (res.notModified) throw new Error(`${url}: the origin answered 304 to an unconditional request`);
      misses.push(url);
      await store(url, dir, destPath, res);
      return res;
    },
    report: () => ({ hits: [...hits], misses: [...misses], ...(notice ? { notice } : {}) }),
  };
}

function pick(r: ConditionalDownloadResult): Omit<EntryMeta, 'url'> {
  return {
    sha256: r.sha256,
    bytes: r.bytes,
    ...(r.etag ? { etag: r.etag } : {}),
    ...(r.lastModified ? { lastModified: r.lastModified } : {}),
    ...(r.contentType ? { contentType: r.contentType } : {}),
  };
}
