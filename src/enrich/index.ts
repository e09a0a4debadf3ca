// Enrich: a stable semantic name and description for every table and column.
// Reference manifest first (matched by fingerprint, no LLM cost), then the LLM when one is configured,
// else deterministic names. Whatever the source or model says, identifiers stay legal and unique.
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
import { IDENT, safeIdent, slug, stableName, uniqueName } from './names.js';

export { IDENT, safeIdent } from './names.js';

export interface LlmTableInput {
  publication: string;
  sheet?: string;
  title?: string;
  context: string;
  columns: { header: string; type: string }[];
  sampleRows: CellValue[][];
}

export interface LlmTableNames {
  table_name: string;
  description: string;
  columns: { name: string; description: string }[];
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
  nameTable(input: LlmTableInput): Promise<LlmTableNames | undefined>;
  /** calls made since the last take (the pipeline records them in datawarp.tbl_llm_calls) */
  takeCalls?(): LlmCall[];
}

export interface EnrichOptions {
  pubName: string;
  reference?: EnrichedManifest;
  namer?: TableNamer;
  /** per `${file_url}#${table_id}`: a few sample rows for the prompt */
  samples?: Map<string, CellValue[][]>;
  /** documentation text (cover, notes) per file url */
  docs?: Map<string, string>;
  log?: (msg: string) => void;
}

const PROVENANCE = /^_?dw_/;

export async function enrichManifest(manifest: Manifest, opts: EnrichOptions): Promise<EnrichedManifest> {
  const pub = manifest.pub;
  const tables = manifest.files.flatMap((f) => f.tables.map((t) => ({ file: f, table: t })));
  const refTables = opts.reference
    ? opts.reference.files.flatMap((f) => f.tables.map((t) => ({ fileUrl: f.url, table: t })))
    : [];
  const refSources = new Map((opts.reference?.sources ?? []).map((s) => [`${s.file_url}#${s.table_id}`, s]));
  const matches = refTables.length
    ? matchTables(
        tables.map((t) => t.table),
        refTables.map((r) => r.table),
      )
    : [];
  const matchOf = new Map(matches.map((m) => [m.a, m.b]));

  const drift: DriftReport = { matched: [], unmatched: [], renamed: [], added: [], missing: [] };
  const takenTables = new Set<string>();
  const sources: EnrichedSource[] = new Array(tables.length);

  // Matched sources first, so their names are reserved before new ones are made up.
  for (const [i, { file, table }] of tables.entries()) {
    const j = matchOf.get(i);
    const ref =
      j === undefined ? undefined : refSources.get(`${refTables[j].fileUrl}#${refTables[j].table.id}`);
    if (!ref) continue;
    takenTables.add(ref.table_name);
    const columns = mapColumns(table.columns, ref, drift);
    sources[i] = {
      ...base(file.url, table),
      source_code: ref.source_code,
      table_name: ref.table_name,
      description: ref.description,
      origin: 'reference',
      columns,
    };
    drift.matched.push(ref.table_name);
  }
  for (const [i, { file, table }] of tables.entries()) {
    if (sources[i]) continue;
    const named = opts.namer ? await askNamer(opts, pub, file.url, table) : undefined;
    const fallback = deterministicName(pub, file.title || file.url, table);
    const tableName = uniqueName(named ? prefixed(pub, named.table_name) : fallback, takenTables);
    sources[i] = {
      ...base(file.url, table),
      source_code: tableName,
      table_name: tableName,
      description: named?.description || describeTable(opts.pubName, table, file.title),
      origin: named ? 'llm' : 'deterministic',
      columns: nameColumns(table.columns, named?.columns),
    };
    if (opts.reference) drift.unmatched.push(tableName);
  }
  return { ...manifest, sources, ...(opts.reference ? { drift } : {}) };
}

function base(fileUrl: string, table: TableSpec) {
  return { file_url: fileUrl, table_id: table.id };
}

function prefixed(pub: string, name: string): string {
  const s = safeIdent(name, 'table', 63 - pub.length - 1);
  return s.startsWith(`${pub}_`) ? s.slice(0, 63) : `${pub}_${s}`.slice(0, 63).replace(/_+$/, '');
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
  return prefixed(pub, parts.filter(Boolean).join('_'));
}

