// The catalog: every table with its publication, periods, rows, columns (with descriptions) and files.
// Its one home: read (readCatalog, parseCatalog), write (writeCatalogFile: atomic, one table a line, so git stores
// a change as a small delta and the tree stays small) and the item's update (writeCatalog: only the tables an
// item touched are recomputed from the ledger; the others are kept as they are). The merge of two catalogs by
// key is the action's (src/action/merge.ts).
// Nothing rewrites the whole catalog per item: an item's recomputed tables are appended to a journal beside it
// (catalog.json.journal, one line per item); readCatalog folds the journal in, and flushCatalog writes the whole
// file once (a run's start and end, and before a commit). The journal line is appended before the item's state is
// written, so a run killed at any point leaves a journal the next run folds in (a torn last line is an item
// not recorded processed: it runs again).
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic.js';
import {
  laterVersionDiffs,
  loadedFilesOf,
  loadedTableNames,
  type Db,
  type LoadedFileRow,
} from '../load/index.js';
import type { ReconciledPart } from '../model.js';
import { provenanceDescription, type ExportTable } from './parquet.js';
import { faultPoint } from '../faults.js';
import {
  emptyCatalog,
  parseCatalog,
  serializeCatalog,
  type Catalog,
  type CatalogReconciliation,
  type CatalogTable,
  type CatalogVersion,
} from './catalog-format.js';
import {
  catalogJournalPath,
  dropJournal,
  foldJournal,
  appendCatalogJournal,
  order,
} from './catalog-journal.js';

/** The catalog file with its journal folded in (the tables items recomputed since the file was written). */
export function readCatalog(path: string): Catalog {
  let catalog: Catalog;
  try {
    catalog = parseCatalog(readFileSync(path, 'utf8'));
  } catch {
    catalog = emptyCatalog();
  }
  return foldJournal(catalog, path);
}

/** Fold the journal into the catalog file (one whole write); nothing to do without a journal. */
export function flushCatalog(path: string): boolean {
  if (!existsSync(catalogJournalPath(path))) return false;
  writeCatalogFile(path, readCatalog(path));
  return true;
}

let writes = 0;
/** Whole-catalog writes by this process (tests count them). */
export const catalogWrites = () => writes;

/**
 * Write the catalog atomically (temp file, then rename) and drop its journal: `catalog` is the whole catalog, its
 * journal folded in (what readCatalog returns).
 */
export function writeCatalogFile(path: string, catalog: Catalog): void {
  writeFileAtomic(path, serializeCatalog(catalog), { beforeRename: () => void faultPoint('catalog') });
  writes++;
  dropJournal(path);
}

/**
 * After an item: the tables it touched (`described`) recomputed from the ledger and the database (descriptions
 * from `described` or the old catalog) and appended to the catalog's journal; every other table is kept as it
 * was. The work is the item's tables, not the whole ledger, and the whole file is not rewritten (flushCatalog).
 */
export async function writeCatalog(
  db: Db,
  path: string,
  described: ExportTable[],
  now = new Date(),
  reconciled?: { period: string; parts: ReconciledPart[] },
): Promise<Catalog> {
  const old = readCatalog(path);
  // the item's tables, and any table of the ledger the file does not list yet (another process's, sharing the
  // database): the file converges on the ledger without a whole rebuild
  const listed = new Set(old.tables.map((t) => t.table));
  const inLedger = await loadedTableNames(db);
  const names = [
    ...new Set([...described.map((t) => t.tableName), ...inLedger.filter((n) => !listed.has(n))]),
  ];
  const fresh = await catalogTables(db, old, described, names, reconciled);
  const touched = new Set(names);
  const catalog: Catalog = {
    generated_at: now.toISOString(),
    tables: [...old.tables.filter((t) => !touched.has(t.table)), ...fresh].sort((a, b) =>
      order(a.table, b.table),
    ),
  };
  const kept = new Set(fresh.map((t) => t.table));
  const removed = names.filter((n) => listed.has(n) && !kept.has(n));
  appendCatalogJournal(path, fresh, now, removed);
  return catalog;
}

