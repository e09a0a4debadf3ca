// The zod schema of publications.yaml: the shape every key must have, with the message a user sees when a
// value is wrong. Also the publication-key rule (CODE), the URL rule (absolute http(s), no credentials) and
// the list of keys allowed at each level, for "unknown key" messages. config/index.ts runs it and adds the
// checks a schema cannot express (periods, hosts, duplicates).
import { z } from 'zod';
import { LIMIT_KEYS, limitsSchema } from './limits.js';
import { FREQUENCIES, type Frequency } from './periods.js';

export const CODE = /^[a-z][a-z0-9_]{0,39}$/;

const urlSchema = z
  .string({
    error: 'must be a URL, e.g. https://digital.nhs.uk/data-and-information/publications/statistical/...',
  })
  .refine((u) => /^https?:\/\//i.test(u) && parseUrl(u) !== undefined, {
    message:
      'must be an absolute http(s) URL, e.g. https://digital.nhs.uk/data-and-information/publications/statistical/...',
  })
  .refine((u) => !hasCredentials(u), {
    // never echo the URL: the password would end up in logs, annotations and the state file
    message:
      'must not contain a user name or password (user:password@host): DataWarp fetches public pages only, and a password here would be printed and stored; remove it',
  });

/** true when the URL carries userinfo (user:password@ or user@ before the host). */
export function hasCredentials(url: string): boolean {
  const u = parseUrl(url);
  return u !== undefined && (u.username !== '' || u.password !== '');
}

let last: { text: string; url: URL | undefined } | undefined;
/**
 * `text` as a URL, undefined when it is not one. The last one is kept: the checks of a URL read the same text in
 * turn (36,000 URLs in a catalogue's config: one parse each, not three). Callers only read the URL.
 */
export function parseUrl(text: string): URL | undefined {
  if (last?.text !== text) {
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    last = { text, url };
  }
  return last.url;
}

export const schema = z.strictObject({
  allowed_hosts: z
    .array(
      z
        .string()
        .regex(/^[a-z0-9.-]+$/i, 'must be a host name such as digital.nhs.uk (no scheme, no path)')
        .transform((h) => h.toLowerCase()),
    )
    .optional(),
  limits: limitsSchema,
  publications: z.record(
    z
      .string()
      .regex(
        CODE,
        'a publication key is lower-case letters, digits and _ (e.g. gp_appointments), at most 40 characters',
      ),
    z.strictObject({
      name: z
        .string({ error: 'name is required: the publication title, e.g. "ADHD Management Information"' })
        .min(1),
      frequency: z.enum(FREQUENCIES as [Frequency, ...Frequency[]], {
        error: `frequency must be one of: ${FREQUENCIES.join(', ')}`,
      }),
      landing_page: urlSchema.optional(),
      reference_manifest: z.string().min(1).optional(),
      allow_empty: z.boolean({ error: 'allow_empty is true or false' }).optional(),
      calendar: z
        .strictObject(
          {
            organisation: z
              .string({ error: 'calendar.organisation is the gov.uk organisation slug, e.g. nhs-england' })
              .regex(/^[a-z0-9-]+$/, 'calendar.organisation is a gov.uk slug such as nhs-england'),
            title: z
              .string({
                error: 'calendar.title is text the announcement title contains, e.g. "A&E Attendances"',
              })
              .min(1),
          },
          {
            error: 'calendar must be {organisation: <gov.uk slug>, title: <text in the announcement title>}',
          },
        )
        .optional(),
      recheck_periods: z
        .number({ error: 'recheck_periods must be a whole number of periods, e.g. 3 (0 = never re-check)' })
        .int('recheck_periods must be a whole number, e.g. 3')
        .min(0, 'recheck_periods must be 0 or more')
        .optional(),
      max_new_releases: z
        .number({ error: 'max_new_releases must be a whole number of releases, e.g. 120' })
        .int('max_new_releases must be a whole number, e.g. 120')
        .min(1, 'max_new_releases must be 1 or more')
        .optional(),
      urls: z
        .array(
          z.strictObject({
            period: z.union([z.string(), z.number()], {
              error: 'period is required, e.g. aug25, 2025-08 or "August 2025"',
            }),
            url: urlSchema,
          }),
          { error: 'urls must be a list of {period, url} entries' },
        )
        .default([]),
    }),
    { error: 'publications must be a mapping of publication key -> {name, frequency, urls}' },
  ),
});

/** The keys allowed at `path` (for an "unknown key" message). */
export function allowedKeys(path: PropertyKey[]): string {
  if (path.length === 0) return 'allowed_hosts, limits, publications';
  if (path[0] === 'limits') return Object.keys(LIMIT_KEYS).join(', ');
  if (path.length === 2)
    return 'name, frequency, landing_page, reference_manifest, allow_empty, calendar, recheck_periods, max_new_releases, urls';
  if (path[2] === 'calendar') return 'organisation, title';
  return 'period, url';
}
