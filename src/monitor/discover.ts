// discover: for each publication with a landing page, what its page lists and what is due (see pub-check.ts),
// at catalogue scale: the pages least recently checked first, at most `maxChecks` of them, none started once
// the time budget is spent (the rest deferred, named), one request at a time per host with a gap between
// (pacer.ts), hosts in parallel. A page that fails is reported and the others still run. Everything learned goes
// into a MonitorState the caller writes (or not: `discover` without --write only reports).
import type { Config, Publication } from '../config/index.js';
import { DEFAULT_LIMITS } from '../config/limits.js';
import type { State } from '../state/index.js';
import { nullProto } from '../state/index.js';
import { hostOf, hostPacer, pacedClient, realClock } from './pacer.js';
import {
  checkPub,
  errorText,
  pubFreshness,
  type DiscoverDeps,
  type DiscoverOptions,
  type PubDiscovery,
} from './pub-check.js';
import { byHost, deferral, orderChecks, type Deferral } from './schedule.js';
import { cloneMonitor, emptyMonitor, type MonitorState } from './state.js';

export {
  pubFreshness,
  recentProcessed,
  type DiscoverDeps,
  type DiscoverOptions,
  type PubDiscovery,
} from './pub-check.js';
export type { Deferral } from './schedule.js';

export interface DiscoverResult {
  /** the publications checked this run (config order) */
  publications: PubDiscovery[];
  /** the publications not checked this run (max-checks, time budget): checked next run */
  deferred: Deferral[];
  /** the monitor state with what this run learned */
  monitor: MonitorState;
}

export async function discover(
  config: Config,
  state: State,
  monitor: MonitorState,
  deps: DiscoverDeps,
  opts: DiscoverOptions = {},
): Promise<DiscoverResult> {
  const learned: MonitorState = cloneMonitor(monitor);
  const clock = deps.clock ?? realClock;
  const gapMs = opts.gapMs ?? DEFAULT_LIMITS.discoverGapSeconds * 1000;
  const paced: DiscoverDeps = { ...deps, http: pacedClient(deps.http, hostPacer(gapMs, clock)) };
  const watched = config.publications.filter((p) => p.landingPage && (!opts.pub || p.code === opts.pub));
  const { check, over } = orderChecks(watched, monitor, opts.maxChecks);
  const started = clock.now();
  const open = () => opts.timeBudgetMs === undefined || clock.now() - started < opts.timeBudgetMs;
  const done = new Map<string, PubDiscovery>();
  const notStarted = await byHost(
    check,
    (p) => hostOf(p.landingPage!),
    open,
    async (pub) => {
      // a failed publication learns nothing: work on a copy and keep it only on success
      const trial = emptyMonitor();
      const had = learned.publications[pub.code];
      if (had) trial.publications[pub.code] = nullProto(had);
      try {
        done.set(pub.code, await checkPub(paced, pub, state, trial, opts, config.allowedHosts));
        learned.publications[pub.code] = trial.publications[pub.code];
      } catch (e) {
        done.set(pub.code, failed(pub, e, learned, deps.now()));
      }
    },
  );
  const deferred = [
    ...notStarted.map((p) => deferral(p, monitor, 'time-budget')),
    ...over.map((p) => deferral(p, monitor, 'max-checks')),
  ];
  stampChecked(
    learned,
    [...done.values()],
    deps.now().toISOString(),
    deferred.length > 0 || Boolean(opts.pub),
  );
  for (const d of deferred)
    deps.log?.(`${d.pub}: deferred (${d.reason}): ${d.landing_page} is checked next run`);
  return {
    publications: watched.filter((p) => done.has(p.code)).map((p) => done.get(p.code)!),
    deferred,
    monitor: learned,
  };
}

/** A publication whose landing page could not be read: named with its URL, nothing learned. */
function failed(pub: Publication, e: unknown, learned: MonitorState, now: Date): PubDiscovery {
  return {
    pub: pub.code,
    landing_page: pub.landingPage!,
    new: [],
    upcoming: [],
    revised: [],
    freshness: pubFreshness(pub, learned.publications[pub.code], now),
    error: errorText(e, pub.landingPage!),
    warnings: [],
    refused: [],
  };
}

/**
 * "Checked at" times: while some pages wait for a later run (`partial`), each page read now is stamped, so the
 * next run starts with the least recently checked. A run that read every page clears them all (they tie), so
 * such a run that learned nothing changes no byte of monitor.json. A page that failed keeps its old time.
 */
function stampChecked(learned: MonitorState, done: PubDiscovery[], nowIso: string, partial: boolean): void {
  if (!partial) {
    for (const m of Object.values(learned.publications)) delete m.checked;
    return;
  }
  for (const p of done)
    if (!p.error && learned.publications[p.pub]) learned.publications[p.pub].checked = nowIso;
}
