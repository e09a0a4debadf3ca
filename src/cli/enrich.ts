// `datawarp enrich <manifest.yaml> [--reference F] [--out F] [--config F]`: the enrichment step alone.
// Reads a manifest written by the pipeline, names it (reference, LLM, deterministic), writes
// `<...>_enriched.yaml` (or --out) and prints the drift report. LLM calls are not recorded in the database here
// (no database is opened); their count and cost are printed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { loadConfig, type Publication } from '../config/index.js';
import { enrichManifest, formatDrift } from '../enrich/index.js';
import { openAiNamerFromEnv } from '../enrich/llm.js';
import { safeFileName } from '../manifest/download.js';
import { extractFile } from '../manifest/extract/index.js';
import {
  enrichedBeside,
  MANIFESTS_BRANCH,
  manifestsRoot,
  rollingReference,
  storeOf,
  writeYaml,
} from '../manifest/index.js';
import type { CellValue, DataFileLink, EnrichedManifest, Manifest } from '../model.js';
import type { CliEnv } from '../runtime/index.js';

export const ENRICH_USAGE = `Usage: datawarp enrich <manifest.yaml> [--reference F] [--out F] [--config F]

  Names the tables of a manifest written by backfill (manifests/backfill/<pub>/<pub>_<period>.yaml):
  matched to the reference by fingerprint (no LLM calls), else by the LLM (OPENAI_API_KEY), else deterministic.
  --reference F  enriched manifest to match against (default: the publication's reference_manifest in the
                 config, else the latest earlier <pub>_<period>_enriched.yaml next to the manifest,
                 or on the datawarp/manifests branch where the action commits them)
  --out F        where to write (default: <manifest>_enriched.yaml)
  --config F     publications config, for the publication's name (default config/publications.yaml)
  Sample rows and notes are read from the downloaded files (.datawarp/downloads/<pub>/<period>/) when present.
`;

