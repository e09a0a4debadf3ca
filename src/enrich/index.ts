// Enrich: a stable semantic name and description for every table and column.
// Reference manifest first (each source matched one to one by fingerprint, no LLM cost), then the LLM when one is
// configured, else deterministic names. Whatever the source or the model says, identifiers stay legal and unique.
import { isDataName, isValidIdent } from '../ident.js';
import { matchTables } from '../manifest/fingerprint.js';
import type {
  CellValue,
  ColumnSpec,
  DriftReport,
  EnrichedManifest,
  EnrichedSource,
  Manifest,
  SourcePlan,
  TableSpec,
} from '../model.js';
import { mapColumns, sampleValues, withNotes, type EnrichedColumn, type EnrichedSourceX } from './columns.js';
import { compressColumns, compressRows, expandAnswer, type PromptColumn } from './compress.js';
import { legalColumn, prefixedTable, safeIdent, slug, stableName, uniqueName } from './names.js';

export { IDENT, legalColumn, safeIdent } from './names.js';
export {
  COLUMN_MATCH_THRESHOLD,
  columnScore,
  headerSimilarity,
  mapColumns,
  type EnrichedColumn,
  type EnrichedSourceX,
} from './columns.js';

export interface LlmTableInput {
  publication: string;
  /** recorded with the call (datawarp.tbl_llm_calls.table_id): `<file name>#<TableSpec.id>` */
  table_id?: string;
  sheet?: string;
  title?: string;
  /** notes, contents and cover text from the same workbook */
  context: string;
  /** one entry per column, or per header pattern of a wide table (`repeated`, see compress.ts) */
  columns: PromptColumn[];
  sampleRows: CellValue[][];
}

export interface LlmColumnNames {
  name: string;
  description: string;
  unit?: string | null;
  is_dimension?: boolean;
  is_measure?: boolean;
}

export interface LlmTableNames {
  table_name: string;
  description: string;
  columns: LlmColumnNames[];
}

export interface LlmCall {
  table_id: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  ok: boolean;
  called_at?: string;
}

/** The LLM edge: anything that can name a table (the OpenAI client, or a fake in tests). */
export interface TableNamer {
  /** names for the table, or undefined (invalid answers, spend cap, outage): deterministic names are used */
  nameTable(input: LlmTableInput): Promise<LlmTableNames | undefined>;
  /** calls made since the last take (the pipeline records them in datawarp.tbl_llm_calls) */
  takeCalls?(): LlmCall[];
}

export interface EnrichOptions {
  pubName: string;
  reference?: EnrichedManifest;
  namer?: TableNamer;
  /** per `${file_url}#${table_id}`: the first rows of the table (prompt samples, value matching) */
  samples?: Map<string, CellValue[][]>;
  /** documentation text (cover, notes, contents) per file url */
  docs?: Map<string, string>;
  log?: (msg: string) => void;
}

/** The enriched manifest DataWarp writes: shared contract plus per-column LLM facets and sample values. */
export interface EnrichedManifestX extends EnrichedManifest {
  sources: EnrichedSourceX[];
}

const SAMPLE_ROWS_IN_PROMPT = 5;
const CONTEXT_CHARS = 4000;

