// `datawarp restore`: rebuild the staging tables and the load ledger in any PostgreSQL from the released Parquet
// files (or a directory of them), so nothing is lost when a runner's database goes away. Each Parquet file
// carries its table, period, publication and column types in its key-value metadata (src/export).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensureSchema, quoteIdent, recordRestoredSource, type Db } from '../load/index.js';
import { isItemAssetName, isVersionAssetName } from '../github/release-names.js';
import type { ReleaseReader } from '../github/release-reader.js';
import { BadParquetFile, checkParquet, readGroup, type CheckedFile } from './parquet-file.js';
import { restoreTable } from './rehydrate.js';
import { zipMembers } from './zip-members.js';

export interface ParquetAsset {
  /** <table>__<period>.parquet (release assets), <pub>-<period>.zip/<table>.parquet (item zips) or
   * <table>/<period>.parquet (output/parquet) */
  name: string;
  read(): Promise<Uint8Array>;
}

export interface ParquetSource {
  describe: string;
  /** the files, one at a time (an item zip is read when its members' turn comes, not all at once) */
  list(): Promise<ParquetAsset[]> | AsyncIterable<ParquetAsset>;
}

export interface RestoreResult {
  files: number;
  tables: number;
  rows: number;
  ledgerRows: number;
  /** the (publication, period) pairs restored */
  items: { pub: string; period: string; rows: number }[];
  /** files not restored, with the reason (the others were) */
  failed: { name: string; reason: string }[];
}

/** The Parquet members of an item zip (its bytes read by `read`): a zip that cannot be read is one failed file. */
export async function* zipParquet(
  name: string,
  read: () => Promise<Uint8Array>,
): AsyncGenerator<ParquetAsset> {
  let members;
  try {
    members = await zipMembers(await read());
  } catch (e) {
    const error = e as Error;
    yield { name, read: () => Promise.reject(error) };
    return;
  }
  for (const m of members.filter((x) => x.name.endsWith('.parquet')))
    yield { name: `${name}/${m.name}`, read: () => m.read() };
}

/** A file (or release asset) restore reads: a current Parquet file or item zip, not a kept earlier version. */
const restorable = (name: string) =>
  (name.endsWith('.parquet') || isItemAssetName(name)) && !isVersionAssetName(name);

/** Every *.parquet (and item zip) under `dir` (e.g. output/parquet or a folder of downloaded release assets). */
export function dirSource(dir: string): ParquetSource {
  return {
    describe: dir,
    async *list() {
      const files = readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && restorable(e.name))
        .map((e) => join(e.parentPath, e.name))
        .sort((a, b) => a.localeCompare(b));
      for (const p of files) {
        const name = `${basename(dirname(p))}/${basename(p)}`;
        const read = async () => new Uint8Array(readFileSync(p));
        if (isItemAssetName(p)) yield* zipParquet(name, read);
        else yield { name, read };
      }
    },
  };
}

/** The Parquet assets (per table, or item zips) of every datawarp-<pub>-<yyyy> release and its -2, -3 ... parts
 * (src/github/release-names.ts). */
export function releaseSource(reader: ReleaseReader): ParquetSource {
  return {
    describe: reader.describe,
    async *list() {
      for (const r of await reader.dataReleases())
        for (const a of (await reader.assets(r.id)).filter((x) => restorable(x.name))) {
          const read = () => reader.download(a.id);
          if (isItemAssetName(a.name)) yield* zipParquet(a.name, read);
          else yield { name: a.name, read };
        }
    },
  };
}

function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (v instanceof Date) s = v.toISOString();
  else if (typeof v === 'bigint') s = v.toString();
  else s = String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rebuild tables and ledger rows from Parquet files. A (table, period) already present is replaced. */
