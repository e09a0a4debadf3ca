// The words of drift to review: the `datawarp-drift` issue's body and comments, and the status lines.
import { driftLine, type DriftChange, type OpenDrift, type StatusData } from '../status/index.js';
import { cell } from './summary.js';

export const DRIFT_LABEL = 'datawarp-drift';
export const driftMarker = (pub: string) => `<!-- datawarp:drift pub=${pub} -->`;

/** What the issue is about: the publication, and its reference. */
export interface DriftSubject {
  pub: string;
  name: string;
  /** the publication's reference_manifest, when it sets one (else the rolling reference) */
  reference?: string;
  /** the config file, as the repository names it */
  configFile: string;
}

export const driftTitle = (s: DriftSubject) => `DataWarp: drift to review in ${s.pub}`;

/** The drift table of a record. */
export function driftTable(changes: DriftChange[]): string {
  return [
    '| period | change | table | detail |',
    '|---|---|---|---|',
    ...changes.map(
      (c) =>
        `| ${c.period} | ${c.kind === 'column added' ? 'column added (noted)' : `**${c.kind}**`} | \`${cell(c.table)}\` | ${cell(c.detail)} |`,
    ),
  ].join('\n');
}

/** How to accept the drift: the reference edit (a configured reference) or nothing but closing (rolling). */
export function acceptText(s: DriftSubject, r: OpenDrift): string {
  const enriched = `backfill/${s.pub}/${s.pub}_${r.period}_enriched.yaml`;
  if (s.reference)
    return [
      `**To accept it**, make this period's names the reference: replace \`${s.reference}\` with the enriched`,
      `manifest of ${r.period} (on the branch \`datawarp/manifests\`), review its names, and commit it:`,
      '',
      '```sh',
      `git fetch origin datawarp/manifests && git show origin/datawarp/manifests:${enriched} > ${s.reference}`,
      '```',
      '',
      `(or \`npx datawarp enrich manifests/${enriched.replace('_enriched', '')} --reference ${s.reference} --out ${s.reference}\`).`,
      `To keep the old names instead, edit the renamed columns back in \`${s.reference}\` and reload the period:`,
      `\`npx datawarp backfill --pub ${s.pub} --period ${r.period} --force\`.`,
      'This issue closes by itself when a later period matches the reference cleanly, or when you close it.',
    ].join('\n');
  return [
    `**To accept it**, close this issue: ${s.pub} has no \`reference_manifest\`, so each period is compared with the`,
    'one before (the rolling reference) and the next period will not report this drift again.',
    `To pin the names instead, set \`reference_manifest:\` for \`${s.pub}\` in \`${s.configFile}\` to an enriched`,
    `manifest you reviewed (e.g. \`manifests/reference/${s.pub}.yaml\`, from \`datawarp/manifests:${enriched}\`),`,
    `then reload the period: \`npx datawarp backfill --pub ${s.pub} --period ${r.period} --force\`.`,
    'DataWarp does not close this issue by itself while the reference is rolling: a later period that matches',
    'the one before says nothing about this change.',
  ].join('\n');
}

export function driftIssueBody(s: DriftSubject, r: OpenDrift, runUrl?: string): string {
  const run = runUrl ? ` ([run](${runUrl}))` : '';
  const since = r.since === r.period ? r.period : `${r.since} (latest ${r.period})`;
  return [
    driftMarker(s.pub),
    `The files of **${cell(s.name)}** (\`${s.pub}\`) changed shape in ${since}${run}: ${r.summary}.`,
    `Compared with ${s.reference ? `the reference manifest \`${s.reference}\`` : 'the period before (rolling reference)'}.`,
    '',
    driftTable(r.changes ?? []),
    '',
    'A **table unmatched** was loaded under a new table name; a **column renamed** loads into the reference',
    'column; a **column gone** is NULL from this period on; a column added is noted only. Check that the',
    'tables still hold what their names say.',
    '',
    acceptText(s, r),
  ].join('\n');
}

/** The comment on an open drift issue when a later run drifts again. */
export function driftAgainComment(r: OpenDrift, runUrl?: string): string {
  const run = runUrl ? ` in [this run](${runUrl})` : '';
  return `Drift again in ${r.period}${run}: ${r.summary}.\n\n${driftTable(r.changes ?? [])}`;
}

/** Markdown lines of the status summary: the publications with drift to review. */
export function driftStatusLines(d: StatusData): string {
  const open = d.publications.filter((p) => p.drift);
  if (!open.length) return '';
  return [
    '### Drift to review',
    '',
    ...open.map((p) => `- \`${p.pub}\`: ${cell(driftLine(p.drift!))}`),
    '',
  ].join('\n');
}
