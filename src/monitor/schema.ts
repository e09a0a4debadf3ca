// The shape of state/monitor.json, checked when it is read (zod): a release entry that is not an object, an
// `upcoming` that is not a list, a `revised` of numbers ... are errors naming the file and the path inside it
// (the file is left as it was), never a crash later or a silent reset. Unknown keys are kept; missing lists
// and maps default to empty (older files).
import { z } from 'zod';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => realDay(d), 'is not a calendar date');

/** A YYYY-MM-DD that exists (no 30 February). */
export function realDay(iso: string): boolean {
  const m = iso.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === iso;
}

const seenRelease = z.looseObject(
  { url: z.string(), title: z.string(), published: isoDay.optional(), first_seen: z.string() },
  { error: 'a release must be an object {url, title, first_seen}' },
);

const knownFile = z.looseObject(
  {
    sha256: z.string(),
    title: z.string().optional(),
    etag: z.string().optional(),
    last_modified: z.string().optional(),
    bytes: z.number().optional(),
  },
  { error: 'a known file must be an object {sha256, ...}' },
);

const notice = z.looseObject({ title: z.string(), date: z.string() });

const periodCheck = z.looseObject(
  { page: z.string(), files: z.record(z.string(), knownFile), notices: z.array(notice) },
  { error: 'a period check must be an object {page, files, notices}' },
);

const upcoming = z.looseObject(
  {
    title: z.string(),
    date: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'must be YYYY-MM-DD or YYYY-MM'),
    precision: z.enum(['day', 'month']),
  },
  { error: 'an upcoming release must be an object {title, date, precision}' },
);

const revision = z.looseObject(
  { period: z.string(), reason: z.string(), detected_at: z.string() },
  { error: 'a revision must be an object {period, reason, detected_at}' },
);

const calendarEntry = z.looseObject({
  title: z.string(),
  date: isoDay,
  state: z.enum(['provisional', 'confirmed', 'cancelled']),
  reason: z.string().optional(),
});

// open drift to review (src/status/drift.ts): set by a backfill whose item drifted, cleared when it is settled
const openDrift = z.looseObject(
  {
    since: z.string(),
    period: z.string(),
    summary: z.string(),
    detected_at: z.string(),
    issue: z.number().optional(),
  },
  { error: 'drift must be an object {since, period, summary, detected_at}' },
);

const pubMonitor = z.looseObject(
  {
    landing_page: z.string().optional(),
    frequency: z.string().optional(),
    releases: z.record(z.string(), seenRelease).optional(),
    upcoming: z.array(upcoming, { error: 'upcoming must be a list' }).optional(),
    calendar: calendarEntry.optional(),
    periods: z.record(z.string(), periodCheck).optional(),
    revised: z.array(revision, { error: 'revised must be a list' }).optional(),
    landing: z
      .looseObject(
        { etag: z.string().optional(), last_modified: z.string().optional() },
        { error: 'landing must be an object {etag, last_modified}' },
      )
      .optional(),
    checked: z.string().optional(),
    drift: openDrift.optional(),
  },
  { error: 'a publication entry must be an object' },
);

export const monitorSchema = z.looseObject(
  { publications: z.record(z.string(), pubMonitor) },
  { error: 'expected an object {"publications": {...}}' },
);
