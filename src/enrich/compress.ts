// Wide tables (daily time series, RTT weekly buckets: hundreds of columns whose headers differ only by a date or a
// number) are compressed before they go to the model and expanded after: one prompt entry per header pattern,
// named once, then every column of the pattern gets that name plus its varying part.
import { safeIdent, slug } from './names.js';

/** Tables with more columns than this are compressed. */
export const COMPRESS_ABOVE = 40;
/** A pattern shared by at least this many columns becomes one prompt entry. */
export const MIN_GROUP = 3;

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*';
// Order matters: whole dates before their numbers.
const VARYING = new RegExp(
  [
    String.raw`\d{4}-\d{2}-\d{2}`,
    String.raw`\d{1,2}[/.]\d{1,2}[/.]\d{2,4}`,
    String.raw`\d{1,2}[- ]${MONTH}[- ]\d{2,4}`,
    String.raw`\b${MONTH}[- ']?\d{2,4}\b`,
    String.raw`\d+(?:\.\d+)?`,
  ].join('|'),
  'gi',
);

export const PLACEHOLDER = '{x}';

/** A header with its dates and numbers replaced by {x}, and the parts replaced. */
export function headerPattern(header: string): { pattern: string; vary: string[] } {
  const vary: string[] = [];
  const pattern = header.replace(VARYING, (m) => {
    vary.push(m);
    return PLACEHOLDER;
  });
  return { pattern, vary };
}

export interface PromptColumn {
  header: string;
  type: string;
  /** this entry stands for `repeated` columns whose headers differ only where the header shows {x} */
  repeated?: number;
  /** a few of the values {x} takes */
  examples?: string[];
}

export interface Compressed {
  entries: PromptColumn[];
  /** per original column: the entry it belongs to and its varying header parts (empty for singletons) */
  of: { entry: number; vary: string[] }[];
  /** per entry: the original column shown in sample rows */
  first: number[];
}

export function compressColumns(
  columns: { header: string; type: string }[],
  opts: { above?: number; minGroup?: number } = {},
): Compressed {
  const above = opts.above ?? COMPRESS_ABOVE;
  const minGroup = opts.minGroup ?? MIN_GROUP;
  const identity = (): Compressed => ({
    entries: columns.map((c) => ({ header: c.header, type: c.type })),
    of: columns.map((_, j) => ({ entry: j, vary: [] })),
    first: columns.map((_, j) => j),
  });
  if (columns.length <= above) return identity();
  const pats = columns.map((c) => headerPattern(c.header));
  const count = new Map<string, number>();
  for (const p of pats) if (p.vary.length) count.set(p.pattern, (count.get(p.pattern) ?? 0) + 1);
  const entryOf = new Map<string, number>();
  const out: Compressed = { entries: [], of: [], first: [] };
  columns.forEach((c, j) => {
    const p = pats[j];
    const grouped = p.vary.length > 0 && (count.get(p.pattern) ?? 0) >= minGroup;
    if (!grouped) {
      out.of.push({ entry: out.entries.length, vary: [] });
      out.first.push(j);
      out.entries.push({ header: c.header, type: c.type });
      return;
    }
    let e = entryOf.get(p.pattern);
    if (e === undefined) {
      e = out.entries.length;
      entryOf.set(p.pattern, e);
      out.first.push(j);
      out.entries.push({ header: p.pattern, type: c.type, repeated: 0, examples: [] });
    }
    const entry = out.entries[e];
    entry.repeated = (entry.repeated ?? 0) + 1;
    if (entry.type !== c.type) entry.type = widen(entry.type, c.type);
    const v = p.vary.join(' ');
    if (entry.examples!.length < 3) entry.examples!.push(v);
    out.of.push({ entry: e, vary: p.vary });
  });
  return out;
}

function widen(a: string, b: string): string {
  if (a === b) return a;
  if ((a === 'integer' || a === 'numeric') && (b === 'integer' || b === 'numeric')) return 'numeric';
  return 'text';
}

/** Sample rows cut down to one column per entry. */
export function compressRows<T>(rows: T[][], c: Compressed): T[][] {
  return rows.map((r) => c.first.map((j) => r[j]));
}

/** Per original column: the entry's name and description with the varying part appended. */
export function expandAnswer<C extends { name: string; description: string }>(
  answer: C[],
  c: Compressed,
): C[] {
  return c.of.map(({ entry, vary }) => {
    const a = answer[entry];
    if (!vary.length || !c.entries[entry].repeated) return a;
    const suffix = slug(vary.join('_'), 30) || 'x';
    const base = safeIdent(a.name, 'col', 63 - suffix.length - 1);
    return { ...a, name: `${base}_${suffix}`, description: `${a.description} (${vary.join(', ')})` };
  });
}
