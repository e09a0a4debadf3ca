// Files of an item: the reference manifest found, documentation text for enrichment. Manifests are read and
// written through the manifest store (src/manifest/store.ts).
import { existsSync, readFileSync } from 'node:fs';
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
export function findReference(
  store: ManifestStore,
  configFile: string,
  pub: Publication,
  period: string,
): EnrichedManifest | undefined {
  if (pub.referenceManifest) {
    const p = pub.referenceManifest;
    if (!existsSync(p))
      throw new Error(`reference_manifest ${p} of ${pub.code} does not exist (${configFile})`);
    return YAML.parse(readFileSync(p, 'utf8')) as EnrichedManifest;
  }
  return rollingReference(store, pub.code, period)?.manifest;
}

export { writeYaml };
