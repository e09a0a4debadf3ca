// Suppression / missing-value markers used across NHS statistical publications. They load as NULL.

const MARKERS = new Set([
  '*',
  '-',
  'c',
  'z',
  ':',
  '..',
  'x',
  '[c]',
  '[z]',
  '[x]',
  'n/a',
  'N/A',
  'NULL',
  '#N/A',
  'NA',
  '–',
  '—',
]);

/** The marker a trimmed cell text stands for, or undefined when it is not a marker. */
export function markerOf(text: string): string | undefined {
  if (text.length > 4) return undefined;
  if (MARKERS.has(text)) return text;
  const lower = text.toLowerCase();
  if (lower === 'n/a' || lower === '[c]' || lower === '[z]' || lower === '[x]') return lower;
  return undefined;
}
