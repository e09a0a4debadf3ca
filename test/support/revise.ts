// Helpers for revision tests: a backfill of a workspace with revised items (as the CLI builds it), edits of the
// local NHS site's pages and files.
import { join } from 'node:path';
import { defaultPaths, httpClientFor } from '../../src/runtime/index.js';
import { loadConfig } from '../../src/config/index.js';
import { openDb } from '../../src/load/index.js';
import { backfill, type BackfillOptions, type BackfillResult } from '../../src/pipeline/backfill.js';
import type { Workspace } from './workspace.js';

const quiet = { info() {}, warn() {}, progress() {}, done() {} };

/** `backfill` of the workspace with `revised` items (what the CLI does once the monitor hands them over). */
export function reviseRun(
  ws: Workspace,
  revised: BackfillOptions['revised'],
  opts: Omit<BackfillOptions, 'revised'> = {},
): Promise<BackfillResult> {
  const config = loadConfig(join(ws.dir, 'config', 'publications.yaml'), ws.env);
  return backfill(
    {
      config,
      statePath: ws.statePath,
      paths: defaultPaths(ws.dir),
      http: httpClientFor(config),
      openDb: () => openDb(ws.location),
      reporter: quiet,
    },
    { ...opts, revised },
  );
}

const BLOCK = '<div class="nhsd-!t-margin-top-4" data-uipath="ps.publication.resources-attachment">';

/** A digital.nhs.uk release page with a copy of the attachment card of `file` linking `twin` instead. */
export function pageWithTwin(html: string, file: string, twin: string, titleSuffix: string): string {
  const parts = html.split(BLOCK);
  const i = parts.findIndex((p) => p.includes(file));
  if (i < 1) throw new Error(`no attachment card of ${file} on the page`);
  const card = parts[i]
    .split(file)
    .join(twin)
    .replace(/(<p class="nhsd-t-heading-s">[^<]*)/, `$1${titleSuffix}`);
  parts.splice(i + 1, 0, card);
  return parts.join(BLOCK);
}

/** CSV text with rows changed: `edit(cells, i)` returns the new cells of data row i, or null to drop it. */
export function editCsv(
  text: string,
  edit: (cells: string[], i: number) => string[] | null,
  extra: string[][] = [],
): string {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const out = [lines[0]];
  lines.slice(1).forEach((l, i) => {
    const cells = l.split(',');
    const next = edit(cells, i);
    if (next) out.push(next.join(','));
  });
  for (const e of extra) out.push(e.join(','));
  return out.join('\n') + '\n';
}
