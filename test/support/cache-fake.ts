// Test doubles for the download cache: a SourceCache in a directory (what @actions/cache does, without the
// service), and an HTTP client that answers conditional downloads the way an origin does (304 when the
// validator still matches), counting the bodies it really transfers.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ConditionalHttpClient, SourceCache } from '../../src/action/cache.js';
import { createHttpClient, type HttpClientOptions } from '../../src/http/index.js';

/** Entries are immutable and the newest entry with a matching prefix is restored, as with @actions/cache. */
export function createDirCache(dir: string): SourceCache & { keys(): string[] } {
  const keysFile = join(dir, 'keys.json');
  const keys = (): string[] => (existsSync(keysFile) ? JSON.parse(readFileSync(keysFile, 'utf8')) : []);
  const entry = (key: string) => join(dir, createHash('sha1').update(key).digest('hex'));
  return {
    keys,
    async restore(path, prefix) {
      const hit = [...keys()].reverse().find((k) => k.startsWith(prefix));
      if (!hit) return undefined;
      rmSync(path, { recursive: true, force: true });
      cpSync(entry(hit), path, { recursive: true });
      return hit;
    },
    async save(path, key) {
      mkdirSync(dir, { recursive: true });
      const all = keys();
      if (all.includes(key)) return;
      cpSync(path, entry(key), { recursive: true });
      writeFileSync(keysFile, JSON.stringify([...all, key]));
    },
  };
}

export interface CountingHttp extends ConditionalHttpClient {
  /** URLs whose body was transferred by download() */
  downloads: string[];
  /** URLs answered 304 */
  notModified: string[];
}

/**
 * src/http's client for pages and bodies; a conditional download first asks the origin (HEAD) for its current
 * ETag and answers 304 when it equals If-None-Match, as an origin honouring conditional requests does.
 */
export function conditionalHttp(opts: HttpClientOptions): CountingHttp {
  const real = createHttpClient({ ...opts, retries: 0 });
  const downloads: string[] = [];
  const notModified: string[] = [];
  return {
    downloads,
    notModified,
    getText: (url) => real.getText(url),
    async download(url, dest, o) {
      if (o?.ifNoneMatch) {
        const head = await fetch(url, { method: 'HEAD' });
        if (head.ok && head.headers.get('etag') === o.ifNoneMatch) {
          notModified.push(url);
          return { sha256: '', bytes: 0, notModified: true };
        }
      }
      downloads.push(url);
      return real.download(url, dest, o);
    },
  };
}
