// Dates as NHS pages write them, and working days in England.
//
// A working day is Monday to Friday, less the bank holidays of England and Wales. The table below is the
// gov.uk list (https://www.gov.uk/bank-holidays.json, "england-and-wales") for 2024-2027, with 2028 worked
// out by the same rules (New Year, Good Friday, Easter Monday, early May, spring, summer, Christmas, Boxing
// Day; a holiday on a weekend moves to the next free weekday). Extend it each year; outside it only
// weekends count (`bankHolidayYears` tells which years are covered).
import { MONTHS } from '../config/periods.js';
import { realDay } from './schema.js';

export const BANK_HOLIDAYS_ENGLAND: readonly string[] = [
  '2024-01-01', '2024-03-29', '2024-04-01', '2024-05-06', '2024-05-27', '2024-08-26', '2024-12-25', '2024-12-26',
  '2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26',
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
  '2028-01-03', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-29', '2028-08-28', '2028-12-25', '2028-12-26',
]; // prettier-ignore

export const bankHolidayYears = (): number[] => [
  ...new Set(BANK_HOLIDAYS_ENGLAND.map((d) => Number(d.slice(0, 4)))),
];

const HOLIDAYS = new Set(BANK_HOLIDAYS_ENGLAND);

/** An ISO date (YYYY-MM-DD) as a UTC midnight Date. */
export const dayOf = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

export function addDays(iso: string, n: number): string {
  const d = dayOf(iso);
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
}

/** Add months, clamping the day to the month's length (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return isoDay(first);
}

export function isWorkingDay(iso: string, holidays: ReadonlySet<string> = HOLIDAYS): boolean {
  const wd = dayOf(iso).getUTCDay();
  return wd !== 0 && wd !== 6 && !holidays.has(iso);
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: string, to: string, holidays?: ReadonlySet<string>): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d, holidays)) n++;
  return n;
}

/** The last working day of a month (YYYY-MM). */
export function lastWorkingDayOfMonth(month: string, holidays?: ReadonlySet<string>): string {
  const [y, m] = month.split('-').map(Number);
  let d = isoDay(new Date(Date.UTC(y, m, 0)));
  while (!isWorkingDay(d, holidays)) d = addDays(d, -1);
  return d;
}

let LONDON: Intl.DateTimeFormat | undefined; // built once: a formatter costs far more than a format

/** Today's date in England (Europe/London), whatever the machine's zone. */
export function londonDay(now: Date): string {
  LONDON ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const parts = LONDON.formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function monthNumber(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w) || (w === 'sept' && m === 'september'));
  return i >= 0 ? i + 1 : undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

export interface PageDate {
  /** YYYY-MM-DD for a day, YYYY-MM for a month-only date */
  date: string;
  precision: 'day' | 'month';
}

/**
 * "13 November 2025", "Published: 13 Nov 2025", "16 October 2025 09:30 AM", "Mar 2026", "Sept 2026",
 * "2025-10-16"; undefined when the text holds no date.
 */
export function parsePageDate(text: string): PageDate | undefined {
  const d = writtenDate(text);
  return d && (d.precision === 'month' || realDay(d.date)) ? d : undefined;
}

/** The date written in `text` when it names a day that does not exist ("30 February 2025"). */
export function impossibleDate(text: string): string | undefined {
  const d = writtenDate(text);
  return d && d.precision === 'day' && !realDay(d.date) ? d.date : undefined;
}

function writtenDate(text: string): PageDate | undefined {
  const s = text.replace(/[\s\u00a0]+/g, ' ').trim();
  let m = s.match(/\b(\d{4})-(\d{2})-(\d{2})\b/);
  if (m) return { date: `${m[1]}-${m[2]}-${m[3]}`, precision: 'day' };
  m = s.match(/\b(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]{3,9}\.?),? (\d{4})\b/);
  if (m) {
    const mi = monthNumber(m[2]);
    if (mi) return { date: `${m[3]}-${pad(mi)}-${pad(Number(m[1]))}`, precision: 'day' };
  }
  m = s.match(/\b([A-Za-z]{3,9}\.?),? (\d{4})\b/);
  if (m) {
    const mi = monthNumber(m[1]);
    if (mi) return { date: `${m[2]}-${pad(mi)}`, precision: 'month' };
  }
  return undefined;
}
