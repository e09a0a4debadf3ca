// Step summaries and the pull-request comment: pure functions from typed outcomes to Markdown. The caller
// redacts secrets from the whole text and writes it (core.summary.addRaw(...).write()).
import type { StatusData } from '../status/index.js';
import { bar } from '../runtime/reporter.js';
import type { ItemOutcome } from '../pipeline/backfill.js';
import { diffText } from '../pipeline/versions.js';
import type { CacheReport } from './cache.js';
import { CATALOG_TAG } from '../github/release-names.js';
import type { BudgetStop } from './api-budget.js';

export interface BackfillReport {
  dryRun: boolean;
  outcomes: ItemOutcome[];
  /** the releases this run uploaded to */
  releases: { tag: string; url: string }[];
  catalogUrl?: string;
  /** <tag>/<asset> uploaded or replaced */
  uploaded: string[];
  /** assets not uploaded, with why */
  refused: string[];
  /** steps after the items that failed (commit, catalog release, issues, keep-alive) */
  problems: string[];
  /** state pushes rejected by concurrent runs (each merged by key and retried) */
  rejectedPushes: number;
  cache?: CacheReport;
  /** GitHub's API budget stopped the run starting items */
  budget?: BudgetStop;
}

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface PreviewItem {
  outcome: ItemOutcome;
  /** the columns of each table the item loaded (provenance columns left out) */
  columns: Map<string, { name: string; type: string }[]>;
}

export const PR_MARKER = '<!-- datawarp:pr-preview -->';

/** Text for one Markdown table cell: no newlines, pipes and HTML escaped. */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const rowsText = (n: number) => n.toLocaleString('en-GB');

export function driftNote(o: ItemOutcome): string {
  const d = o.drift;
  if (!d) return '';
  const list = (xs: { table: string; column: string }[]) =>
    xs
      .map((x) => `${x.table}.${x.column}`)
      .slice(0, 5)
      .join(', ');
  return [
    d.renamed.length && `${d.renamed.length} renamed`,
    d.added.length && `${d.added.length} added (${list(d.added)})`,
    d.missing.length && `${d.missing.length} missing (${list(d.missing)})`,
    d.unmatched.length && `${d.unmatched.length} unmatched`,
  ]
    .filter(Boolean)
    .join('; ');
}

function statusText(o: ItemOutcome): string {
  if (o.status === 'skipped' && o.error === 'time budget') return 'not started (time budget)';
  if (o.status === 'skipped' && o.error === 'GitHub API budget') return 'not started (GitHub API budget)';
  if (o.status === 'skipped' && o.error?.startsWith('upload failed')) return 'pending (upload failed)';
  if (o.status === 'failed') return o.failure?.transient ? '✗ failed (transient)' : '✗ failed';
  return { processed: '✓ processed', skipped: 'skipped', planned: 'planned' }[o.status];
}

function itemRow(o: ItemOutcome): string {
  const tables = (o.tables ?? []).map((t) => `${t.table} (${t.rows} rows, ${t.columns} cols)`).join('<br>');
  const note =
    o.status === 'failed'
      ? (o.failure?.message ?? o.error ?? '')
      : o.error?.startsWith('upload failed')
        ? o.error
        : driftNote(o);
  return `| ${cell(o.key)} | ${statusText(o)} | ${o.rowsLoaded ?? ''} | ${tables} | ${cell(note)} |`;
}

/** Items reloaded as a new version (a revision, a --force reload of changed files): the diff of each. */
export function revisionLines(outcomes: ItemOutcome[]): string[] {
  const revised = outcomes.filter((o) => o.version && o.version.version > 1);
  if (!revised.length) return [];
  const lines = ['', '### Revisions', ''];
  for (const o of revised) {
    const v = o.version!;
    const tables = v.diff.map((d) => `\`${d.table}\` ${diffText(d)}`).join('; ');
    lines.push(
      `- ${cell(o.key)}: version ${v.version}${v.reason ? ` (${cell(v.reason)})` : ''}: ${diffText(v)}` +
        (v.diff.length > 1 ? ` — ${cell(tables)}` : ''),
    );
  }
  return lines;
}

