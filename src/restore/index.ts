// `datawarp restore`: rebuild the staging tables and the load ledger in any PostgreSQL from the released Parquet
// files (or a directory of them), so nothing is lost when a runner's database goes away. Each Parquet file
// carries its table, period, publication and column types in its key-value metadata (src/export).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { ensureSchema, isValidIdent, quoteIdent, type Db } from '../load/index.js';
import { isVersionAssetName } from '../github/release-names.js';
import type { ReleaseReader } from './releases.js';
import { isStagingName, restoreTable } from './rehydrate.js';

export { runRestore, RESTORE_USAGE } from './command.js';

export interface ParquetAsset {
  /** <table>__<period>.parquet (release assets) or <table>/<period>.parquet (output/parquet) */
  name: string;
  read(): Promise<Uint8Array>;
}

export interface ParquetSource {
  describe: string;
  list(): Promise<ParquetAsset[]>;
}

export interface RestoreResult {
  files: number;
  tables: number;
  rows: number;
  ledgerRows: number;
  /** the (publication, period) pairs restored */
  items: { pub: string; period: string; rows: number }[];
}

/** Every *.parquet under `dir` (e.g. output/parquet or a folder of downloaded release assets). */
export function dirSource(dir: string): ParquetSource {
  return {
    describe: dir,
    async list() {
      return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.parquet') && !isVersionAssetName(e.name))
        .map((e) => {
          const p = join(e.parentPath, e.name);
          return {
            name: `${basename(dirname(p))}/${e.name}`,
            read: async () => new Uint8Array(readFileSync(p)),
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}

/** The Parquet assets of every datawarp-<pub>-<yyyy> release and its -2, -3 ... parts (src/github/release-names.ts). */
export function releaseSource(reader: ReleaseReader): ParquetSource {
  return {
    describe: reader.describe,
    async list() {
      const out: ParquetAsset[] = [];
      for (const r of await reader.dataReleases())
        for (const a of (await reader.assets(r.id)).filter(
          (x) => x.name.endsWith('.parquet') && !isVersionAssetName(x.name),
        ))
          out.push({ name: a.name, read: () => reader.download(a.id) });
      return out;
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
  const res: RestoreResult = { files: 0, tables: 0, rows: 0, ledgerRows: 0, items: [] };
  const tables = new Set<string>();
  for (const asset of await source.list()) {
    const bytes = await asset.read();
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(buf);
    const kv = new Map((meta.key_value_metadata ?? []).map((k) => [k.key, k.value ?? '']));
    const table = kv.get('datawarp.table') ?? '';
    const period = kv.get('datawarp.period') ?? '';
    const pub = kv.get('datawarp.publication') ?? '';
    if (!isValidIdent(table) || !period || !pub) {
      log(
        `${asset.name}: not a DataWarp Parquet file (no datawarp.table/period/publication metadata); skipped`,
      );
      continue;
    }
    const columns = JSON.parse(kv.get('datawarp.columns') ?? '[]') as { name: string; type: string }[];
    const rows = (await parquetReadObjects({ file: buf })) as Record<string, unknown>[];
    const names = columns.map((c) => c.name).filter(isStagingName);
    const copyCols = names.filter((n) => n !== '_dw_loaded_at' || rows.some((r) => r[n] != null));
    await db.transaction(async (tx) => {
      // the table's schema-change lock also serialises concurrent restores of the same (table, period)
      await restoreTable(tx, table, columns);
      await tx.query(`DELETE FROM staging.${quoteIdent(table)} WHERE _dw_period = $1`, [period]);
      const chunks = function* () {
        for (let i = 0; i < rows.length; i += 5000)
          yield rows
            .slice(i, i + 5000)
            .map((r) => copyCols.map((c) => csvValue(r[c])).join(',') + '\n')
            .join('');
      };
      await tx.copyCsv(`"staging".${quoteIdent(table)}`, copyCols, chunks());
      const sources = new Map<string, { url: string; sheet: string; sha: string; n: number }>();
      for (const r of rows) {
        const k = `${r._dw_file_url}\u0000${r._dw_sheet}`;
        const s = sources.get(k) ?? {
          url: String(r._dw_file_url),
          sheet: String(r._dw_sheet),
          sha: String(r._dw_sha256),
          n: 0,
        };
        s.n++;
        sources.set(k, s);
      }
      for (const s of sources.values()) {
        // other bytes of the same source recorded as loaded give way to what the Parquet file holds
        await tx.query(
          `UPDATE datawarp.tbl_manifest_files SET status = 'superseded', superseded_at = now()
            WHERE pub = $1 AND period = $3 AND file_url = $4 AND sheet = $5 AND table_name = $2 AND sha256 <> $6
              AND status = 'loaded'`,
          [pub, table, period, s.url, s.sheet, s.sha],
        );
        await tx.query(
          `INSERT INTO datawarp.tbl_manifest_files (pub, source_code, period, file_url, sheet, table_name, sha256, rows_loaded, status)
           VALUES ($1, $2, $3, $4, $5, $2, $6, $7, 'loaded')
           ON CONFLICT (pub, period, file_url, sheet, table_name, sha256) DO UPDATE SET rows_loaded = EXCLUDED.rows_loaded, status = 'loaded'`,
          [pub, table, period, s.url, s.sheet, s.sha, s.n],
        );
        res.ledgerRows++;
      }
    });
    tables.add(table);
    const item = res.items.find((i) => i.pub === pub && i.period === period);
    if (item) item.rows += rows.length;
    else res.items.push({ pub, period, rows: rows.length });
    res.files++;
    res.rows += rows.length;
    log(`${asset.name}: ${rows.length} rows -> staging.${table} (${period})`);
  }
  res.tables = tables.size;
  return res;
}
