// Canonical periods and the written forms NHS pages and analysts use for them.
//   monthly            2025-08        (aug25, Aug 2025, August 2025, august-2025, 31 July 2023, 2025-08)
//   calendar quarter   2024-Q1        (Q1 2024, 2024 Q1, 2024-Q1)
//   financial year     FY2024-25      (2024-25, 2024/25, FY2024-25, 2024-2025)
//   financial quarter  FY2024-25-Q1   (Q1 2024-25, 2024-25 Q1) = April-June 2024
//   year               2024

export type Frequency =
  'monthly' | 'quarterly' | 'financial_quarterly' | 'annual' | 'financial_year' | 'weekly' | 'adhoc';

export const FREQUENCIES: readonly Frequency[] = [
  'monthly',
  'quarterly',
  'financial_quarterly',
  'annual',
  'financial_year',
  'weekly',
  'adhoc',
];

export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;

const pad = (n: number) => String(n).padStart(2, '0');

function monthIndex(word: string): number | undefined {
  const w = word.toLowerCase();
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w) || (w === 'sept' && m === 'september'));
  return i >= 0 ? i + 1 : undefined;
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

function fy(start: number): string {
  return `FY${start}-${pad((start + 1) % 100)}`;
}

export interface PeriodParse {
  period?: string;
  error?: string;
}

/** Map a written period to its canonical form. `frequency` settles ambiguous forms like `2011-12`. */
export function parsePeriod(input: string | number, frequency?: Frequency): PeriodParse {
  const raw = String(input).trim();
  const s = raw.replace(/[_\s]+/g, ' ').trim();
  let m: RegExpMatchArray | null;

  if ((m = s.match(/^FY ?(\d{4})[-/](\d{2}|\d{4})(?:[- ]Q([1-4]))?$/i))) {
    const start = Number(m[1]);
    if (fullYear(m[2].slice(-2)) % 100 !== (start + 1) % 100)
      return bad(raw, 'the two years of a financial year follow each other');
    return { period: m[3] ? `${fy(start)}-Q${m[3]}` : fy(start) };
  }
  if (
    (m = s.match(/^Q([1-4])[ -](\d{4})[-/](\d{2}|\d{4})$/i)) ||
    (m = s.match(/^(\d{4})[-/](\d{2}|\d{4})[ -]Q([1-4])$/i))
  ) {
    const [start, end, q] = /^Q/i.test(s) ? [m[2], m[3], m[1]] : [m[1], m[2], m[3]];
    if (Number(end.slice(-2)) !== (Number(start) + 1) % 100)
      return bad(raw, 'the two years of a financial year follow each other');
    return { period: `${fy(Number(start))}-Q${q}` };
  }
  if ((m = s.match(/^(\d{4})[- ]?Q([1-4])$/i)) || (m = s.match(/^Q([1-4])[ -](\d{4})$/i))) {
    const [y, q] = /^Q/i.test(s) ? [m[2], m[1]] : [m[1], m[2]];
    return { period: `${y}-Q${q}` };
  }
  if ((m = s.match(/^(\d{4})$/))) {
    return frequency === 'financial_year'
      ? bad(raw, `a financial year needs both years, e.g. "${m[1]}-${pad((Number(m[1]) + 1) % 100)}"`)
      : { period: m[1] };
  }
  if ((m = s.match(/^(\d{4})[-/](\d{2})$/))) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const fyLike = b === (a + 1) % 100;
    const monthLike = b >= 1 && b <= 12;
    if (fyLike && (!monthLike || frequency === 'financial_year' || frequency === 'annual'))
      return { period: fy(a) };
    if (monthLike) return { period: `${a}-${pad(b)}` };
    return bad(raw, 'neither a month (YYYY-MM) nor a financial year (2024-25)');
  }
  if ((m = s.match(/^(\d{4})[-/](\d{4})$/))) {
    if (Number(m[2]) !== Number(m[1]) + 1)
      return bad(raw, 'the two years of a financial year follow each other');
    return { period: fy(Number(m[1])) };
  }
  if ((m = s.match(/^(\d{4})(\d{2})$/)) && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    return { period: `${m[1]}-${m[2]}` };
  }
  // 31 July 2023, 31-july-2023
  if ((m = s.match(/^(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)[-, ]*(\d{4})$/i))) {
    const mi = monthIndex(m[2]);
    if (mi) return { period: `${m[3]}-${pad(mi)}` };
  }
  // August 2025, august-2025, Aug 2025, aug25, Feb15, Aug-25
  if ((m = s.match(/^([a-z]+)[ -]?,? ?(\d{4}|\d{2})$/i))) {
    const mi = monthIndex(m[1]);
    if (mi) return { period: `${fullYear(m[2])}-${pad(mi)}` };
  }
  return bad(raw, '');
}

function bad(raw: string, why: string): PeriodParse {
  const hint =
    'write a month as 2025-08, aug25 or "August 2025"; a quarter as 2024-Q1; a financial year as 2024-25 or FY2024-25; ' +
    'a financial quarter as FY2024-25-Q1; a year as 2024';
  return { error: `"${raw}" is not a period${why ? ` (${why})` : ''}: ${hint}` };
}

/** Human labels for a canonical period, as NHS pages write them (used to find a period's heading). */
export function periodLabels(period: string): string[] {
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) {
    const name = MONTHS[Number(m[2]) - 1];
    const cap = name[0].toUpperCase() + name.slice(1);
    return [`${cap} ${m[1]}`, `${cap.slice(0, 3)} ${m[1]}`, `${cap.slice(0, 3)}-${m[1].slice(2)}`];
  }
  if ((m = period.match(/^FY(\d{4})-(\d{2})-Q([1-4])$/)))
    return [`Q${m[3]} ${m[1]}-${m[2]}`, `Quarter ${m[3]} ${m[1]}-${m[2]}`];
  if ((m = period.match(/^FY(\d{4})-(\d{2})$/))) return [`${m[1]}-${m[2]}`, `${m[1]}/${m[2]}`];
  if ((m = period.match(/^(\d{4})-Q([1-4])$/))) return [`Q${m[2]} ${m[1]}`, `${m[1]} Q${m[2]}`];
  return [period];
}

/** Sort key: canonical periods sort chronologically by their first month. */
export function periodStart(period: string): string {
  let m: RegExpMatchArray | null;
  if ((m = period.match(/^(\d{4})-(\d{2})$/))) return `${m[1]}-${m[2]}`;
  if ((m = period.match(/^FY(\d{4})-\d{2}-Q([1-4])$/))) {
    const month = 4 + (Number(m[2]) - 1) * 3;
    return month > 12 ? `${Number(m[1]) + 1}-${pad(month - 12)}` : `${m[1]}-${pad(month)}`;
  }
  if ((m = period.match(/^FY(\d{4})-\d{2}$/))) return `${m[1]}-04`;
  if ((m = period.match(/^(\d{4})-Q([1-4])$/))) return `${m[1]}-${pad(1 + (Number(m[2]) - 1) * 3)}`;
  if ((m = period.match(/^(\d{4})$/))) return `${m[1]}-01`;
  return period;
}
