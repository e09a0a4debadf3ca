// Plans and runs (publication, period) items. The only module that knows the order of the stages:
// manifest -> enrich -> load -> export -> state.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import YAML from 'yaml';
import { periodStart, type Config, type Publication, type PublicationUrl } from './config/index.js';
import { enrichManifest, formatDrift, sourcePlan, type TableNamer } from './enrich/index.js';
import { exportPeriod, writeCatalog, type ExportTable } from './export/index.js';
import type { HttpClient } from './http/index.js';
import { ensureSchema, loadFile, recordLlmCalls, type Db } from './load/index.js';
import { downloadFiles } from './manifest/download.js';
import { extractFile } from './manifest/extract.js';
import { findDataFiles, isDataFileUrl } from './manifest/pages.js';
import { checkSignature } from './manifest/signature.js';
import type {
  DataFileLink,
  DriftReport,
  EnrichedManifest,
  ExtractedFile,
  Manifest,
  ManifestFile,
} from './model.js';
import { itemKey, readState, recordFailed, recordProcessed, writeState, type State } from './state/index.js';

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
  period?: string;
  dryRun?: boolean;
  retryFailed?: boolean;
  force?: boolean;
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
}

export interface BackfillResult {
  outcomes: ItemOutcome[];
  exitCode: 0 | 1;
}

export function planItems(config: Config, state: State, opts: BackfillOptions): PlanItem[] {
  const items: PlanItem[] = [];
  for (const pub of config.publications) {
    if (opts.pub && pub.code !== opts.pub) continue;
    for (const entry of pub.urls) {
      if (opts.period && entry.period !== opts.period) continue;
      const key = itemKey(pub.code, entry.period);
      let action: PlanAction = 'process';
      if (state.processed[key] && !opts.force) action = 'skip-processed';
      else if (state.failed[key] && !opts.retryFailed && !opts.force) action = 'skip-failed';
      items.push({ key, pub, entry, action });
    }
  }
  return items;
}

export async function backfill(deps: PipelineDeps, opts: BackfillOptions): Promise<BackfillResult> {
  const clock = deps.clock ?? (() => new Date());
  const state = readState(deps.statePath);
  const plan = planItems(deps.config, state, opts);
  const outcomes: ItemOutcome[] = [];
  const r = deps.reporter;

  if (opts.dryRun) {
    for (const it of plan) {
      const what =
        it.action === 'process'
          ? 'would process'
          : it.action === 'skip-processed'
            ? 'skip ✓ (processed)'
            : 'skip ✗ (failed; --retry-failed to retry)';
      r.info(`${it.key}  ${what}  ${it.entry.url}`);
      outcomes.push({
        key: it.key,
        pub: it.pub.code,
        period: it.entry.period,
        status: it.action === 'process' ? 'planned' : 'skipped',
      });
    }
    return { outcomes, exitCode: 0 };
  }

  let db: Db | undefined;
  const getDb = async () => {
    if (!db) {
      db = await deps.openDb();
      await ensureSchema(db);
    }
    return db;
  };

  try {
    // Open the database before the first item so that an unreachable server stops the run (exit 2) up front.
    if (plan.some((it) => it.action === 'process')) await getDb();
    let stopped = false;
    for (const it of plan) {
      if (it.action === 'process' && !stopped && deps.shouldStop?.()) {
        stopped = true;
        r.warn('time budget used up: no new items are started; the rest stay pending for the next run');
      }
      if (stopped && it.action === 'process') {
        outcomes.push({
          key: it.key,
          pub: it.pub.code,
          period: it.entry.period,
          status: 'skipped',
          error: 'time budget',
        });
        continue;
      }
      if (it.action !== 'process') {
        r.info(
          `${it.key}  skipped ${it.action === 'skip-processed' ? '✓' : '✗ (failed earlier; --retry-failed to retry)'}`,
        );
        outcomes.push({ key: it.key, pub: it.pub.code, period: it.entry.period, status: 'skipped' });
        continue;
      }
      r.info(`${it.key}  processing ${it.entry.url}`);
      try {
        const res = await processItem(deps, it, await getDb());
        recordProcessed(state, it.key, { completed_at: clock().toISOString(), rows_loaded: res.rowsLoaded });
        outcomes.push({
          key: it.key,
          pub: it.pub.code,
          period: it.entry.period,
          status: 'processed',
          ...res,
        });
        r.info(`${it.key}  ✓ ${res.rowsLoaded.toLocaleString('en-GB')} rows loaded`);
      } catch (e) {
        const error = errorText(e);
        recordFailed(state, it.key, { failed_at: clock().toISOString(), error });
        outcomes.push({ key: it.key, pub: it.pub.code, period: it.entry.period, status: 'failed', error });
        r.warn(`${it.key}  ✗ ${error}`);
      }
      writeState(deps.statePath, state);
      await deps.onItemDone?.(outcomes[outcomes.length - 1], state);
    }
  } finally {
    await db?.close();
  }
  return { outcomes, exitCode: outcomes.some((o) => o.status === 'failed') ? 1 : 0 };
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/postgres(ql)?:\/\/[^@\s]*@/gi, 'postgres://***@');
}

