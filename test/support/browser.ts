// Which browser the site's browser test drives, looked up in order: CHROMIUM_PATH, a system Chromium or Chrome,
// Playwright's browser cache (`npx playwright install chromium`). Outside CI a missing browser skips only the
// browser test (with how to install one printed); with CI=true it fails the run.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const INSTALL_HINT =
  'install one: apt-get install chromium, or npx playwright install chromium (or set CHROMIUM_PATH)';

export interface BrowserLookup {
  env: NodeJS.ProcessEnv;
  exists(path: string): boolean;
  /** where Playwright's cache holds the Chromium that playwright-core drives */
  playwrightPath(): string | undefined;
}

export interface FoundBrowser {
  path: string;
  from: 'CHROMIUM_PATH' | 'system' | 'playwright';
}

function playwrightPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

export const realLookup: BrowserLookup = { env: process.env, exists: existsSync, playwrightPath };

/** The first browser found, or undefined. A CHROMIUM_PATH that names no file is an error, not a fall-through. */
export function findBrowser(look: BrowserLookup = realLookup): FoundBrowser | undefined {
  const given = look.env.CHROMIUM_PATH;
  if (given) {
    if (!look.exists(given)) throw new Error(`CHROMIUM_PATH=${given}: no such file; ${INSTALL_HINT}`);
    return { path: given, from: 'CHROMIUM_PATH' };
  }
  const system = SYSTEM_BROWSERS.find((p) => look.exists(p));
  if (system) return { path: system, from: 'system' };
  const cached = look.playwrightPath();
  if (cached && look.exists(cached)) return { path: cached, from: 'playwright' };
  return undefined;
}

/** Outside CI: undefined -> skip the browser test after printing how to install one. With CI=true: throws. */
export function browserOrSkip(look: BrowserLookup = realLookup): FoundBrowser | undefined {
  const found = findBrowser(look);
  if (found) return found;
  const where = `looked at CHROMIUM_PATH, ${SYSTEM_BROWSERS.join(', ')} and Playwright's cache (${look.playwrightPath() ?? 'none'})`;
  if (look.env.CI === 'true' || look.env.CI === '1')
    throw new Error(`CI=true and no browser for the site's browser test (${where}); ${INSTALL_HINT}`);
  console.warn(
    `\n[site browser test] SKIPPED: no Chromium or Chrome found (${where}).\n  To run it, ${INSTALL_HINT}\n`,
  );
  return undefined;
}
