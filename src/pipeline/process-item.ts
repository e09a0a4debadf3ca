// Processing one item: manifest -> version plan -> enrich -> load (one transaction per file) -> version recorded
// -> export. The stages' order for an item; src/pipeline/backfill.ts plans the items and records their outcomes.
import { basename, join } from 'node:path';
import { enrichManifest, formatDrift } from '../enrich/index.js';
import { ParquetTap, exportPeriod, writeCatalog, type ExportedFile } from '../export/index.js';
import { recordLlmCalls, type Db, type ItemVersion } from '../load/index.js';
import {
  buildManifest,
  manifestFile,
  manifestStore,
  type BuiltManifest,
  type ManifestStore,
} from '../manifest/index.js';
import type { DriftReport, ReconciledPart } from '../model.js';
import type { PipelineDeps, PlanItem } from './types.js';
import { docText, findReference } from './files.js';
import { exportNarrowed, loadItem } from './load-item.js';
import {
  currentTitles,
  finishVersion,
  keepPreviousParquet,
  manifestVersion,
  planVersion,
} from './versions.js';

export interface ItemResult {
  rowsLoaded: number;
  tables: { table: string; rows: number; columns: number }[];
  drift?: DriftReport;
  exported: ExportedFile[];
  version?: ItemVersion;
  currentVersion: number;
  /** parts with one total row: their total against their detail rows */
  reconciliation?: ReconciledPart[];
}

/** Stable names and descriptions for the item's tables: the reference (configured or rolling), the LLM, or
 * deterministic names. */
async function enrich(deps: PipelineDeps, it: PlanItem, store: ManifestStore, built: BuiltManifest) {
  return enrichManifest(built.manifest, {
    pubName: it.pub.name,
    reference: findReference(store, deps.config.file, it.pub, it.entry.period),
    namer: deps.namer,
    samples: new Map(
      built.files.flatMap(({ file, source }) =>
        source.tables.map((t) => [`${file.url}#${t.spec.id}`, t.sample] as const),
      ),
    ),
    docs: new Map(built.files.map(({ file, source }) => [file.url, docText(source)])),
    log: deps.reporter.warn,
  });
}

export async function processItem(
  deps: PipelineDeps,
  it: PlanItem,
  db: Db,
  reason?: string,
): Promise<ItemResult> {
  const { pub, entry } = it;
  const r = deps.reporter;
  const now = (deps.clock ?? (() => new Date()))();
  const store = manifestStore(deps.paths.manifests);
  const titles = currentTitles(store, pub.code, entry.period);

  // 1. manifest: page -> links -> downloads -> tables (rows stay in their files until the load reads them)
  const built = await buildManifest(deps.http, {
    pub: pub.code,
    period: entry.period,
    url: entry.url,
    downloads: deps.paths.downloads,
    now,
    limits: deps.config.limits,
    onProgress: (url, bytes, total) =>
      r.progress(`download ${basename(new URL(url).pathname)}`, bytes, total),
  });
  // The files found are the item's next version: files replaced by a revision found beside them, or the same
  // bytes as a loaded file at a new URL, are left out of it (and so of the names and the load).
  const run = await planVersion(db, { pub: pub.code, period: entry.period }, built, titles);
  const skipped = new Set(run.plan.skipped.map((s) => s.url));
  for (const s of run.plan.skipped)
    r.info(`${it.key}  ${basename(new URL(s.url).pathname)} not loaded: ${s.reason}`);
  built.files = built.files.filter(({ file }) => !skipped.has(file.url));
  built.manifest.files = built.manifest.files.filter((f) => !skipped.has(f.url));
  store.write(pub.code, entry.period, 'manifest', built.manifest);

  // 2. enrich
  const enriched = await enrich(deps, it, store, built);
  store.write(pub.code, entry.period, 'enriched', enriched);
  const calls = deps.namer?.takeCalls?.() ?? [];
  if (calls.length) await recordLlmCalls(db, pub.code, entry.period, calls);
  if (enriched.drift) r.info(`${it.key}  drift: ${formatDrift(enriched.drift)}`);

  // 3. load: one transaction per file, rows streamed from the file; Parquet written from them as they load.
  // The new set of files is the item's next version: changed files replace the rows of what they replace.
  await keepPreviousParquet(db, run, built, enriched, deps.paths.output);
  const tap = new ParquetTap(deps.paths.output, entry.period);
  try {
    const loaded = await loadItem({ deps, it, db, built, enriched, tap, run });
    const catalogPath = join(deps.paths.output, 'catalog.json');
    const done = await finishVersion(db, run, {
      reason,
      outDir: deps.paths.output,
      catalogPath,
      touched: new Set(loaded.touched.keys()),
    });
    // the specs are settled now (row counts, widened types): the manifest says what was loaded
    built.manifest.files = built.files.map(manifestFile);
    Object.assign(built.manifest, manifestVersion(done.version, run));
    if (loaded.reconciliation.length) built.manifest.reconciliation = loaded.reconciliation;
    store.write(pub.code, entry.period, 'manifest', built.manifest);

    // 4. export
    const touched = [...loaded.touched.values(), ...done.supersededTables];
    const exported = await exportPeriod(db, {
      outDir: deps.paths.output,
      period: entry.period,
      tables: touched,
      tap,
    });
    exported.push(...(await exportNarrowed(db, loaded, entry.period, deps.paths.output)));
    await writeCatalog(db, catalogPath, touched, undefined, {
      period: entry.period,
      parts: loaded.reconciliation,
    });
    // the item's load committed: recorded where init-state finds it when the ledger is empty or gone
    const before = store.read(pub.code, entry.period, 'completed');
    store.write(pub.code, entry.period, 'completed', {
      pub: pub.code,
      period: entry.period,
      completed_at: (deps.clock ?? (() => new Date()))().toISOString(),
      rows_loaded: (before?.rows_loaded ?? 0) + loaded.rowsLoaded,
    });
    return {
      rowsLoaded: loaded.rowsLoaded,
      tables: [...loaded.perTable.entries()].map(([table, v]) => ({ table, ...v })),
      drift: enriched.drift,
      exported: [...exported, ...done.kept],
      ...(done.version ? { version: done.version } : {}),
      currentVersion: done.version?.version ?? run.current,
      ...(loaded.reconciliation.length ? { reconciliation: loaded.reconciliation } : {}),
    };
  } finally {
    await tap.abort(); // whatever was not finished
  }
}