interface ItemResult {
  rowsLoaded: number;
  tables: { table: string; rows: number; columns: number }[];
  drift?: DriftReport;
}

async function processItem(deps: PipelineDeps, it: PlanItem, db: Db): Promise<ItemResult> {
  const { pub, entry } = it;
  const r = deps.reporter;

  // 1. manifest: page -> links -> downloads -> tables
  const links = await findLinks(deps.http, entry);
  const dir = join(deps.paths.downloads, pub.code, entry.period);
  const downloaded = await downloadFiles(deps.http, links, dir, {
    reuse: false,
    onProgress: (url: string, bytes: number, total?: number) =>
      r.progress(`download ${basename(new URL(url).pathname)}`, bytes, total),
  });
  const extracted: { file: (typeof downloaded)[number]; data: ExtractedFile }[] = [];
  for (const file of downloaded) {
    const bad = checkSignature(file.path, file.ext);
    if (bad) throw new Error(`cannot read ${file.url}: ${bad}`);
    try {
      extracted.push({
        file,
        data: await extractFile(file.path, {
          ext: file.ext,
          name: decodeURIComponent(basename(new URL(file.url).pathname)),
        }),
      });
    } catch (e) {
      throw new Error(`cannot read ${file.url}: ${(e as Error).message}`, { cause: e });
    }
  }
  const manifest: Manifest = {
    pub: pub.code,
    period: entry.period,
    page_url: entry.url,
    generated_at: (deps.clock ?? (() => new Date()))().toISOString(),
    files: extracted.map(({ file, data }): ManifestFile => ({
      url: file.url,
      title: file.title,
      sha256: file.sha256,
      bytes: file.bytes,
      tables: data.tables.map((t) => t.spec),
      docs: data.docs.map((d) => ({
        sheet: d.sheet,
        member: d.member,
        hidden: d.hidden,
        chars: d.text.length,
      })),
      skipped: data.skipped,
    })),
  };
  if (!manifest.files.some((f) => f.tables.length))
    throw new Error(`no tables found in the data files of ${entry.url}`);
  const manifestDir = join(deps.paths.manifests, 'backfill', pub.code);
  writeYaml(join(manifestDir, `${pub.code}_${entry.period}.yaml`), manifest);

  // 2. enrich
  const reference = findReference(deps, pub, entry.period);
  const samples = new Map(
    extracted.flatMap(({ file, data }) =>
      data.tables.map((t) => [`${file.url}#${t.spec.id}`, t.rows.slice(0, 5)] as const),
    ),
  );
  const docs = new Map(
    extracted.map(({ file, data }) => [
      file.url,
      data.docs
        .map((d) => `[${d.sheet}]\n${d.text}`)
        .join('\n')
        .slice(0, 8000),
    ]),
  );
  const enriched = await enrichManifest(manifest, {
    pubName: pub.name,
    reference,
    namer: deps.namer,
    samples,
    docs,
    log: r.warn,
  });
  writeYaml(join(manifestDir, `${pub.code}_${entry.period}_enriched.yaml`), enriched);
  const calls = deps.namer?.takeCalls?.() ?? [];
  if (calls.length) await recordLlmCalls(db, pub.code, entry.period, calls);
  if (enriched.drift) reportDrift(r, it.key, enriched.drift);

  // 3. load: one transaction per file
  let rowsLoaded = 0;
  const touched = new Map<string, ExportTable>();
  const perTable = new Map<string, { rows: number; columns: number }>();
  for (const [fi, { file, data }] of extracted.entries()) {
    const tables = data.tables.map((table) => {
      const source = enriched.sources.find((s) => s.file_url === file.url && s.table_id === table.spec.id)!;
      const plan = sourcePlan(source, table.spec);
      touched.set(plan.tableName, {
        pub: pub.code,
        tableName: plan.tableName,
        description: plan.description,
        columns: plan.columns.map((c) => ({ name: c.name, header: c.header, description: c.description })),
      });
      return { source: plan, table, sheet: table.spec.id };
    });
    if (!tables.length) continue;
    const res = await loadFile(
      db,
      { pub: pub.code, period: entry.period, fileUrl: file.url, sha256: file.sha256, tables },
      {
        chunkRows: deps.chunkRows,
        onProgress: (rows: number) => r.progress(`load ${basename(new URL(file.url).pathname)}`, rows),
        onChunk: deps.onChunk ? (info) => deps.onChunk!({ item: it.key, file: fi + 1, ...info }) : undefined,
      },
    );
    r.done(`load ${basename(new URL(file.url).pathname)}`);
    rowsLoaded += res.rowsLoaded;
    for (const f of res.files) {
      const t = perTable.get(f.table_name) ?? {
        rows: 0,
        columns: touched.get(f.table_name)?.columns.length ?? 0,
      };
      t.rows += f.rows_loaded;
      perTable.set(f.table_name, t);
    }
  }

  // 4. export
  await exportPeriod(db, { outDir: deps.paths.output, period: entry.period, tables: [...touched.values()] });
  await writeCatalog(db, join(deps.paths.output, 'catalog.json'), [...touched.values()]);

  return {
    rowsLoaded,
    tables: [...perTable.entries()].map(([table, v]) => ({ table, ...v })),
    drift: enriched.drift,
  };
}

