// One publication's check in a discover run: its landing page (conditionally: a 304 reuses what monitor.json
// holds), the releases not in the config yet, upcoming dates, the gov.uk calendar when named, revisions of its
// most recent processed periods, and the freshness of its next release. It writes only to the MonitorState
// given (the caller keeps it only on success).
import { periodStart, type Publication } from '../config/index.js';
import { DEFAULT_MAX_NEW_RELEASES, DEFAULT_RECHECK_PERIODS } from '../config/index.js';
import type { HttpClient } from '../http/index.js';
import type { State } from '../state/index.js';
import { nextAnnouncement } from './calendar.js';
import { londonDay } from './dates.js';
import { freshness, type Freshness } from './freshness.js';
import { readLanding } from './landing.js';
import { PageStructureError, type ListedRelease, type Upcoming } from './pages.js';
import type { PaceClock } from './pacer.js';
import { recheckPeriod, sameAsLoaded } from './recheck.js';
import { screenReleases } from './screen.js';
import { emptyPub, markRevised, type MonitorState, type PubMonitor } from './state.js';

export interface DiscoverDeps {
  http: HttpClient;
  /** the clock (tests freeze it) */
  now(): Date;
  /** scratch directory for re-check downloads */
  tmpDir: string;
  /** manifests/ of the repository (what was loaded for each period) */
  manifestsDir: string;
  /** origin of the gov.uk search API (tests point it at a local server) */
  govUkBase?: string;
  log?(message: string): void;
  /** the pacing and time-budget clock (monotonic; tests pass their own); default the real one */
  clock?: PaceClock;
}

export interface DiscoverOptions {
  pub?: string;
  /** re-check processed periods for revisions (default true) */
  recheck?: boolean;
  /** read at most this many landing pages, least recently checked first (default: all) */
  maxChecks?: number;
  /** start no page check once this many milliseconds have passed (default: no limit) */
  timeBudgetMs?: number;
  /** least time between two requests to one host, ms (default limits.discover_gap_seconds) */
  gapMs?: number;
}

export interface PubDiscovery {
  pub: string;
  landing_page: string;
  new: { period: string; url: string; title: string; published?: string }[];
  upcoming: Upcoming[];
  /** revisions awaiting a reload (found in this run or before) */
  revised: { period: string; reason: string }[];
  freshness: Freshness;
  /** the landing page answered 304 Not Modified: checked, unchanged */
  not_modified?: boolean;
  /** the landing page could not be read: nothing of this publication was learned */
  error?: string;
  /** problems that did not stop the publication (a re-check or the calendar failed) */
  warnings: string[];
  /** release links to hosts outside allowed_hosts: reported and not added (exit 1) */
  refused: string[];
}

function learnReleases(m: PubMonitor, releases: ListedRelease[], nowIso: string): void {
  for (const r of releases) {
    const old = m.releases[r.period];
    m.releases[r.period] = {
      url: r.url,
      title: r.title,
      ...(r.published ? { published: r.published } : old?.published ? { published: old.published } : {}),
      first_seen: old?.first_seen ?? nowIso,
    };
  }
}

/** The most recent processed periods of a publication that the config still lists (newest first). */
export function recentProcessed(
  pub: Publication,
  state: State,
  n: number,
): { period: string; url: string }[] {
  const urls = new Map(pub.urls.map((u) => [u.period, u.url]));
  return Object.keys(state.processed)
    .filter((k) => k.startsWith(`${pub.code}/`))
    .map((k) => k.slice(pub.code.length + 1))
    .filter((p) => urls.has(p))
    .sort((a, b) => periodStart(b).localeCompare(periodStart(a)) || b.localeCompare(a))
    .slice(0, n)
    .map((period) => ({ period, url: urls.get(period)! }));
}

async function recheck(
  deps: DiscoverDeps,
  pub: Publication,
  state: State,
  m: PubMonitor,
  warnings: string[],
): Promise<void> {
  const nowIso = deps.now().toISOString();
  for (const item of recentProcessed(pub, state, pub.recheckPeriods ?? DEFAULT_RECHECK_PERIODS)) {
    try {
      const r = await recheckPeriod(
        { http: deps.http, tmpDir: deps.tmpDir, manifestsDir: deps.manifestsDir },
        { pub: pub.code, ...item },
        m.periods[item.period],
      );
      m.periods[item.period] = r.check;
      // upstream bytes that are (back to) what is loaded await no reload; a change notice still counts
      const back = sameAsLoaded(deps.manifestsDir, pub.code, item.period, r.check.files);
      const reasons = back ? r.reasons.filter((x) => x.startsWith('change notice')) : r.reasons;
      const pending = m.revised.find((x) => x.period === item.period);
      if (back && pending && !pending.reason.includes('change notice')) {
        m.revised = m.revised.filter((x) => x !== pending);
        deps.log?.(`${pub.code}/${item.period}: upstream files are what is loaded again; revision cleared`);
      }
      if (reasons.length) {
        markRevised(m, item.period, reasons.join('; '), nowIso);
        deps.log?.(`${pub.code}/${item.period} revised: ${reasons.join('; ')}`);
      }
    } catch (e) {
      warnings.push(`re-checking ${pub.code}/${item.period} (${item.url}) failed: ${(e as Error).message}`);
    }
  }
}

