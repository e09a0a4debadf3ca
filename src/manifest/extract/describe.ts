// What a column's description says about its values beyond the header: the unit its numbers were written in,
// and what the symbols found in it mean (the workbook's own legend first, else the GSS guidance on symbols).
import type { ColumnSpec, ExtractedFile } from '../../model.js';
import type { ColumnResult } from './types.js';
import { markerOf } from './markers.js';

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

const meaningIn = (legend: Record<string, string>, m: string): string | undefined =>
  legend[m] ?? legend[m.toLowerCase()];

const SYMBOLS_NOTE = 'Symbols (NULL, the cell text in _dw_flags): ';

function symbolsNote(r: Pick<ColumnResult, 'markers'>, legend: Record<string, string>): string | undefined {
  const seen = Object.keys(r.markers ?? {});
  const known = seen
    .map((m) => [m, meaningIn(legend, m) ?? meaningIn(GSS_LEGEND, m)])
    .filter(([, meaning]) => meaning);
  if (!known.length) return undefined;
  return `${SYMBOLS_NOTE}${known.map(([m, meaning]) => `${m} = ${meaning}`).join('; ')}.`;
}

/** A column's description with the symbols note for the markers it has now (a streamed column's markers are
 * known once its rows have passed). */
export function noteMarkers(c: ColumnSpec, legend: Record<string, string> = {}): void {
  const kept = (c.description ?? '').split(SYMBOLS_NOTE)[0].trim();
  const description = [kept, symbolsNote(c, legend)].filter(Boolean).join(' ');
  if (description) c.description = description;
  else delete c.description;
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

/** A workbook's own legend of symbols, from its notes sheets: lines such as `c Results have been suppressed
 * where the sample is too small`, `: Data not available`, `[x] = not available`. */
export function parseLegend(texts: string[]): Record<string, string> {
  const legend: Record<string, string> = {};
  for (const text of texts)
    for (const line of text.split('\n')) {
      const m = /^\s*(\S{1,5})\s*(?:=|–|-|:)?\s+([A-Z].{2,200})$/.exec(line.replace(/\t/g, ' '));
      if (!m || !markerOf(m[1])?.symbol || /\d/.test(m[1])) continue;
      legend[m[1]] ??= m[2].replace(/\s+/g, ' ').replace(/\.$/, '').trim();
    }
  return legend;
}

/** The workbook's own legend goes into the file (`legend`), each table (`legend`: the symbols found in its
 * columns that the legend explains) and the column descriptions (what their symbols mean, in its own words). */
export function applyLegend(file: ExtractedFile): void {
  const legend = parseLegend(file.docs.map((d) => d.text));
  if (!Object.keys(legend).length) return;
  file.legend = legend;
  for (const t of file.tables) {
    const used: Record<string, string> = {};
    for (const c of t.spec.columns) {
      if (!c.markers || c.type === 'text') continue;
      for (const m of Object.keys(c.markers)) {
        const meaning = meaningIn(legend, m);
        if (meaning) used[m] = meaning;
      }
      const kept = (c.description ?? '').split(SYMBOLS_NOTE)[0].trim();
      const note = symbolsNote(c, legend);
      const description = [kept, note].filter(Boolean).join(' ');
      if (description) c.description = description;
    }
    if (Object.keys(used).length) t.spec.legend = used;
  }
}
