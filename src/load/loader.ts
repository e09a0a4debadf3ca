// loadFile: one downloaded file -> its staging tables + ledger rows, in a single transaction.
import type { ExtractedTable, LoadResult, SourcePlan, TableSource } from '../model.js';
import type { Db, Tx } from './db.js';
import { assertDataColumn, assertIdent, qualified, quoteIdent } from './ident.js';
import {
  LEDGER,
  LEDGER_KEY,
  STAGING_SCHEMA,
  columnsOf,
  createStagingTable,
  evolveColumns,
  lockTables,
} from './schema.js';
import type { LoadTap } from './tap.js';
import { sourcesToSupersede, supersede, type FileRef } from './history.js';
import { addFlagsColumn, copyRawCsv, copyRows, type CopyTarget } from './copy.js';
import { FLAGS_COLUMN } from './values.js';
import { narrowColumns } from './narrow.js';
import { ROW_KIND_COLUMN, markRowKinds } from './row-kind.js';
import { reconcilePart, reconciliationWarnings } from './reconcile.js';
import { openSink, reconcileColumns } from './load-parts.js';
import { EXTRACTOR_VERSION } from '../manifest/extract/version.js';
import { faultPoint } from '../faults.js';

export interface LoadTableInput {
  source: SourcePlan;
  /** the rows in memory (workbooks, tests) ... */
  table?: ExtractedTable;
  /** ... or streamed from their source */
  rows?: TableSource;
  /** sheet name, zip member or table id: the ledger's `sheet` */
  sheet: string;
}

export interface LoadFileInput {
  pub: string;
  period: string;
  fileUrl: string;
  sha256: string;
  tables: LoadTableInput[];
  /** the item's version these rows belong to (the ledger's `version`) */
  version?: number;
  /** files of the item this one replaces (a `-revised` twin's original): their rows move to history in this
   * file's transaction, as do those this URL loaded with other bytes */
  supersede?: FileRef[];
  /** the extractor version the rows came from (default: the current one); a table the ledger holds from another
   * version is loaded again even when the file is unchanged */
  extractor?: string;
}

export interface LoadFileOptions {
  /** rows per COPY chunk (default 50 000) */
  chunkRows?: number;
  /** rows copied so far for this file, after each chunk */
  onProgress?(rowsSoFar: number): void;
  /** sees the rows as they are copied (the export writes Parquet from them) */
  tap?: LoadTap;
  /** false: never COPY raw bytes (always the typed rows) */
  fastPath?: boolean;
  /** after each COPY chunk has been handed to the database, inside the transaction (chunk is 1-based) */
  onChunk?(info: { table: string; chunk: number }): void | Promise<void>;
}

export const DEFAULT_CHUNK_ROWS = 50_000;

/** A load failure; everything of the file was rolled back. */
export class LoadError extends Error {
  readonly fileUrl: string;
  readonly table?: string;
  readonly sheet?: string;
  constructor(fileUrl: string, where: { table?: string; sheet?: string }, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    const at = where.table
      ? ` at table staging.${where.table}${where.sheet !== undefined ? ` (sheet ${JSON.stringify(where.sheet)})` : ''}`
      : '';
    super(`loading ${fileUrl} failed${at}: ${msg}`, { cause });
    this.name = 'LoadError';
    this.fileUrl = fileUrl;
    this.table = where.table;
    this.sheet = where.sheet;
  }
}

interface PreparedTable {
  entry: LoadTableInput;
  table: string;
  columns: string[];
  rows: TableSource;
  /** re-derive each batch's types from its values (rows that did not come through the typing extractor) */
  check: boolean;
}

/** In-memory rows as a source; their declared types are checked against the values batch by batch. */
function tableSource(table: ExtractedTable): TableSource {
  if (table.sourceRows && table.sourceRows.length !== table.rows.length) {
    throw new Error(
      `rows (${table.rows.length}) and sourceRows (${table.sourceRows.length}) differ in length`,
    );
  }
  return {
    spec: table.spec,
    sample: [],
    async *batches(n: number) {
      const types = table.spec.columns.map((c) => c.type ?? 'text');
      for (let i = 0; i < table.rows.length; i += n) {
        yield {
          rows: table.rows.slice(i, i + n),
          sourceRows: table.sourceRows?.slice(i, i + n) ?? [],
          types,
          ...(table.flags ? { flags: table.flags.slice(i, i + n) } : {}),
        };
      }
    },
  };
}

