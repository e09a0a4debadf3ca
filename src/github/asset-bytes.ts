// A release asset's bytes, apart from octokit.ts: the CLI reads assets through a client made elsewhere, and
// importing this does not load @actions/github and its plugins (~10 MB) into every command.
import type { Octokit } from './octokit.js';

/** The bytes of a release asset (GitHub redirects to its storage; Octokit follows). */
export async function downloadReleaseAsset(
  gh: Octokit,
  owner: string,
  repo: string,
  assetId: number,
): Promise<Uint8Array> {
  const res = await gh.rest.repos.getReleaseAsset({
    owner,
    repo,
    asset_id: assetId,
    headers: { accept: 'application/octet-stream' },
  });
  return new Uint8Array(res.data as unknown as ArrayBuffer);
}
