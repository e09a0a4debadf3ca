// A synthetic catalogue on 127.0.0.1: N publications × M monthly periods, each period a landing page linking three
// small CSV files (three tables). Used by the API-budget tests and `npm run bench:fleet`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import YAML from 'yaml';

export const FLEET_TABLES = ['beds', 'staff', 'visits'] as const;

export interface FleetSite {
  url: string;
  pubs: string[];
  periods: string[];
  /** the publications config (YAML) for the first `pubs` × `periods` */
  config(pubs?: number, periods?: number): string;
  /** requests served (pages and files) */
  requests: number;
  /** serve `rows` data rows for one table of one period from now on (a republished file: a revision) */
  setRows(pub: string, period: string, table: string, rows: number): void;
  close(): Promise<void>;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September'];
const MONTH_NAMES = [...MONTHS, 'October', 'November', 'December'];

/** `periods` consecutive months from `start` (YYYY-MM). */
export function monthsFrom(start: string, periods: number): string[] {
  const [y, m] = start.split('-').map(Number);
  return Array.from({ length: periods }, (_, i) => {
    const k = y * 12 + (m - 1) + i;
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

function csv(pub: string, table: string, period: string, rows: number): string {
  const lines = ['ORG_CODE,ORG_NAME,MEASURE,VALUE'];
  for (let i = 0; i < rows; i++)
    lines.push(`R${String(100 + i)},${pub} org ${i},${table} ${period},${(i * 7 + period.length) % 97}`);
  return lines.join('\r\n') + '\r\n';
}

export async function startFleetSite(o: {
  pubs: number;
  periods: number;
  start?: string;
  rows?: number;
}): Promise<FleetSite> {
  const pubs = Array.from({ length: o.pubs }, (_, i) => `fleet${String(i + 1).padStart(3, '0')}`);
  const periods = monthsFrom(o.start ?? '2023-01', o.periods);
  const rows = o.rows ?? 5;
  const override = new Map<string, number>();
  const site = {} as FleetSite;
  const server: Server = createServer((req, res) => {
    site.requests++;
    const m = /^\/([a-z0-9]+)\/(\d{4}-\d{2})\/(?:([a-z]+)\.csv)?$/.exec(req.url ?? '');
    if (!m || !pubs.includes(m[1]) || !periods.includes(m[2])) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const [, pub, period, table] = m;
    const [y, mm] = period.split('-');
    const month = `${MONTH_NAMES[Number(mm) - 1]} ${y}`;
    if (!table) {
      const links = FLEET_TABLES.map((t) => `<li><a href="${t}.csv">${pub} ${t} ${month} (CSV)</a></li>`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><body><h1>${pub} ${month}</h1><ul>${links.join('')}</ul></body></html>`);
      return;
    }
    if (!(FLEET_TABLES as readonly string[]).includes(table)) {
      res.writeHead(404).end();
      return;
    }
    const n = override.get(`${pub}/${period}/${table}`) ?? rows;
    res.writeHead(200, { 'content-type': 'text/csv' }).end(csv(pub, table, period, n));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(site, {
    url,
    pubs,
    periods,
    requests: 0,
    setRows: (pub: string, period: string, table: string, n: number) =>
      override.set(`${pub}/${period}/${table}`, n),
    config(np = pubs.length, nm = periods.length) {
      const publications = Object.fromEntries(
        pubs.slice(0, np).map((p) => [
          p,
          {
            name: `Fleet publication ${p}`,
            frequency: 'monthly',
            urls: periods.slice(0, nm).map((period) => ({ period, url: `${url}/${p}/${period}/` })),
          },
        ]),
      );
      return YAML.stringify({ allowed_hosts: ['127.0.0.1'], publications });
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  });
}
