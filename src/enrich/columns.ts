// Column mapping between a new edition of a table and its reference: reuse the reference's column names, map
// reworded headers by similarity of header text (whole header and its last level) and values, one to one.
import type { CellValue, ColumnSpec, ColumnType, EnrichedSource } from '../model.js';
import { legalColumn, slug, uniqueName } from './names.js';

/** An enriched column as DataWarp writes it: the shared contract plus what the LLM said and a few values. */
export interface EnrichedColumn {
  source: string;
  name: string;
  header: string;
  description: string;
  type: ColumnType;
  unit?: string | null;
  is_dimension?: boolean;
  is_measure?: boolean;
  /** up to SAMPLE_VALUES distinct values seen in this column (for matching reworded headers next period) */
  sample?: (string | number)[];
}

export interface EnrichedSourceX extends EnrichedSource {
  columns: EnrichedColumn[];
  /** reference columns absent from this edition, kept so that a column coming back gets its old name */
  retired?: EnrichedColumn[];
}

/**
 * A reworded column maps to a reference column when their score reaches this threshold. The score is
 *   with values on both sides:  0.6 * text + 0.3 * values + 0.1 * type   (+ 0.02 * position, a tie-breaker)
 *   without values:             0.85 * text + 0.15 * type                 (+ 0.02 * position)
 * text   = max(token Jaccard of the whole headers, 0.9 * token Jaccard of the last header levels
 *          ("Delayed Days | Acute" -> "Acute"); 1 for equal headers)
 * values = Jaccard of distinct sample values (text), or closeness of magnitude (numbers)
 * type   = 1 same type, 0.5 integer vs numeric, 0 otherwise
 * So equal last levels (0.9) of the same type pass on their own, a half-shared header needs a matching type, and a
 * header sharing a third of its words needs matching values too; unrelated numeric columns of similar size stay
 * below (0.3 + 0.1 + 0.02).
 */
export const COLUMN_MATCH_THRESHOLD = 0.5;
export const SAMPLE_VALUES = 8;

const STOP = new Set(['of', 'the', 'and', 'a', 'an', 'in', 'for', 'to', 'by', 'on', 'per', 'at']);

function tokens(s: string): Set<string> {
  return new Set(
    slug(s)
      .split('_')
      .filter((t) => t && !STOP.has(t))
      .map((t) => (t.length > 3 && t.endsWith('s') ? t.slice(0, -1) : t)),
  );
}

function jaccard<T>(x: Set<T>, y: Set<T>): number {
  if (!x.size || !y.size) return 0;
  let common = 0;
  for (const t of x) if (y.has(t)) common++;
  return common / (x.size + y.size - common);
}

const leaf = (h: string) => h.split(' | ').at(-1) ?? h;
const norm = (h: string) => [...tokens(h)].join(' ');

/** Similarity in [0,1] of two header texts: whole header, or 0.9 for the same last level. */
export function headerSimilarity(a: string, b: string): number {
  if (norm(a) && norm(a) === norm(b)) return 1;
  const whole = jaccard(tokens(a), tokens(b));
  const la = norm(leaf(a));
  const lb = norm(leaf(b));
  const last = la && la === lb ? 0.9 : 0.9 * jaccard(tokens(leaf(a)), tokens(leaf(b)));
  return Math.max(whole, last);
}

function isNum(t: ColumnType) {
  return t === 'integer' || t === 'numeric';
}

function typeSimilarity(a: ColumnType, b: ColumnType): number {
  if (a === b) return 1;
  return isNum(a) && isNum(b) ? 0.5 : 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)];
}

/** Similarity of two value samples, undefined when either side has none. */
export function valueSimilarity(
  a: (string | number)[] | undefined,
  b: (string | number)[] | undefined,
): number | undefined {
  if (!a?.length || !b?.length) return undefined;
  const na = a.filter((v): v is number => typeof v === 'number');
  const nb = b.filter((v): v is number => typeof v === 'number');
  if (na.length === a.length && nb.length === b.length) {
    const mag = (x: number) => Math.log10(1 + Math.abs(x));
    const d = Math.abs(mag(median(na)) - mag(median(nb)));
    const ints = (xs: number[]) => xs.every((x) => Number.isInteger(x));
    return Math.max(0, 1 - d) * (ints(na) === ints(nb) ? 1 : 0.7);
  }
  if (na.length || nb.length) return 0;
  const set = (xs: (string | number)[]) => new Set(xs.map((v) => String(v).trim().toLowerCase()));
  return jaccard(set(a), set(b));
}

interface Side {
  header: string;
  type: ColumnType;
  sample?: (string | number)[];
  pos: number;
}

