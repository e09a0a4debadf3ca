// Download the data files of a release into a directory, one after another (the HTTP client already keeps to
// one request per host), with file names derived safely from the URLs.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { HttpClient } from '../http/client.js';
import type { DataFileLink, DownloadedFile } from '../model.js';

export interface DownloadFilesOptions {
  /** Progress of the file currently downloading: its URL, bytes so far, total if the server said. */
  onProgress?(url: string, bytes: number, total?: number): void;
  /** Called when a file finished (downloaded or reused). */
  onFile?(file: DownloadedFile, index: number, reused: boolean): void;
  /** Keep an existing file of the same name instead of downloading again (sha256 recomputed). Default false. */
  reuse?: boolean;
}

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A safe local file name for a URL: the decoded last path segment, with path separators, control and
 * shell-hostile characters replaced, no leading dots, at most 150 characters, keeping the extension.
 */
export function safeFileName(url: string, fallbackExt = 'bin'): string {
  let last: string;
  try {
    const u = new URL(url);
    last = u.pathname.split('/').filter(Boolean).pop() ?? '';
  } catch {
    last = url.split(/[?#]/)[0].split('/').filter(Boolean).pop() ?? '';
  }
  try {
    last = decodeURIComponent(last);
  } catch {
    // keep it encoded
  }
  let name = last
    .normalize('NFC')
    .replace(/[/\\]/g, '_')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (!name || name === '.' || name === '..') name = `download.${fallbackExt}`;
  if (RESERVED.test(name)) name = `_${name}`;
  if (name.length > 150) {
    const m = name.match(/(\.[A-Za-z0-9]{1,5})$/);
    const ext = m ? m[1] : '';
    name = name.slice(0, 150 - ext.length) + ext;
  }
  return name;
}

async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Download each link into `dir`. Names come from the URL (see safeFileName); two links with the same name get
 * `-2`, `-3` ... before the extension. Throws the first HttpError (after the client's retries).
 */
export async function downloadFiles(
  http: HttpClient,
  links: DataFileLink[],
  dir: string,
  opts: DownloadFilesOptions = {},
): Promise<DownloadedFile[]> {
  const root = resolve(dir);
  const used = new Set<string>();
  const out: DownloadedFile[] = [];
  for (const [index, link] of links.entries()) {
    let name = safeFileName(link.url, link.ext);
    if (used.has(name.toLowerCase())) {
      const dot = name.lastIndexOf('.');
      const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
      let n = 2;
      while (used.has(`${stem}-${n}${ext}`.toLowerCase())) n++;
      name = `${stem}-${n}${ext}`;
    }
    used.add(name.toLowerCase());
    const path = join(root, name);
    if (!path.startsWith(root + sep)) throw new Error(`refusing to write outside ${root}: ${name}`);

    let result: { sha256: string; bytes: number } | undefined;
    let reused = false;
    if (opts.reuse) {
      const st = await stat(path).catch(() => undefined);
      if (st?.isFile() && st.size > 0) {
        result = await sha256File(path);
        reused = true;
      }
    }
    if (!result) {
      result = await http.download(link.url, path, {
        onProgress: opts.onProgress ? (bytes, total) => opts.onProgress!(link.url, bytes, total) : undefined,
      });
    }
    const file: DownloadedFile = { ...link, path, sha256: result.sha256, bytes: result.bytes };
    out.push(file);
    opts.onFile?.(file, index, reused);
  }
  return out;
}
