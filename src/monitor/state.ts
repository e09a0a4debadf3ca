// state/monitor.json: what the monitor learned (releases seen, publication dates, upcoming dates, what each
// recent period's page and files looked like, revisions awaiting a reload). state.json keeps its own shape;
// this file is committed beside it. Written atomically (temp file, fsync, rename), keys sorted; "checked at"
// times are kept only while runs check some pages and defer others, so a run that checks every page and learns
// nothing new changes no byte.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { describeIssues, dict, nullProto } from '../state/index.js';
import { monitorSchema } from './schema.js';

/** state/monitor.json beside the state file. */
export const monitorPathFor = (statePath: string): string => join(dirname(statePath), 'monitor.json');

export interface SeenRelease {
  url: string;
  title: string;
  /** YYYY-MM-DD */
  published?: string;
  /** when the monitor first listed it (ISO) */
  first_seen: string;
}

export interface KnownFile {
  sha256: string;
  title?: string;
  etag?: string;
  last_modified?: string;
  bytes?: number;
}

export interface PeriodCheck {
  /** the page the period's files are listed on */
  page: string;
  /** data files by URL, as last seen */
  files: Record<string, KnownFile>;
  /** change notices seen on the page */
  notices: { title: string; date: string }[];
}

export interface Revision {
  /** canonical period, as in state.json keys */
  period: string;
  reason: string;
  /** ISO */
  detected_at: string;
}

export interface CalendarEntry {
  title: string;
  /** YYYY-MM-DD */
  date: string;
  state: 'provisional' | 'confirmed' | 'cancelled';
  reason?: string;
}

export interface PubMonitor {
  landing_page?: string;
  /** the series page's frequency text */
  frequency?: string;
  /** releases listed on the landing page, by canonical period */
  releases: Record<string, SeenRelease>;
  upcoming: { title: string; date: string; precision: 'day' | 'month' }[];
  /** the gov.uk calendar's next announcement, when the publication names one */
  calendar?: CalendarEntry;
  /** what the recent processed periods looked like, by canonical period */
  periods: Record<string, PeriodCheck>;
  /** periods whose files changed since they were processed, awaiting a reload */
  revised: Revision[];
  /** the landing page's validators, sent as If-None-Match / If-Modified-Since (a 304: nothing changed) */
  landing?: { etag?: string; last_modified?: string };
  /** when discover last read the landing page (ISO); kept only while runs check some pages, not all
   * (max-checks, the time budget, --pub): least recently checked first */
  checked?: string;
}

export interface MonitorState {
  publications: Record<string, PubMonitor>;
}

export class MonitorStateError extends Error {}

export const emptyMonitor = (): MonitorState => ({ publications: dict() });

export function emptyPub(): PubMonitor {
  return { releases: dict(), upcoming: [], periods: dict(), revised: [] };
}

/** A deep copy that keeps the objects without a prototype (structuredClone would give them one). */
export const cloneMonitor = (m: MonitorState): MonitorState => nullProto(m);

export function readMonitor(file: string): MonitorState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyMonitor();
    throw new MonitorStateError(`${file}: cannot read the monitor state (${(e as Error).message})`);
  }
  return parseMonitor(text, file);
}

/** The monitor state in `text` (the file's content; `file` names it in errors). */
export function parseMonitor(text: string, file: string): MonitorState {
  if (!text.trim()) return emptyMonitor();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new MonitorStateError(
      `${file}: not valid JSON (${(e as Error).message}); fix it, or delete it and run \`datawarp discover --write\` to rebuild it`,
    );
  }
  const parsed = monitorSchema.safeParse(data);
  if (!parsed.success)
    throw new MonitorStateError(
      `${file}: not a DataWarp monitor state: ${describeIssues(parsed.error)}. The file was left as it is: fix it, or delete it and run \`datawarp discover --write\` to rebuild it`,
    );
  const out = emptyMonitor();
  const pubs = (data as { publications: Record<string, Partial<PubMonitor>> }).publications;
  for (const [code, p] of Object.entries(pubs)) out.publications[code] = nullProto({ ...emptyPub(), ...p });
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}

export function serializeMonitor(m: MonitorState): string {
  return JSON.stringify(sortKeys(m), null, 2) + '\n';
}

/** The monitor state as text without its "checked at" times: what a pull request would propose. */
export function serializeFindings(m: MonitorState): string {
  const c = cloneMonitor(m);
  for (const p of Object.values(c.publications)) delete p.checked;
  return serializeMonitor(c);
}

export function writeMonitor(file: string, m: MonitorState): void {
  writeFileAtomic(file, serializeMonitor(m));
}

/** Revisions awaiting a reload, oldest publication key first. */
export function pendingRevisions(m: MonitorState): { pub: string; period: string; reason: string }[] {
  return Object.keys(m.publications)
    .sort()
    .flatMap((pub) => m.publications[pub].revised.map((r) => ({ pub, period: r.period, reason: r.reason })));
}

/** Forget a revision once it was reloaded. */
export function clearRevision(m: MonitorState, pub: string, period: string): void {
  const p = m.publications[pub];
  if (p) p.revised = p.revised.filter((r) => r.period !== period);
}

/** Mark a period revised (one entry per period: a later reason is appended to the pending one). */
export function markRevised(p: PubMonitor, period: string, reason: string, at: string): void {
  const found = p.revised.find((r) => r.period === period);
  if (!found) p.revised.push({ period, reason, detected_at: at });
  else if (!found.reason.includes(reason)) found.reason = `${found.reason}; ${reason}`;
}

/** `text` (a monitor.json, perhaps another run's) less the revisions this run reloaded; undefined when absent. */
export function withoutReloaded(
  text: string | undefined,
  file: string,
  reloaded: { pub: string; period: string }[],
): string | undefined {
  if (text === undefined) return undefined;
  const m = parseMonitor(text, file);
  for (const r of reloaded) clearRevision(m, r.pub, r.period);
  return serializeMonitor(m);
}
