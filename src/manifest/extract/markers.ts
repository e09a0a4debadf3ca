// Symbols and markers of UK official statistics (GSS guidance on symbols, and older NHS habits). Two kinds:
// - null spellings (`NULL`, `n/a`, `#N/A`): no value, in any column;
// - symbols (`[c]` confidential, `[x]` not available, `[z]` not applicable, `[u]` low reliability, `[w]` no or
//   negligible, `[low]`, `:` and `..` not available, `-` nil, `*` suppressed, and the bare `c`/`x`/`z`/`NA`):
//   a symbol is a marker only in a column that is otherwise numeric (or a date); in a text column it is data.
// Censored values (`<5`, `*<5`, `>1000`) are markers of the symbol kind too (the value is not known), and so are
// bracketed shares under a value (`(6.2%)`).

const NULLS = new Set(['n/a', 'null', '#n/a']);

const SYMBOLS = new Set([
  '*',
  '**',
  '***',
  '-',
  '--',
  '–',
  '—',
  'c',
  'x',
  'z',
  ':',
  '..',
  '...',
  '~',
  'na',
  '[c]',
  '[x]',
  '[z]',
  '[u]',
  '[w]',
  '[d]',
  '[low]',
  '[na]',
]);

/** `<5`, `< 25`, `*<5`, `<=10`, `>1000`, `≤5`: a value only known to be below (or above) a bound. */
export const CENSORED = /^\*?\s*(?:<=?|>=?|≤|≥)\s*£?\d[\d,]*(?:\.\d+)?%?$/;

/** `(6.2%)`, `(100.0%)`: a second figure in brackets under a value (its share of the total); not the value. */
export const BRACKETED = /^\(\s*[+-]?\d[\d,]*(?:\.\d+)?%?\s*\)$/;

export interface Marker {
  /** the trimmed cell text */
  text: string;
  /** true for symbols and censored values (data in a text column), false for null spellings */
  symbol: boolean;
}

/** The marker a trimmed cell text stands for, or undefined when it is not a marker. */
export function markerOf(text: string): Marker | undefined {
  if (text.length > 16) return undefined;
  const lower = text.toLowerCase();
  if (NULLS.has(lower)) return { text, symbol: false };
  if (SYMBOLS.has(lower) || CENSORED.test(text) || BRACKETED.test(text)) return { text, symbol: true };
  return undefined;
}
