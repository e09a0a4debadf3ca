// The catalog's journal (catalog.json.journal, src/export/catalog.ts): one line per item, the tables it recomputed
// (each whole) and those it dropped. Appending is O(item); readCatalog folds the lines in, writeCatalogFile drops
// the journal once the whole file holds them. A line torn by a kill is skipped (its item was not recorded processed
// yet: it runs again).
import { appendFileSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

interface Named {
  table: string;
}

interface JournalLine<T extends Named> {
  generated_at: string;
  tables: T[];
  /** tables an item left with no loaded file (dropped from the catalog) */
  removed?: string[];
}

/** localeCompare's order with one collator (not one per comparison). */
export const order = new Intl.Collator().compare;

/** The journal of the catalog at `path`. */
export const catalogJournalPath = (path: string) => `${path}.journal`;

/** `catalog` with the journal of `path` folded in (later lines win), tables sorted by name. */
export function foldJournal<T extends Named, C extends { generated_at: string; tables: T[] }>(
  catalog: C,
  path: string,
): C {
  let text: string;
  try {
    text = readFileSync(catalogJournalPath(path), 'utf8');
  } catch {
    return catalog;
  }
  const byName = new Map(catalog.tables.map((t) => [t.table, t]));
  let generated = catalog.generated_at;
  for (const line of text.split('\n')) {
    let entry: JournalLine<T>;
    try {
      entry = JSON.parse(line) as JournalLine<T>;
    } catch {
      continue; // empty, or torn by a kill
    }
    if (!Array.isArray(entry?.tables)) continue;
    for (const name of entry.removed ?? []) byName.delete(name);
    for (const t of entry.tables) byName.set(t.table, t);
    if (entry.generated_at > generated) generated = entry.generated_at;
  }
  return {
    ...catalog,
    generated_at: generated,
    tables: [...byName.values()].sort((a, b) => order(a.table, b.table)),
  };
}

/**
 * Append tables (each whole, replacing the catalog's entry of that name) and the names of tables to drop to the
 * journal of the catalog at `path`.
 */
export function appendCatalogJournal<T extends Named>(
  path: string,
  tables: T[],
  now = new Date(),
  removed: string[] = [],
): void {
  if (!tables.length && !removed.length) return;
  mkdirSync(dirname(path), { recursive: true });
  const line: JournalLine<T> = {
    generated_at: now.toISOString(),
    tables,
    ...(removed.length ? { removed } : {}),
  };
  appendFileSync(catalogJournalPath(path), `${JSON.stringify(line)}\n`);
}

/** Remove the journal (the catalog file now holds it). */
export function dropJournal(path: string): void {
  try {
    unlinkSync(catalogJournalPath(path));
  } catch {
    // none
  }
}
