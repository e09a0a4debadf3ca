// A GPAD-shaped release for the benchmark: "Appointments in General Practice" as NHS England ships it — a zip of
// seven regional CSVs (the real 11-column header, CRLF, quoted names with commas) — and a release page for it
// served on 127.0.0.1 in digital.nhs.uk markup.
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { releasePageHtml } from '../scripts/demo/html.js';

export const GPAD_HEADER = [
  'SUB_ICB_LOCATION_CODE',
  'SUB_ICB_LOCATION_ONS_CODE',
  'SUB_ICB_LOCATION_NAME',
  'ICB_ONS_CODE',
  'REGION_ONS_CODE',
  'Appointment_Date',
  'APPT_STATUS',
  'HCP_TYPE',
  'APPT_MODE',
  'TIME_BETWEEN_BOOK_AND_APPT',
  'COUNT_OF_APPOINTMENTS',
];

const REGIONS = [
  'North East and Yorkshire',
  'North West',
  'Midlands',
  'East of England',
  'London',
  'South East',
  'South West',
];
const STATUS = ['Attended', 'DNA', 'Unknown'];
const HCP = ['GP', 'Other Practice staff', 'Unknown'];
const MODE = ['Face-to-Face', 'Telephone', 'Home Visit', 'Video Conference/Online', 'Unknown'];
const WAIT = [
  'Same Day',
  '1 Day',
  '2 to 7 Days',
  '8  to 14 Days',
  '15  to 21 Days',
  '22  to 28 Days',
  'More than 28 Days',
  'Unknown / Data Quality',
];
const MON = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export interface GpadRelease {
  dir: string;
  zip: string;
  csvs: string[];
  rows: number;
  /** sum of COUNT_OF_APPOINTMENTS */
  total: number;
}

/** Write the seven CSVs and their zip under `dir` (kept and reused when the row count matches). */
export function generateGpad(dir: string, rows: number): GpadRelease {
  mkdirSync(dir, { recursive: true });
  const zipPath = join(dir, `gpad-${rows}.zip`);
  const csvs = REGIONS.map((_, r) => join(dir, `gpad-${rows}-region${r + 1}.csv`));
  let total = 0;
  const done = existsSync(zipPath) && csvs.every((c) => existsSync(c));
  const out = done ? -1 : openSync(zipPath, 'w');
  const zip = new Zip((err, data) => {
    if (err) throw err;
    if (out >= 0) writeSync(out, data);
  });
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  REGIONS.forEach((region, r) => {
    const n = Math.floor(rows / 7) + (r < rows % 7 ? 1 : 0);
    const member = new ZipDeflate(`Regional_CSV_${region.replace(/ /g, '')}.csv`, { level: 1 });
    if (!done) zip.add(member);
    const fd = done ? -1 : openSync(csvs[r], 'w');
    let lines: string[] = [GPAD_HEADER.join(',')];
    for (let i = 0; i < n; i++) {
      const icb = (i >> 5) % 40;
      const code = `${(icb % 10).toString()}${String.fromCharCode(65 + (icb % 26))}${r}`;
      const name =
        icb % 3 === 0
          ? `"NHS ${region}, Area ${icb} ICB - ${code}"`
          : `NHS ${region} Area ${icb} ICB - ${code}`;
      const count = Math.floor(rnd() * 400);
      total += count;
      lines.push(
        [
          code,
          `E38${String(100000 + icb * 7 + r).padStart(6, '0')}`,
          name,
          `E54${String(50000 + icb).padStart(6, '0')}`,
          `E40${String(12 - r).padStart(6, '0')}`,
          `${String(1 + (i % 28)).padStart(2, '0')}${MON[(i >> 10) % 12]}2024`,
          STATUS[i % 3],
          HCP[(i >> 2) % 3],
          MODE[(i >> 3) % 5],
          WAIT[(i >> 4) % 8],
          count,
        ].join(','),
      );
      if (lines.length >= 20_000 || i === n - 1) {
        const bytes = Buffer.from(lines.join('\r\n') + '\r\n');
        if (!done) {
          writeSync(fd, bytes);
          member.push(bytes, i === n - 1);
        }
        lines = [];
      }
    }
    if (!done) closeSync(fd);
  });
  if (!done) {
    zip.end();
    closeSync(out);
  }
  return { dir, zip: zipPath, csvs, rows, total };
}

export const RELEASE_PATH =
  '/data-and-information/publications/statistical/appointments-in-general-practice/january-2024';

/** Serve the release page and the zip on 127.0.0.1; resolves with the page's URL. */
export async function serveGpad(rel: GpadRelease): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === RELEASE_PATH) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(releasePageHtml(page(`http://127.0.0.1:${port()}/files/gpad.zip`, rel)));
    } else if (req.url === '/files/gpad.zip') {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': statSync(rel.zip).size });
      createReadStream(rel.zip).pipe(res);
    } else {
      res.writeHead(404).end();
    }
  });
  const port = () => (server.address() as { port: number }).port;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${port()}${RELEASE_PATH}`, server };
}

function page(zipUrl: string, rel: GpadRelease) {
  return {
    title: 'Appointments in General Practice, January 2024',
    seriesTitle: 'Appointments in General Practice',
    seriesPath: '/data-and-information/publications/statistical/appointments-in-general-practice',
    infoType: 'Official statistics',
    publicationDate: '29 Feb 2024',
    dateRange: '1 Jan 2024 to 31 Jan 2024',
    granularity: 'Sub-ICB locations',
    summary: ['Appointments in general practice by region (benchmark data).'],
    summaryHtml: '<p>Benchmark data.</p>',
    keyFacts: [],
    notices: [],
    chapters: [],
    resources: [
      {
        href: zipUrl,
        title: 'Appointments in General Practice, January 2024: regional CSVs',
        ext: 'zip',
        size: `${Math.round(statSync(rel.zip).size / 1e6)} MB`,
      },
    ],
    relatedLinks: [],
  };
}
