// The action's pieces with fakes: download cache (a directory fake and an unavailable service), transient-failure
// retry, catalog merge and asset publishing rules (restore from Parquet: test/restore.unit.test.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memReleases } from './support/mem-releaser.js';
import { cachedHttpClient, createActionsCache, type ConditionalHttpClient } from '../src/action/cache.js';
import { mergeCatalogs } from '../src/action/merge.js';
import { publishAssets } from '../src/action/releases.js';
import type { Release } from '../src/github/releaser.js';
import { isRetryable, transientRetryKeys } from '../src/action/transient.js';
import type { Catalog } from '../src/export/index.js';
import { HttpError } from '../src/http/index.js';
import { isTransientError, migrateFailed } from '../src/state/index.js';
import { normaliseAssetName } from '../src/github/release-names.js';
import { createDirCache } from './support/cache-fake.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'dw-unit-'));

describe('source cache', () => {
  /** An origin holding one body per URL; answers If-None-Match with 304 when the ETag still matches. */
  function origin() {
    const bodies = new Map<string, string>();
    const transferred: string[] = [];
    const o = { down: false };
    const etag = (b: string) => `"${b.length}-${b.charCodeAt(0)}-${b.charCodeAt(b.length - 1)}"`;
    const http: ConditionalHttpClient = {
      getText: async () => ({ status: 200, url: '', text: '', headers: {} }),
      async download(url, dest, opts) {
        if (o.down)
          throw new HttpError(`GET ${url} -> 503 Service Unavailable`, { url, status: 503, transient: true });
        const body = bodies.get(url)!;
        if (opts?.ifNoneMatch === etag(body)) return { sha256: '', bytes: 0, notModified: true };
        transferred.push(url);
        writeFileSync(dest, body);
        return { sha256: `sha-${body}`, bytes: body.length, etag: etag(body) };
      },
    };
    return { bodies, transferred, http, o };
  }
  const URL_X = 'https://files.digital.nhs.uk/x.csv';

  it('a second download of unchanged bytes is served from the cache after a 304; changed bytes are downloaded', async () => {
    const site = origin();
    site.bodies.set(URL_X, 'a,b\n1,2\n');
    const cache = createDirCache(tmp());
    const first = cachedHttpClient(site.http, cache, { root: join(tmp(), 'c'), log: () => {} });
    await first.download(URL_X, join(tmp(), 'x.csv'));
    expect(first.report()).toMatchObject({ hits: [], misses: [URL_X] });
    expect(cache.keys()).toHaveLength(1);

    // a later run (fresh workspace, same cache)
    const logs: string[] = [];
    const second = cachedHttpClient(site.http, cache, { root: join(tmp(), 'c'), log: (m) => logs.push(m) });
    const dest = join(tmp(), 'x.csv');
    const r = await second.download(URL_X, dest);
    expect(readFileSync(dest, 'utf8')).toBe('a,b\n1,2\n');
    expect(r).toMatchObject({ sha256: 'sha-a,b\n1,2\n', bytes: 8 });
    expect(site.transferred).toEqual([URL_X]);
    expect(second.report()).toMatchObject({ hits: [URL_X], misses: [] });
    expect(logs.join('\n')).toMatch(/not modified.*served from the cache/);

    // new bytes at the same URL: never hidden
    site.bodies.set(URL_X, 'a,b\n1,2\n3,4\n');
    const third = cachedHttpClient(site.http, cache, { root: join(tmp(), 'c'), log: () => {} });
    const dest3 = join(tmp(), 'x.csv');
    await third.download(URL_X, dest3);
    expect(readFileSync(dest3, 'utf8')).toBe('a,b\n1,2\n3,4\n');
    expect(third.report()).toMatchObject({ hits: [], misses: [URL_X] });
    expect(cache.keys()).toHaveLength(2);
  });

  it('when the origin fails the cached copy is not served: the failure stays (the cool-down retries it)', async () => {
    const site = origin();
    site.bodies.set(URL_X, 'a\n1\n');
    const cache = createDirCache(tmp());
    await cachedHttpClient(site.http, cache, { root: tmp(), log: () => {} }).download(
      URL_X,
      join(tmp(), 'x'),
    );
    site.o.down = true;
    const http = cachedHttpClient(site.http, cache, { root: tmp(), log: () => {} });
    await expect(http.download(URL_X, join(tmp(), 'x'))).rejects.toThrow(/503/);
  });

  it('an unavailable cache service is one notice, not a failure', async () => {
    const notices: string[] = [];
    const saved = { ...process.env };
    delete process.env.ACTIONS_CACHE_URL;
    delete process.env.ACTIONS_RESULTS_URL;
    const site = origin();
    site.bodies.set(URL_X, 'a\n1\n');
    site.bodies.set(`${URL_X}?2`, 'a\n2\n');
    try {
      const cache = createActionsCache((m) => notices.push(m));
      const http = cachedHttpClient(site.http, cache, { root: tmp(), log: () => {} });
      await http.download(URL_X, join(tmp(), 'x.csv'));
      await http.download(`${URL_X}?2`, join(tmp(), 'z.csv'));
      expect(http.report()).toMatchObject({ hits: [], misses: [URL_X, `${URL_X}?2`] });
    } finally {
      process.env = saved;
    }
    expect(notices).toEqual([
      'the Actions cache service is unavailable: source files are downloaded without a cache',
    ]);
  });
});

