// Identifier validation and quoting. Everything that becomes a table or column name goes through here.

import { IDENT, isValidIdent } from '../ident.js';

export { isValidIdent };

export function assertIdent(name: string, what: string): string {
  if (!isValidIdent(name)) {
    throw new Error(`invalid ${what} ${JSON.stringify(name)}: must match ${IDENT.source}`);
  }
  return name;
}

/** Data columns must also stay clear of the loader's provenance columns. */
export function assertDataColumn(name: string): string {
  assertIdent(name, 'column name');
  if (name.startsWith('_dw_'))
    throw new Error(`invalid column name ${JSON.stringify(name)}: _dw_ is reserved`);
  return name;
}

/** Always quote, even validated names. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