function prepare(entry: LoadTableInput): PreparedTable {
  const { source } = entry;
  if (!source || !(entry.table || entry.rows))
    throw new Error('each table needs a source plan and its rows (table or rows)');
  const name = assertIdent(source.sourceCode, 'table name (sourceCode)');
  const columns = source.columns.map((c) => assertDataColumn(c.name));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new Error(`duplicate column name ${JSON.stringify(c)}`);
    seen.add(c);
  }
  const rows = entry.rows ?? tableSource(entry.table!);
  if (rows.spec?.columns && rows.spec.columns.length !== columns.length) {
    throw new Error(
      `source plan has ${columns.length} columns but the extracted table has ${rows.spec.columns.length}`,
    );
  }
  if (entry.table && !entry.rows) {
    // declared types, then each batch checked against its values
    rows.spec = { ...rows.spec, columns: source.columns.map((c) => ({ ...c, type: c.type ?? 'text' })) };
  }
  return { entry, table: name, columns, rows, check: !entry.rows };
}

/** A SQL string literal (standard_conforming_strings: only quotes need doubling; NUL cannot be stored). */
function sqlLiteral(s: string): string {
  return `'${s.split('\u0000').join('').replace(/'/g, "''")}'`;
}

/** COPY the table's rows into `t` (the raw CSV fast path when it can, else batch by batch), feeding the tap. */
async function copyTable(
  tx: Tx,
  input: LoadFileInput,
  p: PreparedTable,
  t: CopyTarget,
  opts: LoadFileOptions,
  progress: { rows: number },
): Promise<{ copied: number; fast: boolean }> {
  const { entry, table } = p;
  let fast = false;
  const hooks = {
    rowsBefore: progress.rows,
    onRows: opts.onProgress,
    onChunk: opts.onChunk ? (chunk: number) => opts.onChunk!({ table, chunk }) : undefined,
    sink: opts.tap ? await openSink(tx, opts.tap, input, entry.sheet, t, p.rows.spec.rowKinds) : undefined,
  };
  let copied: number | undefined;
  try {
    copied = p.rows.raw && opts.fastPath !== false ? await copyRawCsv(tx, t, p.rows.raw, hooks) : undefined;
    if (copied === undefined) {
      const chunkRows = Math.max(1, Math.floor(opts.chunkRows ?? DEFAULT_CHUNK_ROWS));
      copied = await copyRows(tx, t, p.rows.batches(chunkRows), { ...hooks, check: p.check });
    } else fast = true;
    await hooks.sink?.end(copied);
  } catch (e) {
    hooks.sink?.fail();
    throw e;
  }
  return { copied, fast };
}