/** Tables whose one total row was checked against their detail rows (a difference is a warning, not a failure). */
export function reconciliationLines(outcomes: ItemOutcome[]): string[] {
  const parts = outcomes.flatMap((o) => (o.reconciliation ?? []).map((p) => ({ key: o.key, p })));
  if (!parts.length) return [];
  const lines = [
    '',
    '### Totals against their detail rows',
    '',
    '| item | table | sheet | exact | within rounding | differs | not additive |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { key, p } of parts) {
    const n = (s: string) => p.columns.filter((c) => c.status === s).length;
    const differs = p.columns
      .filter((c) => c.status === 'differs')
      .map((c) => `${c.column} (${c.difference})`)
      .join(', ');
    lines.push(
      `| ${cell(key)} | \`${p.table}\` | ${cell(p.sheet)} | ${n('exact')} | ${n('within rounding')} | ${differs ? cell(differs) : '0'} | ${n('not additive')} |`,
    );
  }
  return lines;
}

export function cacheLine(c: CacheReport): string {
  const parts = [
    `${count(c.hits.length, 'file')} served from the cache after the origin answered 304 Not Modified`,
    `${count(c.misses.length, 'file')} downloaded`,
  ];
  return `Download cache: ${parts.join(', ')}.${c.notice ? ` ${c.notice}.` : ''}`;
}

/** Items left pending for the next run: the API budget, the time budget, failed uploads. */
function budgetLines(r: BackfillReport): string[] {
  const n = (what: (e: string) => boolean) =>
    r.outcomes.filter((o) => o.status === 'skipped' && o.error && what(o.error)).length;
  const api = n((e) => e === 'GitHub API budget');
  const time = n((e) => e === 'time budget');
  const upload = n((e) => e.startsWith('upload failed'));
  const lines: string[] = [];
  const why = {
    requests: `${r.budget?.available} request(s) left when the next item needed about ${r.budget?.needed} (a reserve for the run's end included)`,
    content: `GitHub allows 500 uploads an hour and this run had room for ${r.budget?.available} more`,
    refused: 'GitHub refused an upload for a rate limit',
  };
  if (r.budget)
    lines.push(
      `**GitHub API budget:** ${why[r.budget.limit]}, so ${count(api, 'item')} were not started and stay pending` +
        `${r.budget.reset ? `; the budget resets at ${r.budget.reset}` : ''}. The next run continues; nothing failed.`,
    );
  if (time)
    lines.push(`**Time budget:** ${count(time, 'item')} not started; they stay pending for the next run.`);
  if (upload)
    lines.push(
      `**Uploads:** ${count(upload, 'item')} not recorded processed because their Parquet did not all upload; the next run uploads them.`,
    );
  return lines.length ? ['', ...lines] : [];
}

export function backfillSummary(r: BackfillReport): string {
  const by = (s: ItemOutcome['status']) => r.outcomes.filter((o) => o.status === s).length;
  const rows = r.outcomes.reduce((n, o) => n + (o.rowsLoaded ?? 0), 0);
  const lines = [
    `## DataWarp backfill${r.dryRun ? ' (dry run)' : ''}`,
    '',
    `${by('processed')} processed, ${by('failed')} failed, ${by('skipped')} skipped, ${rowsText(rows)} rows loaded.`,
  ];
  lines.push(...budgetLines(r));
  const shown = r.outcomes.filter((o) => o.status !== 'skipped' || o.error);
  if (shown.length)
    lines.push(
      '',
      '| item | status | rows | tables | drift / error |',
      '|---|---|---|---|---|',
      ...shown.map(itemRow),
    );
  lines.push(...revisionLines(r.outcomes));
  lines.push(...reconciliationLines(r.outcomes));
  if (r.cache) lines.push('', cacheLine(r.cache));
  if (r.catalogUrl || r.releases.length) {
    lines.push('', '### Releases', '');
    if (r.catalogUrl) lines.push(`- [catalog.json (${CATALOG_TAG})](${r.catalogUrl})`);
    for (const x of r.releases) lines.push(`- [${x.tag}](${x.url})`);
  }
  if (r.uploaded.length)
    lines.push(
      '',
      `<details><summary>${count(r.uploaded.length, 'asset')} uploaded</summary>`,
      '',
      ...r.uploaded.map((u) => `- ${cell(u)}`),
      '</details>',
    );
  if (r.refused.length) lines.push('', '### Not uploaded', '', ...r.refused.map((x) => `- ${cell(x)}`));
  if (r.problems.length) lines.push('', '### Problems', '', ...r.problems.map((x) => `- ${cell(x)}`));
  if (r.rejectedPushes)
    lines.push(
      '',
      `State push rejected ${r.rejectedPushes} time(s) by concurrent runs; merged by key and retried.`,
    );
  return `${lines.join('\n')}\n`;
}

