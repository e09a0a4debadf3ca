// The pipeline's plain data: what a run is given (paths, dependencies, options) and what it returns (item
// outcomes, failures). Shared by backfill.ts (plans and runs items) and the item stages (process-item.ts,
// load-item.ts), so none of them imports another for its types.
import type { Config, Publication, PublicationUrl } from '../config/index.js';
import type { TableNamer } from '../enrich/index.js';
import type { ExportedFile } from '../export/index.js';
import type { HttpClient } from '../http/index.js';
import type { Db, ItemVersion } from '../load/index.js';
import type { DriftReport, ReconciledPart } from '../model.js';
import type { State } from '../state/index.js';

export interface Paths {
  /** manifests/ root: manifests/backfill/<pub>/<pub>_<period>.yaml */
  manifests: string;
  /** output/: parquet/ and catalog.json */
  output: string;
  /** where downloads are kept */
  downloads: string;
}

export interface Reporter {
  info(msg: string): void;
  warn(msg: string): void;
  /** progress of a long step; `total` when known */
  progress(label: string, done: number, total?: number): void;
  done(label: string): void;
}

export interface PipelineDeps {
  config: Config;
  statePath: string;
  paths: Paths;
  http: HttpClient;
  /** opened lazily, once: a dry run or a run with nothing to do never opens it */
  openDb(): Promise<Db>;
  namer?: TableNamer;
  clock?: () => Date;
  reporter: Reporter;
  /** called after each processed or failed item, once state.json holds its outcome (commit-back, uploads) */
  onItemDone?(outcome: ItemOutcome, state: State): void | Promise<void>;
  /** checked before each item: true stops starting new items (time budget); the rest stay pending */
  shouldStop?(): boolean;
  /** rows per COPY chunk (default: the loader's) */
  chunkRows?: number;
  /** test hook: called after each COPY chunk inside the file's transaction */
  onChunk?(info: { item: string; file: number; table: string; chunk: number }): void | Promise<void>;
}

export interface BackfillOptions {
  pub?: string;
  /** only these publications (with `pub`: the publications in both) */
  pubs?: string[];
  period?: string;
  dryRun?: boolean;
  retryFailed?: boolean;
  force?: boolean;
  /** processed items republished with changes (the monitor's pending revisions): each loads as its next
   * version; they are the only processed items requested */
  revised?: { pub: string; period: string; reason?: string }[];
}

export type PlanAction = 'process' | 'skip-processed' | 'skip-failed';

export interface PlanItem {
  key: string;
  pub: Publication;
  entry: PublicationUrl;
  action: PlanAction;
}

export interface ItemOutcome {
  key: string;
  pub: string;
  period: string;
  status: 'processed' | 'failed' | 'skipped' | 'planned';
  rowsLoaded?: number;
  error?: string;
  tables?: { table: string; rows: number; columns: number }[];
  drift?: DriftReport;
  /** Parquet written for the item (processed items) */
  exported?: ExportedFile[];
  /** why the item failed, with whether a later retry may succeed */
  failure?: ItemFailure;
  /** the version this run made (a first load is version 1; a revision the next), with its diff */
  version?: ItemVersion;
  /** the item was requested as revised */
  revised?: boolean;
  /** the item's current version after this run */
  currentVersion?: number;
  /** parts with one total row: their total against their detail rows (src/load/reconcile.ts) */
  reconciliation?: ReconciledPart[];
}

export interface ItemFailure {
  message: string;
  /** a retry later may succeed (server or network trouble, a page not yet published) */
  transient: boolean;
  /** HTTP status, when an HTTP request failed */
  status?: number;
}

export interface BackfillResult {
  outcomes: ItemOutcome[];
  exitCode: 0 | 1;
  /** revised items this run processed, with the version now current (the caller clears their revision) */
  versions: { pub: string; period: string; version: number; reason?: string; changed: boolean }[];
}
