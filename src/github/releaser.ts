// Releases and their assets: the `Releaser` interface the action publishes through (a fake in unit tests), and its
// Octokit implementation through GitHub's REST API, with what the run has learnt of them (each tag's release, each
// release's assets by name) kept in a cache so a tag is looked up or created once and a release's assets are listed
// once. src/github/client.ts puts it together with the other GitHub clients; publishing (which files, replace or
// keep) is src/action/releases.ts.
import { downloadReleaseAsset } from './asset-bytes.js';
import type { Octokit } from './octokit.js';

export interface Release {
  id: number;
  tag: string;
  htmlUrl: string;
  uploadUrl: string;
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  label: string | null;
}

/** The few release operations the action needs (a fake in unit tests, Octokit in the action). */
export interface Releaser {
  /**
   * the release with this tag, created (published, not a draft) when missing; `hint.exists === false`: nothing is
   * known to be in it, so it is created first (one call for a new release)
   */
  ensureRelease(tag: string, name: string, body: string, hint?: { exists?: boolean }): Promise<Release>;
  /** its assets; an implementation may remember them for the run (`fresh` lists again) */
  listAssets(release: Release, opts?: { fresh?: boolean }): Promise<ReleaseAsset[]>;
  deleteAsset(id: number): Promise<void>;
  /** give an asset another name (PATCH /repos/{owner}/{repo}/releases/assets/{asset_id}) */
  renameAsset(id: number, name: string): Promise<ReleaseAsset>;
  /** an asset's bytes (an item zip whose other members a re-upload carries over) */
  downloadAsset?(id: number): Promise<Uint8Array>;
  /** throws an error with `status === 422` when the name is taken */
  uploadAsset(release: Release, name: string, data: Buffer, label: string): Promise<ReleaseAsset>;
}

/** The HTTP status of a failed request (Octokit's RequestError carries it), if any. */
export const httpStatus = (e: unknown) => (e as { status?: number }).status;

type ApiAsset = { id: number; name: string; size: number; label?: string | null };
const toAsset = (a: ApiAsset): ReleaseAsset => ({
  id: a.id,
  name: a.name,
  size: a.size,
  label: a.label ?? null,
});
type ApiRelease = { id: number; tag_name: string; html_url: string; upload_url: string; assets?: ApiAsset[] };
/** GitHub's release object lists its assets; fewer than a page of them is taken as the whole list. */
const INLINE_ASSETS_TRUSTED = 100;

/** The repository the calls go to, and what the run knows of its releases (tag -> release, id -> name -> asset). */
interface Known {
  gh: Octokit;
  owner: string;
  repo: string;
  releases: Map<string, Release>;
  assets: Map<number, Map<string, ReleaseAsset>>;
}

function remember(k: Known, r: ApiRelease, fresh = false): Release {
  const rel: Release = { id: r.id, tag: r.tag_name, htmlUrl: r.html_url, uploadUrl: r.upload_url };
  k.releases.set(rel.tag, rel);
  const inline = r.assets ?? [];
  if (fresh || (r.assets && inline.length < INLINE_ASSETS_TRUSTED))
    k.assets.set(rel.id, new Map(inline.map((a) => [a.name, toAsset(a)])));
  return rel;
}

async function byTag(k: Known, tag: string): Promise<Release | undefined> {
  try {
    return remember(k, (await k.gh.rest.repos.getReleaseByTag({ owner: k.owner, repo: k.repo, tag })).data);
  } catch (e) {
    if (httpStatus(e) === 404) return undefined;
    throw e;
  }
}

async function create(k: Known, tag: string, name: string, body: string): Promise<Release | undefined> {
  try {
    const { data } = await k.gh.rest.repos.createRelease({
      owner: k.owner,
      repo: k.repo,
      tag_name: tag,
      name,
      body,
      draft: false,
      prerelease: false,
    });
    return remember(k, data, true);
  } catch (e) {
    if (httpStatus(e) === 422) return undefined; // it exists (another run created it meanwhile)
    throw e;
  }
}

function forget(k: Known, id: number): void {
  for (const m of k.assets.values()) for (const [n, a] of m) if (a.id === id) m.delete(n);
}

/** The asset `id` is now `a` (renamed): its entry moves to the new name. The old name is found first and the map
 * changed after, since a key set while a Map is iterated is visited again (an endless loop). */
function renamed(k: Known, id: number, a: ReleaseAsset): void {
  for (const m of k.assets.values()) {
    const old = [...m].find(([, x]) => x.id === id)?.[0];
    if (old === undefined) continue;
    m.delete(old);
    m.set(a.name, a);
  }
}

/**
 * Releases and their assets, remembered for the run: a tag is looked up (or created) once, a release's assets are
 * listed once (all pages) and the name -> asset map kept current as this run uploads, renames and deletes;
 * `listAssets(r, { fresh: true })` lists again (after a 422 already_exists: someone else uploaded meanwhile).
 */
export function createOctokitReleaser(gh: Octokit, owner: string, repo: string): Releaser {
  const k: Known = { gh, owner, repo, releases: new Map(), assets: new Map() };
  return {
    async ensureRelease(tag, name, body, hint) {
      const cached = k.releases.get(tag);
      if (cached) return cached;
      // a tag nothing is known to be in is most likely new: create first, look up only when that fails
      if (hint?.exists === false) {
        const made = (await create(k, tag, name, body)) ?? (await byTag(k, tag));
        if (made) return made;
      }
      const found = (await byTag(k, tag)) ?? (await create(k, tag, name, body)) ?? (await byTag(k, tag));
      if (!found) throw new Error(`release ${tag}: neither found nor created`);
      return found;
    },
    async listAssets(release, opts) {
      const have = k.assets.get(release.id);
      if (have && !opts?.fresh) return [...have.values()];
      const all = await gh.paginate(gh.rest.repos.listReleaseAssets, {
        owner,
        repo,
        release_id: release.id,
        per_page: 100,
      });
      const list = all.map(toAsset);
      k.assets.set(release.id, new Map(list.map((a) => [a.name, a])));
      return list;
    },
    async deleteAsset(id) {
      try {
        await gh.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: id });
      } catch (e) {
        if (httpStatus(e) !== 404) throw e; // already gone
      }
      forget(k, id);
    },
    async renameAsset(id, name) {
      const { data } = await gh.rest.repos.updateReleaseAsset({ owner, repo, asset_id: id, name });
      const a = toAsset(data);
      renamed(k, id, a);
      return a;
    },
    downloadAsset: (id) => downloadReleaseAsset(gh, owner, repo, id),
    async uploadAsset(release, name, data, label) {
      const { data: res } = await gh.rest.repos.uploadReleaseAsset({
        owner,
        repo,
        release_id: release.id,
        url: release.uploadUrl,
        name,
        label,
        data: data as unknown as string,
        // no content-length: fetch sets it from the Buffer (one given by hand is refused when undici 7 is the dispatcher)
        headers: { 'content-type': 'application/octet-stream' },
      });
      const a = toAsset(res);
      k.assets.get(release.id)?.set(a.name, a);
      return a;
    },
  };
}
