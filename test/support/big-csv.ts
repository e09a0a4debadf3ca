// Generated CSVs for the streaming tests: written in blocks (never held whole), with column sums kept.
import fs from 'node:fs';
import { zipSync } from 'fflate';

export interface WrittenCsv {
  path: string;
  rows: number;
  /** sum of the numeric values of column j (markers and text count 0) */
  sum(j: number): number;
}

export function writeCsv(
  path: string,
  rows: number,
  row: (i: number) => string[],
  header = ['id', 'code', 'amount', 'day', 'name'],
): WrittenCsv {
  const fd = fs.openSync(path, 'w');
  const sums = new Map<number, number>();
  const q = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  let lines: string[] = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const r = row(i);
    r.forEach((v, j) => {
      const n = Number(v);
      if (v !== '' && Number.isFinite(n)) sums.set(j, (sums.get(j) ?? 0) + n);
    });
    lines.push(r.map(q).join(','));
    if (lines.length >= 10_000 || i === rows - 1) {
      fs.writeSync(fd, lines.join('\r\n') + '\r\n');
      lines = [];
    }
  }
  fs.closeSync(fd);
  return { path, rows, sum: (j) => sums.get(j) ?? 0 };
}

/** A zip of files on disk (name in the zip -> path). */
export function zipFiles(zipPath: string, members: Record<string, string>): string {
  const entries = Object.fromEntries(
    Object.entries(members).map(([name, p]) => [name, new Uint8Array(fs.readFileSync(p))]),
  );
  fs.writeFileSync(zipPath, zipSync(entries, { level: 1 }));
  return zipPath;
}