export async function restoreFromParquet(
  db: Db,
  source: ParquetSource,
  log: (m: string) => void = () => {},
): Promise<RestoreResult> {
  await ensureSchema(db);
  const res: RestoreResult = { files: 0, tables: 0, rows: 0, ledgerRows: 0, items: [], failed: [] };
  const tables = new Set<string>();
  for await (const asset of await source.list()) {
    let f: CheckedFile | undefined;
    let rows: number;
    try {
      f = checkParquet(await asset.read());
      if (!f) {
        log(
          `${asset.name}: not a DataWarp Parquet file (no datawarp.table/period/publication metadata); skipped`,
        );
        continue;
      }
      rows = await restoreFile(db, f, res);
    } catch (e) {
      // each file in its own transaction: a bad one is named with the reason and the others are restored
      const reason = e instanceof BadParquetFile ? e.message : `not restored (${(e as Error).message})`;
      res.failed.push({ name: asset.name, reason });
      log(`${asset.name}: ${reason}`);
      continue;
    }
    tables.add(f.table);
    const item = res.items.find((i) => i.pub === f.pub && i.period === f.period);
    if (item) item.rows += rows;
    else res.items.push({ pub: f.pub, period: f.period, rows });
    res.files++;
    res.rows += rows;
    log(`${asset.name}: ${rows} rows -> staging.${f.table} (${f.period})`);
  }
  res.tables = tables.size;
  return res;
}

/** `_dw_loaded_at` is copied only when the file holds a value for it (else the column's default applies). */
async function hasLoadedAt(f: CheckedFile): Promise<boolean> {
  if (!f.copyCols.includes('_dw_loaded_at')) return false;
  for (let g = 0; g < f.meta.row_groups.length; g++)
    if ((await readGroup(f, g, ['_dw_loaded_at'])).some((r) => r[0] != null)) return true;
  return false;
}

async function restoreFile(db: Db, f: CheckedFile, res: RestoreResult): Promise<number> {
  const copyCols = (await hasLoadedAt(f)) ? f.copyCols : f.copyCols.filter((c) => c !== '_dw_loaded_at');
  const readCols = [...new Set([...copyCols, '_dw_file_url', '_dw_sheet', '_dw_sha256'])].filter((c) =>
    f.columns.some((x) => x.name === c),
  );
  const at = (name: string) => readCols.indexOf(name);
  const [iUrl, iSheet, iSha] = [at('_dw_file_url'), at('_dw_sheet'), at('_dw_sha256')];
  const copyIdx = copyCols.map(at);
  const sources = new Map<string, { url: string; sheet: string; sha: string; n: number }>();
  let copied = 0;
  async function* chunks() {
    for (let g = 0; g < f.meta.row_groups.length; g++) {
      const rows = await readGroup(f, g, readCols);
      for (const r of rows) {
        const k = `${r[iUrl]}\u0000${r[iSheet]}`;
        const s = sources.get(k) ?? {
          url: String(r[iUrl]),
          sheet: String(r[iSheet]),
          sha: String(r[iSha]),
          n: 0,
        };
        s.n++;
        sources.set(k, s);
      }
      copied += rows.length;
      for (let i = 0; i < rows.length; i += 5000)
        yield rows
          .slice(i, i + 5000)
          .map((r) => copyIdx.map((c) => csvValue(r[c])).join(',') + '\n')
          .join('');
    }
  }
  await db.transaction(async (tx) => {
    // the table's schema-change lock also serialises concurrent restores of the same (table, period)
    await restoreTable(tx, f.table, f.columns);
    await tx.query(`DELETE FROM staging.${quoteIdent(f.table)} WHERE _dw_period = $1`, [f.period]);
    await tx.copyCsv(`"staging".${quoteIdent(f.table)}`, copyCols, chunks());
    // other bytes of the same source recorded as loaded give way to what the Parquet file holds
    for (const s of sources.values())
      await recordRestoredSource(tx, {
        pub: f.pub,
        table: f.table,
        period: f.period,
        url: s.url,
        sheet: s.sheet,
        sha256: s.sha,
        rows: s.n,
      });
  });
  res.ledgerRows += sources.size;
  return copied;
}
