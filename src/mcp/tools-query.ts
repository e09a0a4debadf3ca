// The `query` and `history` tools: rows and versions go to structuredContent; the text says how many.
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { metaName } from './engine.js';
import { describeQueryError } from './errors.js';
import type { Workspace } from './workspace.js';

export interface QuerySettings {
  timeoutMs: number;
  maxBytes: number;
}

export const DEFAULT_MAX_ROWS = 500;
export const MAX_MAX_ROWS = 10_000;

const errorShape = z
  .object({ code: z.string(), message: z.string(), position: z.number().optional() })
  .optional()
  .describe('set when the call failed: the SQLSTATE and the database message');

export function registerQueryTools(server: McpServer, ws: Workspace, settings: QuerySettings): void {
  registerQuery(server, ws, settings);
  registerHistory(server, ws, settings);
}

function registerQuery(server: McpServer, ws: Workspace, settings: QuerySettings): void {
  server.registerTool(
    'query',
    {
      title: 'Run one read-only SQL statement',
      description:
        'One read-only SQL statement (PostgreSQL) over staging.<table> (current rows), history.<table> ' +
        `(superseded rows), ${metaName('ledger')} (the load ledger), ${metaName('versions')} and ` +
        `${metaName('totals')}. Returns columns and rows, at most max_rows (default ${DEFAULT_MAX_ROWS}) ` +
        `and ${settings.maxBytes} bytes of JSON; "cut" says when rows were left out. Statement timeout ` +
        `${settings.timeoutMs / 1000} s. Aggregate in SQL rather than fetching many rows.`,
      inputSchema: {
        sql: z.string().min(1).describe('one SQL statement'),
        max_rows: z.number().int().min(1).max(MAX_MAX_ROWS).optional(),
      },
      outputSchema: {
        columns: z.array(z.string()),
        rows: z.array(z.array(z.unknown())),
        row_count: z.number().int(),
        cut: z.enum(['max_rows', 'max_bytes']).nullable(),
        max_rows: z.number().int(),
        elapsed_ms: z.number(),
        error: errorShape,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ sql, max_rows }) => runQuery(ws, settings, sql, max_rows ?? DEFAULT_MAX_ROWS),
  );
}

/** The `query` tool's answer: rows in structuredContent, or the database's error as a value. */
async function runQuery(ws: Workspace, settings: QuerySettings, sql: string, maxRows: number) {
  const started = Date.now();
  try {
    const r = await ws.engine.run(sql, [], {
      maxRows,
      maxBytes: settings.maxBytes,
      timeoutMs: settings.timeoutMs,
    });
    const out = {
      columns: r.columns,
      rows: r.rows,
      row_count: r.rows.length,
      cut: r.cut,
      max_rows: maxRows,
      elapsed_ms: Date.now() - started,
    };
    const cut =
      r.cut === 'max_rows'
        ? `; cut at max_rows ${maxRows}: more rows exist (aggregate, filter or raise max_rows)`
        : r.cut === 'max_bytes'
          ? `; cut at ${settings.maxBytes} bytes: more rows exist (select fewer columns or rows)`
          : '';
    const text = `${plural(r.rows.length, 'row')} × ${plural(r.columns.length, 'column')} in structuredContent${cut}.`;
    return { content: [{ type: 'text' as const, text }], structuredContent: out };
  } catch (e) {
    const { text, detail } = describeQueryError(e, settings.timeoutMs);
    return {
      isError: true,
      content: [{ type: 'text' as const, text }],
      structuredContent: {
        columns: [],
        rows: [],
        row_count: 0,
        cut: null,
        max_rows: maxRows,
        elapsed_ms: Date.now() - started,
        error: detail,
      },
    };
  }
}

function registerHistory(server: McpServer, ws: Workspace, settings: QuerySettings): void {
  server.registerTool(
    'history',
    {
      title: 'Versions of a publication period',
      description:
        'The versions of a publication (optionally one period): when each was loaded, its files and its diff ' +
        'against the version before (rows added, removed, changed; per table).',
      inputSchema: {
        pub: z.string().min(1).describe('publication key (list_publications)'),
        period: z.string().optional().describe('canonical period, e.g. 2025-08'),
      },
      outputSchema: {
        pub: z.string(),
        versions: z.array(
          z.object({
            period: z.string(),
            version: z.number(),
            loaded_at: z.string(),
            reason: z.string().nullable(),
            files: z.array(z.record(z.string(), z.unknown())),
            rows_added: z.number(),
            rows_removed: z.number(),
            rows_changed: z.number(),
            cells_changed: z.number(),
            diff: z.array(z.record(z.string(), z.unknown())),
          }),
        ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ pub, period }) => {
      const known = new Set(ws.catalog().tables.map((t) => t.publication));
      for (const p of ws.config()?.publications ?? []) known.add(p.code);
      if (!known.has(pub)) return ownError(`no publication "${safeKey(pub)}" (list_publications lists them)`);
      let versions;
      try {
        versions = await ws.versions({ pub, period });
      } catch (e) {
        return ownError(describeQueryError(e, settings.timeoutMs).text);
      }
      const versionsOut = versions.map(({ pub: _p, ...v }) => v);
      const periods = new Set(versions.map((v) => v.period));
      const lines = versions.map(
        (v) =>
          `${v.period} v${v.version} (${v.loaded_at.slice(0, 10)}): +${v.rows_added} −${v.rows_removed} rows, ${v.rows_changed} changed`,
      );
      const text = versions.length
        ? `${pub}: ${plural(versions.length, 'version')} over ${plural(periods.size, 'period')}\n${lines.join('\n')}`
        : `${pub}: no versions recorded${period ? ` for ${safeKey(period)}` : ''}`;
      return { content: [{ type: 'text', text }], structuredContent: { pub, versions: versionsOut } };
    },
  );
}

export const plural = (n: number, word: string) =>
  `${n.toLocaleString('en-GB')} ${word}${n === 1 ? '' : 's'}`;

/** a caller's key echoed back only when it looks like a key (letters, digits, -_.), else not at all */
export const safeKey = (s: string) => (/^[A-Za-z0-9_.-]{1,80}$/.test(s) ? s : '(the given name)');

export function ownError(text: string) {
  return { isError: true, content: [{ type: 'text' as const, text }] };
}