export async function runEnrichCommand(args: string[], ctx: CliEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        reference: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        state: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    ctx.io.err(`datawarp enrich: ${(e as Error).message}\n\n${ENRICH_USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    ctx.io.out(ENRICH_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    ctx.io.err(`datawarp enrich: give exactly one manifest file\n\n${ENRICH_USAGE}`);
    return 2;
  }
  const manifestPath = resolve(ctx.cwd, parsed.positionals[0]);
  if (!existsSync(manifestPath)) {
    ctx.io.err(`datawarp enrich: ${manifestPath} does not exist\n`);
    return 2;
  }
  let manifest: Manifest;
  try {
    manifest = YAML.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (!manifest?.pub || !manifest.period || !Array.isArray(manifest.files))
      throw new Error('not a DataWarp manifest');
  } catch (e) {
    ctx.io.err(`datawarp enrich: cannot read ${manifestPath}: ${(e as Error).message}\n`);
    return 2;
  }

  const configPath = resolve(ctx.cwd, v.config ?? 'config/publications.yaml');
  let pub: Publication | undefined;
  if (v.config || existsSync(configPath))
    pub = loadConfig(configPath, ctx.env).publications.find((p) => p.code === manifest.pub);

  const out = resolve(ctx.cwd, v.out ?? enrichedBeside(manifestPath));
  const ref = findReference(ctx, v.reference, pub, manifestPath, manifest);
  if (ref === undefined) return 2;
  const { referencePath, reference } = ref;

  const warn = (m: string) => ctx.io.err(`  ! ${m}\n`);
  const downloads = await readDownloads(ctx.cwd, manifest, warn);
  const namer = openAiNamerFromEnv(ctx.env, warn);
  const enriched = await enrichManifest(manifest, {
    pubName: pub?.name ?? manifest.pub,
    reference,
    namer,
    samples: downloads.samples,
    docs: downloads.docs,
    log: warn,
  });
  writeYaml(out, enriched);

  printSummary(ctx.io, manifest, enriched, { referencePath, found: downloads.found, out, namer });
  return 0;
}

/**
 * The reference to match against: --reference, else the publication's reference_manifest, else the rolling
 * reference from the manifest's store. undefined (after printing why) when a named reference does not exist.
 */
function findReference(
  ctx: CliEnv,
  given: string | undefined,
  pub: Publication | undefined,
  manifestPath: string,
  manifest: Manifest,
): { referencePath?: string; reference?: EnrichedManifest } | undefined {
  let referencePath: string | undefined;
  let reference: EnrichedManifest | undefined;
  if (given) referencePath = resolve(ctx.cwd, given);
  else if (pub?.referenceManifest) referencePath = resolve(ctx.cwd, pub.referenceManifest);
  if (referencePath && !existsSync(referencePath)) {
    ctx.io.err(`datawarp enrich: reference ${referencePath} does not exist\n`);
    return undefined;
  }
  if (referencePath) reference = YAML.parse(readFileSync(referencePath, 'utf8')) as EnrichedManifest;
  else {
    // the rolling rule of the pipeline, from the manifest store the manifest belongs to
    const store = storeOf(manifestPath, manifest.pub, manifestsRoot(ctx.cwd));
    const r = rollingReference(store, manifest.pub, manifest.period);
    if (r) {
      reference = r.manifest;
      const local = store.path(manifest.pub, r.period, 'enriched');
      referencePath = existsSync(local) ? local : `${MANIFESTS_BRANCH}:${relative(store.root, local)}`;
    }
  }
  return { referencePath, reference };
}

/** The report of one enrich run: sources by origin, reference, samples, LLM calls and cost, drift. */
function printSummary(
  io: CliEnv['io'],
  manifest: Manifest,
  enriched: EnrichedManifest,
  r: { referencePath?: string; found: number; out: string; namer: ReturnType<typeof openAiNamerFromEnv> },
): void {
  const { referencePath, found, out, namer } = r;
  const by = (o: string) => enriched.sources.filter((s) => s.origin === o).length;
  const calls = namer?.takeCalls() ?? [];
  io.out(`${manifest.pub}/${manifest.period}: ${enriched.sources.length} sources`);
  io.out(` (${by('reference')} reference, ${by('llm')} llm, ${by('deterministic')} deterministic)\n`);
  io.out(`  reference: ${referencePath ?? 'none'}\n`);
  io.out(`  samples from ${found} of ${manifest.files.length} downloaded files\n`);
  if (namer)
    io.out(
      `  LLM calls: ${calls.length} (${calls.filter((c) => c.ok).length} ok), $${calls.reduce((s, c) => s + c.cost_usd, 0).toFixed(4)}\n`,
    );
  for (const s of enriched.sources) io.out(`  ${s.origin.padEnd(13)} ${s.table_name}  <- ${s.table_id}\n`);
  if (enriched.drift) io.out(`  drift: ${formatDrift(enriched.drift)}\n`);
  io.out(`wrote ${out}\n`);
}

async function readDownloads(
  cwd: string,
  manifest: Manifest,
  warn: (m: string) => void,
): Promise<{ samples: Map<string, CellValue[][]>; docs: Map<string, string>; found: number }> {
  const samples = new Map<string, CellValue[][]>();
  const docs = new Map<string, string>();
  let found = 0;
  const dir = join(cwd, '.datawarp', 'downloads', manifest.pub, manifest.period);
  for (const f of manifest.files) {
    const ext = (f.url.split(/[?#]/)[0].split('.').pop() ?? '').toLowerCase() as DataFileLink['ext'];
    const path = join(dir, safeFileName(f.url, ext));
    if (!existsSync(path)) continue;
    const buf = readFileSync(path);
    if (f.sha256 && createHash('sha256').update(buf).digest('hex') !== f.sha256) {
      warn(`${basename(path)} differs from the manifest's file (sha256); not used for samples`);
      continue;
    }
    try {
      const data = await extractFile(path, {
        ext,
        name: decodeURIComponent(basename(new URL(f.url).pathname)),
      });
      for (const t of data.tables) samples.set(`${f.url}#${t.spec.id}`, t.rows.slice(0, 5));
      docs.set(
        f.url,
        data.docs
          .map((d) => `[${d.sheet}]\n${d.text}`)
          .join('\n')
          .slice(0, 8000),
      );
      found++;
    } catch (e) {
      warn(`cannot read ${basename(path)}: ${(e as Error).message}; enriching without its samples`);
    }
  }
  return { samples, docs, found };
}
