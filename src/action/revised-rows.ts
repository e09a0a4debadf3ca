// The runner's database is rebuilt from the catalog with no rows. Before a pending revision reloads a period,
// that period's current rows come back from its released Parquet assets (the catalog names them), so the new
// version supersedes real rows: history holds them, the diff counts what changed, and the period's Parquet still
// holds the rows of the files the revision did not change.
import { isItemAssetName, isVersionAssetName } from '../github/release-names.js';
import type { Catalog } from '../export/index.js';
import { isValidIdent, quoteIdent, type Db } from '../load/index.js';
import { restoreFromParquet, zipParquet, type ParquetAsset } from '../restore/index.js';
import type { ReleaseReader } from '../github/release-reader.js';
import type { Log } from './env.js';

/** The current assets (name and release tag) of each revised (pub, period), from the catalog. */
export function revisedAssets(
  catalog: Catalog,
  revised: { pub: string; period: string }[],
): { table: string; period: string; name: string; member?: string; release: string }[] {
  return catalog.tables.flatMap((t) =>
    (t.assets ?? [])
      .filter(
        (a) =>
          !isVersionAssetName(a.name) &&
          revised.some((r) => r.pub === t.publication && r.period === a.period) &&
          t.periods.includes(a.period),
      )
      .map((a) => ({
        table: t.table,
        period: a.period,
        name: a.name,
        ...(a.member ? { member: a.member } : {}),
        release: a.release,
      })),
  );
}

/** Whether staging.<table> holds rows of the period (a persistent database keeps them: nothing to restore). */
async function hasRows(db: Db, table: string, period: string): Promise<boolean> {
  if (!isValidIdent(table)) return true;
  const [r] = await db.query<{ n: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS n`, [
    `staging.${quoteIdent(table)}`,
  ]);
  if (!r?.n) return false;
  const rows = await db.query(`SELECT 1 FROM staging.${quoteIdent(table)} WHERE _dw_period = $1 LIMIT 1`, [
    period,
  ]);
  return rows.length > 0;
}

/** The wanted members of an item zip (downloaded once); a member the zip does not hold is a warning. */
async function zipWanted(
  reader: ReleaseReader,
  a: { id: number; name: string },
  wanted: ReturnType<typeof revisedAssets>,
  log: Log,
): Promise<ParquetAsset[]> {
  const members = new Set(
    wanted.filter((w) => w.name === a.name && w.member).map((w) => `${a.name}/${w.member}`),
  );
  const out: ParquetAsset[] = [];
  for await (const m of zipParquet(a.name, () => reader.download(a.id)))
    if (members.delete(m.name) || m.name === a.name) out.push(m);
  for (const m of members)
    log.warning(`${m}: not found; the revision's diff cannot count its rows as before`);
  return out;
}

/**
 * Restore the current rows of the revised periods from their release assets. A missing or unreadable asset is
 * a warning: the revision then loads as before (its diff counts every new row as added).
 */
export async function restoreRevisedRows(
  db: Db,
  reader: ReleaseReader,
  catalog: Catalog,
  revised: { pub: string; period: string }[],
  log: Log,
): Promise<number> {
  try {
    const wanted: ReturnType<typeof revisedAssets> = [];
    for (const w of revisedAssets(catalog, revised))
      if (!(await hasRows(db, w.table, w.period))) wanted.push(w);
    if (!wanted.length) return 0;
    const releases = new Map((await reader.dataReleases()).map((r) => [r.tag, r.id]));
    const found: ParquetAsset[] = [];
    for (const tag of new Set(wanted.map((w) => w.release))) {
      const id = releases.get(tag);
      const assets = id === undefined ? [] : await reader.assets(id);
      const mine = wanted.filter((x) => x.release === tag);
      for (const name of new Set(mine.map((w) => w.name))) {
        const a = assets.find((x) => x.name === name);
        if (!a) log.warning(`${tag}/${name}: not found; the revision's diff cannot count its rows as before`);
        else if (!isItemAssetName(name)) found.push({ name, read: () => reader.download(a.id) });
        else found.push(...(await zipWanted(reader, a, mine, log)));
      }
    }
    const res = await restoreFromParquet(
      db,
      { describe: reader.describe, list: async () => found },
      log.info,
    );
    if (res.rows)
      log.info(`restored ${res.rows} row(s) of ${res.files} revised table period(s) from releases`);
    return res.rows;
  } catch (e) {
    log.warning(`restoring the rows of revised periods from the releases failed: ${(e as Error).message}`);
    return 0;
  }
}
