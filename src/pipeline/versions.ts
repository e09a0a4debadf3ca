// The version side of processing an item: which files of the new set load (and what each replaces), the
// previous Parquet kept as <period>__v<n>.parquet, the removed files superseded, the version recorded with its
// diff. Every load of an item goes through here: a first load is version 1, a revision or a --force reload of
// changed files the next one; a reload that changes nothing makes no version.
import { copyFileSync, existsSync } from 'node:fs';
import type { ExportTable, ExportedFile } from '../export/index.js';
import { parquetPath, readCatalog, versionedParquetPath } from '../export/index.js';
import {
  loadedSourcesOf,
  recordVersion,
  rowsBeforeVersion,
  supersedeFile,
  versionState,
  type Db,
  type ItemVersion,
} from '../load/index.js';
import type { BuiltManifest, ManifestStore } from '../manifest/index.js';
import type { EnrichedManifest, Manifest } from '../model.js';
import { planRevision, type RevisionPlan } from './revision.js';

export interface VersionRun {
  pub: string;
  period: string;
  /** the version this run's rows belong to */
  next: number;
  /** the last complete version before this run (0: never loaded) */
  current: number;
  plan: RevisionPlan;
}

/** Link titles of the current version's files (its manifest from the store, read before this run overwrites
 * it; on a fresh runner from the manifests branch). */
export function currentTitles(store: ManifestStore, pub: string, period: string): Map<string, string> {
  try {
    const m = store.read(pub, period, 'manifest');
    return new Map((m?.files ?? []).map((f) => [f.url, f.title]));
  } catch {
    return new Map();
  }
}

export async function planVersion(
  db: Db,
  item: { pub: string; period: string },
  built: BuiltManifest,
  titles: Map<string, string>,
): Promise<VersionRun> {
  const st = await versionState(db, item);
  const plan = planRevision(
    st.files.map((f) => ({ ...f, title: titles.get(f.url) })),
    built.files.map(({ file }) => ({ url: file.url, sha256: file.sha256, title: file.title })),
  );
  return { ...item, next: st.next, current: st.current, plan };
}

export const versionedParquet = versionedParquetPath;

/**
 * Before a version replaces rows: the current Parquet of every table it changes is kept as
 * <period>__v<current>.parquet (once; a re-run after a kill finds it there).
 */
export async function keepPreviousParquet(
  db: Db,
  run: VersionRun,
  built: BuiltManifest,
  enriched: EnrichedManifest,
  outDir: string,
): Promise<void> {
  if (!run.plan.changes || run.current < 1) return;
  const tables = new Set<string>();
  const cur = await loadedSourcesOf(db, run);
  const skipped = new Set(run.plan.skipped.map((s) => s.url));
  const loading = built.files.filter(({ file }) => !skipped.has(file.url)).map(({ file }) => file);
  const replaced = new Set([
    ...run.plan.removed.map((r) => r.fileUrl),
    ...[...run.plan.supersede.values()].flat().map((r) => r.fileUrl),
    ...cur
      .filter((c) => loading.some((f) => f.url === c.file_url && f.sha256 !== c.sha256))
      .map((c) => c.file_url),
  ]);
  for (const c of cur) if (replaced.has(c.file_url)) tables.add(c.table_name);
  for (const f of loading)
    if (!cur.some((c) => c.file_url === f.url && c.sha256 === f.sha256))
      for (const s of enriched.sources.filter((x) => x.file_url === f.url)) tables.add(s.source_code);
  for (const t of tables) {
    const from = parquetPath(outDir, t, run.period);
    const to = versionedParquet(outDir, t, run.period, run.current);
    if (existsSync(from) && !existsSync(to)) copyFileSync(from, to);
  }
}

export interface VersionDone {
  version?: ItemVersion;
  /** tables whose rows this version superseded but did not load again (their Parquet is rewritten) */
  supersededTables: ExportTable[];
  /** the kept Parquet of the version before */
  kept: ExportedFile[];
}

/** After the files of the new set loaded: removed files superseded (a transaction each), the version recorded. */
export async function finishVersion(
  db: Db,
  run: VersionRun,
  opts: { reason?: string; outDir: string; catalogPath: string; touched: Set<string> },
): Promise<VersionDone> {
  for (const r of run.plan.removed) await supersedeFile(db, run, r, run.next);
  const version = await recordVersion(db, run, run.next, opts.reason);
  const done: VersionDone = { version, supersededTables: [], kept: [] };
  if (!version || version.version < 2) return done;
  const rowsBefore = await rowsBeforeVersion(db, run, version.version);
  const catalog = readCatalog(opts.catalogPath);
  for (const t of new Set(version.diff.map((d) => d.table))) {
    if (!opts.touched.has(t)) {
      const c = catalog.tables.find((x) => x.table === t);
      done.supersededTables.push({
        pub: run.pub,
        tableName: t,
        description: c?.description ?? '',
        columns: (c?.columns ?? []).map((x) => ({
          name: x.name,
          header: x.header,
          description: x.description,
        })),
      });
    }
    const path = versionedParquet(opts.outDir, t, run.period, version.version - 1);
    if (existsSync(path))
      done.kept.push({
        table: t,
        period: run.period,
        path,
        rows: rowsBefore.get(t) ?? 0,
        version: version.version - 1,
      });
  }
  return done;
}

/** What the manifest records of the version: its number, its diff, the files found but not loaded. */
export function manifestVersion(v: ItemVersion | undefined, run: VersionRun): Partial<Manifest> {
  const out: Partial<Manifest> = { version: v?.version ?? run.current };
  if (v && v.version > 1)
    out.diff = {
      previous: v.version - 1,
      rows_added: v.rows_added,
      rows_removed: v.rows_removed,
      rows_changed: v.rows_changed,
      cells_changed: v.cells_changed,
      tables: v.diff,
    };
  if (run.plan.skipped.length) out.not_loaded = run.plan.skipped;
  return out;
}

/** "+3 / -1 rows, 5 cells changed in 4 rows" */
export function diffText(
  v: Pick<ItemVersion, 'rows_added' | 'rows_removed' | 'rows_changed' | 'cells_changed'>,
): string {
  return `+${v.rows_added} / -${v.rows_removed} rows, ${v.cells_changed} cells changed in ${v.rows_changed} rows`;
}
