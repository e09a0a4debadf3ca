// Convergence: a column the extractor now types as a number but that an older extractor loaded as `text` (a
// symbol, a flag or an annotation sent the whole column to text) narrows back to a number once every value the
// table still holds is a number or NULL. Types otherwise only widen (src/load/schema.ts); this is the one
// narrowing, and it happens in the loading file's transaction, under the table's schema-change lock, after the
// file's own earlier rows were deleted and before its new rows are copied. The ALTER runs inside a SAVEPOINT:
// a value PostgreSQL will not cast (an overflow) leaves the column as it was and the load goes on.
import type { ColumnType } from '../model.js';
import type { Tx } from './db.js';
import { qualified, quoteIdent } from './ident.js';
import { LEDGER, STAGING_SCHEMA, assertLocked } from './schema.js';
import { SQL_TYPE } from './values.js';

/** A number as the loader writes one into a text column (plainNumber): no leading zeros, no exponent, no sign
 * but `-`. A code such as `0123` is not one, so a column of codes never narrows. */
const NUMBER_TEXT = String.raw`^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`;
const INTEGER_TEXT = String.raw`^-?[0-9]{1,18}$`;

export interface NarrowOutcome {
  /** columns narrowed, with their new type */
  narrowed: { column: string; to: ColumnType }[];
  /** what blocked a narrowing that a reload of older periods would allow, in words a user can act on */
  warnings: string[];
}

interface PeriodScan {
  period: string;
  /** per candidate column: values that are not numbers, one of them, and whether every value is an integer */
  [key: string]: string | number | boolean | null;
}

/** One scan of the table for every candidate column: per period, the values that are not numbers (with an
 * example) and whether the values are all integers. */
async function scan(tx: Tx, table: string, columns: string[]): Promise<PeriodScan[]> {
  const parts = columns.map((name, k) => {
    const c = quoteIdent(name);
    const filled = `${c} IS NOT NULL AND btrim(${c}) <> ''`;
    const bad = `${filled} AND btrim(${c}) !~ '${NUMBER_TEXT}'`;
    return (
      `count(*) FILTER (WHERE ${bad})::int AS b${k}, min(${c}) FILTER (WHERE ${bad}) AS e${k}, ` +
      `bool_and(btrim(${c}) ~ '${INTEGER_TEXT}') FILTER (WHERE ${filled}) AS i${k}`
    );
  });
  return tx.query<PeriodScan>(
    `SELECT "_dw_period" AS period, ${parts.join(', ')} FROM ${qualified(STAGING_SCHEMA, table)}
      GROUP BY 1 ORDER BY 1`,
  );
}

/** Of `periods`, those whose rows of the table an older extractor loaded (their ledger says another version). */
async function olderPeriods(
  tx: Tx,
  table: string,
  periods: string[],
  extractor: string,
): Promise<Set<string>> {
  const rows = await tx.query<{ period: string }>(
    `SELECT DISTINCT period FROM ${LEDGER}
      WHERE source_code = $1 AND status = 'loaded' AND period = ANY($2::text[])
        AND extractor IS DISTINCT FROM $3`,
    [table, periods, extractor],
  );
  return new Set(rows.map((r) => r.period));
}

function blockedMessage(
  table: string,
  column: string,
  pub: string,
  old: { period: string; n: number; example: string }[],
): string {
  const list = old
    .slice(0, 5)
    .map((b) => `${b.period} (${b.n} value${b.n === 1 ? '' : 's'} such as ${JSON.stringify(b.example)})`)
    .join(', ');
  const more = old.length > 5 ? ` and ${old.length - 5} more` : '';
  const first = old[0].period;
  return (
    `staging.${table}.${column} stays text: periods ${list}${more} hold values that are not numbers, loaded by ` +
    `an older extractor; reload them with \`datawarp backfill --force --pub ${pub} --period ${first}\` ` +
    `(each period in turn) and the column becomes numeric`
  );
}

/**
 * Narrow the `text` columns of staging.<table> that `wanted` types as numbers, where every stored value allows
 * it. `current` is each wanted column's type in the table now; it is updated for the columns narrowed.
 */
export async function narrowColumns(
  tx: Tx,
  table: string,
  wanted: { name: string; type: ColumnType }[],
  current: ColumnType[],
  ctx: { pub: string; extractor: string },
): Promise<NarrowOutcome> {
  assertLocked(tx, table);
  const out: NarrowOutcome = { narrowed: [], warnings: [] };
  const t = qualified(STAGING_SCHEMA, table);
  const candidates = [...wanted.entries()].filter(
    ([j, w]) => current[j] === 'text' && (w.type === 'integer' || w.type === 'numeric'),
  );
  if (!candidates.length) return out;
  const periods = await scan(
    tx,
    table,
    candidates.map(([, w]) => w.name),
  );
  for (const [k, [j, { name, type }]] of candidates.entries()) {
    const blocked = periods
      .filter((p) => Number(p[`b${k}`]) > 0)
      .map((p) => ({ period: p.period, n: Number(p[`b${k}`]), example: String(p[`e${k}`]) }));
    if (blocked.length) {
      const older = await olderPeriods(
        tx,
        table,
        blocked.map((b) => b.period),
        ctx.extractor,
      );
      const old = blocked.filter((b) => older.has(b.period));
      // text loaded by the current extractor is text it decided on: nothing a reload would change
      if (old.length) out.warnings.push(blockedMessage(table, name, ctx.pub, old));
      continue;
    }
    const ints = periods.every((p) => p[`i${k}`] !== false);
    const to: ColumnType = type === 'integer' && ints ? 'integer' : 'numeric';
    const c = quoteIdent(name);
    await tx.query('SAVEPOINT dw_narrow');
    try {
      await tx.query(
        `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${SQL_TYPE[to]} USING NULLIF(btrim(${c}), '')::${SQL_TYPE[to]}`,
      );
      await tx.query('RELEASE SAVEPOINT dw_narrow');
    } catch (err) {
      if (!((err as { code?: string } | null)?.code ?? '').startsWith('22')) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT dw_narrow');
      out.warnings.push(
        `staging.${table}.${name} stays text: its values are numbers but PostgreSQL would not make them ` +
          `${SQL_TYPE[to]} (${(err as Error).message})`,
      );
      continue;
    }
    current[j] = to;
    out.narrowed.push({ column: name, to });
  }
  return out;
}
