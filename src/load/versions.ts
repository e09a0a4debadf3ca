// Versions of an item (pub, period): the set of its data files after each change. The ledger says which rows
// belong to which version (`version` loaded them, `superseded_in` replaced them); datawarp.tbl_item_versions
// records each version once it is complete, with its files and its diff against the version before.
import type { Db } from './db.js';
import { versionDiff, type TableDiff } from './diff.js';
import { LEDGER, VERSIONS } from './schema.js';

export interface VersionFile {
  url: string;
  sha256: string;
  rows: number;
  /** loaded: new in this version; kept: unchanged bytes, rows kept; superseded: rows moved to history */
  change: 'loaded' | 'kept' | 'superseded';
}

export interface ItemVersion {
  pub: string;
  period: string;
  version: number;
  /** ISO 8601 */
  loaded_at: string;
  reason: string | null;
  files: VersionFile[];
  rows_added: number;
  rows_removed: number;
  rows_changed: number;
  cells_changed: number;
  diff: TableDiff[];
}

export interface VersionState {
  /** the last complete version (0: never loaded) */
  current: number;
  /** the version the next load of the item writes: current + 1, or one an interrupted run began */
  next: number;
  /** the item's files in the ledger now (status loaded) */
  files: { url: string; sha256: string }[];
}

/** Where an item stands: its last complete version, the next one, its current files. */
export async function versionState(db: Db, item: { pub: string; period: string }): Promise<VersionState> {
  const [v] = await db.query<{ n: number | null }>(
    `SELECT max(version) AS n FROM ${VERSIONS} WHERE pub = $1 AND period = $2`,
    [item.pub, item.period],
  );
  const [l] = await db.query<{ v: number | null; s: number | null; legacy: boolean }>(
    `SELECT max(version) AS v, max(superseded_in) AS s, bool_or(version IS NULL AND status = 'loaded') AS legacy
       FROM ${LEDGER} WHERE pub = $1 AND period = $2`,
    [item.pub, item.period],
  );
  // a ledger written before versions were recorded holds version 1
  const current = Math.max(Number(v?.n ?? 0), l?.legacy ? 1 : 0);
  const begun = Math.max(Number(l?.v ?? 0), Number(l?.s ?? 0));
  const files = await db.query<{ url: string; sha256: string }>(
    `SELECT DISTINCT file_url AS url, sha256 FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND status = 'loaded' ORDER BY 1, 2`,
    [item.pub, item.period],
  );
  return { current, next: begun > current ? begun : current + 1, files };
}

async function versionFiles(db: Db, item: { pub: string; period: string }, version: number) {
  const rows = await db.query<{ url: string; sha256: string; rows: string; change: VersionFile['change'] }>(
    `SELECT file_url AS url, sha256, sum(rows_loaded)::text AS rows,
            CASE WHEN superseded_in = $3 THEN 'superseded' WHEN version = $3 THEN 'loaded' ELSE 'kept' END AS change
       FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND (status = 'loaded' OR superseded_in = $3)
      GROUP BY 1, 2, 4 ORDER BY 4, 1`,
    [item.pub, item.period, version],
  );
  return rows.map((r) => ({ ...r, rows: Number(r.rows) }));
}

/**
 * Record version `version` of an item once its files are loaded, if the ledger shows it changed anything (rows
 * loaded or superseded under that number); the diff is computed in SQL. Idempotent. Returns the version, or
 * undefined when nothing changed.
 */
export async function recordVersion(
  db: Db,
  item: { pub: string; period: string },
  version: number,
  reason?: string,
): Promise<ItemVersion | undefined> {
  const [touched] = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND (superseded_in = $3 OR (version = $3 AND status = 'loaded'))`,
    [item.pub, item.period, version],
  );
  if (Number(touched.n) === 0) return undefined;
  if (version === 2) await recordLegacyFirst(db, item);
  const files = await versionFiles(db, item, version);
  const diff = version > 1 ? await versionDiff(db, item, version) : [];
  const sum = (k: keyof Omit<TableDiff, 'table'>) => diff.reduce((s, d) => s + d[k], 0);
  const added = version > 1 ? sum('rows_added') : files.reduce((s, f) => s + f.rows, 0);
  await db.query(
    `INSERT INTO ${VERSIONS} (pub, period, version, reason, files, rows_added, rows_removed, rows_changed, cells_changed, diff)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [
      item.pub,
      item.period,
      version,
      reason ?? null,
      JSON.stringify(files),
      added,
      sum('rows_removed'),
      sum('rows_changed'),
      sum('cells_changed'),
      JSON.stringify(diff),
    ],
  );
  return (await listVersions(db, { ...item, version }))[0];
}

