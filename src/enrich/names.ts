// Identifiers are ours, not the source's or the model's: ^[a-z][a-z0-9_]{0,62}$, unique, never `_dw_*`.

export { IDENT } from '../ident.js';

const MONTH_WORDS =
  /\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\b/g;

export function slug(text: string, max = 63): string {
  let s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/%/g, ' pct ')
    .replace(/£/g, ' gbp ')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (s.length > max) s = s.slice(0, max).replace(/_+$/, '');
  return s;
}

/** A legal identifier for `text`, with `fallback` when nothing usable is left. */
export function safeIdent(text: string, fallback = 'col', max = 63): string {
  let s = slug(text, max);
  if (!s) s = fallback;
  if (!/^[a-z]/.test(s)) s = `${fallback[0] === 'c' ? 'c' : 't'}_${s}`;
  if (s.startsWith('dw_') || s.startsWith('_dw')) s = `src_${s}`;
  return s.slice(0, max).replace(/_+$/, '') || fallback;
}

/** Strip what changes between editions of the same file: dates, years, months, file ids, edition words. */
export function stableName(text: string): string {
  return slug(
    text
      .replace(/\.[a-z0-9]{2,4}$/i, '')
      .replace(/^\d+[.)_ -]+/, '')
      .toLowerCase()
      .replace(MONTH_WORDS, ' ')
      .replace(/\b(19|20)\d{2}\b/g, ' ')
      .replace(/\b\d{2}[-/]\d{2}\b/g, ' ')
      .replace(/\b(xlsx|xls|csv|zip|ods|\d+[km]b|revised|final|provisional|v\d+)\b/g, ' ')
      .replace(/\b[a-z]*\d+[a-z0-9]*\b/g, (w) => (/^[a-z]+\d{1,2}$/.test(w) ? w : ' ')),
    40,
  );
}

/** Make `name` unique against `taken` by appending _2, _3 ... within 63 characters. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) {
    const suffix = `_${n}`;
    candidate = name.slice(0, 63 - suffix.length).replace(/_+$/, '') + suffix;
  }
  taken.add(candidate);
  return candidate;
}

/** A legal data column name: never one of the loader's provenance columns (`_dw_*`, and `dw_*` look-alikes). */
export function legalColumn(name: string): string {
  const s = safeIdent(name, 'col');
  return /^_?dw_/.test(s) ? `src_${s}`.slice(0, 63).replace(/_+$/, '') : s;
}

/** `<pub>_<name>` as a legal table name of at most 63 characters (the prefix is not doubled). */
export function prefixedTable(pub: string, name: string): string {
  const s = safeIdent(name, 'table', Math.max(8, 63 - pub.length - 1));
  const out = s.startsWith(`${pub}_`) ? s : `${pub}_${s}`;
  return out.slice(0, 63).replace(/_+$/, '');
}
