// Files of an item: manifests written atomically, the reference manifest found, documentation text for enrichment.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
  manifests: string,
  configFile: string,
  pub: Publication,
  period: string,
): EnrichedManifest | undefined {
  if (pub.referenceManifest) {
    const problem = referenceProblem(pub.referenceManifest);
    if (problem) throw new Error(`reference_manifest ${problem} (${pub.code} in ${configFile})`);
    return YAML.parse(readFileSync(pub.referenceManifest, 'utf8')) as EnrichedManifest;
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
