// The manifest store: where every reader finds a period's manifests, and the one rule for the rolling reference.
//
// Locally the manifests are files, manifests/backfill/<pub>/<pub>_<period>.yaml and ..._enriched.yaml, written
// by the pipeline as today. The action does not commit them to the branch it runs on (they would grow its tree
// by ~20 KB an item): it commits them to the branch `datawarp/manifests` of the same repository, at the same paths
// below backfill/. A reader that does not find a file locally (a fresh runner, a fresh clone) reads it from that
// branch: the remote-tracking ref when the clone has it, else fetched once per process (--depth=1, no API call).
// A file named by a publication's reference_manifest is the user's and stays in the tree: it is read by its path.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import YAML from 'yaml';
import { periodStart } from '../config/index.js';
import { faultPoint } from '../faults.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { GitError, gitSync, mayBeInRepo } from '../git/exec.js';
import type { EnrichedManifest, Manifest } from '../model.js';
import {
  BRANCH_PUBLICATIONS,
  branchManifestPath,
  branchPublicationDir,
  manifestPath,
  periodPartOf,
  publicationDir,
  publicationsDir,
  rootOfPublicationDir,
  type ManifestKind,
} from './layout.js';

/** The branch the action commits the manifests to (paths as under manifests/). */
export const MANIFESTS_BRANCH = 'datawarp/manifests';

export type { ManifestKind };
/** Written as manifests/backfill/<pub>/<pub>_<period>_completed.yaml after the item's load committed. */
export interface CompletionRecord {
  pub: string;
  period: string;
  /** when the latest load of the item completed (ISO) */
  completed_at: string;
  /** rows loaded by every completed load of the item (as the load ledger sums them) */
  rows_loaded: number;
}

export interface ManifestStore {
  /** the manifests/ root */
  readonly root: string;
  /** where the file of an item is (or would be) written locally */
  path(pub: string, period: string, kind: ManifestKind): string;
  has(pub: string, period: string, kind: ManifestKind): boolean;
  /** the manifest of an item, local first, else from the manifests branch; undefined when neither has it */
  read(pub: string, period: string, kind: 'manifest'): Manifest | undefined;
  read(pub: string, period: string, kind: 'enriched'): EnrichedManifest | undefined;
  read(pub: string, period: string, kind: 'completed'): CompletionRecord | undefined;
  /** written locally, atomically (temp file, then rename) */
  write(pub: string, period: string, kind: ManifestKind, data: unknown): void;
  /** the periods of a publication that have a file of this kind (local and branch), oldest first */
  periods(pub: string, kind: ManifestKind): string[];
  /** every enriched manifest, publication by publication, oldest period first */
  readAllEnriched(): EnrichedManifest[];
}

export interface ManifestStoreOptions {
  /** look in the manifests branch when a file is not local (default true) */
  useBranch?: boolean;
  /** the remote to fetch the branch from (default origin) */
  remote?: string;
}

/** The period of a file name of the publication, or undefined when the name is not one of that kind. */
function periodOf(pub: string, name: string, kind: ManifestKind): string | undefined {
  const period = periodPartOf(pub, name, kind);
  return period !== undefined && safeStart(period) ? period : undefined;
}

function safeStart(period: string): string | undefined {
  try {
    return periodStart(period);
  } catch {
    return undefined;
  }
}

const byStart = (a: string, b: string) => safeStart(a)!.localeCompare(safeStart(b)!);

/** Write YAML atomically (temp file, then rename). */
export function writeYaml(path: string, data: unknown): void {
  writeFileAtomic(path, YAML.stringify(data, { lineWidth: 0 }), {
    beforeRename: () => void faultPoint('manifest'),
  });
}