/** A ledger from before versions: its first load becomes version 1, dated by its rows. */
async function recordLegacyFirst(db: Db, item: { pub: string; period: string }): Promise<void> {
  const files = await db.query<{ url: string; sha256: string; rows: string; at: string }>(
    `SELECT file_url AS url, sha256, sum(rows_loaded)::text AS rows, min(loaded_at)::text AS at FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND (version IS NULL OR version = 1) GROUP BY 1, 2 ORDER BY 1`,
    [item.pub, item.period],
  );
  if (!files.length) return;
  const list = files.map((f) => ({ url: f.url, sha256: f.sha256, rows: Number(f.rows), change: 'loaded' }));
  await db.query(
    `INSERT INTO ${VERSIONS} (pub, period, version, loaded_at, files, rows_added)
     VALUES ($1, $2, 1, $3::timestamptz, $4, $5) ON CONFLICT DO NOTHING`,
    [
      item.pub,
      item.period,
      files.map((f) => f.at).sort()[0],
      JSON.stringify(list),
      list.reduce((s, f) => s + f.rows, 0),
    ],
  );
}

/** Recorded versions, oldest first. */
export async function listVersions(
  db: Pick<Db, 'query'>,
  filter: { pub?: string; period?: string; version?: number } = {},
): Promise<ItemVersion[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT pub, period, version, loaded_at, reason, files, rows_added, rows_removed, rows_changed, cells_changed, diff
       FROM ${VERSIONS}
      WHERE ($1::text IS NULL OR pub = $1) AND ($2::text IS NULL OR period = $2) AND ($3::int IS NULL OR version = $3)
      ORDER BY pub, period, version`,
    [filter.pub ?? null, filter.period ?? null, filter.version ?? null],
  );
  return rows.map((r) => ({
    pub: String(r.pub),
    period: String(r.period),
    version: Number(r.version),
    loaded_at: isoTime(r.loaded_at),
    reason: r.reason == null ? null : String(r.reason),
    files: JSON.parse(String(r.files)) as VersionFile[],
    rows_added: Number(r.rows_added),
    rows_removed: Number(r.rows_removed),
    rows_changed: Number(r.rows_changed),
    cells_changed: Number(r.cells_changed),
    diff: JSON.parse(String(r.diff)) as TableDiff[],
  }));
}

/**
 * Rows per table of the version before `version`: the rows `version` superseded and those loaded before it that
 * it kept.
 */
export async function rowsBeforeVersion(
  db: Pick<Db, 'query'>,
  item: { pub: string; period: string },
  version: number,
): Promise<Map<string, number>> {
  const rows = await db.query<{ table_name: string; rows: string }>(
    `SELECT table_name, sum(rows_loaded)::text AS rows FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND (superseded_in = $3 OR (status = 'loaded' AND version < $3)
        OR (status = 'loaded' AND version IS NULL))
      GROUP BY 1 ORDER BY 1`,
    [item.pub, item.period, version],
  );
  return new Map(rows.map((r) => [r.table_name, Number(r.rows)]));
}

/** A recorded version after the first: when it loaded and its diff per table. */
export interface VersionDiffs {
  pub: string;
  period: string;
  version: number;
  /** ISO 8601 */
  loaded_at: string;
  diff: TableDiff[];
}

/** The versions after the first of the publications given, by publication, period and version. */
export async function laterVersionDiffs(db: Pick<Db, 'query'>, pubs: string[]): Promise<VersionDiffs[]> {
  if (!pubs.length) return [];
  const rows = await db.query<{
    pub: string;
    period: string;
    version: number;
    loaded_at: unknown;
    diff: string;
  }>(
    `SELECT pub, period, version, loaded_at, diff FROM ${VERSIONS}
      WHERE version > 1 AND pub = ANY(string_to_array($1, E'\\n'))
      ORDER BY pub, period, version`,
    [pubs.join('\n')],
  );
  return rows.map((r) => ({
    pub: r.pub,
    period: r.period,
    version: Number(r.version),
    loaded_at: isoTime(r.loaded_at),
    diff: JSON.parse(String(r.diff)) as TableDiff[],
  }));
}

function isoTime(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}