async function findLinks(http: HttpClient, entry: PublicationUrl): Promise<DataFileLink[]> {
  const direct = isDataFileUrl(entry.url);
  if (direct)
    return [
      { url: entry.url, title: decodeURIComponent(basename(new URL(entry.url).pathname)), ext: direct },
    ];
  const page = await http.getText(entry.url);
  const links = findDataFiles(page.text, page.url, { period: entry.period });
  if (!links.length) {
    throw new Error(
      `no data files (xlsx, xls, csv, zip, ods) found on ${entry.url}: check the URL is the release page of ${entry.period}`,
    );
  }
  return links;
}

function findReference(deps: PipelineDeps, pub: Publication, period: string): EnrichedManifest | undefined {
  if (pub.referenceManifest) {
    const p = pub.referenceManifest;
    if (!existsSync(p))
      throw new Error(`reference_manifest ${p} of ${pub.code} does not exist (${deps.config.file})`);
    return YAML.parse(readFileSync(p, 'utf8')) as EnrichedManifest;
  }
  // Rolling: the latest enriched manifest of an earlier period of this publication.
  const dir = join(deps.paths.manifests, 'backfill', pub.code);
  if (!existsSync(dir)) return undefined;
  const suffix = '_enriched.yaml';
  const candidates = readdirSync(dir)
    .filter((f) => f.startsWith(`${pub.code}_`) && f.endsWith(suffix))
    .map((f) => ({ f, period: f.slice(pub.code.length + 1, -suffix.length) }))
    .filter((c) => c.period !== period)
    .sort((a, b) => periodStart(a.period).localeCompare(periodStart(b.period)));
  const earlier = candidates.filter((c) => periodStart(c.period) < periodStart(period));
  const pick = (earlier.length ? earlier : candidates).at(-1);
  return pick ? (YAML.parse(readFileSync(join(dir, pick.f), 'utf8')) as EnrichedManifest) : undefined;
}

function reportDrift(r: Reporter, key: string, d: DriftReport): void {
  r.info(`${key}  drift: ${formatDrift(d)}`);
}

function writeYaml(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, YAML.stringify(data, { lineWidth: 0 }));
  renameSync(tmp, path);
}
