// The monitor's config keys (calendar, recheck_periods) with line:column errors, and the gov.uk calendar read
// through the HTTP client interface.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config/index.js';
import type { HttpClient } from '../src/http/index.js';
import { calendarUrl, nextAnnouncement } from '../src/monitor/index.js';

const config = (extra: string, hosts = '[digital.nhs.uk, www.gov.uk]') => `allowed_hosts: ${hosts}
publications:
  ae:
    name: A&E
    frequency: monthly
${extra}
    urls: []
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'c.yaml', {});
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('config keys of the monitor', () => {
  it('accepts calendar and recheck_periods, default 3', () => {
    const c = parseConfig(
      config('    calendar: {organisation: nhs-england, title: "A&E Attendances"}\n    recheck_periods: 5'),
      'c.yaml',
      {},
    );
    expect(c.publications[0]).toMatchObject({
      calendar: { organisation: 'nhs-england', title: 'A&E Attendances' },
      recheckPeriods: 5,
    });
    expect(parseConfig(config(''), 'c.yaml', {}).publications[0].recheckPeriods).toBe(3);
  });

  it('names file:line:column for a bad value', () => {
    expect(problems(config('    recheck_periods: -1'))).toContain(
      'c.yaml:6:22: recheck_periods must be 0 or more (publications.ae.recheck_periods)',
    );
    expect(problems(config('    calendar: {organisation: NHS England, title: x}'))[0]).toMatch(
      /^c\.yaml:6:\d+: calendar.organisation is a gov.uk slug/,
    );
    expect(problems(config('    calendar: {organisation: nhs-england, title: x, when: soon}'))[0]).toMatch(
      /^c\.yaml:6:\d+: unknown key when: allowed here are organisation, title/,
    );
    expect(
      problems(config('    calendar: {organisation: nhs-england, title: x}', '[digital.nhs.uk]'))[0],
    ).toBe('c.yaml:6:15: calendar of ae reads the gov.uk release calendar: add www.gov.uk to allowed_hosts');
  });
});

describe('gov.uk release calendar', () => {
  it('takes the first matching announcement, its state and cancellation reason', async () => {
    const asked: string[] = [];
    const http: HttpClient = {
      async getText(url) {
        asked.push(url);
        return {
          status: 200,
          url,
          headers: {},
          text: JSON.stringify({
            results: [
              {
                title: 'Other statistics',
                release_timestamp: '2025-10-02T08:30:00.000+01:00',
                statistics_announcement_state: 'confirmed',
              },
              {
                title: 'A&E Attendances and Emergency Admissions October 2025',
                release_timestamp: '2025-11-13T09:30:00.000+00:00',
                statistics_announcement_state: 'cancelled',
                metadata: { cancellation_reason: 'Data collection paused' },
              },
              {
                title: 'A&E Attendances and Emergency Admissions November 2025',
                release_timestamp: '2025-12-11T09:30:00.000+00:00',
                statistics_announcement_state: 'provisional',
              },
            ],
          }),
        };
      },
      download: () => Promise.reject(new Error('no downloads')),
    };
    const e = await nextAnnouncement(
      http,
      { organisation: 'nhs-england', title: 'a&e attendances' },
      '2025-10-01',
    );
    expect(e).toEqual({
      title: 'A&E Attendances and Emergency Admissions October 2025',
      date: '2025-11-13',
      state: 'cancelled',
      reason: 'Data collection paused',
    });
    expect(asked).toEqual([calendarUrl('nhs-england', '2025-10-01')]);
    const u = new URL(asked[0]);
    expect(u.origin).toBe('https://www.gov.uk');
    expect(u.searchParams.get('filter_release_timestamp')).toBe('from:2025-10-01');
    expect(u.searchParams.get('filter_format')).toBe('statistics_announcement');
  });
});
