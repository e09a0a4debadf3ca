// When is the next release of a publication due, and how does it stand today?
//   expected date: the series page's upcoming list, else the gov.uk release calendar (when the publication
//   names one), else the last publication date plus one cycle of its frequency. A month-only date
//   ("Mar 2026") is due by that month's last working day.
//   fresh    before the expected date
//   due      on it, or up to one working day after
//   late     more than one working day after
//   missing  more than one cycle after
//   cancelled  the calendar says the release was cancelled
import type { Frequency } from '../config/index.js';
import { addDays, addMonths, lastWorkingDayOfMonth, workingDaysBetween, type PageDate } from './dates.js';
import type { CalendarEntry } from './state.js';

export type FreshnessState = 'fresh' | 'due' | 'late' | 'missing' | 'cancelled' | 'unknown';

export interface Freshness {
  state: FreshnessState;
  /** YYYY-MM-DD: the day the release is due by */
  next_expected?: string;
  /** day: a dated release; month: a month-only date; estimate: from the frequency and past dates */
  next_expected_precision?: 'day' | 'month' | 'estimate';
  source?: 'series-page' | 'calendar' | 'history';
  /** working days past the expected date (late and missing) */
  working_days_late?: number;
}

export interface FreshnessInput {
  frequency: Frequency;
  /** the series page's upcoming releases */
  upcoming: PageDate[];
  calendar?: CalendarEntry;
  /** publication dates of past releases (YYYY-MM-DD) */
  published: string[];
  /** today in England, YYYY-MM-DD */
  today: string;
  holidays?: ReadonlySet<string>;
}

/** One cycle after `date`, or undefined for ad hoc publications. */
export function nextCycle(date: string, frequency: Frequency): string | undefined {
  switch (frequency) {
    case 'monthly':
      return addMonths(date, 1);
    case 'quarterly':
    case 'financial_quarterly':
      return addMonths(date, 3);
    case 'annual':
    case 'financial_year':
      return addMonths(date, 12);
    case 'weekly':
      return addDays(date, 7);
    default:
      return undefined;
  }
}

function dueDay(d: PageDate, holidays?: ReadonlySet<string>): string {
  return d.precision === 'month' ? lastWorkingDayOfMonth(d.date, holidays) : d.date;
}

type Expected = Pick<Freshness, 'next_expected' | 'next_expected_precision' | 'source'> & {
  cancelled?: boolean;
};

function expected(i: FreshnessInput): Expected | undefined {
  const last = [...i.published].sort().at(-1);
  const after = (day: string) => !last || day > last;
  const upcoming = i.upcoming
    .map((u) => ({ u, day: dueDay(u, i.holidays) }))
    .filter((x) => after(x.day))
    .sort((a, b) => a.day.localeCompare(b.day))[0];
  if (upcoming)
    return {
      next_expected: upcoming.day,
      next_expected_precision: upcoming.u.precision,
      source: 'series-page',
    };
  if (i.calendar && after(i.calendar.date))
    return {
      next_expected: i.calendar.date,
      next_expected_precision: 'day',
      source: 'calendar',
      cancelled: i.calendar.state === 'cancelled',
    };
  const next = last ? nextCycle(last, i.frequency) : undefined;
  if (next) return { next_expected: next, next_expected_precision: 'estimate', source: 'history' };
  return undefined;
}

export function freshness(i: FreshnessInput): Freshness {
  const e = expected(i);
  if (!e?.next_expected) return { state: 'unknown' };
  const { cancelled, ...shown } = e;
  if (cancelled) return { ...shown, state: 'cancelled' };
  const due = e.next_expected;
  if (i.today < due) return { ...shown, state: 'fresh' };
  const late = workingDaysBetween(due, i.today, i.holidays);
  if (late <= 1) return { ...shown, state: 'due', working_days_late: late };
  const oneCycle = nextCycle(due, i.frequency);
  const state = oneCycle && i.today > oneCycle ? 'missing' : 'late';
  return { ...shown, state, working_days_late: late };
}