function describeTable(pubName: string, table: TableSpec, fileTitle: string): string {
  const where = [table.sheet && `sheet "${table.sheet}"`, table.member && `file "${table.member}"`]
    .filter(Boolean)
    .join(', ');
  return `${table.title ?? fileTitle} (${pubName}${where ? `; ${where}` : ''})`;
}

function nameColumns(columns: ColumnSpec[], llm?: { name: string; description: string }[]) {
  const taken = new Set<string>();
  return columns.map((c, j) => {
    const suggestion = llm?.[j]?.name;
    const name = uniqueName(
      legalColumn(suggestion && IDENT.test(safeIdent(suggestion)) ? suggestion : c.name),
      taken,
    );
    return {
      source: c.name,
      name,
      header: c.header,
      description: llm?.[j]?.description || c.header,
      type: c.type,
    };
  });
}

function legalColumn(name: string): string {
  const s = safeIdent(name, 'col');
  return PROVENANCE.test(s) ? `src_${s}`.slice(0, 63) : s;
}

/** Reuse the reference's column names; map reworded headers by similarity; add new ones. */
function mapColumns(columns: ColumnSpec[], ref: EnrichedSource, drift: DriftReport) {
  const refBySource = new Map(ref.columns.map((c) => [c.source, c]));
  const used = new Set<string>();
  const out: EnrichedSource['columns'] = new Array(columns.length);
  columns.forEach((c, j) => {
    const r = refBySource.get(c.name);
    if (r && !used.has(r.name)) {
      used.add(r.name);
      out[j] = { source: c.name, name: r.name, header: c.header, description: r.description, type: c.type };
    }
  });
  // Reworded headers: best token similarity above 0.5, one to one.
  const free = ref.columns.filter((r) => !used.has(r.name));
  const pairs: { j: number; r: (typeof free)[number]; score: number }[] = [];
  columns.forEach((c, j) => {
    if (out[j]) return;
    for (const r of free) pairs.push({ j, r, score: headerSimilarity(c.header, r.header) });
  });
  pairs.sort((a, b) => b.score - a.score);
  for (const p of pairs) {
    if (p.score < 0.5 || out[p.j] || used.has(p.r.name)) continue;
    used.add(p.r.name);
    const c = columns[p.j];
    out[p.j] = {
      source: c.name,
      name: p.r.name,
      header: c.header,
      description: p.r.description,
      type: c.type,
    };
    drift.renamed.push({ table: ref.table_name, from: p.r.header, to: c.header });
  }
  columns.forEach((c, j) => {
    if (out[j]) return;
    const name = uniqueName(legalColumn(c.name), used);
    out[j] = { source: c.name, name, header: c.header, description: c.header, type: c.type };
    drift.added.push({ table: ref.table_name, column: name });
  });
  for (const r of ref.columns)
    if (!used.has(r.name)) drift.missing.push({ table: ref.table_name, column: r.name });
  return out;
}

export function headerSimilarity(a: string, b: string): number {
  const tokens = (s: string) => new Set(slug(s).split('_').filter(Boolean));
  const x = tokens(a);
  const y = tokens(b);
  if (!x.size || !y.size) return 0;
  let common = 0;
  for (const t of x) if (y.has(t)) common++;
  return common / (x.size + y.size - common);
}

async function askNamer(
  opts: EnrichOptions,
  pub: string,
  fileUrl: string,
  table: TableSpec,
): Promise<LlmTableNames | undefined> {
  try {
    const answer = await opts.namer!.nameTable({
      publication: opts.pubName,
      sheet: table.sheet,
      title: table.title,
      context: [table.notes?.join('\n'), opts.docs?.get(fileUrl)].filter(Boolean).join('\n').slice(0, 4000),
      columns: table.columns.map((c) => ({ header: c.header, type: c.type })),
      sampleRows: opts.samples?.get(`${fileUrl}#${table.id}`)?.slice(0, 5) ?? [],
    });
    if (answer && answer.columns.length !== table.columns.length) {
      opts.log?.(
        `LLM answer for ${pub} ${table.id} named ${answer.columns.length} of ${table.columns.length} columns; using deterministic column names`,
      );
      return { ...answer, columns: [] };
    }
    return answer;
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
      return { ...c, name: e?.name ?? c.name, description: e?.description ?? c.header };
    }),
  };
}
