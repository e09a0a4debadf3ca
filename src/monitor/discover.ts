// discover: for each publication with a landing page, the releases its page lists (canonical periods), those
// not yet in the config, the upcoming dates, the gov.uk calendar when named, revisions of the most recent
// processed periods, and the freshness of the next release. Everything learned goes into a MonitorState the
// caller writes (or not: `discover` without --write only reports).
import { periodStart, type Config, type Publication } from '../config/index.js';
import { DEFAULT_MAX_NEW_RELEASES, DEFAULT_RECHECK_PERIODS } from '../config/index.js';
import type { HttpClient } from '../http/index.js';
import type { State } from '../state/index.js';
import { nextAnnouncement } from './calendar.js';
import { londonDay } from './dates.js';
import { freshness, type Freshness } from './freshness.js';
import {
  PageStructureError,
  parseSeriesPage,
  parseWorkAreaPage,
  type LandingPage,
  type ListedRelease,
  type Upcoming,
} from './pages.js';
import { recheckPeriod, sameAsLoaded } from './recheck.js';
import { fetchProblem, screenReleases } from './screen.js';
import { nullProto } from '../state/index.js';
import {
  cloneMonitor,
  emptyMonitor,
  emptyPub,
  markRevised,
  type MonitorState,
  type PubMonitor,
} from './state.js';

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
}

export interface DiscoverOptions {
  pub?: string;
  /** re-check processed periods for revisions (default true) */
  recheck?: boolean;
}

export interface PubDiscovery {
  pub: string;
  landing_page: string;
  new: { period: string; url: string; title: string; published?: string }[];
  upcoming: Upcoming[];
  /** revisions awaiting a reload (found in this run or before) */
  revised: { period: string; reason: string }[];
  freshness: Freshness;
  /** the landing page could not be read: nothing of this publication was learned */
  error?: string;
  /** problems that did not stop the publication (a re-check or the calendar failed) */
  warnings: string[];
  /** release links to hosts outside allowed_hosts: reported and not added (exit 1) */
  refused: string[];
}

export interface DiscoverResult {
  publications: PubDiscovery[];
  /** the monitor state with what this run learned */
  monitor: MonitorState;
}

const WORK_AREA = (url: string) => {
  const u = new URL(url);
  return /(^|\.)england\.nhs\.uk$/i.test(u.hostname) || u.pathname.startsWith('/statistics/');
};

async function readLanding(deps: DiscoverDeps, pub: Publication, url: string): Promise<LandingPage> {
  let page;
  try {
    page = await deps.http.getText(url);
  } catch (e) {
    throw new Error(
      `${url}: the landing page could not be read: ${fetchProblem(e)}. Nothing was added for this publication`,
      { cause: e },
    );
  }
  if (!WORK_AREA(url)) return parseSeriesPage(page.text, page.url || url, pub.frequency);
  const landing = parseWorkAreaPage(page.text, page.url || url, pub.frequency);
  const have = new Set(landing.releases.map((r) => r.period));
  for (const child of landing.children.slice(0, 20)) {
    const sub = await deps.http.getText(child).catch(() => undefined);
    if (!sub) continue;
    for (const r of parseWorkAreaPage(sub.text, sub.url || child, pub.frequency).releases)
      if (!have.has(r.period) && have.add(r.period)) landing.releases.push(r);
  }
  if (!landing.releases.length)
    throw new PageStructureError(url, 'no period headings or data files named by period were found');
  return landing;
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

async function discoverPub(
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
  const landing = await readLanding(deps, pub, landingPage);
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
  for (const s of [...landing.skipped, ...screened.skipped]) warnings.push(`${landingPage}: skipped ${s}`);
  if (held.length)
    warnings.push(
      `${landingPage}: ${fresh.length + held.length} new releases listed, more than max_new_releases (${fresh.length}) of ${pub.code}: the newest ${fresh.length} are added now, the other ${held.length} on the next runs (raise max_new_releases to add more at once)`,
    );
  if (pub.calendar) {
    const last = Object.values(m.releases)
      .map((r) => r.published ?? '')
      .sort()
      .at(-1);
    try {
      const entry = await nextAnnouncement(
        deps.http,
        pub.calendar,
        last || londonDay(deps.now()),
        deps.govUkBase,
      );
      if (entry) m.calendar = entry;
      else delete m.calendar;
    } catch (e) {
      warnings.push(`gov.uk release calendar for ${pub.code}: ${(e as Error).message}`);
    }
  }
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
    warnings,
    refused: screened.refused,
  };
}

/** The releases not in the config yet (one per period, oldest first), at most max_new_releases of the newest. */
function newReleases(pub: Publication, releases: ListedRelease[]) {
  const configured = new Set(pub.urls.map((u) => u.period));
  const seen = new Set<string>();
  const all = releases
    .filter((r) => !configured.has(r.period) && !seen.has(r.period) && seen.add(r.period))
    .sort((a, b) => periodStart(a.period).localeCompare(periodStart(b.period)));
  const max = pub.maxNewReleases ?? DEFAULT_MAX_NEW_RELEASES;
  const cut = Math.max(0, all.length - max);
  return { fresh: all.slice(cut), held: all.slice(0, cut) };
}

function errorText(e: unknown, page: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  return e instanceof PageStructureError || msg.startsWith(`${page}:`) ? msg : `${page}: ${msg}`;
}

export async function discover(
  config: Config,
  state: State,
  monitor: MonitorState,
  deps: DiscoverDeps,
  opts: DiscoverOptions = {},
): Promise<DiscoverResult> {
  const out: PubDiscovery[] = [];
  const learned: MonitorState = cloneMonitor(monitor);
  for (const pub of config.publications) {
    if (!pub.landingPage || (opts.pub && pub.code !== opts.pub)) continue;
    // a failed publication learns nothing: work on a copy and keep it only on success
    const trial = emptyMonitor();
    const had = learned.publications[pub.code];
    if (had) trial.publications[pub.code] = nullProto(had);
    try {
      const r = await discoverPub(deps, pub, state, trial, opts, config.allowedHosts);
      learned.publications[pub.code] = trial.publications[pub.code];
      out.push(r);
    } catch (e) {
      out.push({
        pub: pub.code,
        landing_page: pub.landingPage,
        new: [],
        upcoming: [],
        revised: [],
        freshness: pubFreshness(pub, learned.publications[pub.code], deps.now()),
        error: errorText(e, pub.landingPage),
        warnings: [],
        refused: [],
      });
    }
  }
  return { publications: out, monitor: learned };
}
