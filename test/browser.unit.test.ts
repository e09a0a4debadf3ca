// The browser lookup order of the site's browser test (test/support/browser.ts): CHROMIUM_PATH, a system
// Chromium/Chrome, Playwright's cache; nothing found -> skip with a hint outside CI, fail with CI=true.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserOrSkip, findBrowser, SYSTEM_BROWSERS, type BrowserLookup } from './support/browser.js';

const CACHE = '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';

function lookup(
  files: string[],
  env: NodeJS.ProcessEnv = {},
  cache: string | undefined = CACHE,
): BrowserLookup {
  const set = new Set(files);
  return { env, exists: (p) => set.has(p), playwrightPath: () => cache };
}

describe('browser lookup', () => {
  afterEach(() => vi.restoreAllMocks());

  it('CHROMIUM_PATH comes first, even with a system browser and a cached one', () => {
    const l = lookup(['/opt/my/chrome', '/usr/bin/chromium', CACHE], { CHROMIUM_PATH: '/opt/my/chrome' });
    expect(findBrowser(l)).toEqual({ path: '/opt/my/chrome', from: 'CHROMIUM_PATH' });
  });

  it('a CHROMIUM_PATH naming no file is an error naming it, not a silent fall-through', () => {
    const l = lookup(['/usr/bin/chromium'], { CHROMIUM_PATH: '/nope/chrome' });
    expect(() => findBrowser(l)).toThrow(/CHROMIUM_PATH=\/nope\/chrome: no such file/);
  });

  it('then a system Chromium before Chrome, before Playwright\u2019s cache', () => {
    expect(findBrowser(lookup(['/usr/bin/google-chrome', '/usr/bin/chromium', CACHE]))).toEqual({
      path: '/usr/bin/chromium',
      from: 'system',
    });
    expect(findBrowser(lookup(['/usr/bin/google-chrome', CACHE]))).toEqual({
      path: '/usr/bin/google-chrome',
      from: 'system',
    });
    expect(SYSTEM_BROWSERS.indexOf('/usr/bin/chromium')).toBeLessThan(
      SYSTEM_BROWSERS.indexOf('/usr/bin/google-chrome'),
    );
  });

  it('then Playwright\u2019s cache, only when its browser is actually there', () => {
    expect(findBrowser(lookup([CACHE]))).toEqual({ path: CACHE, from: 'playwright' });
    expect(findBrowser(lookup([]))).toBeUndefined();
    expect(findBrowser(lookup([], {}, undefined))).toBeUndefined();
  });

  it('none found: outside CI skips with how to install one; with CI=true fails', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(browserOrSkip(lookup([]))).toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0][0])).toMatch(
      /apt-get install chromium.*npx playwright install chromium/,
    );
    expect(() => browserOrSkip(lookup([], { CI: 'true' }))).toThrow(/CI=true and no browser/);
    expect(browserOrSkip(lookup(['/usr/bin/chromium'], { CI: 'true' }))?.path).toBe('/usr/bin/chromium');
  });
});
