// Freshness: the expected date (upcoming list, calendar, history), the states, and working days that skip
// England's bank holidays (the embedded table is consulted: without it the same dates would count as late).
import { describe, expect, it } from 'vitest';
import {
  BANK_HOLIDAYS_ENGLAND,
  bankHolidayYears,
  freshness,
  isWorkingDay,
  lastWorkingDayOfMonth,
  londonDay,
  parsePageDate,
  workingDaysBetween,
} from '../src/monitor/index.js';

describe('working days', () => {
  it('skip weekends and the bank holidays of England and Wales', () => {
    expect(bankHolidayYears()).toEqual([2024, 2025, 2026, 2027, 2028]);
    expect(isWorkingDay('2025-12-25')).toBe(false); // Christmas, a Thursday
    expect(isWorkingDay('2025-12-27')).toBe(false); // Saturday
    expect(isWorkingDay('2025-12-29')).toBe(true);
    expect(workingDaysBetween('2025-12-24', '2025-12-29')).toBe(1);
    expect(workingDaysBetween('2025-12-24', '2025-12-29', new Set())).toBe(3);
    expect(lastWorkingDayOfMonth('2026-08')).toBe('2026-08-28'); // 31 Aug 2026 is a bank holiday (Monday)
    expect(lastWorkingDayOfMonth('2026-08', new Set())).toBe('2026-08-31');
    for (const d of BANK_HOLIDAYS_ENGLAND) expect(isWorkingDay(d), d).toBe(false);
  });

  it('today is the date in England', () => {
    expect(londonDay(new Date('2025-06-30T23:30:00Z'))).toBe('2025-07-01'); // BST
    expect(londonDay(new Date('2025-12-31T23:30:00Z'))).toBe('2025-12-31'); // GMT
  });

  it('reads the dates pages write', () => {
    expect(parsePageDate('Published: 13 November 2025')).toEqual({ date: '2025-11-13', precision: 'day' });
    expect(parsePageDate('Mar 2026')).toEqual({ date: '2026-03', precision: 'month' });
    expect(parsePageDate('Sept 2026')).toEqual({ date: '2026-09', precision: 'month' });
    expect(parsePageDate('16 Oct 2025 09:30 AM')).toEqual({ date: '2025-10-16', precision: 'day' });
    expect(parsePageDate('soon')).toBeUndefined();
  });
});

describe('freshness', () => {
  const base = { frequency: 'monthly' as const, upcoming: [], published: ['2025-11-20'] };
  it('a release due on Christmas Eve is due, not late, on the next working day after the holidays', () => {
    const f = (today: string) =>
      freshness({ ...base, upcoming: [{ date: '2025-12-24', precision: 'day' }], today }).state;
    expect(f('2025-12-23')).toBe('fresh');
    expect(f('2025-12-24')).toBe('due');
    expect(f('2025-12-29')).toBe('due');
    expect(f('2025-12-30')).toBe('late');
    expect(f('2026-01-25')).toBe('missing');
    expect(
      freshness({
        ...base,
        upcoming: [{ date: '2025-12-24', precision: 'day' }],
        today: '2025-12-29',
        holidays: new Set(),
      }).state,
    ).toBe('late');
  });

  it('a month-only date is due by the last working day of the month', () => {
    const f = freshness({
      ...base,
      upcoming: [{ date: '2026-08', precision: 'month' }],
      today: '2026-08-28',
    });
    expect(f).toMatchObject({ next_expected: '2026-08-28', next_expected_precision: 'month', state: 'due' });
    expect(
      freshness({ ...base, upcoming: [{ date: '2026-08', precision: 'month' }], today: '2026-08-20' }).state,
    ).toBe('fresh');
  });

  it('falls back to the calendar, then to the history; a cancelled announcement is cancelled', () => {
    const cal = { title: 'ADHD', date: '2025-12-11', state: 'cancelled' as const };
    expect(freshness({ ...base, calendar: cal, today: '2025-12-01' })).toMatchObject({
      state: 'cancelled',
      source: 'calendar',
      next_expected: '2025-12-11',
    });
    expect(
      freshness({ ...base, calendar: { ...cal, state: 'confirmed' }, today: '2025-12-15' }),
    ).toMatchObject({
      state: 'late',
      working_days_late: 2,
    });
    expect(freshness({ ...base, today: '2025-12-01' })).toMatchObject({
      state: 'fresh',
      source: 'history',
      next_expected: '2025-12-20',
      next_expected_precision: 'estimate',
    });
    // an upcoming date before the last publication is stale: ignored
    expect(
      freshness({ ...base, upcoming: [{ date: '2025-11-01', precision: 'day' }], today: '2025-12-01' })
        .source,
    ).toBe('history');
    expect(freshness({ ...base, frequency: 'adhoc', today: '2025-12-01' }).state).toBe('unknown');
  });
});
