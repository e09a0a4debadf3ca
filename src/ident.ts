// The one rule for identifiers DataWarp creates (table and column names): ^[a-z][a-z0-9_]{0,62}$, and data
// columns never `_dw_*` (the provenance columns are the loader's). Every stage checks names here; slugging
// header text into such names is the extractor's (src/manifest/extract/names.ts) and the enricher's
// (src/enrich/names.ts) job, and both end in these checks.

export const IDENT = /^[a-z][a-z0-9_]{0,62}$/;
/** a provenance column: `_dw_` and a legal rest */
export const PROVENANCE = /^_dw_[a-z0-9_]{1,59}$/;

export function isValidIdent(name: unknown): name is string {
  return typeof name === 'string' && IDENT.test(name);
}

/** A legal name that is not reserved for provenance. */
export function isDataName(name: unknown): name is string {
  return isValidIdent(name) && !/^_?dw_/.test(name);
}

/** Any column a staging table may have: a data name or a provenance column. */
export function isStagingName(name: unknown): name is string {
  return isValidIdent(name) || (typeof name === 'string' && PROVENANCE.test(name));
}
