// Numbers written as text the way UK statistics write them: currency signs, thousands separators, percent
// signs, percentage points, and GSS flags on a value (`12.3 p` provisional, `£194,800 r` revised, `45 e`
// estimated, `[b]` break in series, `[note 3]`).

const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
/** sign, currency, digits (thousands groups or plain), decimals, percent */
const WRITTEN = /^([+-]?)\s*([£$€]?)\s*([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(\.\d+)?\s*(%?)$/;
/** percentage points: the number is the unit's */
const POINTS = /\s*(?:percentage points?|pp|ppts?|pts)$/i;
/** a flag before or after the value: lower case (`10E`, `15R` are codes) */
const LEAD_FLAG = /^\[[a-z]{1,4}\]\s*/;
const TRAIL_FLAG = /(?:\s*\[(?:[a-z]{1,4}|note \d{1,3})\]|\s*\([rpe]\)|(?<=[\d%\s])[rpe]|\s*\*{1,3})$/;

export interface Numberish {
  n: number;
  /** a flag was read off the text */
  flagged: boolean;
  /** written with % (the value is the fraction: `2.7%` is 0.027) */
  percent: boolean;
  /** written with a pound sign */
  currency: boolean;
}

function written(s: string): Omit<Numberish, 'flagged'> | undefined {
  if (PLAIN.test(s)) {
    if (/^[+-]?0\d/.test(s)) return undefined; // a code with leading zeros
    const n = Number(s);
    return Number.isFinite(n) ? { n, percent: false, currency: false } : undefined;
  }
  const m = WRITTEN.exec(s);
  if (!m || (!m[4] && !m[5]) || (m[1] && m[3])) return undefined;
  if (/^0\d/.test(m[4])) return undefined;
  const digits = (m[1] || m[3]) + m[4].replace(/,/g, '') + (m[5] ?? '');
  // `2.7e-2` parses to the double nearest 0.027, where 2.7 / 100 would not
  const n = Number(m[6] ? `${digits}e-2` : digits);
  return Number.isFinite(n) ? { n, percent: m[6] === '%', currency: m[2] === '£' } : undefined;
}

/** The number a text stands for, or undefined when it is not one. */
export function parseNumberish(text: string): Numberish | undefined {
  const s = text.trim();
  if (!/\d/.test(s) || s.length > 60) return undefined;
  const plain = written(s);
  if (plain) return { ...plain, flagged: false };
  let rest = s.replace(POINTS, '');
  if (rest !== s) {
    const v = written(rest.trim());
    return v && !v.percent ? { ...v, flagged: false } : undefined;
  }
  let flagged = false;
  for (let k = 0; k < 3; k++) {
    const next = rest.replace(LEAD_FLAG, '').replace(TRAIL_FLAG, '').trim();
    if (next === rest) break;
    flagged = true;
    rest = next;
  }
  if (!flagged) return undefined;
  const v = written(rest);
  return v ? { ...v, flagged: true } : undefined;
}