export function manifestStore(root: string, o: ManifestStoreOptions = {}): ManifestStore {
  const abs = resolve(root);
  const branch = o.useBranch === false ? undefined : new BranchReader(abs, o.remote ?? 'origin');
  const local = (pub: string, period: string, kind: ManifestKind) => manifestPath(abs, pub, period, kind);
  const rel = branchManifestPath;
  const parse = (text: string, where: string) => {
    try {
      return YAML.parse(text) as unknown;
    } catch (e) {
      throw new Error(`manifest ${where} is not valid YAML: ${(e as Error).message}`, { cause: e });
    }
  };
  const store: ManifestStore = {
    root: abs,
    path: local,
    has: (pub, period, kind) => existsSync(local(pub, period, kind)) || !!branch?.has(rel(pub, period, kind)),
    read(pub: string, period: string, kind: ManifestKind) {
      const p = local(pub, period, kind);
      if (existsSync(p)) return parse(readFileSync(p, 'utf8'), p) as never;
      const text = branch?.read(rel(pub, period, kind));
      return (
        text === undefined ? undefined : parse(text, `${MANIFESTS_BRANCH}:${rel(pub, period, kind)}`)
      ) as never;
    },
    write: (pub, period, kind, data) => writeYaml(local(pub, period, kind), data),
    periods(pub, kind) {
      const dir = publicationDir(abs, pub);
      const names = new Set(existsSync(dir) ? readdirSync(dir) : []);
      for (const n of branch?.list(branchPublicationDir(pub)) ?? []) names.add(n);
      const out = [...names].map((n) => periodOf(pub, n, kind)).filter((p): p is string => !!p);
      return [...new Set(out)].sort(byStart);
    },
    readAllEnriched() {
      const dir = publicationsDir(abs);
      const pubs = new Set(
        existsSync(dir) ? readdirSync(dir).filter((p) => statSync(join(dir, p)).isDirectory()) : [],
      );
      for (const p of branch?.dirs(BRANCH_PUBLICATIONS) ?? []) pubs.add(p);
      const out: EnrichedManifest[] = [];
      const wanted: string[] = [];
      const slots: (EnrichedManifest | string)[] = [];
      for (const pub of [...pubs].sort())
        for (const period of store.periods(pub, 'enriched')) {
          const p = local(pub, period, 'enriched');
          if (existsSync(p)) slots.push(parse(readFileSync(p, 'utf8'), p) as EnrichedManifest);
          else {
            wanted.push(rel(pub, period, 'enriched'));
            slots.push(rel(pub, period, 'enriched'));
          }
        }
      const fetched = branch && wanted.length ? branch.readMany(wanted) : new Map<string, string>();
      for (const s of slots) {
        if (typeof s !== 'string') out.push(s);
        else if (fetched.has(s))
          out.push(parse(fetched.get(s)!, `${MANIFESTS_BRANCH}:${s}`) as EnrichedManifest);
      }
      return out;
    },
  };
  return store;
}

/**
 * The rolling reference of a period: the enriched manifest of the latest period of the publication that starts
 * before it (none for its first period). The one rule for the pipeline and `datawarp enrich`.
 */
export function rollingReference(
  store: ManifestStore,
  pub: string,
  period: string,
): { period: string; manifest: EnrichedManifest } | undefined {
  const mine = safeStart(period);
  if (!mine) return undefined;
  const pick = store
    .periods(pub, 'enriched')
    .filter((p) => safeStart(p)! < mine)
    .at(-1);
  const manifest = pick ? store.read(pub, pick, 'enriched') : undefined;
  return pick && manifest ? { period: pick, manifest } : undefined;
}

/** The store whose root holds a manifest file at manifests/backfill/<pub>/<file>, else `fallback`'s. */
export function storeOf(manifestPath: string, pub: string, fallback: string): ManifestStore {
  return manifestStore(rootOfPublicationDir(dirname(resolve(manifestPath)), pub) ?? fallback);
}

/** Reads the manifests branch with git: the tree listed once, files by `git cat-file`. */
class BranchReader {
  private ref: string | null | undefined;
  /** path -> blob id */
  private files: Map<string, string> | undefined;
  /** the repository's top folder (ls-tree lists relative to the folder it runs in) */
  private top: string | undefined;
  constructor(
    private readonly root: string,
    private readonly remote: string,
  ) {}

  has(path: string): boolean {
    return this.tree().has(path);
  }

  read(path: string): string | undefined {
    if (!this.has(path)) return undefined;
    return this.git(['cat-file', 'blob', `${this.ref}:${path}`]);
  }

