// Public entry of the manifest stage: release page -> data-file links -> downloads (sha256 while writing) ->
// tables as streamed sources, and the manifest that describes them.
import { basename, join } from 'node:path';
import type { Limits } from '../config/index.js';
import type { HttpClient } from '../http/index.js';
import type { DataFileLink, DownloadedFile, Manifest, ManifestFile, SourceFile } from '../model.js';
import { downloadFiles } from './download.js';
import { openFile } from './extract/index.js';
import { findDataFiles, isDataFileUrl } from './pages.js';
import { checkSignature } from './signature.js';

export { collectTable, extractFile, openFile } from './extract/index.js';
export { EXTRACTOR_VERSION } from './extract/version.js';
export { releaseParsedRows } from './extract/isolate.js';
export { findDataFiles, isDataFileUrl } from './pages.js';
export {
  manifestStore,
  rollingReference,
  storeOf,
  writeYaml,
  MANIFESTS_BRANCH,
  type CompletionRecord,
  type ManifestKind,
  type ManifestStore,
} from './store.js';
export {
  enrichedBeside,
  isEnrichedFileName,
  manifestsRoot,
  MANIFESTS_DIR,
  publicationDir,
  publicationsDir,
} from './layout.js';

export interface ManifestRequest {
  pub: string;
  period: string;
  /** release page or data file */
  url: string;
  /** downloads go to <downloads>/<pub>/<period>/ */
  downloads: string;
  now: Date;
  /** the config's limits */
  limits?: Partial<Limits>;
  onProgress?(url: string, bytes: number, total?: number): void;
}

export interface OpenedFile {
  file: DownloadedFile;
  source: SourceFile;
}

export interface BuiltManifest {
  manifest: Manifest;
  files: OpenedFile[];
}

export async function buildManifest(http: HttpClient, req: ManifestRequest): Promise<BuiltManifest> {
  const links = await findLinks(http, req);
  const dir = join(req.downloads, req.pub, req.period);
  const downloaded = await downloadFiles(http, links, dir, { reuse: false, onProgress: req.onProgress });
  const files: OpenedFile[] = [];
  for (const file of downloaded) {
    const bad = checkSignature(file.path, file.ext);
    if (bad) throw new Error(`cannot read ${file.url}: ${bad}`);
    try {
      const name = decodeURIComponent(basename(new URL(file.url).pathname));
      files.push({
        file,
        source: await openFile(file.path, { ext: file.ext, name, limits: req.limits, tmpDir: dir }),
      });
    } catch (e) {
      throw new Error(`cannot read ${file.url}: ${(e as Error).message}`, { cause: e });
    }
  }
  const manifest: Manifest = {
    pub: req.pub,
    period: req.period,
    page_url: req.url,
    generated_at: req.now.toISOString(),
    files: files.map(manifestFile),
  };
  if (!manifest.files.some((f) => f.tables.length))
    throw new Error(`no tables found in the data files of ${req.url}`);
  return { manifest, files };
}

/** What the manifest says of one file (table specs are settled once their rows have been read). */
export function manifestFile({ file, source }: OpenedFile): ManifestFile {
  return {
    url: file.url,
    title: file.title,
    sha256: file.sha256,
    bytes: file.bytes,
    tables: source.tables.map((t) => t.spec),
    docs: source.docs.map((d) => ({
      sheet: d.sheet,
      member: d.member,
      hidden: d.hidden,
      chars: d.text.length,
    })),
    skipped: source.skipped,
    ...(source.legend && Object.keys(source.legend).length ? { legend: source.legend } : {}),
  };
}

async function findLinks(http: HttpClient, req: ManifestRequest): Promise<DataFileLink[]> {
  const direct = isDataFileUrl(req.url);
  if (direct)
    return [{ url: req.url, title: decodeURIComponent(basename(new URL(req.url).pathname)), ext: direct }];
  const page = await http.getText(req.url);
  const links = findDataFiles(page.text, page.url, { period: req.period });
  if (!links.length) {
    throw new Error(
      `no data files (xlsx, xls, csv, zip, ods) found on ${req.url}: check the URL is the release page of ${req.period}`,
    );
  }
  return links;
}