export function columnScore(a: Side, b: Side): number {
  const text = headerSimilarity(a.header, b.header);
  const values = valueSimilarity(a.sample, b.sample);
  const type = typeSimilarity(a.type, b.type);
  const base = values === undefined ? 0.85 * text + 0.15 * type : 0.6 * text + 0.3 * values + 0.1 * type;
  return base + 0.02 * (1 - Math.abs(a.pos - b.pos));
}

/** Distinct non-null values of column j in the sample rows (strings cut to 60 characters). */
export function sampleValues(rows: CellValue[][] | undefined, j: number): (string | number)[] | undefined {
  if (!rows?.length) return undefined;
  const out: (string | number)[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const v = r[j];
    if (v === null || v === undefined || v === '') continue;
    const x = typeof v === 'string' ? v.slice(0, 60) : v;
    const k = `${typeof x}:${x}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
    if (out.length >= SAMPLE_VALUES) break;
  }
  return out.length ? out : undefined;
}

export interface ColumnMapping {
  columns: EnrichedColumn[];
  retired: EnrichedColumn[];
  renamed: { from: string; to: string; column: string }[];
  added: string[];
  missing: string[];
}

/**
 * Map a table's columns onto a reference source: same source column name or same header first, then reworded
 * headers by `columnScore` (best pairs first, one to one, at least COLUMN_MATCH_THRESHOLD); the rest are added
 * under their own (legal, unique) names. Reference columns left over are missing (they stay NULL).
 */
export function mapColumns(
  columns: ColumnSpec[],
  ref: Pick<EnrichedSourceX, 'columns' | 'retired'>,
  samples?: CellValue[][],
): ColumnMapping {
  const current = ref.columns ?? [];
  const pool = [...current, ...(ref.retired ?? []).filter((r) => !current.some((c) => c.name === r.name))];
  const isCurrent = new Set(current.map((c) => c.name));
  const used = new Set<string>();
  const out: EnrichedColumn[] = new Array(columns.length);
  const res: ColumnMapping = { columns: out, retired: [], renamed: [], added: [], missing: [] };
  const take = (j: number, r: EnrichedColumn, sample: EnrichedColumn['sample']) => {
    used.add(r.name);
    const c = columns[j];
    out[j] = {
      ...r,
      source: c.name,
      header: c.header,
      type: c.type,
      ...(sample ? { sample } : {}),
    };
    if (!sample) delete out[j].sample;
  };
  const samplesOf = columns.map((_, j) => sampleValues(samples, j));
  // 1. same source column name, then same header text
  const bySource = new Map(pool.map((r) => [r.source, r]));
  columns.forEach((c, j) => {
    const r = bySource.get(c.name);
    if (r && !used.has(r.name)) take(j, r, samplesOf[j]);
  });
  columns.forEach((c, j) => {
    if (out[j]) return;
    const r = pool.find((x) => !used.has(x.name) && norm(x.header) && norm(x.header) === norm(c.header));
    if (r) take(j, r, samplesOf[j]);
  });
  // 2. reworded headers
  const free = pool.filter((r) => !used.has(r.name));
  const pairs: { j: number; r: EnrichedColumn; score: number }[] = [];
  columns.forEach((c, j) => {
    if (out[j]) return;
    const a: Side = { header: c.header, type: c.type, sample: samplesOf[j], pos: j / columns.length };
    for (const r of free) {
      const b: Side = { ...r, pos: pool.indexOf(r) / pool.length };
      pairs.push({ j, r, score: columnScore(a, b) });
    }
  });
  pairs.sort((p, q) => q.score - p.score || p.j - q.j);
  for (const p of pairs) {
    if (p.score < COLUMN_MATCH_THRESHOLD || out[p.j] || used.has(p.r.name)) continue;
    take(p.j, p.r, samplesOf[p.j]);
    res.renamed.push({ from: p.r.header, to: columns[p.j].header, column: p.r.name });
  }
  // 3. new columns, never under the name of a reference column (that one may come back)
  const taken = new Set([...used, ...pool.map((r) => r.name)]);
  columns.forEach((c, j) => {
    if (out[j]) return;
    const name = uniqueName(legalColumn(c.name), taken);
    out[j] = { source: c.name, name, header: c.header, description: withNotes(c.header, c), type: c.type };
    if (samplesOf[j]) out[j].sample = samplesOf[j];
    res.added.push(name);
  });
  for (const r of pool) {
    if (used.has(r.name)) continue;
    res.retired.push(r);
    if (isCurrent.has(r.name)) res.missing.push(r.name);
  }
  return res;
}

/** A column description with the extractor's notes (unit, symbols) after it, once. */
export function withNotes(description: string, c: { description?: string }): string {
  if (!c.description || description.includes(c.description)) return description;
  return `${description} ${c.description}`;
}
