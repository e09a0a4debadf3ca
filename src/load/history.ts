// Superseded rows: when a file of an item is replaced (new bytes, a `-revised` twin) or gone from a new version,
// its rows — every sheet, zip member and table of it — move from staging.<table> to history.<table> (the same
// columns plus `_dw_superseded_at`) and its ledger rows get status `superseded`, inside the transaction that
// loads the replacement (or a transaction of its own for a removed file). staging.<table> so always holds the
// current version. history.<table> changes under staging.<table>'s schema-change lock (src/load/schema.ts).
import type { Db, Tx } from './db.js';
import { qualified, quoteIdent } from './ident.js';
import {
  HISTORY_SCHEMA,
  LEDGER,
  STAGING_SCHEMA,
  assertLocked,
  columnsOf,
  lockTables,
  usingExpr,
} from './schema.js';
import { joinTypes, kindOfSqlType } from './values.js';

/** A file of an item as the ledger knows it. */
export interface FileRef {
  fileUrl: string;
  sha256: string;
}

/** One ledger row to supersede: a (file, sheet, table) of the current version. */
export interface SupersededSource {
  file_url: string;
  sha256: string;
  sheet: string;
  table_name: string;
}

/**
 * The current (`loaded`) ledger rows of an item that belong to `files`, plus those of `sameUrl` with other bytes
 * (a file whose bytes changed at its URL: every table it loaded before, including ones it no longer has).
 */
export async function sourcesToSupersede(
  q: Pick<Tx, 'query'>,
  item: { pub: string; period: string },
  files: FileRef[],
  sameUrl?: FileRef,
): Promise<SupersededSource[]> {
  if (!files.length && !sameUrl) return [];
  return q.query<SupersededSource>(
    `SELECT file_url, sha256, sheet, table_name FROM ${LEDGER}
      WHERE pub = $1 AND period = $2 AND status = 'loaded'
        AND ((file_url, sha256) IN (SELECT * FROM unnest($3::text[], $4::text[]))
             OR (file_url = $5 AND sha256 <> $6))
      ORDER BY table_name, file_url, sheet`,
    [
      item.pub,
      item.period,
      files.map((f) => f.fileUrl),
      files.map((f) => f.sha256),
      sameUrl?.fileUrl ?? null,
      sameUrl?.sha256 ?? null,
    ],
  );
}

/**
 * Make history.<table> able to take staging.<table>'s rows: created like it (plus `_dw_superseded_at`) when
 * missing, missing columns added, narrower types widened to staging's. A history column wider than staging's
 * (text rows of versions an older extractor loaded, kept while staging's column narrowed to a number: see
 * src/load/narrow.ts) stays as it is: numbers go into text by assignment. The transaction holds the lock.
 */
export async function ensureHistoryTable(tx: Tx, table: string): Promise<string[]> {
  assertLocked(tx, table);
  const staging = await columnsOf(tx, STAGING_SCHEMA, table);
  const h = qualified(HISTORY_SCHEMA, table);
  await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(HISTORY_SCHEMA)}`);
  let have = await columnsOf(tx, HISTORY_SCHEMA, table);
  if (!have.length) {
    await tx.query(`CREATE TABLE ${h} AS SELECT * FROM ${qualified(STAGING_SCHEMA, table)} WITH NO DATA`);
    await tx.query(`ALTER TABLE ${h} ADD COLUMN "_dw_superseded_at" timestamptz NOT NULL DEFAULT now()`);
    await tx.query(`CREATE INDEX ON ${h} ("_dw_file_url", "_dw_period", "_dw_sheet")`);
    have = await columnsOf(tx, HISTORY_SCHEMA, table);
  }
  const types = new Map(have.map((c) => [c.name, c.data_type]));
  for (const c of staging) {
    const cur = types.get(c.name);
    if (cur === undefined) {
      await tx.query(`ALTER TABLE ${h} ADD COLUMN ${quoteIdent(c.name)} ${c.data_type}`);
      continue;
    }
    if (cur === c.data_type) continue;
    const to = joinTypes(kindOfSqlType(cur), kindOfSqlType(c.data_type));
    if (to === kindOfSqlType(c.data_type) && to !== kindOfSqlType(cur))
      await tx.query(
        `ALTER TABLE ${h} ALTER COLUMN ${quoteIdent(c.name)} TYPE ${c.data_type}
           USING ${usingExpr(c.name, cur, to)}`,
      );
  }
  return staging.map((c) => c.name);
}

/**
 * Move the rows of `sources` from staging to history and mark their ledger rows `superseded` by `version`.
 * The transaction holds the locks of every table named (lockTables). Returns the rows moved.
 */
export async function supersede(
  tx: Tx,
  item: { pub: string; period: string },
  sources: SupersededSource[],
  version: number | null,
): Promise<number> {
  let moved = 0;
  const columns = new Map<string, string[] | undefined>();
  for (const s of sources) {
    if (!columns.has(s.table_name)) {
      const exists = (await columnsOf(tx, STAGING_SCHEMA, s.table_name)).length > 0;
      columns.set(s.table_name, exists ? await ensureHistoryTable(tx, s.table_name) : undefined);
    }
    const cols = columns.get(s.table_name);
    if (cols) {
      const list = cols.map(quoteIdent).join(', ');
      const where = `"_dw_file_url" = $1 AND "_dw_period" = $2 AND "_dw_sheet" = $3`;
      const args = [s.file_url, item.period, s.sheet];
      const r = await tx.query<{ n: string }>(
        `WITH moved AS (DELETE FROM ${qualified(STAGING_SCHEMA, s.table_name)} WHERE ${where} RETURNING ${list}),
              ins AS (INSERT INTO ${qualified(HISTORY_SCHEMA, s.table_name)} (${list}, "_dw_superseded_at")
                      SELECT ${list}, now() FROM moved RETURNING 1)
         SELECT count(*)::text AS n FROM ins`,
        args,
      );
      moved += Number(r[0]?.n ?? 0);
    }
    await tx.query(
      `UPDATE ${LEDGER} SET status = 'superseded', superseded_in = $7, superseded_at = now()
        WHERE pub = $1 AND period = $2 AND file_url = $3 AND sheet = $4 AND table_name = $5 AND sha256 = $6
          AND status = 'loaded'`,
      [item.pub, item.period, s.file_url, s.sheet, s.table_name, s.sha256, version],
    );
  }
  return moved;
}

/** A file gone from an item's new version: its rows go to history in one transaction of their own. */
export async function supersedeFile(
  db: Db,
  item: { pub: string; period: string },
  file: FileRef,
  version: number | null,
): Promise<{ sources: SupersededSource[]; rows: number }> {
  return db.transaction(async (tx) => {
    const sources = await sourcesToSupersede(tx, item, [file]);
    await lockTables(tx, [...new Set(sources.map((s) => s.table_name))]);
    // read again under the locks: another run may have superseded them meanwhile
    const now = await sourcesToSupersede(tx, item, [file]);
    return { sources: now, rows: await supersede(tx, item, now, version) };
  });
}
