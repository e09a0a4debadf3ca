// Files of an item: manifests written atomically, the reference manifest found, documentation text for enrichment.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { periodStart, type Publication } from '../config/index.js';
import type { EnrichedManifest, SourceFile } from '../model.js';
import { faultPoint } from '../faults.js';

/** The documentation sheets of a file as one text (enrichment context), at most 8,000 characters. */
export function docText(source: SourceFile): string {
  return source.docs
    .map((d) => `[${d.sheet}]\n${d.text}`)
    .join('\n')
    .slice(0, 8000);
}

/** The reference manifest of a period: the configured one, else the latest enriched manifest of an earlier
 * period of the publication (rolling). */
export function findReference(
  manifests: string,
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
  // Rolling: the latest enriched manifest of an earlier period of this publication.
  const dir = join(manifests, 'backfill', pub.code);
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

/** Write YAML atomically (temp file, then rename). */
export function writeYaml(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, YAML.stringify(data, { lineWidth: 0 }));
  void faultPoint('manifest');
  renameSync(tmp, path);
}