/** The catalog entries of the named tables, from the ledger (tables with no loaded file have none). */
async function catalogTables(
  db: Db,
  old: Catalog,
  described: ExportTable[],
  names: string[],
  reconciled?: { period: string; parts: ReconciledPart[] },
): Promise<CatalogTable[]> {
  if (!names.length) return [];
  const list = names.join(','); // table names are identifiers (no commas)
  const oldByTable = new Map(old.tables.map((t) => [t.table, t]));
  const newByTable = new Map(described.map((t) => [t.tableName, t]));
  const ledger = await loadedFilesOf(db, names);
  const versions = await tableVersions(db, [...new Set(ledger.map((l) => l.pub))]);
  const cols = await db.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'staging' AND table_name = ANY(string_to_array($1, ','))
      ORDER BY table_name, ordinal_position`,
    [list],
  );
  const tables = tablesFromLedger(ledger, newByTable, oldByTable);
  for (const t of tables.values()) {
    // a database rebuilt from the catalog (the action's) knows version numbers, not earlier diffs: kept from it
    const mine = versions.get(t.table) ?? [];
    const kept = (oldByTable.get(t.table)?.versions ?? []).filter(
      (o) => !mine.some((v) => v.period === o.period && v.version === o.version),
    );
    const list = [...kept, ...mine]
      .filter((v) => t.periods.includes(v.period))
      .sort((a, b) => a.period.localeCompare(b.period) || a.version - b.version);
    if (list.length) t.versions = list;
    const rec = reconciliationOf(
      t,
      oldByTable.get(t.table)?.reconciliation,
      newByTable.has(t.table),
      reconciled,
    );
    if (rec.length) t.reconciliation = rec;
  }
  for (const c of cols) {
    const t = tables.get(c.table_name);
    if (!t) continue;
    const d = newByTable.get(c.table_name)?.columns.find((x) => x.name === c.column_name);
    const o = oldByTable.get(c.table_name)?.columns.find((x) => x.name === c.column_name);
    t.columns.push({
      name: c.column_name,
      type: c.data_type,
      header: d?.header ?? o?.header,
      description: d?.description ?? o?.description ?? provenanceDescription(c.column_name),
    });
  }
  return [...tables.values()];
}

/** One loaded file of the ledger, as catalogTables reads it. */
type LedgerRow = LoadedFileRow;

/** The catalog entries built from the ledger's loaded files (rows, periods, files; descriptions kept). */
function tablesFromLedger(
  ledger: LedgerRow[],
  newByTable: Map<string, ExportTable>,
  oldByTable: Map<string, CatalogTable>,
): Map<string, CatalogTable> {
  const tables = new Map<string, CatalogTable>();
  for (const l of ledger) {
    let t = tables.get(l.table_name);
    if (!t) {
      const d = newByTable.get(l.table_name);
      const o = oldByTable.get(l.table_name);
      t = {
        table: l.table_name,
        publication: l.pub,
        description: d?.description ?? o?.description ?? '',
        periods: [],
        rows: 0,
        columns: [],
        files: [],
        ...(o?.assets ? { assets: o.assets } : {}), // recorded by the action's uploads: kept
      };
      tables.set(l.table_name, t);
    }
    const n = Number(l.rows_loaded);
    t.rows += n;
    if (!t.periods.includes(l.period)) t.periods.push(l.period);
    t.files.push({
      period: l.period,
      url: l.file_url,
      sheet: l.sheet,
      sha256: l.sha256,
      rows: n,
      ...(l.version ? { version: Number(l.version) } : {}),
      ...(l.extractor ? { extractor: l.extractor } : {}),
    });
  }
  return tables;
}

/** The table's reconciliations: this run's for its period, the old catalog's for the parts it still holds. */
function reconciliationOf(
  t: CatalogTable,
  old: CatalogReconciliation[] | undefined,
  loadedNow: boolean,
  reconciled?: { period: string; parts: ReconciledPart[] },
): CatalogReconciliation[] {
  const fresh = (reconciled?.parts ?? [])
    .filter((p) => p.table === t.table)
    .map((p) => ({ ...p, period: reconciled!.period }));
  const kept = (old ?? []).filter((o) => !(loadedNow && o.period === reconciled?.period));
  const held = new Set(t.files.map((f) => `${f.period}\u0000${f.url}\u0000${f.sheet}`));
  return [...kept, ...fresh].filter((r) => held.has(`${r.period}\u0000${r.file_url}\u0000${r.sheet}`));
}

/** Each table's diff in every version after the first (the load stage's versions), oldest first. */
async function tableVersions(db: Db, pubs: string[]): Promise<Map<string, CatalogVersion[]>> {
  const out = new Map<string, CatalogVersion[]>();
  for (const r of await laterVersionDiffs(db, pubs)) {
    for (const d of r.diff) {
      const list = out.get(d.table) ?? [];
      list.push({
        period: r.period,
        version: r.version,
        loaded_at: r.loaded_at,
        rows_added: d.rows_added,
        rows_removed: d.rows_removed,
        rows_changed: d.rows_changed,
        cells_changed: d.cells_changed,
      });
      out.set(d.table, list);
    }
  }
  return out;
}
