// What a landing page lists is screened before anything of it is believed:
//  - a period before 1990 or more than a year after today is not a release (a title "January 5025");
//  - a release link off `allowed_hosts` (after resolving relative and protocol-relative forms) is refused;
//  - a page yields at most `max_new_releases` new releases per run (the newest; the rest next run, said so).
// And a landing page that could not be fetched says why: host refused, redirected elsewhere, timed out.
import { periodStart } from '../config/index.js';
import { HttpError } from '../http/index.js';
import { addMonths } from './dates.js';
import type { ListedRelease } from './pages.js';

export const EARLIEST_YEAR = 1990;

/** Why `period` cannot be a release on `today` (YYYY-MM-DD), or undefined when it can. */
export function implausiblePeriod(period: string, today: string): string | undefined {
  const start = periodStart(period);
  if (!/^\d{4}-\d{2}$/.test(start)) return undefined;
  if (Number(start.slice(0, 4)) < EARLIEST_YEAR) return `period ${period} is before ${EARLIEST_YEAR}`;
  if (start > addMonths(today, 12).slice(0, 7))
    return `period ${period} is more than a year after today (${today})`;
  return undefined;
}

export interface Screened {
  releases: ListedRelease[];
  /** not releases (impossible periods), one line each */
  skipped: string[];
  /** release links to hosts outside allowed_hosts, one line each */
  refused: string[];
}

export function screenReleases(
  releases: ListedRelease[],
  allowedHosts: readonly string[],
  today: string,
): Screened {
  const out: Screened = { releases: [], skipped: [], refused: [] };
  for (const r of releases) {
    const host = hostOf(r.url);
    if (host === undefined || !allowedHosts.includes(host)) {
      out.refused.push(
        `${r.title} (${r.url}): host ${host ? `"${host}"` : '(none)'} is not in allowed_hosts (${allowedHosts.join(', ')}); not added`,
      );
      continue;
    }
    const why = implausiblePeriod(r.period, today);
    if (why) {
      out.skipped.push(`${r.title} (${r.url}): ${why}; not a release`);
      continue;
    }
    out.releases.push(r);
  }
  return out;
}

function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Why a landing page could not be fetched, in the user's words. */
export function fetchProblem(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const redirect = msg.match(
    /^GET (\S+) refused: host "([^"]*)" is not in the allowed hosts.*\(redirect from/,
  );
  if (redirect)
    return `it redirected to ${redirect[1]}, on host "${redirect[2]}", which is not in allowed_hosts (add the host to allowed_hosts if the publication moved there)`;
  const refused = msg.match(/refused: host "([^"]*)" is not in the allowed hosts/);
  if (refused) return `host "${refused[1]}" is not in allowed_hosts (add it to allowed_hosts)`;
  if (/TIMEOUT|timed? ?out/i.test(msg)) return `it timed out (${msg}); it is tried again on the next run`;
  if (e instanceof HttpError && e.status) return `the server answered ${e.status} (${msg})`;
  return msg;
}