export async function enrichManifest(manifest: Manifest, opts: EnrichOptions): Promise<EnrichedManifestX> {
  const pub = manifest.pub;
  const tables = manifest.files.flatMap((f) => f.tables.map((t) => ({ file: f, table: t })));
  const ref = opts.reference;
  const refTables = ref ? ref.files.flatMap((f) => f.tables.map((t) => ({ fileUrl: f.url, table: t }))) : [];
  const refSources = new Map(
    ((ref?.sources ?? []) as EnrichedSourceX[]).map((s) => [`${s.file_url}#${s.table_id}`, s]),
  );
  // One to one by fingerprint score (sheet name, title, column set), whatever the files are called.
  const matches = refTables.length
    ? matchTables(
        tables.map((t) => t.table),
        refTables.map((r) => r.table),
      )
    : [];
  const matchOf = new Map(matches.map((m) => [m.a, m.b]));

  const drift: DriftReport = { matched: [], unmatched: [], renamed: [], added: [], missing: [] };
  // Every table name of the reference is reserved: a new source never lands in another source's table.
  const takenTables = new Set<string>((ref?.sources ?? []).map((s) => s.table_name));
  const sources: EnrichedSourceX[] = new Array(tables.length);
  const samplesOf = (fileUrl: string, table: TableSpec) => opts.samples?.get(`${fileUrl}#${table.id}`);

  for (const [i, { file, table }] of tables.entries()) {
    const j = matchOf.get(i);
    const r =
      j === undefined ? undefined : refSources.get(`${refTables[j].fileUrl}#${refTables[j].table.id}`);
    if (!r || !IDENT_OK(r.table_name)) continue;
    const m = mapColumns(table.columns, sanitizeRef(r), samplesOf(file.url, table));
    sources[i] = {
      file_url: file.url,
      table_id: table.id,
      source_code: IDENT_OK(r.source_code) ? r.source_code : r.table_name,
      table_name: r.table_name,
      description: r.description,
      origin: 'reference',
      columns: m.columns,
      ...(m.retired.length ? { retired: m.retired } : {}),
    };
    drift.matched.push(r.table_name);
    for (const x of m.renamed) drift.renamed.push({ table: r.table_name, from: x.from, to: x.to });
    for (const c of m.added) drift.added.push({ table: r.table_name, column: c });
    for (const c of m.missing) drift.missing.push({ table: r.table_name, column: c });
  }
  for (const [i, { file, table }] of tables.entries()) {
    if (sources[i]) continue;
    const rows = samplesOf(file.url, table);
    const named = opts.namer ? await askNamer(opts, file.url, file.title, table, rows) : undefined;
    const fallback = deterministicName(pub, file.title || file.url, table);
    const tableName = uniqueName(named ? prefixedTable(pub, named.table_name) : fallback, takenTables);
    sources[i] = {
      file_url: file.url,
      table_id: table.id,
      source_code: tableName,
      table_name: tableName,
      description: named?.description || describeTable(opts.pubName, table, file.title),
      origin: named ? 'llm' : 'deterministic',
      columns: nameColumns(table.columns, named?.columns, rows),
    };
    if (ref) drift.unmatched.push(tableName);
  }
  return { ...manifest, sources, ...(ref ? { drift } : {}) };
}

const IDENT_OK = isValidIdent;

/** A reference manifest is a file someone may have edited: only legal, non-provenance names are reused. */
function sanitizeRef(r: EnrichedSourceX): EnrichedSourceX {
  const ok = (c: EnrichedColumn) => isDataName(c.name);
  return { ...r, columns: (r.columns ?? []).filter(ok), retired: (r.retired ?? []).filter(ok) };
}

const GENERIC_SHEET = /^(sheet|data|table|tab|worksheet)?_?\d*[a-z]?$/;

