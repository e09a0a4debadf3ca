// Reading a response body under the limits against hostile servers: a size cap (checked from Content-Length
// before anything is written, and again while streaming) and a minimum throughput averaged over a window.
// Downloads stream to a temporary file beside the destination with a running sha256, renamed into place at the
// end; a partial file is removed at once.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { formatSize } from '../config/limits.js';
import { faultPoint } from '../faults.js';
import { youngCollections } from '../gc.js';
import { describeError, HttpError } from './errors.js';

export interface BodyLimits {
  maxBytes: number;
  /** 0 = no minimum */
  minBps: number;
  windowMs: number;
}

const CAP_HINT = '(limits.max_download_bytes in the config, or DATAWARP_MAX_DOWNLOAD_BYTES)';

/** lower-case header names; repeated headers joined with ", " */
export function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function decodeText(buf: Buffer, contentType: string | undefined): string {
  const charset = contentType?.match(/charset\s*=\s*"?([\w-]+)"?/i)?.[1];
  if (charset) {
    try {
      return new TextDecoder(charset).decode(buf);
    } catch {
      // unknown label: fall through to UTF-8
    }
  }
  return new TextDecoder('utf-8').decode(buf);
}

/** A Content-Length over the cap: refused before a byte is written (the body is not read). */
export function checkLength(res: Dispatcher.ResponseData, url: URL, lim: BodyLimits): number | undefined {
  const header = res.headers['content-length'];
  const value = Array.isArray(header) ? header[0] : header;
  const total = value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
  if (total !== undefined && total > lim.maxBytes) {
    res.body.destroy();
    throw new HttpError(
      `GET ${url.href} refused: Content-Length ${formatSize(total)} is over the download size cap of ${formatSize(lim.maxBytes)} ${CAP_HINT}`,
      { url: url.href, status: res.statusCode, transient: false, limit: 'size' },
    );
  }
  return total;
}

function overCap(url: URL, bytes: number, lim: BodyLimits): HttpError {
  return new HttpError(
    `GET ${url.href} -> stopped after ${formatSize(bytes)}: over the download size cap of ${formatSize(lim.maxBytes)} ${CAP_HINT}`,
    { url: url.href, transient: false, limit: 'size' },
  );
}

/** Fails the body (via `fail`) once it has run for a whole window and averaged under the minimum over the last
 * window. Returns the function that stops watching. */
function watchThroughput(
  url: URL,
  lim: BodyLimits,
  received: () => number,
  fail: (e: HttpError) => void,
): () => void {
  const { minBps, windowMs } = lim;
  if (!(minBps > 0) || !(windowMs > 0)) return () => undefined;
  const samples = [{ t: Date.now(), b: 0 }];
  const timer = setInterval(
    () => {
      const now = Date.now();
      const b = received();
      samples.push({ t: now, b });
      while (samples.length > 1 && samples[1].t <= now - windowMs) samples.shift();
      const first = samples[0];
      const span = now - first.t;
      if (span < windowMs) return;
      const rate = ((b - first.b) * 1000) / span;
      if (rate >= minBps) return;
      clearInterval(timer);
      fail(
        new HttpError(
          `GET ${url.href} -> too slow: ${formatSize(b - first.b)} in the last ${Number((span / 1000).toFixed(1))} s, under the minimum of ${formatSize(minBps)}/s over ${Number((windowMs / 1000).toFixed(1))} s (limits.min_download_bytes_per_second / min_download_window_seconds)`,
          { url: url.href, transient: true, limit: 'throughput' },
        ),
      );
    },
    Math.max(10, Math.min(1000, Math.floor(windowMs / 8))),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/** The whole body in memory (pages, not data files), under the size cap and the throughput minimum. */
export async function readBody(res: Dispatcher.ResponseData, url: URL, lim: BodyLimits): Promise<Buffer> {
  checkLength(res, url, lim);
  const chunks: Buffer[] = [];
  let bytes = 0;
  const stop = watchThroughput(
    url,
    lim,
    () => bytes,
    (e) => res.body.destroy(e),
  );
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > lim.maxBytes) throw overCap(url, bytes, lim);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(`GET ${url.href} -> network error while reading body: ${describeError(err)}`, {
      url: url.href,
      transient: true,
      cause: err,
    });
  } finally {
    stop();
  }
  return Buffer.concat(chunks);
}

/** Streams the body to `destPath` (through a temporary file), returning its sha256 and size. */
export async function writeBody(
  res: Dispatcher.ResponseData,
  url: URL,
  lim: BodyLimits,
  destPath: string,
  onProgress?: (bytes: number, total?: number) => void,
): Promise<{ sha256: string; bytes: number }> {
  const total = checkLength(res, url, lim);
  // <dest>.<pid>.<random>.part: the pid lets a later run tell a killed run's leftovers from a live one's
  const tmp = `${destPath}.${process.pid}.${randomBytes(6).toString('hex')}.part`;
  const hash = createHash('sha256');
  let bytes = 0;
  const collect = youngCollections();
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > lim.maxBytes) return cb(overCap(url, bytes, lim));
      // each socket read's buffer is freed only when collected, and a download makes too little other garbage
      // for V8 to collect on its own: unchecked, a 95 MB download left ~35-46 MB resident in malloc's heap for
      // the rest of the run (docs/benchmarks.md)
      collect(chunk.length);
      hash.update(chunk);
      onProgress?.(bytes, total);
      const paused = faultPoint('download');
      if (paused) return void paused.then(() => cb(null, chunk));
      cb(null, chunk);
    },
  });
  const stop = watchThroughput(
    url,
    lim,
    () => bytes,
    (e) => res.body.destroy(e),
  );
  try {
    await pipeline(res.body, meter, createWriteStream(tmp));
    if (total !== undefined && bytes !== total) {
      throw new Error(`received ${bytes} bytes, Content-Length said ${total}`);
    }
    await rename(tmp, destPath);
  } catch (err) {
    stop();
    await rm(tmp, { force: true });
    throw asDownloadError(err, url, destPath);
  } finally {
    stop();
  }
  return { sha256: hash.digest('hex'), bytes };
}

function asDownloadError(err: unknown, url: URL, destPath: string): HttpError {
  if (err instanceof HttpError) return err;
  const code = (err as { code?: string }).code;
  const isFs = typeof code === 'string' && /^E(ACCES|PERM|NOSPC|ROFS|ISDIR|NOTDIR|EXIST|MFILE)$/.test(code);
  return new HttpError(
    isFs
      ? `GET ${url.href} -> could not write ${destPath}: ${describeError(err)}`
      : `GET ${url.href} -> network error while downloading: ${describeError(err)}`,
    { url: url.href, transient: !isFs, cause: err },
  );
}