describe('transient failures', () => {
  const url = 'https://digital.nhs.uk/pub/march-2026';
  it('5xx, timeouts and an unpublished release page are transient; a broken file is not', () => {
    expect(isTransientError(`GET ${url} -> 503 Service Unavailable`, url)).toBe(true);
    expect(isTransientError('GET https://x/y.csv -> network error while downloading: ETIMEDOUT', url)).toBe(
      true,
    );
    expect(isTransientError(`GET ${url} -> 404 Not Found`, url)).toBe(true);
    expect(isTransientError('GET https://files/other.csv -> 404 Not Found', url)).toBe(false);
    expect(isTransientError('cannot read https://x/y.xlsx: not a zip file', url)).toBe(false);
  });
  it('entries are judged by their typed fields; text-only entries by the fields the text rule gives them', () => {
    const at = '2026-01-01T00:00:00Z';
    expect(isRetryable({ failed_at: at, error: 'whatever', transient: true }, url)).toBe(true);
    expect(
      isRetryable({ failed_at: at, error: 'GET x -> 503 Service Unavailable', transient: false }, url),
    ).toBe(false);
    expect(
      isRetryable(
        { failed_at: at, error: `GET ${url} -> 404 Not Found`, transient: false, status: 404 },
        url,
      ),
    ).toBe(true);
    expect(
      isRetryable({ failed_at: at, error: 'GET https://f/x.csv -> 404', transient: false, status: 404 }, url),
    ).toBe(false);
    // text only: no fields, not retried, until read (migrated) as state.json's entries are
    expect(isRetryable({ failed_at: at, error: 'GET x -> 503 Service Unavailable' }, url)).toBe(false);
    expect(
      isRetryable(migrateFailed({ failed_at: at, error: 'GET x -> 503 Service Unavailable' }), url),
    ).toBe(true);
    expect(isRetryable(migrateFailed({ failed_at: at, error: `GET ${url} -> 404 Not Found` }), url)).toBe(
      true,
    );
    expect(isRetryable(migrateFailed({ failed_at: at, error: 'no tables found' }), url)).toBe(false);
  });
  it('only after the cool-down', () => {
    const now = new Date('2026-01-02T12:00:00Z');
    const state = {
      processed: {},
      failed: {
        'a/2026-03': {
          failed_at: '2026-01-01T06:00:00Z',
          error: `GET ${url} -> 404`,
          transient: false,
          status: 404,
        },
        'b/2026-03': {
          failed_at: '2026-01-02T06:00:00Z',
          error: `GET ${url} -> 502`,
          transient: true,
          status: 502,
        },
        'c/2026-03': { failed_at: '2025-01-01T06:00:00Z', error: 'no tables found', transient: false },
      },
    };
    const urls = new Map([
      ['a/2026-03', url],
      ['b/2026-03', url],
      ['c/2026-03', url],
    ]);
    expect(transientRetryKeys(state, urls, 24, now)).toEqual(['a/2026-03']);
  });
});

