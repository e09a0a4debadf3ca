// Revision detection: the release page and data files of a processed period, fetched again (conditional
// requests on the validators seen last time; never from a cache) and compared with what was loaded (the
// period's manifest) or last seen (monitor.json):
//   a new data-file URL with new bytes, new bytes at a known URL, a file no longer listed, or a new change
//   notice -> revised;  the same bytes at a new URL (a file moved) -> not revised.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpClient } from '../http/index.js';
import { manifestStore } from '../manifest/index.js';
import { parseReleasePage } from './pages.js';
import type { KnownFile, PeriodCheck } from './state.js';

export interface RecheckDeps {
  http: HttpClient;
  /** scratch directory for downloads (each file is removed once hashed) */
  tmpDir: string;
  /** manifests/ (what the pipeline loaded: manifests/backfill/<pub>/<pub>_<period>.yaml) */
  manifestsDir: string;
}

export interface RecheckResult {
  check: PeriodCheck;
  /** why the period counts as revised (empty: unchanged) */
  reasons: string[];
}

const fileName = (url: string) => {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? url);
  } catch {
    return url;
  }
};

/** The files the pipeline loaded for the period, from its manifest; undefined when it has none. */
export function loadedFiles(
  manifestsDir: string,
  pub: string,
  period: string,
): Record<string, KnownFile> | undefined {
  try {
    // the manifest store: the local file, else the manifests branch the action commits to (a fresh runner)
    const m = manifestStore(manifestsDir).read(pub, period, 'manifest');
    if (!m) return undefined;
    return Object.fromEntries(
      (m.files ?? []).map((f) => [f.url, { sha256: f.sha256, title: f.title, bytes: f.bytes }]),
    );
  } catch {
    return undefined;
  }
}

/** The files now listed hold exactly the bytes the period's manifest says were loaded. */
export function sameAsLoaded(
  manifestsDir: string,
  pub: string,
  period: string,
  files: Record<string, KnownFile>,
): boolean {
  const loaded = loadedFiles(manifestsDir, pub, period);
  if (!loaded) return false;
  const want = new Set(Object.values(loaded).map((f) => f.sha256));
  const got = new Set(Object.values(files).map((f) => f.sha256));
  return want.size === got.size && [...want].every((s) => got.has(s));
}

let seq = 0;

async function fetchFile(
  deps: RecheckDeps,
  url: string,
  known?: KnownFile,
): Promise<KnownFile & { notModified?: boolean }> {
  await mkdir(deps.tmpDir, { recursive: true });
  const dest = join(deps.tmpDir, `recheck-${process.pid}-${seq++}`);
  try {
    const r = await deps.http.download(url, dest, {
      ...(known?.etag ? { ifNoneMatch: known.etag } : {}),
      ...(known?.last_modified ? { ifModifiedSince: known.last_modified } : {}),
    });
    if (r.notModified) return { ...known!, notModified: true };
    const sha256 = r.sha256 || createHash('sha256').update(readFileSync(dest)).digest('hex');
    return {
      sha256,
      bytes: r.bytes,
      ...(r.etag ? { etag: r.etag } : {}),
      ...(r.lastModified ? { last_modified: r.lastModified } : {}),
    };
  } finally {
    await rm(dest, { force: true });
  }
}

/**
 * Re-check one processed period. `previous` is what monitor.json recorded; without it the manifest is the
 * baseline for files and the page's notices are only recorded. Without either, the files are recorded.
 */
export async function recheckPeriod(
  deps: RecheckDeps,
  item: { pub: string; period: string; url: string },
  previous: PeriodCheck | undefined,
): Promise<RecheckResult> {
  const page = await deps.http.getText(item.url);
  const info = parseReleasePage(page.text, page.url || item.url, item.period);
  const baseline = previous?.files ?? loadedFiles(deps.manifestsDir, item.pub, item.period);
  const reasons: string[] = [];
  const files: Record<string, KnownFile> = {};
  const knownShas = new Set(Object.values(baseline ?? {}).map((f) => f.sha256));
  for (const link of info.files) {
    const known = baseline?.[link.url];
    const got = await fetchFile(deps, link.url, known);
    const { notModified, ...record } = got;
    files[link.url] = { ...record, title: link.title };
    if (!baseline || notModified) continue;
    if (known) {
      if (known.sha256 !== got.sha256) reasons.push(`new bytes at ${fileName(link.url)}`);
    } else if (!knownShas.has(got.sha256)) {
      reasons.push(`new data file ${fileName(link.url)}`);
    }
  }
  if (baseline) {
    const listedShas = new Set(Object.values(files).map((f) => f.sha256));
    for (const [url, f] of Object.entries(baseline))
      if (!files[url] && !listedShas.has(f.sha256) && !reasons.length)
        reasons.push(`data file ${fileName(url)} no longer listed`);
  }
  if (previous) {
    for (const n of info.notices)
      if (!previous.notices.some((p) => p.title === n.title && p.date === n.date))
        reasons.push(`change notice "${n.title}"${n.date ? ` (${n.date})` : ''}`);
  }
  return {
    check: { page: item.url, files, notices: info.notices },
    reasons,
  };
}
