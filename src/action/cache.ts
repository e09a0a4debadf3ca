// Downloaded source files cached with @actions/cache, keyed by URL and ETag/sha256. A download that works is
// saved; a download that fails transiently (the NHS site is down) falls back to the newest cached copy of that
// URL. The cache is a convenience: when the service is unavailable (or errs) that is a notice, never a failure.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as actionsCache from '@actions/cache';
import type { DownloadResult, HttpClient } from '../http/index.js';

export interface SourceCache {
  /** restores `path` and returns the key that matched, or undefined */
  restore(path: string, key: string, restoreKeys: string[]): Promise<string | undefined>;
  save(path: string, key: string): Promise<void>;
}

const noticeOnce = (log: (m: string) => void) => {
  let said = false;
  return (m: string) => {
    if (!said) log(m);
    said = true;
  };
};

/** @actions/cache, degrading to "no cache" with one notice when the service is unavailable or fails. */
export function createSourceCache(opts: { log(msg: string): void }): SourceCache {
  const notice = noticeOnce(opts.log);
  const available = () => {
    try {
      return actionsCache.isFeatureAvailable();
    } catch {
      return false;
    }
  };
  return {
    async restore(path, key, restoreKeys) {
      if (!available()) {
        notice('the Actions cache service is unavailable: source files are downloaded without a cache');
        return undefined;
      }
      try {
        return await actionsCache.restoreCache([path], key, restoreKeys);
      } catch (e) {
        notice(`the Actions cache could not be read (${(e as Error).message}); continuing without it`);
        return undefined;
      }
    },
    async save(path, key) {
      if (!available()) {
        notice('the Actions cache service is unavailable: source files are downloaded without a cache');
        return;
      }
      try {
        await actionsCache.saveCache([path], key);
      } catch (e) {
        // ReserveCacheError: the key exists already (entries are immutable) - nothing to do.
        if ((e as Error).name !== 'ReserveCacheError')
          notice(`the Actions cache could not be written (${(e as Error).message}); continuing without it`);
      }
    },
  };
}

/** A cache in a directory (tests; also a self-hosted runner's disk). */
export function createDirCache(dir: string): SourceCache {
  const file = (key: string) => join(dir, createHash('sha1').update(key).digest('hex'));
  const keysFile = join(dir, 'keys.json');
  const keys = (): string[] => (existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, 'utf8')) : []);
  return {
    async restore(path, key, restoreKeys) {
      const all = keys();
      const hit = all.includes(key)
        ? key
        : [...all].reverse().find((k) => restoreKeys.some((p) => k.startsWith(p)));
      if (!hit) return undefined;
      mkdirSync(dirname(path), { recursive: true });
      copyFileSync(file(hit), path);
      return hit;
    },
    async save(path, key) {
      mkdirSync(dir, { recursive: true });
      const all = keys();
      if (all.includes(key)) return;
      copyFileSync(path, file(key));
      const { writeFileSync } = await import('node:fs');
      writeFileSync(keysFile, JSON.stringify([...all, key]));
    },
  };
}

export const sourceKeyPrefix = (url: string) =>
  `datawarp-src-v1-${createHash('sha256').update(url).digest('hex').slice(0, 24)}-`;

/** Wrap an HttpClient: successful downloads are cached; a failed download is served from the cache when it can be. */
export function cachedHttpClient(
  http: HttpClient,
  cache: SourceCache,
  log: (m: string) => void = () => {},
): HttpClient {
  return {
    getText: (url) => http.getText(url),
    async download(url, destPath, opts): Promise<DownloadResult> {
      const prefix = sourceKeyPrefix(url);
      try {
        const res = await http.download(url, destPath, opts);
        const version = res.etag
          ? `etag-${createHash('sha256').update(res.etag).digest('hex').slice(0, 16)}-`
          : '';
        await cache.save(destPath, `${prefix}${version}${res.sha256}`);
        return res;
      } catch (e) {
        const hit = await cache.restore(destPath, `${prefix}none`, [prefix]).catch(() => undefined);
        if (!hit || !existsSync(destPath)) throw e;
        log(`${url}: download failed (${(e as Error).message}); using the cached copy ${hit}`);
        const data = readFileSync(destPath);
        return { sha256: createHash('sha256').update(data).digest('hex'), bytes: statSync(destPath).size };
      }
    },
  };
}
