// Files of an item: the reference manifest found, documentation text for enrichment. Manifests are read and
// written through the manifest store (src/manifest/store.ts).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import type { Publication } from '../config/index.js';
import { rollingReference, writeYaml, type ManifestStore } from '../manifest/index.js';
import type { EnrichedManifest, SourceFile } from '../model.js';

/** The documentation sheets of a file as one text (enrichment context), at most 8,000 characters. */
export function docText(source: SourceFile): string {
  return source.docs
    .map((d) => `[${d.sheet}]\n${d.text}`)
    .join('\n')
    .slice(0, 8000);
}

/** The reference manifest of a period: the configured one (a file in the tree), else the rolling one of the
 * manifest store (the latest enriched manifest of an earlier period of the publication). */
/** What is wrong with a publication's `reference_manifest` (resolved as backfill reads it: from the working
 * directory), or undefined: it must exist and parse as an enriched manifest (YAML with `sources`). */
export function referenceProblem(path: string, cwd = process.cwd()): string | undefined {
  const p = resolve(cwd, path);
  if (!existsSync(p)) return `${path} does not exist (looked for ${p})`;
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    return `${path} is not YAML: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { sources?: unknown }).sources))
    return `${path} is not an enriched manifest (no \`sources\` list): use a manifests/backfill/<pub>/<pub>_<period>_enriched.yaml`;
  return undefined;
}

export function findReference(
  store: ManifestStore,
  configFile: string,
  pub: Publication,
  period: string,
): EnrichedManifest | undefined {
  if (pub.referenceManifest) {
    const problem = referenceProblem(pub.referenceManifest);
    if (problem) throw new Error(`reference_manifest ${problem} (${pub.code} in ${configFile})`);
    return YAML.parse(readFileSync(pub.referenceManifest, 'utf8')) as EnrichedManifest;
  }
  return rollingReference(store, pub.code, period)?.manifest;
}

export { writeYaml };