export function deterministicName(pub: string, fileTitle: string, table: TableSpec): string {
  const parts: string[] = [];
  const sheet = table.sheet ? slug(table.sheet, 30) : '';
  const title = table.title ? stableName(table.title) : '';
  const fileName = stableName(decodeURIComponent((table.member ?? fileTitle).split('/').pop() ?? ''));
  if (sheet && !GENERIC_SHEET.test(sheet)) parts.push(sheet);
  else if (sheet && title) parts.push(sheet, title);
  else if (title && !table.member && !table.sheet) parts.push(title);
  else parts.push(fileName || title || sheet || 'data');
  const id = table.id.match(/#(\d+)$/)?.[1];
  if (id && id !== '1' && id !== '0') parts.push(`t${id}`);
  return prefixedTable(pub, parts.filter(Boolean).join('_'));
}

function describeTable(pubName: string, table: TableSpec, fileTitle: string): string {
  const where = [table.sheet && `sheet "${table.sheet}"`, table.member && `file "${table.member}"`]
    .filter(Boolean)
    .join(', ');
  return `${table.title ?? fileTitle} (${pubName}${where ? `; ${where}` : ''})`;
}

/** Column names from the LLM when it gave usable ones, else from the source; legal and unique either way. */
function nameColumns(
  columns: ColumnSpec[],
  llm: LlmColumnNames[] | undefined,
  rows: CellValue[][] | undefined,
): EnrichedColumn[] {
  const taken = new Set<string>();
  return columns.map((c, j) => {
    const a = llm?.[j];
    const suggestion = a?.name ? safeIdent(a.name, '') : '';
    const name = uniqueName(legalColumn(suggestion || c.name), taken);
    const sample = sampleValues(rows, j);
    return {
      source: c.name,
      name,
      header: c.header,
      description: withNotes(a?.description || c.header, c),
      type: c.type,
      ...(a ? { unit: a.unit ?? null, is_dimension: !!a.is_dimension, is_measure: !!a.is_measure } : {}),
      ...(sample ? { sample } : {}),
    };
  });
}

async function askNamer(
  opts: EnrichOptions,
  fileUrl: string,
  fileTitle: string,
  table: TableSpec,
  rows: CellValue[][] | undefined,
): Promise<LlmTableNames | undefined> {
  const compressed = compressColumns(table.columns.map((c) => ({ header: c.header, type: c.type })));
  const fileName = decodeURIComponent(new URL(fileUrl, 'file:///').pathname.split('/').pop() || fileTitle);
  try {
    const answer = await opts.namer!.nameTable({
      publication: opts.pubName,
      table_id: `${fileName}#${table.id}`.slice(0, 300),
      sheet: table.sheet,
      title: table.title,
      context: [table.notes?.join('\n'), opts.docs?.get(fileUrl)]
        .filter(Boolean)
        .join('\n')
        .slice(0, CONTEXT_CHARS),
      columns: compressed.entries,
      sampleRows: compressRows((rows ?? []).slice(0, SAMPLE_ROWS_IN_PROMPT), compressed),
    });
    if (!answer) return undefined;
    if (answer.columns.length !== compressed.entries.length) {
      opts.log?.(
        `LLM answer for ${table.id} named ${answer.columns.length} of ${compressed.entries.length} columns; using deterministic column names`,
      );
      return { ...answer, columns: [] };
    }
    return { ...answer, columns: expandAnswer(answer.columns, compressed) };
  } catch (e) {
    opts.log?.(`LLM naming failed for ${table.id}: ${(e as Error).message}; using deterministic names`);
    return undefined;
  }
}

/** The loader's view of an enriched source. */
export function sourcePlan(source: EnrichedSource, table: TableSpec): SourcePlan {
  const bySource = new Map(source.columns.map((c) => [c.source, c]));
  return {
    sourceCode: source.source_code,
    tableName: source.table_name,
    description: source.description,
    columns: table.columns.map((c) => {
      const e = bySource.get(c.name);
      return {
        ...c,
        name: e?.name ?? legalColumn(c.name),
        description: e?.description ?? withNotes(c.header, c),
      };
    }),
  };
}

/** One line: `2 matched, 1 renamed (A → B), 1 added (t.c), 1 missing (t.c), 1 unmatched sources (t)`. */
export function formatDrift(d: DriftReport): string {
  return [
    `${d.matched.length} matched`,
    d.renamed.length &&
      `${d.renamed.length} renamed (${d.renamed.map((x) => `${x.from} → ${x.to}`).join('; ')})`,
    d.added.length && `${d.added.length} added (${d.added.map((x) => `${x.table}.${x.column}`).join(', ')})`,
    d.missing.length &&
      `${d.missing.length} missing (${d.missing.map((x) => `${x.table}.${x.column}`).join(', ')})`,
    d.unmatched.length && `${d.unmatched.length} unmatched sources (${d.unmatched.join(', ')})`,
  ]
    .filter(Boolean)
    .join(', ');
}
