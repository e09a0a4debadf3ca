// The gov.uk statistics release calendar (search API): the next announcement of a publication, by the
// organisation's slug and a title fragment. States: provisional, confirmed, cancelled.
import type { HttpClient } from '../http/index.js';
import type { CalendarEntry } from './state.js';

export const GOV_UK = 'https://www.gov.uk';

interface Announcement {
  title?: string;
  release_timestamp?: string;
  statistics_announcement_state?: string;
  metadata?: { display_date?: string; cancellation_reason?: string };
}

export function calendarUrl(organisation: string, fromDay: string, base = GOV_UK): string {
  const q = new URLSearchParams({
    filter_format: 'statistics_announcement',
    filter_release_timestamp: `from:${fromDay}`,
    filter_organisations: organisation,
    fields: 'title,link,release_timestamp,statistics_announcement_state,metadata',
    order: 'release_timestamp',
    count: '100',
  });
  return `${base}/api/search.json?${q}`;
}

/** The first announcement from `fromDay` whose title contains `title` (case-insensitive), if any. */
export async function nextAnnouncement(
  http: HttpClient,
  cal: { organisation: string; title: string },
  fromDay: string,
  base = GOV_UK,
): Promise<CalendarEntry | undefined> {
  const url = calendarUrl(cal.organisation, fromDay, base);
  const res = await http.getText(url);
  let data: { results?: Announcement[] };
  try {
    data = JSON.parse(res.text) as { results?: Announcement[] };
  } catch {
    throw new Error(`${url}: the gov.uk release calendar did not answer JSON`);
  }
  const want = cal.title.toLowerCase();
  const hit = (data.results ?? [])
    .filter((r) => (r.title ?? '').toLowerCase().includes(want) && r.release_timestamp)
    .sort((a, b) => a.release_timestamp!.localeCompare(b.release_timestamp!))[0];
  if (!hit) return undefined;
  const s = hit.statistics_announcement_state;
  return {
    title: hit.title!,
    date: hit.release_timestamp!.slice(0, 10),
    state: s === 'cancelled' || s === 'confirmed' ? s : 'provisional',
    ...(hit.metadata?.cancellation_reason ? { reason: hit.metadata.cancellation_reason } : {}),
  };
}
