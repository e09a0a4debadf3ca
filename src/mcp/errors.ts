// Tool errors: the text part is DataWarp's own wording, chosen by SQLSTATE (a database message can quote a
// cell value, e.g. `invalid input syntax for type integer: "..."`), with the position of a syntax error; the
// database's own message goes to structuredContent only.
import { QueryError, metaName } from './engine.js';

export interface ErrorDetail {
  code: string;
  message: string;
  position?: number;
}

const READABLE = `staging.*, history.*, ${metaName('ledger')}, ${metaName('versions')} and ${metaName('totals')}`;

function wording(code: string, message: string, timeoutMs: number): string {
  if (code === '25006') return 'refused: the warehouse is read-only and this statement would write';
  if (code === '42501') return `refused: permission denied (the query role may only SELECT from ${READABLE})`;
  if (code === '42601' && /multiple commands/.test(message))
    return 'refused: one SQL statement per call (send each statement on its own)';
  if (code === '42601') return 'syntax error in the SQL';
  if (code === '57014')
    return `cut: the statement ran past its ${timeoutMs / 1000} s timeout and was cancelled (aggregate, filter or add LIMIT)`;
  if (code === '55P03') return 'cut: the statement waited too long for a lock (a backfill may be writing)';
  if (code === '42P01') return 'no such table or view (search_tables lists tables)';
  if (code === '42703') return 'no such column (describe_table lists columns)';
  if (code === '42883') return 'no such function or operator for these argument types (add a cast?)';
  if (code === '3F000') return 'no such schema (the readable schemas are staging, history and datawarp)';
  if (code === '0A000') return 'refused: the statement uses a feature that is not supported here';
  if (code === '25001' || code === '25P02' || code === '2D000' || code === '0B000')
    return 'refused: transaction control is not allowed (each call is its own read-only transaction)';
  if (code.startsWith('22')) return 'data error: a value could not be converted or computed';
  if (code.startsWith('53') || code.startsWith('54'))
    return 'the database ran out of a resource for this statement (make it smaller)';
  return 'the database could not run the statement';
}

/** DataWarp's own sentence about a failed query, and the detail for structuredContent. */
export function describeQueryError(e: unknown, timeoutMs: number): { text: string; detail: ErrorDetail } {
  const err = e as { code?: unknown; message?: unknown; position?: unknown };
  const message = String(err?.message ?? e);
  // a DataWarp error (worker, set-up) is ours to show as it is
  if (e instanceof QueryError && (e.code === 'worker' || e.code === 'setup'))
    return { text: `the query could not run: ${message}`, detail: { code: e.code, message } };
  const code = typeof err?.code === 'string' ? err.code : 'unknown';
  // a database error carries a severity (EPIPE has five letters too, but is a socket's)
  const fromDatabase = e instanceof QueryError || (typeof e === 'object' && e !== null && 'severity' in e);
  if (!fromDatabase || !/^[0-9A-Z]{5}$/.test(code))
    return {
      text: `the database could not be reached or failed (${/^[A-Z_]+$/.test(code) ? code : 'unknown error'})`,
      detail: { code, message },
    };
  const position = Number(err?.position) || undefined;
  const at = position ? ` at character ${position}` : '';
  return {
    text: `${wording(code, message, timeoutMs)} (SQLSTATE ${code}${at}); the database's message is in structuredContent.error.message`,
    detail: { code, message, ...(position ? { position } : {}) },
  };
}
