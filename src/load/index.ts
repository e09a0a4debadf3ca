// Public entry of the loader: database access (server or PGlite), schema, loadFile and ledger queries.
export { openDb } from './open.js';
export { DbUnavailableError, DEFAULT_PGLITE_DIR, lostConnection, lostDuring } from './db.js';
export type { Db, Tx, DbKind, OpenDbOptions } from './db.js';
export { ensureSchema, STAGING_SCHEMA, META_SCHEMA, META_OBJECTS, HISTORY_SCHEMA } from './schema.js';
export { loadFile, LoadError, DEFAULT_CHUNK_ROWS } from './loader.js';
export type { LoadFileInput, LoadFileOptions, LoadTableInput } from './loader.js';
export { ledgerRows, ledgerTotals, tableColumns } from './ledger.js';
export type { LedgerRow, PublicationTotals } from './ledger.js';
export {
  hasLoadedFiles,
  ledgerEntries,
  loadedFilesOf,
  loadedPartsOf,
  loadedPeriodsOf,
  loadedRowCount,
  loadedSourcesOf,
  loadedTableNames,
} from './ledger-queries.js';
export type { LedgerEntry, LoadedFileRow, LoadedPart } from './ledger-queries.js';
export { insertCatalogFile, markVersionComplete, recordRestoredSource } from './ledger-restore.js';
export type { CatalogLedgerFile, RestoredSource } from './ledger-restore.js';
export { isValidIdent, quoteIdent } from './ident.js';
export { plainNumber, flagsJson, FLAGS_COLUMN } from './values.js';
export { ROW_KIND_COLUMN, kindText, rowKindOf } from './row-kind.js';
export { recordLlmCalls } from './llm-calls.js';
export type { LlmCallRow } from './llm-calls.js';
export type { LoadTap, TableSink, TapTable } from './tap.js';
export { supersedeFile } from './history.js';
export type { FileRef, SupersededSource } from './history.js';
export {
  laterVersionDiffs,
  listVersions,
  recordVersion,
  rowsBeforeVersion,
  versionState,
} from './versions.js';
export type { ItemVersion, VersionDiffs, VersionFile, VersionState } from './versions.js';
export type { TableDiff } from './diff.js';
