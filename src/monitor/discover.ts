// discover: for each publication with a landing page, the releases its page lists (canonical periods), those
// not yet in the config, the upcoming dates, the gov.uk calendar when named, revisions of the most recent
// processed periods, and the freshness of the next release. Everything learned goes into a MonitorState the
// caller writes (or not: `discover` without --write only reports).
import { periodStart, type Config, type Publication } from '../config/index.js';
import { DEFAULT_RECHECK_PERIODS } from '../config/index.js';
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
import { recheckPeriod } from './recheck.js';
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
    throw new PageStructureError(url, `the page could not be fetched (${(e as Error).message})`);
  }
  if (!WORK_AREA(url)) return parseSeriesPage(page.text, page.url || url, pub.frequency);
  const landing = parseWorkAreaPage(page.text, page.url || url, pub.frequency);
  for (const child of landing.children.slice(0, 20)) {
    const sub = await deps.http.getText(child).catch(() => undefined);
    if (!sub) continue;
    for (const r of parseWorkAreaPage(sub.text, sub.url || child, pub.frequency).releases)
      if (!landing.releases.some((x) => x.period === r.period)) landing.releases.push(r);
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
      if (r.reasons.length) {
        markRevised(m, item.period, r.reasons.join('; '), nowIso);
        deps.log?.(`${pub.code}/${item.period} revised: ${r.reasons.join('; ')}`);
      }
    } catch (e) {
      warnings.push(`re-checking ${pub.code}/${item.period} (${item.url}) failed: ${(e as Error).message}`);
    }
  }
}

/** The freshness of a publication from what the monitor state holds (no network). */
export function pubFreshness(pub: Publication, m: PubMonitor | undefined, now: Date): Freshness {
  return freshness({
    frequency: pub.frequency,
    upcoming: m?.upcoming ?? [],
    calendar: m?.calendar,
    published: Object.values(m?.releases ?? {})
      .map((r) => r.published)
      .filter((d): d is string => Boolean(d)),
    today: londonDay(now),
  });
}

async function discoverPub(
  deps: DiscoverDeps,
  pub: Publication,
  state: State,
  monitor: MonitorState,
  opts: DiscoverOptions,
): Promise<PubDiscovery> {
  const landingPage = pub.landingPage!;
  const warnings: string[] = [];
  const nowIso = deps.now().toISOString();
  const landing = await readLanding(deps, pub, landingPage);
  const m = (monitor.publications[pub.code] ??= emptyPub());
  m.landing_page = landingPage;
  if (landing.frequency) m.frequency = landing.frequency;
  learnReleases(m, landing.releases, nowIso);
  m.upcoming = landing.upcoming;
  for (const s of landing.skipped) warnings.push(`${landingPage}: skipped ${s}`);
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
  const configured = new Set(pub.urls.map((u) => u.period));
  const fresh = landing.releases
    .filter((r) => !configured.has(r.period))
    .sort((a, b) => periodStart(a.period).localeCompare(periodStart(b.period)));
  const seen = new Set<string>();
  return {
    pub: pub.code,
    landing_page: landingPage,
    new: fresh
      .filter((r) => !seen.has(r.period) && seen.add(r.period))
      .map((r) => ({
        period: r.period,
        url: r.url,
        title: r.title,
        ...(r.published ? { published: r.published } : {}),
      })),
    upcoming: landing.upcoming,
    revised: m.revised.map((r) => ({ period: r.period, reason: r.reason })),
    freshness: pubFreshness(pub, m, deps.now()),
    warnings,
  };
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
      const r = await discoverPub(deps, pub, state, trial, opts);
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
        error: e instanceof PageStructureError ? e.message : `${pub.landingPage}: ${(e as Error).message}`,
        warnings: [],
      });
    }
  }
  return { publications: out, monitor: learned };
}
