// Fan-out: a matrix job's results as fragments the merge job folds in, one per publication of the job. A fragment
// is a directory <dir>/<pub>/ holding fragment.json (who, when, the item outcomes, an error), state.json (the keys
// of the items the job processed or tried), catalog.json (the publication's tables, only the periods the job
// processed, asset releases included: the merge folds them into the committed tables, src/action/merge.ts) and
// manifests/ (the manifests the job wrote, paths relative to the manifests root). The job writes it after every
// item and at the end, even when it fails, so a job stopped half-way still hands over what it finished.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { parseCatalog, readCatalog, serializeCatalog, type Catalog } from '../export/index.js';
import { manifestsRoot, publicationDir } from '../manifest/index.js';
import type { ItemOutcome } from '../pipeline/backfill.js';
import { emptyState, readState, serializeState, type State } from '../state/index.js';
import type { OpenDrift } from '../status/index.js';
import { InputError } from './context.js';
import type { ActionEnv } from './env.js';
import { asState, parseJson, tablePeriods } from './merge.js';

export interface FragmentMeta {
  pub: string;
  /** the job that wrote it, e.g. "backfill (qof)" */
  job: string;
  run_url?: string;
  started_at: string;
  /** set when the backfill step ended (undefined: the job was stopped while items ran) */
  finished_at?: string;
  /** why the step failed, when it did */
  error?: string;
  /** `revised`: the item was a pending revision (processed: reloaded, so the merge clears it) */
  outcomes: { key: string; status: ItemOutcome['status']; error?: string; revised?: true }[];
  /** the publication's drift record after the job (src/action/drift.ts): set, or null when cleared */
  drift?: OpenDrift | null;
}

export interface Fragment {
  meta: FragmentMeta;
  state: State;
  catalog?: Catalog;
  /** <fragment>/manifests, when the job wrote manifests */
  manifestsDir?: string;
}

export interface FragmentSource {
  pub: string;
  statePath: string;
  catalogPath: string;
  /** the manifests root (manifests/); the publication's manifests are under backfill/<pub>/ */
  manifestsRoot: string;
}

const atomic = (path: string, text: string) => writeFileAtomic(path, text);

/**
 * Write (or rewrite) the fragment of `src.pub` under `dir`: the state's keys and the catalog tables' periods of
 * the items in `meta.outcomes` (not the whole state and catalog: a merge of 200 fragments reads 200 small ones)
 * and the manifests the job wrote (changed since `sinceMs`, the job's start; a fresh checkout's files are older).
 */
export function writeFragment(dir: string, src: FragmentSource, meta: FragmentMeta, sinceMs = 0): string {
  const out = join(dir, src.pub);
  mkdirSync(out, { recursive: true });
  // the items the job processed (or tried): the rest of the publication's keys and tables is the checkout's
  const keys = new Set(meta.outcomes.map((o) => o.key).filter((k) => k.startsWith(`${src.pub}/`)));
  const all = existsSync(src.statePath) ? readState(src.statePath) : emptyState();
  const mine = emptyState();
  for (const k of keys) {
    if (Object.hasOwn(all.processed, k)) mine.processed[k] = all.processed[k];
    if (Object.hasOwn(all.failed, k)) mine.failed[k] = all.failed[k];
  }
  atomic(join(out, 'state.json'), serializeState(mine));
  const catalog = existsSync(src.catalogPath) ? readCatalog(src.catalogPath) : undefined;
  if (catalog) {
    const periods = new Set([...keys].map((k) => k.slice(src.pub.length + 1)));
    const tables = catalog.tables
      .filter((t) => t.publication === src.pub)
      .map((t) => tablePeriods(t, periods))
      .filter((t) => t !== undefined);
    atomic(join(out, 'catalog.json'), serializeCatalog({ ...catalog, tables }));
  }
  const manifests = publicationDir(src.manifestsRoot, src.pub);
  if (existsSync(manifests))
    cpSync(manifests, join(manifestsRoot(out), relative(src.manifestsRoot, manifests)), {
      recursive: true,
      filter: (p) => !p.endsWith('.tmp') && (statSync(p).isDirectory() || statSync(p).mtimeMs >= sinceMs),
    });
  atomic(join(out, 'fragment.json'), JSON.stringify(meta, null, 2) + '\n');
  return out;
}

