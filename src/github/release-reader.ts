// The release assets `restore --repo` (and a revision in the action) reads, behind a small interface (the Octokit
// implementation below; tests run it against the fake REST API). What is read and restored: src/restore/.
import { downloadReleaseAsset } from './asset-bytes.js';
import type { Octokit } from './octokit.js';
import { isDataReleaseTag } from './release-names.js';

export interface ReleaseReader {
  describe: string;
  /** the releases holding Parquet files (not the catalog release) */
  dataReleases(): Promise<{ id: number; tag: string }[]>;
  assets(releaseId: number): Promise<{ id: number; name: string }[]>;
  download(assetId: number): Promise<Uint8Array>;
}

export function octokitReleaseReader(gh: Octokit, owner: string, repo: string): ReleaseReader {
  return {
    describe: `releases of ${owner}/${repo}`,
    async dataReleases() {
      const all = await gh.paginate(gh.rest.repos.listReleases, { owner, repo, per_page: 100 });
      return all.filter((r) => isDataReleaseTag(r.tag_name)).map((r) => ({ id: r.id, tag: r.tag_name }));
    },
    async assets(releaseId) {
      const all = await gh.paginate(gh.rest.repos.listReleaseAssets, {
        owner,
        repo,
        release_id: releaseId,
        per_page: 100,
      });
      return all.map((a) => ({ id: a.id, name: a.name }));
    },
    download: (assetId) => downloadReleaseAsset(gh, owner, repo, assetId),
  };
}
