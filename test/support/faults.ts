// For the fault tests: files served over HTTP, the CLI run as a child process (so it can be killed or have its
// database stopped under it) and waiting for it to reach a fault point (src/faults.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { strToU8, unzipSync, zipSync } from 'fflate';
import * as XLSX from 'xlsx';
import YAML from 'yaml';
import { runCli } from '../../src/cli/main.js';
import type { OpenDbOptions } from '../../src/load/index.js';
import { REPO } from './workspace.js';

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serve the files of `dir` at /<name>, with a Content-Length. */
export async function serveDir(dir: string): Promise<Served> {
  const server = createServer((req, res) => {
    const file = path.join(dir, decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, ''));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-length': fs.statSync(file).size,
      'content-type': 'application/octet-stream',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** config/publications.yaml in `dir`: one publication per file, each with one period (2024-01). */
export function writeConfig(dir: string, pubs: Record<string, string>): void {
  fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
  const config = {
    allowed_hosts: ['127.0.0.1'],
    publications: Object.fromEntries(
      Object.entries(pubs).map(([code, url]) => [
        code,
        { name: `Test ${code}`, frequency: 'monthly', urls: [{ period: '2024-01', url }] },
      ]),
    ),
  };
  fs.writeFileSync(path.join(dir, 'config', 'publications.yaml'), YAML.stringify(config));
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>;
  /** what it printed so far (stdout and stderr) */
  output(): string;
}

/** `datawarp <args>` from the TypeScript sources in a child process, working in `cwd`. */
export function spawnCli(cwd: string, args: string[], env: NodeJS.ProcessEnv): CliRun {
  const loader = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(clean))
    if (k.startsWith('DATAWARP_') || k === 'DATABASE_URL' || k === 'OPENAI_API_KEY') delete clean[k];
  const child = spawn(process.execPath, ['--import', loader, path.join(REPO, 'src/cli/index.ts'), ...args], {
    cwd,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    }),
  );
  return { child, done, output: () => out };
}

/** Wait until the run pauses at its fault point (the pause file appears); throws if it ends first. */
export async function waitForPause(run: CliRun, file: string, timeoutMs = 120_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let ended = false;
  void run.done.then(() => (ended = true));
  while (Date.now() < until) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    if (ended) throw new Error(`the run ended before pausing:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  run.child.kill('SIGKILL');
  throw new Error(`the run did not pause within ${timeoutMs} ms:\n${run.output()}`);
}

/** A small xlsx: a `Data` sheet with a header (id, name, amount) and `rows` rows. */
export function smallWorkbook(file: string, rows: number): void {
  const aoa: (string | number)[][] = [['id', 'name', 'amount']];
  for (let i = 1; i <= rows; i++) aoa.push([i, `n${i % 7}`, i * 3]);
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), 'Data');
  fs.writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

/** A valid xlsx whose one sheet has `rows` rows of 10 numbers: a few MB that SheetJS needs far more heap for. */
export function heavyWorkbook(file: string, rows: number, opts: { prefixed?: boolean } = {}): void {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['a'], [1]]), 'Data');
  const files = unzipSync(new Uint8Array(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer));
  const cols = 'ABCDEFGHIJ'.split('');
  // with `prefixed`, the elements carry a namespace prefix (as some exporters write): the streaming reader
  // hands such a sheet to the grid path (SheetJS in the child process, whose heap is capped)
  const x = opts.prefixed ? 'x:' : '';
  const ns = opts.prefixed ? 'xmlns:x' : 'xmlns';
  const parts = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    `<${x}worksheet ${ns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${x}sheetData>`,
    `<${x}row r="1">${cols.map((c) => `<${x}c r="${c}1" t="inlineStr"><${x}is><${x}t>h${c}</${x}t></${x}is></${x}c>`).join('')}</${x}row>`,
  ];
  for (let r = 2; r <= rows; r++)
    parts.push(
      `<${x}row r="${r}">${cols.map((c, j) => `<${x}c r="${c}${r}"><${x}v>${r * 10 + j}</${x}v></${x}c>`).join('')}</${x}row>`,
    );
  parts.push(`</${x}sheetData></${x}worksheet>`);
  const sheet = Object.keys(files).find((f) => /worksheets\/sheet1\.xml$/.test(f))!;
  files[sheet] = strToU8(parts.join(''));
  fs.writeFileSync(file, zipSync(files, { level: 6 }));
}

/** `datawarp <args>` in this process, in `cwd`, on the test database `location`. */
export async function runCliIn(
  cwd: string,
  location: OpenDbOptions,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(base))
    if (k.startsWith('DATAWARP_') || k === 'DATABASE_URL' || k === 'OPENAI_API_KEY') delete base[k];
  if (location.databaseUrl) base.DATABASE_URL = location.databaseUrl;
  else base.DATAWARP_PGLITE_DIR = location.dataDir;
  let out = '';
  const code = await runCli(args, {
    cwd,
    env: { ...base, ...env },
    io: { out: (s) => (out += s), err: (s) => (out += s), isTTY: false },
  });
  return { code, out };
}
