// Fingerprints identify "the same table" across editions of a publication: renamed files, reordered
// sheets, reworded titles and added columns still match.
import type { ColumnSpec, Fingerprint, TableSpec } from '../model.js';

/** Pairs scoring below this are not the same table. */
export const DEFAULT_MATCH_THRESHOLD = 0.5;

const WEIGHTS = { sheet: 0.2, title: 0.2, columns: 0.6 };

const MONTHS =
  /\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\b/g;

function words(s: string): string {
  return s
    .toLowerCase()
    .replace(/\[\s*notes?[^\]]*\]/g, ' ')
    .replace(/\.(csv|xlsx?|ods|xlsm|zip)$/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Header text normalised for comparison (notes, case, punctuation dropped). */
export function normHeader(h: string): string {
  return words(h);
}

/** Titles and names without the parts that change every edition: dates, numbers, file ids. */
export function normTitle(s: string): string {
  return words(s)
    .replace(MONTHS, ' ')
    .replace(/\b[a-z]*\d[a-z0-9]*\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function makeFingerprint(sheet: string, title: string, columns: ColumnSpec[]): Fingerprint {
  return {
    sheet: normTitle(sheet),
    title: normTitle(title),
    columns: columns.map((c) => normTitle(c.header) || normHeader(c.header) || c.name),
  };
}

function tokens(s: string): Set<string> {
  return new Set(s.split(' ').filter(Boolean));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

function textSim(a: string, b: string): number {
  if (a === b) return 1;
  return jaccard(tokens(a), tokens(b));
}

/** Fuzzy set similarity of two column lists: each column pairs with its most similar counterpart. */
function columnSim(a: string[], b: string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const best = (x: string, ys: string[]) => ys.reduce((m, y) => Math.max(m, textSim(x, y)), 0);
  const ab = a.reduce((s, x) => s + best(x, b), 0);
  const ba = b.reduce((s, y) => s + best(y, a), 0);
  return (ab + ba) / (a.length + b.length);
}

/** Weighted similarity in [0,1] of sheet name, title and column set. Missing titles on both sides don't count. */
export function fingerprintScore(a: Fingerprint, b: Fingerprint): number {
  let total = 0,
    weight = 0;
  const add = (w: number, v: number) => {
    total += w * v;
    weight += w;
  };
  if (a.sheet || b.sheet) add(WEIGHTS.sheet, textSim(a.sheet, b.sheet));
  if (a.title || b.title) add(WEIGHTS.title, textSim(a.title, b.title));
  add(WEIGHTS.columns, columnSim(a.columns, b.columns));
  return weight ? total / weight : 0;
}

/** One-to-one assignment of tables of two editions, greedily by best score, keeping pairs at or above threshold. */
export function matchTables(
  a: TableSpec[],
  b: TableSpec[],
  threshold = DEFAULT_MATCH_THRESHOLD,
): { a: number; b: number; score: number }[] {
  const pairs: { a: number; b: number; score: number }[] = [];
  a.forEach((x, i) =>
    b.forEach((y, j) => {
      const score = fingerprintScore(x.fingerprint, y.fingerprint);
      if (score >= threshold) pairs.push({ a: i, b: j, score });
    }),
  );
  pairs.sort((p, q) => q.score - p.score || p.a - q.a || p.b - q.b);
  const usedA = new Set<number>(),
    usedB = new Set<number>();
  const out: { a: number; b: number; score: number }[] = [];
  for (const p of pairs) {
    if (usedA.has(p.a) || usedB.has(p.b)) continue;
    usedA.add(p.a);
    usedB.add(p.b);
    out.push(p);
  }
  return out.sort((p, q) => p.a - q.a);
}
