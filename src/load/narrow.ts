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

/** Not-a-number values still in a column, per period (at most a few periods, each with an example). */
async function blockers(tx: Tx, table: string, column: string) {
  const c = quoteIdent(column);
  return tx.query<{ period: string; n: number; example: string }>(
    `SELECT "_dw_period" AS period, count(*)::int AS n, min(${c}) AS example
       FROM ${qualified(STAGING_SCHEMA, table)}
      WHERE ${c} IS NOT NULL AND btrim(${c}) <> '' AND ${c} !~ '${NUMBER_TEXT}'
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
  for (const [j, { name, type }] of wanted.entries()) {
    if (current[j] !== 'text' || (type !== 'integer' && type !== 'numeric')) continue;
    const blocked = await blockers(tx, table, name);
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
    const c = quoteIdent(name);
    const [r] = await tx.query<{ ints: boolean | null }>(
      `SELECT bool_and(${c} ~ '${INTEGER_TEXT}') AS ints FROM ${t} WHERE ${c} IS NOT NULL AND btrim(${c}) <> ''`,
    );
    const to: ColumnType = type === 'integer' && r?.ints !== false ? 'integer' : 'numeric';
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
