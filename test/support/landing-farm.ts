// Many digital.nhs.uk series pages (the real markup, from monitor-site.ts) served on 127.0.0.1 for the
// catalogue-scale discover tests. The server counts what a polite client must respect: requests in flight per
// host (its port) at once, when each request arrived and when its answer was finished (one process, one clock),
// the validators each request carried. It answers If-None-Match with 304, and can fail a page (500), hang one
// (never answers) or redirect one off the allowed hosts.
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seriesPage } from './monitor-site.js';

export interface FarmRequest {
  host: string;
  path: string;
  /** performance.now() when the request arrived and when its answer was finished */
  start: number;
  end: number;
  ifNoneMatch?: string;
  status: number;
}

export interface Farm {
  /** base URLs, one per server (host) */
  urls: string[];
  requests: FarmRequest[];
  /** most requests in flight at once on one host */
  maxInFlight(): number;
  /** the ETag last served for a path */
  etags: Map<string, string>;
  /** `/series/pNNN` pages: the release months each lists (newest first); edit between runs */
  months: Map<string, string[]>;
  fail: Set<string>;
  hang: Set<string>;
  offHost: Set<string>;
  /** ms each answer is held (so requests that overlap would be seen overlapping) */
  delayMs: number;
  close(): Promise<void>;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September'];
export const pagePath = (i: number) => `/series/p${String(i).padStart(3, '0')}`;
export const monthName = (m: number) => `${MONTHS[m - 1]} 2025`;

function page(path: string, months: string[]): string {
  const rel = (m: string, date: string) => ({
    title: `Series ${path.slice(8)}, ${m}`,
    path: `${path}/${m.toLowerCase().replace(' ', '-')}`,
    date,
  });
  return seriesPage({
    title: `Series ${path.slice(8)}`,
    seriesPath: path,
    latest: rel(months[0], '10 September 2025'),
    past: months.slice(1).map((m) => rel(m, '14 August 2025')),
    upcoming: [],
  });
}

export async function startFarm(hosts: number): Promise<Farm> {
  const farm: Omit<Farm, 'urls' | 'close'> & { inFlight: Map<string, number>; max: number } = {
    requests: [],
    etags: new Map(),
    months: new Map(),
    fail: new Set(),
    hang: new Set(),
    offHost: new Set(),
    delayMs: 1,
    inFlight: new Map(),
    max: 0,
    maxInFlight: () => farm.max,
  };
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let h = 0; h < hosts; h++) {
    const server = createServer((req, res) => {
      const host = req.headers.host ?? '';
      const n = (farm.inFlight.get(host) ?? 0) + 1;
      farm.inFlight.set(host, n);
      farm.max = Math.max(farm.max, n);
      const path = (req.url ?? '/').split('?')[0];
      const r: FarmRequest = { host, path, start: performance.now(), end: 0, status: 0 };
      const inm = req.headers['if-none-match'];
      if (typeof inm === 'string') r.ifNoneMatch = inm;
      farm.requests.push(r);
      res.on('close', () => {
        r.end = performance.now();
        farm.inFlight.set(host, (farm.inFlight.get(host) ?? 1) - 1);
      });
      if (farm.hang.has(path)) return; // never answers: the client's timeout ends it
      setTimeout(() => answer(path, inm, res, r), farm.delayMs);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    servers.push(server);
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  function answer(
    path: string,
    inm: string | string[] | undefined,
    res: ServerResponse,
    r: FarmRequest,
  ): void {
    const months = farm.months.get(path);
    const send = (status: number, headers: Record<string, string>, body = '') => {
      r.status = status;
      res.writeHead(status, headers).end(body);
    };
    if (farm.fail.has(path)) return send(500, { 'content-type': 'text/plain' }, 'Internal Server Error');
    if (farm.offHost.has(path)) return send(302, { location: `http://localhost:1${path}` });
    if (!months) return send(404, { 'content-type': 'text/html' }, '<h1>Page not found</h1>');
    const body = page(path, months);
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    farm.etags.set(path, etag);
    if (inm === etag) return send(304, { etag });
    send(200, { 'content-type': 'text/html; charset=utf-8', etag }, body);
  }
  return Object.assign(farm, {
    urls,
    async close() {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
    },
  });
}

/** A config of `n` publications (none with a period yet), page i on host i % hosts, each listing `months`. */
export function farmConfig(farm: Farm, n: number, months: string[], hosts = farm.urls.length): string {
  const lines = ['allowed_hosts: [127.0.0.1]', '', 'publications:'];
  for (let i = 1; i <= n; i++) {
    const path = pagePath(i);
    farm.months.set(path, [...months]);
    lines.push(
      `  p${String(i).padStart(3, '0')}:`,
      `    name: Series ${i}`,
      '    frequency: monthly',
      `    landing_page: ${farm.urls[i % hosts]}${path}`,
      '    urls: []',
    );
  }
  return lines.join('\n') + '\n';
}