describe('catalog merge', () => {
  it('unions tables and files by key; ours win on equal keys; rows and periods recomputed', () => {
    const t = (table: string, files: [string, number][]) => ({
      table,
      publication: 'p',
      description: '',
      periods: files.map(([period]) => period),
      rows: files.reduce((n, [, rows]) => n + rows, 0),
      columns: [{ name: 'a', type: 'text' }],
      files: files.map(([period, rows]) => ({ period, url: 'u', sheet: 's', sha256: 'h', rows })),
    });
    const a: Catalog = {
      generated_at: '2026-01-01T00:00:00Z',
      tables: [t('x', [['2020-01', 5]]), t('y', [['2020-01', 1]])],
    };
    const b: Catalog = {
      generated_at: '2026-01-02T00:00:00Z',
      tables: [
        t('x', [
          ['2020-01', 7],
          ['2020-02', 3],
        ]),
      ],
    };
    const m = mergeCatalogs(a, b);
    expect(m.tables.map((x) => [x.table, x.rows, x.periods])).toEqual([
      ['x', 10, ['2020-01', '2020-02']],
      ['y', 1, ['2020-01']],
    ]);
    expect(m.generated_at).toBe(b.generated_at);
  });
});

describe('publishing assets', () => {
  function memReleaser() {
    const m = memReleases({ oneRelease: true, firstId: 1 });
    return { rel: m.releaser, assets: m.releases[0].assets, calls: m.calls };
  }
  const release: Release = { id: 1, tag: 'datawarp-x-2020', htmlUrl: '', uploadUrl: '' };

  it('never replaces an asset with a file holding fewer rows than the ledger records', async () => {
    const m = memReleaser();
    const f = join(tmp(), 'f.parquet');
    writeFileSync(f, 'x');
    const r = await publishAssets(m.rel, release, [
      { name: 't__2020-01.parquet', path: f, rows: 3, ledgerRows: 10 },
    ]);
    expect(r.refused).toHaveLength(1);
    expect(m.calls.filter((c) => c.startsWith('upload'))).toEqual([]);
  });

  it('same content is left alone; changed content or force replaces (delete, then upload)', async () => {
    const m = memReleaser();
    const f = join(tmp(), 'f.parquet');
    writeFileSync(f, 'x');
    const file = { name: 't__2020-01.parquet', path: f, rows: 1, ledgerRows: 1 };
    await publishAssets(m.rel, release, [file]);
    expect((await publishAssets(m.rel, release, [file])).unchanged).toEqual(['t__2020-01.parquet']);
    expect((await publishAssets(m.rel, release, [file], { force: true })).replaced).toEqual([
      't__2020-01.parquet',
    ]);
    writeFileSync(f, 'y');
    expect((await publishAssets(m.rel, release, [file])).replaced).toEqual(['t__2020-01.parquet']);
    expect(m.assets).toHaveLength(1);
  });

  it('asset names are normalised the way GitHub does', () => {
    expect(normaliseAssetName('my table__2020 03.parquet')).toBe('my.table__2020.03.parquet');
    expect(normaliseAssetName('.a..b.')).toBe('a.b');
    expect(normaliseAssetName('gp_x__FY2020-21.parquet')).toBe('gp_x__FY2020-21.parquet');
  });
});
