// An in-memory `Releaser` (src/github/releaser.ts) for unit tests: releases by tag (or, with `oneRelease`, every tag
// the same release), assets with ids, GitHub's 422 on a name taken by an upload or a rename, and a log of calls.
import type { Release, ReleaseAsset, Releaser } from '../../src/github/releaser.js';

export type MemAsset = ReleaseAsset;
export type MemRelease = Release & { assets: MemAsset[] };

export function memReleases(o: { assets?: MemAsset[]; oneRelease?: boolean; firstId?: number } = {}) {
  const releases: MemRelease[] = [];
  const calls: string[] = [];
  let id = o.firstId ?? 100;
  const taken = () => Object.assign(new Error('already_exists'), { status: 422 });
  if (o.oneRelease) releases.push({ id: 1, tag: '', htmlUrl: '', uploadUrl: '', assets: o.assets ?? [] });
  const byId = (relId: number) => releases.find((x) => x.id === relId)!;
  const all = () => releases.flatMap((r) => r.assets);
  const releaser: Releaser = {
    async ensureRelease(tag) {
      const htmlUrl = `https://github.com/o/r/releases/tag/${tag}`;
      if (o.oneRelease) return { id: 1, tag, htmlUrl, uploadUrl: '' };
      let r = releases.find((x) => x.tag === tag);
      if (!r) releases.push((r = { id: id++, tag, htmlUrl, uploadUrl: '', assets: [] }));
      return r;
    },
    async listAssets(rel) {
      calls.push('list');
      return [...byId(rel.id).assets];
    },
    async deleteAsset(assetId) {
      calls.push(`delete ${assetId}`);
      for (const r of releases) {
        const i = r.assets.findIndex((a) => a.id === assetId);
        if (i >= 0) r.assets.splice(i, 1);
      }
    },
    async renameAsset(assetId, name) {
      calls.push(`rename ${assetId} ${name}`);
      if (all().some((a) => a.name === name)) throw taken();
      const a = all().find((x) => x.id === assetId)!;
      a.name = name;
      return { ...a };
    },
    async uploadAsset(rel, name, data, label) {
      calls.push(`upload ${name}`);
      const r = byId(rel.id);
      if (r.assets.some((a) => a.name === name)) throw taken();
      const a = { id: id++, name, size: data.length, label };
      r.assets.push(a);
      return a;
    },
  };
  const names = () => Object.fromEntries(releases.map((r) => [r.tag, r.assets.map((a) => a.name).sort()]));
  return { releaser, releases, calls, names };
}
