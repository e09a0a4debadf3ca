// A table's row-kind rule as plain data (it travels in the manifest's table spec and to the Parquet worker) and
// its JavaScript reading. The patterns are whole-cell, case-insensitive, and written in the regular-expression
// subset JavaScript and PostgreSQL (`~*`) read alike, so src/load/row-kind.ts applies the same rule in SQL.

import type { RowKindRule } from '../../model.js';

export type RowKind = 'detail' | 'total' | 'subtotal';

export const PATTERNS = {
  /** `Total`, `Grand total`, `TOTAL:` */
  total: '^\\s*(grand\\s+)?totals?:?\\s*$',
  /** the national row */
  national: '^\\s*(england|e92000001)\\s*$',
  /** an NHS England region (ODS Y56..Y63) or an ONS region code */
  region: '^\\s*(y5[6-9]|y6[0-3]|e40[0-9]{6}|e12[0-9]{6})\\s*$',
  /** an ICB (ONS E54...) */
  icb: '^\\s*e54[0-9]{6}\\s*$',
  all: '^\\s*all\\s*$',
} as const;

export type { RowKindRule };

const cache = new Map<string, RegExp>();
function re(src: string): RegExp {
  let r = cache.get(src);
  if (!r) {
    r = new RegExp(src, 'i');
    if (cache.size < 1000) cache.set(src, r);
  }
  return r;
}

/** Longer cells are never aggregates' labels: the SQL checks the length before the pattern, cheaply. */
export const MAX_LABEL = 40;

const test = (src: string, v: string | null) => v !== null && v.length <= MAX_LABEL && re(src).test(v);

/** The kind of one row; `cell(j)` gives the text of column j (null when empty). */
export function classifyRow(rule: RowKindRule | undefined, cell: (j: number) => string | null): RowKind {
  if (!rule) return 'detail';
  for (const j of rule.labels) if (test(PATTERNS.total, cell(j))) return 'total';
  if (rule.id !== undefined && rule.national && test(PATTERNS.national, cell(rule.id))) return 'total';
  if (rule.all?.length && rule.all.every((j) => test(PATTERNS.all, cell(j)))) return 'total';
  if (rule.id !== undefined && rule.subtotal && test(rule.subtotal, cell(rule.id))) return 'subtotal';
  return 'detail';
}
