// Row kinds: is a row a `detail` row, a `total` (Total / Grand total, the national row, All in every breakdown)
// or a `subtotal` (a region or ICB above the organisations of its table)? Decided once per table from the rows
// the extractor has typed (all of a workbook's, a CSV's head) as a rule of whole-cell patterns over a few
// columns; the rule is then applied row by row: in SQL by the loader (src/load/row-kind.ts, the same patterns
// with `~*`) and in JavaScript by the Parquet writer (src/export/tap.ts), so the table and its Parquet agree.
// Only the row's own identifier (the leftmost text column whose values are unique per row) decides national,
// region and ICB rows: a parent column (`Country` reading England on every row, `NHSE_REGION_CODE` beside
// each employer, `Parent Org`) never does.
import type { CellValue, ColumnSpec } from '../../model.js';
import type { RowKindRule } from '../../model.js';
import { PATTERNS } from './row-kind-rule.js';

export { PATTERNS, classifyRow, type RowKind, type RowKindRule } from './row-kind-rule.js';

const re = (src: string) => new RegExp(src, 'i');
const TOTAL = re(PATTERNS.total);
const NATIONAL = re(PATTERNS.national);
const REGION = re(PATTERNS.region);
const ICB = re(PATTERNS.icb);

type Level = 'national' | 'region' | 'icb' | 'lower';

function levelOf(v: string): Level {
  if (NATIONAL.test(v)) return 'national';
  if (REGION.test(v)) return 'region';
  if (ICB.test(v)) return 'icb';
  return 'lower';
}

const textOf = (v: CellValue | undefined): string | null =>
  v === null || v === undefined ? null : String(v).trim() || null;

/** The leftmost text column whose values are unique per row (Total rows aside) and present on most rows. */
function identifierColumn(columns: ColumnSpec[], rows: CellValue[][], text: number[]): number | undefined {
  for (const j of text) {
    const seen = new Set<string>();
    let present = 0;
    let unique = true;
    for (const row of rows) {
      const v = textOf(row[j]);
      if (v === null || TOTAL.test(v)) continue;
      present++;
      const k = v.toLowerCase();
      if (seen.has(k)) {
        unique = false;
        break;
      }
      seen.add(k);
    }
    if (unique && seen.size >= 2 && present * 5 >= rows.length * 4) return j;
  }
  return undefined;
}

/** The table's rule, from its typed rows (at least a head of them); undefined when no row can be an aggregate. */
export function rowKindRule(columns: ColumnSpec[], rows: CellValue[][]): RowKindRule | undefined {
  const text = columns.flatMap((c, j) => (c.type === 'text' ? [j] : []));
  if (!text.length) return undefined;
  const rule: RowKindRule = { labels: text.filter((j) => j < 3) };
  const id = identifierColumn(columns, rows, text);
  if (id !== undefined) {
    const levels = new Set<Level>();
    for (const row of rows) {
      const v = textOf(row[id]);
      if (v !== null && !TOTAL.test(v)) levels.add(levelOf(v));
    }
    const below = (l: Level[]) => l.some((x) => levels.has(x));
    const national = levels.has('national') && below(['region', 'icb', 'lower']);
    const subs = [
      ...(levels.has('region') && below(['icb', 'lower']) ? [PATTERNS.region] : []),
      ...(levels.has('icb') && below(['lower']) ? [PATTERNS.icb] : []),
    ];
    if (national || subs.length) {
      rule.id = id;
      if (national) rule.national = true;
      if (subs.length) rule.subtotal = subs.map((s) => `(${s})`).join('|');
    }
  }
  // breakdown columns: text columns that vary (a constant Period or Weekly Working Hours column is no breakdown)
  const all = re(PATTERNS.all);
  const breakdowns = text.filter((j) => {
    const vals = new Set(rows.map((r) => textOf(r[j])?.toLowerCase() ?? ''));
    return vals.size > 1 && rows.some((r) => all.test(textOf(r[j]) ?? ''));
  });
  // every text column that varies must be one: a column that never reads All (a name, a measure) rules it out
  const varying = text.filter((j) => new Set(rows.map((r) => textOf(r[j]) ?? '')).size > 1);
  if (breakdowns.length && breakdowns.length === varying.length) rule.all = breakdowns;
  if (!rule.labels.length && rule.id === undefined && !rule.all) return undefined;
  return rule;
}

/** `{ rowKinds }` for a table spec, or nothing. */
export function withRowKinds(columns: ColumnSpec[], rows: CellValue[][]): { rowKinds?: RowKindRule } {
  const rule = rowKindRule(columns, rows);
  return rule ? { rowKinds: rule } : {};
}