  readMany(paths: string[]): Map<string, string> {
    const out = new Map<string, string>();
    const ref = this.resolve();
    if (!ref) return out;
    this.tree();
    this.prefetch(paths);
    const cwd = this.cwd();
    const buf = gitSync(cwd, ['cat-file', '--batch'], {
      input: paths.map((p) => `${ref}:${p}\n`).join(''),
      bytes: true,
    });
    if (!buf)
      throw new GitError(`git cat-file --batch failed in ${cwd}: the manifests branch could not be read`);
    let at = 0;
    for (const p of paths) {
      const nl = buf.indexOf(10, at);
      const header = buf.subarray(at, nl).toString('utf8').split(' ');
      at = nl + 1;
      if (header[1] !== 'blob') continue; // "<name> missing"
      const size = Number(header[2]);
      out.set(p, buf.subarray(at, at + size).toString('utf8'));
      at += size + 1;
    }
    return out;
  }

  /** names directly under a folder of the branch */
  list(prefix: string): string[] {
    const out: string[] = [];
    for (const f of this.tree().keys())
      if (f.startsWith(prefix) && !f.slice(prefix.length).includes('/')) out.push(f.slice(prefix.length));
    return out;
  }

  dirs(prefix: string): string[] {
    const out = new Set<string>();
    for (const f of this.tree().keys())
      if (f.startsWith(prefix)) {
        const rest = f.slice(prefix.length);
        if (rest.includes('/')) out.add(rest.slice(0, rest.indexOf('/')));
      }
    return [...out];
  }

  private tree(): Map<string, string> {
    if (this.files) return this.files;
    const ref = this.resolve();
    const text = ref ? this.git(['ls-tree', '-r', '-z', ref]) : undefined;
    this.files = new Map();
    for (const entry of (text ?? '').split('\0').filter(Boolean)) {
      const tab = entry.indexOf('\t');
      this.files.set(entry.slice(tab + 1), entry.slice(0, tab).split(' ')[2]);
    }
    return this.files;
  }

  /** In a blobless clone (the fetch above): the blobs of `paths` in one fetch, not one fetch per file. */
  private prefetch(paths: string[]): void {
    if (this.git(['config', '--get', `remote.${this.remote}.promisor`])?.trim() !== 'true') return;
    const ids = paths.map((p) => this.files?.get(p)).filter((x): x is string => !!x);
    const missing = this.git(['cat-file', '--batch-check=%(objectname)', '--batch-all-objects']);
    const have = new Set((missing ?? '').split('\n'));
    const want = ids.filter((id) => !have.has(id));
    if (!want.length) return;
    const args = ['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', '--quiet', this.remote];
    const opts = ['--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--filter=blob:none'];
    this.git([...args, ...opts, '--stdin'], want.join('\n') + '\n');
  }

  private cwd(): string {
    if (this.top) return this.top;
    let d = this.root;
    while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
    return d;
  }

  /** the branch's commit: the remote-tracking ref, a local branch, else fetched once; null when none */
  private resolve(): string | null {
    if (this.ref !== undefined) return this.ref;
    const tracking = `refs/remotes/${this.remote}/${MANIFESTS_BRANCH}`;
    const top = mayBeInRepo(this.cwd()) ? this.git(['rev-parse', '--show-toplevel'])?.trim() : undefined;
    if (!top || relative(top, realpathSync(this.cwd())).startsWith('..')) return (this.ref = null);
    this.top = top;
    for (const r of [tracking, `refs/heads/${MANIFESTS_BRANCH}`])
      if (this.git(['rev-parse', '--verify', '--quiet', `${r}^{commit}`]) !== undefined)
        return (this.ref = r);
    const fetched = this.git([
      'fetch',
      '--quiet',
      '--depth=1',
      '--filter=blob:none', // trees only; a file's bytes are fetched when read (a server without filters sends all)
      this.remote,
      `+refs/heads/${MANIFESTS_BRANCH}:${tracking}`,
    ]);
    this.ref = fetched !== undefined ? tracking : null;
    return this.ref;
  }

  private git(args: string[], input?: string): string | undefined {
    return gitSync(this.cwd(), args, { input });
  }
}