export function statusSummary(data: StatusData): string {
  const row = (
    name: string,
    d: { processed: number; total: number; pending: number; failed: number },
    n = 0,
  ) =>
    `| ${name} | \`${bar(d.processed, d.total)}\` | ${d.processed}/${d.total} | ${d.pending} | ${d.failed} | ${rowsText(n)} |`;
  return [
    '## DataWarp status',
    '',
    '| publication | progress | processed | pending | failed | rows |',
    '|---|---|---|---|---|---|',
    ...data.publications.map((p) => row(`${cell(p.name)} (\`${p.pub}\`)`, p, p.rows_in_database)),
    row('**Total**', data, data.rows_in_database),
    '',
    ...data.publications.flatMap((p) =>
      p.failed_items.map((f) => `- ✗ ${p.pub}/${f.period}: ${cell(f.error)}`),
    ),
    ...data.publications
      .filter((p) => p.freshness && p.freshness !== 'unknown')
      .map(
        (p) =>
          `- ${p.pub}: latest ${p.latest_period ?? '?'}${p.latest_published ? ` (published ${p.latest_published})` : ''}, next expected ${p.next_expected} (${p.next_expected_precision}): **${p.freshness}**`,
      ),
    '',
  ].join('\n');
}

export function configProblemsSummary(problems: ConfigProblem[]): string {
  return [
    '## DataWarp: the config has problems',
    '',
    ...problems.map(
      (p) => `- ${cell(`${p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file}: ${p.message}`)}`,
    ),
    '',
  ].join('\n');
}

export function validateSummary(file: string, publications: number, periods: number): string {
  return `## DataWarp validate\n\n\`${file}\`: OK (${publications} publications, ${periods} periods)\n`;
}

export function forkSummary(): string {
  return '## DataWarp: config valid\n\nPull request from a fork: validated only.\n';
}

function previewItem({ outcome: o, columns }: PreviewItem): string[] {
  const head = `#### ${o.status === 'processed' ? '✓' : '✗'} \`${o.key}\``;
  if (o.status === 'failed') return [head, '```', o.failure?.message ?? o.error ?? '', '```'];
  const lines = [
    head,
    `${rowsText(o.rowsLoaded ?? 0)} rows loaded.`,
    '',
    '| table | rows | columns |',
    '|---|---|---|',
  ];
  for (const t of o.tables ?? []) lines.push(`| \`${t.table}\` | ${rowsText(t.rows)} | ${t.columns} |`);
  for (const t of o.tables ?? []) {
    const cols = columns.get(t.table);
    if (cols?.length)
      lines.push(
        '',
        `<details><summary>${t.table} columns</summary>\n\n${cols.map((k) => `\`${k.name}\` ${k.type}`).join(', ')}\n</details>`,
      );
  }
  lines.push('', `Drift: ${driftNote(o) || 'none'}`);
  return lines;
}

/** The pull-request comment (found again by PR_MARKER): one section per added entry. */
export function pullRequestComment(added: number, items: PreviewItem[]): string {
  const lines = [PR_MARKER, '### DataWarp preview of the entries this pull request adds', ''];
  if (!added) lines.push('No (publication, period) entries added.');
  for (const it of items) lines.push(...previewItem(it));
  return lines.join('\n');
}