/** The freshness of a publication from what the monitor state holds (no network). */
export function pubFreshness(pub: Publication, m: PubMonitor | undefined, now: Date): Freshness {
  const today = londonDay(now);
  return freshness({
    frequency: pub.frequency,
    upcoming: m?.upcoming ?? [],
    calendar: m?.calendar,
    published: Object.values(m?.releases ?? {})
      .map((r) => r.published)
      .filter((d): d is string => Boolean(d) && d! <= today), // never published in the future
    today,
  });
}

async function calendarCheck(
  deps: DiscoverDeps,
  pub: Publication,
  m: PubMonitor,
  warnings: string[],
): Promise<void> {
  const last = Object.values(m.releases)
    .map((r) => r.published ?? '')
    .sort()
    .at(-1);
  try {
    const entry = await nextAnnouncement(
      deps.http,
      pub.calendar!,
      last || londonDay(deps.now()),
      deps.govUkBase,
    );
    if (entry) m.calendar = entry;
    else delete m.calendar;
  } catch (e) {
    warnings.push(`gov.uk release calendar for ${pub.code}: ${(e as Error).message}`);
  }
}

/** Check one publication; what is learned goes into `monitor.publications[pub.code]`. Throws when its landing
 * page cannot be read or parsed. */
export async function checkPub(
  deps: DiscoverDeps,
  pub: Publication,
  state: State,
  monitor: MonitorState,
  opts: DiscoverOptions,
  allowedHosts: readonly string[],
): Promise<PubDiscovery> {
  const landingPage = pub.landingPage!;
  const warnings: string[] = [];
  const nowIso = deps.now().toISOString();
  const read = await readLanding(deps.http, landingPage, pub.frequency, monitor.publications[pub.code]);
  const { landing } = read;
  const screened = screenReleases(landing.releases, allowedHosts, londonDay(deps.now()));
  const m = (monitor.publications[pub.code] ??= emptyPub());
  m.landing_page = landingPage;
  if (landing.frequency) m.frequency = landing.frequency;
  const { fresh, held } = newReleases(pub, screened.releases);
  const heldSet = new Set(held);
  learnReleases(
    m,
    screened.releases.filter((r) => !heldSet.has(r)),
    nowIso,
  );
  m.upcoming = landing.upcoming;
  // validators only for a page whose listing monitor.json now holds whole (a 304 must mean "nothing to do")
  const whole =
    !held.length && !screened.refused.length && !screened.skipped.length && !landing.skipped.length;
  if (read.validators && whole) m.landing = read.validators;
  else delete m.landing;
  for (const s of [...landing.skipped, ...screened.skipped]) warnings.push(`${landingPage}: skipped ${s}`);
  if (held.length)
    warnings.push(
      `${landingPage}: ${fresh.length + held.length} new releases listed, more than max_new_releases (${fresh.length}) of ${pub.code}: the newest ${fresh.length} are added now, the other ${held.length} on the next runs (raise max_new_releases to add more at once)`,
    );
  if (pub.calendar) await calendarCheck(deps, pub, m, warnings);
  if (opts.recheck !== false) await recheck(deps, pub, state, m, warnings);
  return {
    pub: pub.code,
    landing_page: landingPage,
    new: fresh.map((r) => ({
      period: r.period,
      url: r.url,
      title: r.title,
      ...(r.published ? { published: r.published } : {}),
    })),
    upcoming: landing.upcoming,
    revised: m.revised.map((r) => ({ period: r.period, reason: r.reason })),
    freshness: pubFreshness(pub, m, deps.now()),
    ...(read.notModified ? { not_modified: true } : {}),
    warnings,
    refused: screened.refused,
  };
}

/** The releases not in the config yet (one per period, oldest first), at most max_new_releases of the newest. */
export function newReleases(pub: Publication, releases: ListedRelease[]) {
  const configured = new Set(pub.urls.map((u) => u.period));
  const seen = new Set<string>();
  const all = releases
    .filter((r) => !configured.has(r.period) && !seen.has(r.period) && seen.add(r.period))
    .sort((a, b) => periodStart(a.period).localeCompare(periodStart(b.period)));
  const max = pub.maxNewReleases ?? DEFAULT_MAX_NEW_RELEASES;
  const cut = Math.max(0, all.length - max);
  return { fresh: all.slice(cut), held: all.slice(0, cut) };
}

export function errorText(e: unknown, page: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  return e instanceof PageStructureError || msg.startsWith(`${page}:`) ? msg : `${page}: ${msg}`;
}
