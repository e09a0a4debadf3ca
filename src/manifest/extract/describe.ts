// What a column's description says about its values beyond the header: the unit its numbers were written in,
// and what the symbols found in it mean (the workbook's own legend first, else the GSS guidance on symbols).
import type { ColumnSpec } from '../../model.js';
import type { ColumnResult } from './types.js';

/** GSS guidance on symbols in tables, and older habits seen in NHS files. */
export const GSS_LEGEND: Record<string, string> = {
  '[c]': 'confidential',
  c: 'confidential',
  '[x]': 'not available',
  x: 'not available',
  '[z]': 'not applicable',
  z: 'not applicable',
  '[u]': 'low reliability',
  '[w]': 'no or negligible',
  '[low]': 'low, rounds to zero',
  ':': 'not available',
  '..': 'not available',
  '-': 'nil',
  '*': 'suppressed',
  na: 'not available',
};

function unitNote(header: string, r: ColumnResult): string | undefined {
  if (r.type !== 'integer' && r.type !== 'numeric') return undefined;
  if (r.unit === 'percent') return 'Unit: percent, stored as the fraction Excel stores (2.7% is 0.027).';
  if (r.unit === 'GBP' || /£|\bGBP\b/.test(header)) return 'Unit: GBP.';
  if (/%|\bper ?cent\b|\bpercentage\b/i.test(header)) return 'Unit: percent, as written (93.4 is 93.4%).';
  return undefined;
}

function symbolsNote(r: ColumnResult, legend: Record<string, string>): string | undefined {
  const seen = Object.keys(r.markers ?? {});
  const known = seen
    .map((m) => [m, legend[m] ?? legend[m.toLowerCase()] ?? GSS_LEGEND[m] ?? GSS_LEGEND[m.toLowerCase()]])
    .filter(([, meaning]) => meaning);
  if (!known.length) return undefined;
  return `Symbols (NULL, the cell text in _dw_flags): ${known.map(([m, meaning]) => `${m} = ${meaning}`).join('; ')}.`;
}

/** The description notes of a typed column (undefined when there is nothing to say). */
export function columnNotes(
  header: string,
  r: ColumnResult,
  legend: Record<string, string> = {},
): Pick<ColumnSpec, 'description'> {
  const notes = [unitNote(header, r), symbolsNote(r, legend)].filter(Boolean);
  return notes.length ? { description: notes.join(' ') } : {};
}
