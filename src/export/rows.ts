// A period's rows streamed back out of the database as Parquet-ready column arrays, one batch (row group) at a
// time, in the table's physical order (never sorted). The server sends `COPY (...) TO STDOUT` in its text format,
// read here field by field straight into typed columns; PGlite pages through a cursor.
import { StringDecoder } from 'node:string_decoder';
import type { Db } from '../load/index.js';

/** How a column travels: the SELECT expression and the JS value for Parquet. */
export type Kind = 'text' | 'bigint' | 'int' | 'double' | 'days' | 'millis';

export interface OutColumn {
  name: string;
  kind: Kind;
}

export function kindOf(dataType: string): Kind {
  switch (dataType) {
    case 'bigint':
      return 'bigint';
    case 'integer':
    case 'smallint':
      return 'int';
    case 'numeric':
    case 'double precision':
    case 'real':
      return 'double';
    case 'date':
      return 'days';
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return 'millis';
    default:
      return 'text';
  }
}

/** SELECT expression giving the column in the form `convert` reads. */
export function selectExpr(c: OutColumn): string {
  const q = `"${c.name}"`;
  switch (c.kind) {
    case 'days':
      return `(${q} - DATE '1970-01-01') AS ${q}`;
    case 'millis':
      return `(extract(epoch from ${q}) * 1000)::bigint AS ${q}`;
    case 'text':
      return `${q}::text AS ${q}`;
    default:
      return q;
  }
}

export type Value = string | number | bigint | null;

function convert(kind: Kind, s: string): Value {
  switch (kind) {
    case 'text':
      return s;
    case 'bigint':
      return BigInt(s);
    case 'double':
      return Number(s);
    default:
      return Number(s); // int, days since 1970-01-01, epoch milliseconds (BigInt'ed by the writer)
  }
}

/** A field of COPY's text format: \N is NULL, backslash escapes otherwise. */
function unescape(f: string): string {
  return f.replace(/\\(.)/g, (_, c: string) =>
    c === 'n'
      ? '\n'
      : c === 't'
        ? '\t'
        : c === 'r'
          ? '\r'
          : c === 'b'
            ? '\b'
            : c === 'f'
              ? '\f'
              : c === 'v'
                ? '\v'
                : c,
  );
}

/** Reads COPY text output into column arrays. */
class TextReader {
  private cols: Value[][];
  private carry = '';
  /** one string per distinct text value (repeated values share one object: less garbage, faster dictionary) */
  private readonly interned = new Map<string, string>();
  rows = 0;
  constructor(private readonly kinds: Kind[]) {
    this.cols = kinds.map(() => []);
  }

  private text(f: string): string {
    const known = this.interned.get(f);
    if (known !== undefined) return known;
    if (this.interned.size < 100_000) this.interned.set(f, f);
    return f;
  }

  push(text: string): void {
    const s = this.carry + text;
    const kinds = this.kinds;
    const width = kinds.length;
    let pos = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', pos)) {
      for (let j = 0; j < width; j++) {
        let end = j === width - 1 ? nl : s.indexOf('\t', pos);
        if (end === -1 || end > nl) end = nl;
        const f = s.slice(pos, end);
        pos = end + 1;
        if (f === '\\N') this.cols[j].push(null);
        else if (f.includes('\\')) this.cols[j].push(convert(kinds[j], unescape(f)));
        else this.cols[j].push(kinds[j] === 'text' ? this.text(f) : convert(kinds[j], f));
      }
      pos = nl + 1;
      this.rows++;
    }
    this.carry = s.slice(pos);
  }

  take(): Value[][] {
    const out = this.cols;
    this.cols = this.kinds.map(() => []);
    this.rows = 0;
    return out;
  }
}

/** Hand the rows of `sql` to `onBatch` as column arrays, about `batch` rows at a time. */
export async function streamRows(
  db: Db,
  sql: string,
  columns: OutColumn[],
  batch: number,
  onBatch: (columns: Value[][]) => Promise<void>,
): Promise<void> {
  const kinds = columns.map((c) => c.kind);
  await db.transaction(async (tx) => {
    if (!tx.copyOut) {
      // rows come back as objects: keyed by position (c0, c1, ...), never by column name, so a column named
      // `__proto__` or `constructor` is read as its value and not as Object.prototype's member
      const at = columns.map((c, j) => `q."${c.name}" AS c${j}`).join(', ');
      await tx.query(`DECLARE dw_export NO SCROLL CURSOR FOR SELECT ${at} FROM (${sql}) q`);
      const keys = columns.map((_, j) => `c${j}`);
      for (;;) {
        const got = await tx.query<Record<string, unknown>>(`FETCH ${batch} FROM dw_export`);
        if (!got.length) break;
        await onBatch(
          keys.map((key, j) =>
            got.map((r) => {
              const v = Object.hasOwn(r, key) ? r[key] : undefined;
              return v == null ? null : convert(kinds[j], String(v));
            }),
          ),
        );
      }
      return;
    }
    const reader = new TextReader(kinds);
    const decoder = new StringDecoder('utf8');
    for await (const buf of tx.copyOut(`COPY (${sql}) TO STDOUT`)) {
      reader.push(decoder.write(buf));
      if (reader.rows >= batch) await onBatch(reader.take());
    }
    reader.push(decoder.end());
    if (reader.rows) await onBatch(reader.take());
  });
}
