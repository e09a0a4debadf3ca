// The load step of one item: each file's tables get their names from the enrichment and go to loadFile (one
// transaction per file); the tables' specs are settled from what PostgreSQL counted.
import { basename } from 'node:path';
import { sourcePlan } from '../enrich/index.js';
import { exportPeriod, type ExportTable, type ExportedFile, type ParquetTap } from '../export/index.js';
import { hasLoadedFiles, loadFile, loadedPeriodsOf, type Db } from '../load/index.js';
import type { BuiltManifest } from '../manifest/index.js';
import type { EnrichedManifest, ReconciledPart, TableSpec } from '../model.js';
import type { PipelineDeps, PlanItem } from './types.js';
import type { VersionRun } from './versions.js';

export interface LoadedItem {
  rowsLoaded: number;
  touched: Map<string, ExportTable>;
  perTable: Map<string, { rows: number; columns: number }>;
  /** tables a column of which narrowed from text to a number (src/load/narrow.ts) */
  narrowed: Set<string>;
  /** parts with one total row: their total against their detail rows */
  reconciliation: ReconciledPart[];
}

export interface ItemLoad {
  deps: PipelineDeps;
  it: PlanItem;
  db: Db;
  built: BuiltManifest;
  enriched: EnrichedManifest;
  tap: ParquetTap;
  /** which files of the new set load, what each replaces, the version their rows belong to */
  run: VersionRun;
}

/** Load every file of an item, one transaction each; what each table received. */
export async function loadItem({ deps, it, db, built, enriched, tap, run }: ItemLoad): Promise<LoadedItem> {
  const out: LoadedItem = {
    rowsLoaded: 0,
    touched: new Map(),
    perTable: new Map(),
    narrowed: new Set(),
    reconciliation: [],
  };
  const r = deps.reporter;
  await refuseEmpty(db, it, built, deps.config.file);
  for (const [fi, { file, source }] of built.files.entries()) {
    const tables = source.tables.map((rows) => {
      const src = enriched.sources.find((s) => s.file_url === file.url && s.table_id === rows.spec.id)!;
      const plan = sourcePlan(src, rows.spec);
      out.touched.set(plan.tableName, {
        pub: it.pub.code,
        tableName: plan.tableName,
        description: plan.description,
        columns: plan.columns.map((c) => ({ name: c.name, header: c.header, description: c.description })),
      });
      return { source: plan, rows, sheet: rows.spec.id };
    });
    if (!tables.length) continue;
    const label = `load ${basename(new URL(file.url).pathname)}`;
    const res = await loadFile(
      db,
      {
        pub: it.pub.code,
        period: it.entry.period,
        fileUrl: file.url,
        sha256: file.sha256,
        tables,
        version: run.next,
        supersede: run.plan.supersede.get(file.url),
      },
      {
        chunkRows: deps.chunkRows,
        tap,
        onProgress: (rows: number) => r.progress(label, rows),
        onChunk: deps.onChunk ? (info) => deps.onChunk!({ item: it.key, file: fi + 1, ...info }) : undefined,
      },
    );
    r.done(label);
    const fast = res.files.filter((f) => f.fast).length;
    if (fast)
      r.info(
        `${it.key}  ${label.slice(5)}: ${fast} of ${res.files.length} tables COPYed from the file's own bytes`,
      );
    for (const f of res.files) for (const w of f.warnings ?? []) r.warn(`${it.key}  ${w}`);
    for (const f of res.files)
      if (f.reconciliation)
        out.reconciliation.push({
          table: f.table_name,
          file_url: f.file_url,
          sheet: f.sheet,
          ...f.reconciliation,
        });
    for (const f of res.files.filter((x) => x.narrowed)) {
      r.info(`${it.key}  ${f.table_name}: ${f.narrowed!.join(', ')} now numeric`);
      out.narrowed.add(f.table_name);
    }
    out.rowsLoaded += res.rowsLoaded;
    res.files.forEach((f, k) => {
      if (f.fast) settleFast(tables[k].rows.spec, f.rows_loaded);
      const t = out.perTable.get(f.table_name) ?? {
        rows: 0,
        columns: out.touched.get(f.table_name)?.columns.length ?? 0,
      };
      t.rows += f.rows_loaded;
      out.perTable.set(f.table_name, t);
    });
  }
  return out;
}

/** An item's first load whose files give no data rows (a header-only CSV, a zip of them) fails, naming the files,
 * unless its publication says `allow_empty: true`. A period loaded before (a --force re-run, a revision) may load
 * 0 rows. The row counts are the extractor's: a CSV's head holds every record of a file that short. */
async function refuseEmpty(db: Db, it: PlanItem, built: BuiltManifest, configFile: string): Promise<void> {
  if (it.pub.allowEmpty) return;
  const rows = built.files.reduce(
    (n, { source }) => n + source.tables.reduce((m, t) => m + t.spec.rowCount, 0),
    0,
  );
  if (rows > 0) return;
  if (await hasLoadedFiles(db, { pub: it.pub.code, period: it.entry.period })) return;
  const names = built.files.map(({ file }) => basename(new URL(file.url).pathname) || file.url);
  throw new Error(
    `no data rows in ${names.length ? names.join(', ') : 'any file'} (${it.entry.url}): a first load of ` +
      `${it.key} found only headers or empty files. If the publication can be empty, set ` +
      `\`allow_empty: true\` on ${it.pub.code} in ${configFile}; else check the URL.`,
  );
}

/** A table PostgreSQL parsed itself: its row count is COPY's, its types the head's (PostgreSQL took them all). */
function settleFast(spec: TableSpec, rows: number): void {
  spec.rowCount = rows;
  const end = /^A1:([A-Z]+)\d+$/.exec(spec.range ?? '');
  if (end) spec.range = `A1:${end[1]}${rows + spec.firstDataRow - 1}`;
}

/** The other periods of tables whose column narrowed: their Parquet is written again (streamed back), so every
 * period's file has the table's types. */
export async function exportNarrowed(
  db: Db,
  loaded: LoadedItem,
  period: string,
  outDir: string,
): Promise<ExportedFile[]> {
  const out: ExportedFile[] = [];
  for (const name of loaded.narrowed) {
    const table = loaded.touched.get(name);
    if (!table) continue;
    for (const p of await loadedPeriodsOf(db, name, period))
      out.push(...(await exportPeriod(db, { outDir, period: p, tables: [table] })));
  }
  return out;
}
