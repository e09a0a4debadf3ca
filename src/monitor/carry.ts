// What an earlier run learned that the base branch does not hold yet. The action proposes its findings on the
// branch datawarp/discover (a pull request, perhaps not merged): that branch's monitor.json is "carried" into the
// next run, so that
//  - the least recently checked pages go first even when no pull request was merged ("checked at" times), and
//  - a page deferred by this run keeps what an earlier run proposed for it (its releases and validators; the
//    base's period checks and revisions, which a backfill may have cleared), instead of dropping out of the
//    pull request until its next check.
import type { Config } from '../config/index.js';
import { nullProto } from '../state/index.js';
import { fromMonitor } from './landing.js';
import { newReleases } from './pub-check.js';
import { cloneMonitor, emptyPub, type MonitorState } from './state.js';

/** `before` with the later "checked at" times of `carried`. */
export function withCarriedChecks(before: MonitorState, carried?: MonitorState): MonitorState {
  const out = cloneMonitor(before);
  for (const [code, c] of Object.entries(carried?.publications ?? {})) {
    if (!c.checked) continue;
    const m = (out.publications[code] ??= emptyPub());
    if (!m.checked || m.checked < c.checked) m.checked = c.checked;
  }
  return out;
}

export interface CarriedRelease {
  pub: string;
  period: string;
  url: string;
  title: string;
  published?: string;
}

/** Each publication not read this run (deferred, failed): its carried listing put into `learned`; returns the
 * releases it proposes again. */
export function carryDeferred(
  config: Config,
  learned: MonitorState,
  before: MonitorState,
  carried: MonitorState | undefined,
  notRead: string[],
): CarriedRelease[] {
  const out: CarriedRelease[] = [];
  for (const code of notRead) {
    const c = carried?.publications[code];
    const pub = config.publications.find((p) => p.code === code);
    if (!c || !pub || c.landing_page !== pub.landingPage) continue;
    const base = before.publications[code];
    const m = nullProto({ ...c, periods: base?.periods ?? {}, revised: base?.revised ?? [] });
    const stamp = learned.publications[code]?.checked;
    if (stamp) m.checked = stamp;
    else delete m.checked;
    learned.publications[code] = m;
    for (const r of newReleases(pub, fromMonitor(m).releases).fresh)
      out.push({
        pub: code,
        period: r.period,
        url: r.url,
        title: r.title,
        ...(r.published ? { published: r.published } : {}),
      });
  }
  return out;
}
