// SQL-safe, unique column names derived from header text.

const MAX = 63;

function stripNotes(text: string): string {
  return text
    .replace(/\[\s*notes?\s*[\d\s,&and]*\]/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One legal name (^[a-z][a-z0-9_]{0,62}$, not starting with `_dw_`) for a header text. */
export function safeName(header: string, fallback: string): string {
  let s = stripNotes(header)
    .toLowerCase()
    .replace(/%/g, ' pct ')
    .replace(/£/g, ' gbp ')
    .replace(/&/g, ' and ')
    .replace(/\+/g, ' plus ')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!s) s = fallback;
  if (!/^[a-z]/.test(s)) s = `c_${s}`;
  s = s.slice(0, MAX).replace(/_+$/, '');
  return s || fallback;
}

/** Legal, unique names for a list of headers, in order. `reserved` names are taken already. */
export function columnNames(headers: string[], reserved: string[] = []): string[] {
  const used = new Set(reserved);
  return headers.map((h, i) => {
    const base = safeName(h, `col_${i + 1}`);
    let name = base;
    for (let k = 2; used.has(name); k++) {
      const suffix = `_${k}`;
      name = base.slice(0, MAX - suffix.length).replace(/_+$/, '') + suffix;
    }
    used.add(name);
    return name;
  });
}