/** Every fragment under `dir` (a directory per publication holding fragment.json), sorted by publication. */
export function readFragments(dir: string): Fragment[] {
  if (!existsSync(dir)) return [];
  const out: Fragment[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const d = join(dir, e.name);
    const meta = parseJson<FragmentMeta>(
      existsSync(join(d, 'fragment.json')) ? readFileSync(join(d, 'fragment.json'), 'utf8') : undefined,
    );
    if (!meta?.pub) continue;
    const text = (f: string) => (existsSync(join(d, f)) ? readFileSync(join(d, f), 'utf8') : undefined);
    const catalog = text('catalog.json');
    out.push({
      meta: { ...meta, outcomes: meta.outcomes ?? [] },
      state: asState(parseJson(text('state.json'))),
      // its asset URLs put back (the text leaves out those the catalog's asset_base gives)
      catalog: catalog?.trim() ? parseCatalog(catalog) : undefined,
      manifestsDir: existsSync(manifestsRoot(d)) ? manifestsRoot(d) : undefined,
    });
  }
  return out.sort((a, b) => a.meta.pub.localeCompare(b.meta.pub));
}

/**
 * The fragment writer of a matrix job (one fragment folder per publication of the job): call write() after each
 * item (it rewrites the fragments of the publications whose outcomes changed), at the end and on failure (all).
 */
export function fragmentWriter(
  dir: string,
  src: Omit<FragmentSource, 'pub'> & { pubs: string[] },
  who: { job: string; runUrl?: string },
  log: (m: string) => void,
) {
  const startedMs = Date.now() - 1000; // file times may be coarser than the clock
  const started_at = new Date().toISOString();
  const written = new Map<string, string>();
  return {
    write(outcomes: ItemOutcome[], end?: { error?: string; drift?: Map<string, OpenDrift | null> }) {
      const byPub = new Map<string, FragmentMeta['outcomes']>(src.pubs.map((p) => [p, []]));
      for (const o of outcomes)
        byPub.get(o.pub)?.push({
          key: o.key,
          status: o.status,
          ...(o.error ? { error: o.error } : {}),
          ...(o.revised ? { revised: true as const } : {}),
        });
      for (const [pub, mine] of byPub) {
        const seen = JSON.stringify(mine);
        if (!end && written.get(pub) === seen) continue;
        written.set(pub, seen);
        const meta: FragmentMeta = {
          pub,
          job: who.job,
          ...(who.runUrl ? { run_url: who.runUrl } : {}),
          started_at,
          outcomes: mine,
          ...(end ? { finished_at: new Date().toISOString() } : {}),
          ...(end?.error ? { error: end.error } : {}),
          ...(end?.drift?.has(pub) ? { drift: end.drift.get(pub) } : {}),
        };
        const at = writeFragment(dir, { ...src, pub }, meta, startedMs);
        if (end) log(`state fragment of ${pub} written to ${at}`);
      }
    },
  };
}

/** The matrix job's name in the Actions UI (`name: backfill (${{ matrix.pub }})` in backfill.yml). */
export const matrixJobName = (pubs: string) => `backfill (${pubs})`;

/** A matrix job (input fragment-dir): its state fragments instead of commits; it needs input pub. */
export function matrixJobFragment(e: ActionEnv, statePath: string, pubs: string[] | undefined) {
  if (!e.inputs.fragmentDir) return undefined;
  if (!pubs?.length) throw new InputError('input fragment-dir (a matrix job of the fan-out) needs input pub');
  return fragmentWriter(
    resolve(e.cwd, e.inputs.fragmentDir),
    { pubs, statePath, catalogPath: e.catalogPath, manifestsRoot: e.paths.manifests },
    { job: matrixJobName(pubs.join(' ')), runUrl: e.ctx.runUrl },
    e.log.info,
  );
}