/** The ledger row of a loaded file/sheet/table (inserted, or the earlier one replaced). */
async function recordLoaded(
  tx: Tx,
  key: unknown[],
  entry: LoadTableInput,
  input: LoadFileInput,
  copied: number,
  extractor: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${LEDGER} (pub, period, file_url, sheet, table_name, source_code, sha256, rows_loaded, status, loaded_at, error, version, extractor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'loaded', now(), NULL, $9, $10)
     ON CONFLICT (${LEDGER_KEY.join(', ')}) DO UPDATE
        SET source_code = EXCLUDED.source_code, rows_loaded = EXCLUDED.rows_loaded, status = 'loaded',
            loaded_at = now(), error = NULL, version = EXCLUDED.version, superseded_in = NULL, superseded_at = NULL,
            extractor = EXCLUDED.extractor`,
    [...key, entry.source.sourceCode, input.sha256, copied, input.version ?? null, extractor],
  );
}

async function loadTable(
  tx: Tx,
  input: LoadFileInput,
  p: PreparedTable,
  opts: LoadFileOptions,
  progress: { rows: number },
): Promise<LoadResult['files'][number]> {
  const { entry, table } = p;
  const key = [input.pub, input.period, input.fileUrl, entry.sheet, entry.source.tableName];
  const base = { file_url: input.fileUrl, sheet: entry.sheet, table_name: entry.source.tableName };

  const extractor = input.extractor ?? EXTRACTOR_VERSION;
  const prior = await tx.query<{ sha256: string; status: string; extractor: string | null }>(
    `SELECT sha256, status, extractor FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND file_url = $3 AND sheet = $4 AND table_name = $5 AND status = 'loaded'
      FOR UPDATE`,
    key,
  );
  const p0 = prior[0];
  if (p0 && p0.status === 'loaded' && p0.sha256 === input.sha256 && p0.extractor === extractor) {
    return { ...base, rows_loaded: 0, status: 'skipped' };
  }

  await createStagingTable(tx, table);
  const wanted = p.columns.map((name, j) => ({ name, type: p.rows.spec.columns[j]?.type ?? 'text' }));
  const { types } = await evolveColumns(tx, table, wanted);
  const { rowKinds } = p.rows.spec;
  const t: CopyTarget = { table, columns: p.columns, types: p.columns.map((c) => types.get(c)!), rowKinds };
  t.flags = (await columnsOf(tx, STAGING_SCHEMA, table)).some((c) => c.name === FLAGS_COLUMN);
  // flags the extractor already counted: the column goes in before the Parquet sink reads the table's shape
  if (p.rows.spec.columns.some((c) => c.flagged) || entry.table?.flags?.some(Boolean))
    await addFlagsColumn(tx, t);

  const target = qualified(STAGING_SCHEMA, table);
  // Replace semantics: whatever this file/sheet put in the table before goes (no-op on a first load).
  await tx.query(
    `DELETE FROM ${target} WHERE "_dw_file_url" = $1 AND "_dw_period" = $2 AND "_dw_sheet" = $3`,
    [input.fileUrl, input.period, entry.sheet],
  );
  // a column an older extractor loaded as text narrows to the number this file's spec says, once the table
  // holds nothing else (src/load/narrow.ts)
  const narrow = await narrowColumns(tx, table, wanted, t.types, { pub: input.pub, extractor });

  // The file's constant provenance (period, URL, sha256, sheet) goes in as column defaults for the length of
  // the COPY rather than on every line. ALTER ... SET DEFAULT is catalog-only and, like the rows, undone on
  // rollback.
  const constants: [string, string][] = [
    ['_dw_period', input.period],
    ['_dw_file_url', input.fileUrl],
    ['_dw_sha256', input.sha256],
    ['_dw_sheet', entry.sheet],
    [ROW_KIND_COLUMN, 'detail'],
  ];
  await tx.query(
    `ALTER TABLE ${target} ${constants.map(([c, v]) => `ALTER COLUMN ${quoteIdent(c)} SET DEFAULT ${sqlLiteral(v)}`).join(', ')}`,
  );
  const { copied, fast } = await copyTable(tx, input, p, t, opts, progress);
  progress.rows += copied;
  // the fast path's totals and subtotals marked in the file's transaction (typed rows carried theirs)
  const part = { fileUrl: input.fileUrl, period: input.period, sheet: entry.sheet };
  if (fast) await markRowKinds(tx, target, rowKinds, p.columns, part);
  const reconciliation = await reconcilePart(
    tx,
    target,
    reconcileColumns(t, p.rows.spec.columns, p.entry.source.columns),
    part,
    fast ? undefined : (t.totalRows ?? 0),
  );
  const warnings = [...narrow.warnings, ...reconciliationWarnings(table, reconciliation)];
  await tx.query(
    `ALTER TABLE ${target} ${constants.map(([c]) => `ALTER COLUMN ${quoteIdent(c)} DROP DEFAULT`).join(', ')}`,
  );
  if (p.check && entry.table && copied !== entry.table.rows.length)
    throw new Error(`COPY reported ${copied} rows, expected ${entry.table.rows.length}`);

  await recordLoaded(tx, key, entry, input, copied, extractor);
  return {
    ...base,
    rows_loaded: copied,
    status: 'loaded',
    fast,
    types: Object.fromEntries(t.columns.map((c, j) => [c, t.types[j]])),
    ...(narrow.narrowed.length ? { narrowed: narrow.narrowed.map((n) => n.column) } : {}),
    ...(warnings.length ? { warnings } : {}),
    ...(reconciliation ? { reconciliation } : {}),
  };
}

/** Tables of one file per transaction (see loadFile). */
export const TABLES_PER_TRANSACTION = 500;

/**
 * Load every table of one file in ONE transaction (a file of more than TABLES_PER_TRANSACTION tables: one per
 * group of that many): unchanged (same sha256) tables are skipped, changed
 * ones replace what the file loaded before, new columns are added and types widen as needed.
 * On any error nothing of the file stays (tables and ledger) and a LoadError naming file and table is thrown.
 */
export async function loadFile(
  db: Db,
  input: LoadFileInput,
  opts: LoadFileOptions = {},
): Promise<LoadResult> {
  const where: { table?: string; sheet?: string } = {};
  try {
    for (const k of ['pub', 'period', 'fileUrl', 'sha256'] as const) {
      if (typeof input[k] !== 'string' || input[k] === '')
        throw new Error(`input.${k} must be a non-empty string`);
    }
    const prepared: PreparedTable[] = [];
    const keys = new Set<string>();
    for (const entry of input.tables) {
      where.table = entry.source?.sourceCode;
      where.sheet = entry.sheet;
      if (typeof entry.sheet !== 'string') throw new Error('sheet must be a string');
      const k = JSON.stringify([entry.sheet, entry.source?.tableName]);
      if (keys.has(k))
        throw new Error(
          `sheet ${JSON.stringify(entry.sheet)} / table ${entry.source.tableName} appears twice`,
        );
      keys.add(k);
      prepared.push(prepare(entry));
    }
    where.table = undefined;
    where.sheet = undefined;

    const progress = { rows: 0 };
    let superseded: LoadResult['superseded'] = [];
    const files: LoadResult['files'] = [];
    // PostgreSQL's lock table holds max_locks_per_transaction x max_connections locks (6,400 by default) and a
    // new table takes several: a file of thousands of tables (a zip of 3,000 CSVs) loads in groups of tables, a
    // transaction each ("out of shared memory" otherwise). A group's ledger rows make it count on a re-run.
    // What the file replaces moves to history in the first group's transaction, before any new row loads.
    for (let g = 0; g === 0 || g < prepared.length; g += TABLES_PER_TRANSACTION) {
      const group = prepared.slice(g, g + TABLES_PER_TRANSACTION);
      const out = await db.transaction(async (tx) => {
        const self = { fileUrl: input.fileUrl, sha256: input.sha256 };
        const old = g === 0 ? await sourcesToSupersede(tx, input, input.supersede ?? [], self) : [];
        await lockTables(tx, [...group.map((p) => p.table), ...old.map((o) => o.table_name)]);
        if (g === 0) {
          // read again under the locks
          superseded = await sourcesToSupersede(tx, input, input.supersede ?? [], self);
          await supersede(tx, input, superseded, input.version ?? null);
        }
        const done: LoadResult['files'] = [];
        for (const p of group) {
          where.table = p.table;
          where.sheet = p.entry.sheet;
          done.push(await loadTable(tx, input, p, opts, progress));
        }
        where.table = undefined;
        where.sheet = undefined;
        await faultPoint('ledger');
        return done;
      });
      files.push(...out);
      await faultPoint('commit');
    }
    return { rowsLoaded: files.reduce((s, f) => s + f.rows_loaded, 0), files, superseded };
  } catch (err) {
    if (err instanceof LoadError) throw err;
    throw new LoadError(input.fileUrl, where, err);
  }
}
