// `datawarp mcp [--http PORT]`: the warehouse served read-only over the Model Context Protocol, on stdio (an
// assistant starts it as a child process) or Streamable HTTP on 127.0.0.1 with Host-header checks.
import http from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { DbUnavailableError } from '../load/index.js';
import { DEFAULT_TIMEOUT_MS, QueryError, type ReadEngine } from './engine.js';
import { createServer, type ServerOptions } from './server.js';
import { catalogGeneration, Workspace } from './workspace.js';

export const MCP_USAGE = `Usage: datawarp mcp [--http PORT] [--timeout SECONDS] [--max-bytes N] [--repo OWNER/NAME]

Serves the warehouse read-only over the Model Context Protocol: on stdin/stdout (the default; an AI
assistant starts it), or with --http on http://127.0.0.1:PORT/mcp (Streamable HTTP, loopback only).
Tools: list_publications, search_tables, describe_table, query, history. Resources: the catalog, the data package.
  --timeout S     statement timeout of a query (default 15)
  --max-bytes N   JSON bytes of rows a query returns at most (default 1000000)
  --repo O/N      link Parquet files as release assets of that repository (default $GITHUB_REPOSITORY)
Environment: DATABASE_URL (else PGlite in .datawarp/pglite, read from a snapshot), DATAWARP_MCP_DATABASE_URL
  (a SELECT-only role to query as; unset: one is created with a fresh password at start).
`;

export interface McpIo {
  out(s: string): void;
  err(s: string): void;
}

export interface McpContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  io: McpIo;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      http: { type: 'string' },
      timeout: { type: 'string' },
      'max-bytes': { type: 'string' },
      repo: { type: 'string' },
      config: { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

async function openEngine(ctx: McpContext): Promise<ReadEngine> {
  if (ctx.env.DATABASE_URL) {
    const { openPgEngine } = await import('./engine-pg.js');
    return openPgEngine(ctx.env);
  }
  const { openPgliteEngine } = await import('./engine-pglite.js');
  const dataDir = ctx.env.DATAWARP_PGLITE_DIR || join(ctx.cwd, '.datawarp', 'pglite');
  return openPgliteEngine({ dataDir, generation: () => catalogGeneration(ctx.cwd) });
}

export async function runMcp(argv: string[], ctx: McpContext): Promise<number> {
  let v;
  try {
    v = parse(argv);
  } catch (e) {
    ctx.io.err(`datawarp mcp: ${(e as Error).message}\n\n${MCP_USAGE}`);
    return 2;
  }
  if (v.help) {
    ctx.io.out(MCP_USAGE);
    return 0;
  }
  const port = v.http === undefined ? undefined : Number(v.http);
  const timeout = v.timeout === undefined ? DEFAULT_TIMEOUT_MS / 1000 : Number(v.timeout);
  const maxBytes = v['max-bytes'] === undefined ? 1_000_000 : Number(v['max-bytes']);
  const bad =
    port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)
      ? `--http ${v.http}: expected a port number`
      : !(timeout > 0 && timeout <= 3600)
        ? `--timeout ${v.timeout}: expected seconds (0 < S <= 3600)`
        : !(Number.isInteger(maxBytes) && maxBytes >= 1000)
          ? `--max-bytes ${v['max-bytes']}: expected a number of bytes (at least 1000)`
          : undefined;
  if (bad) {
    ctx.io.err(`datawarp mcp: ${bad}\n\n${MCP_USAGE}`);
    return 2;
  }
  const paths = {
    cwd: ctx.cwd,
    configPath: resolve(ctx.cwd, v.config ?? 'config/publications.yaml'),
    statePath: resolve(ctx.cwd, v.state ?? 'state/state.json'),
  };
  let engine: ReadEngine;
  try {
    engine = await openEngine(ctx);
  } catch (e) {
    if (e instanceof QueryError || e instanceof DbUnavailableError) {
      ctx.io.err(`datawarp mcp: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const ws = new Workspace(paths, engine, ctx.env);
  const options: ServerOptions = {
    timeoutMs: timeout * 1000,
    maxBytes,
    repo: v.repo ?? (ctx.env.GITHUB_REPOSITORY || undefined),
  };
  try {
    if (port === undefined) await serveStdio(ws, options);
    else await serveHttp(ws, options, port, ctx.io);
  } finally {
    await engine.close();
  }
  return 0;
}

/** Until the client closes stdin (or a signal). */
async function serveStdio(ws: Workspace, o: ServerOptions): Promise<void> {
  const server = createServer(ws, o);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((done) => {
    transport.onclose = () => done();
    process.stdin.once('end', () => done());
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
}

/** Streamable HTTP, stateless: a server and transport per request; only 127.0.0.1, only /mcp. */
async function serveHttp(ws: Workspace, o: ServerOptions, port: number, io: McpIo): Promise<void> {
  let allowedHosts: string[] = [];
  const httpServer = http.createServer(async (req, res) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the MCP endpoint is /mcp\n');
      return;
    }
    const server = createServer(ws, o);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      enableDnsRebindingProtection: true,
      allowedHosts,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`datawarp mcp: ${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((ok, fail) => {
    httpServer.once('error', fail);
    httpServer.listen(port, '127.0.0.1', () => ok());
  });
  const bound = (httpServer.address() as { port: number }).port;
  allowedHosts = [`127.0.0.1:${bound}`, `localhost:${bound}`];
  io.err(`datawarp mcp: listening on http://127.0.0.1:${bound}/mcp (loopback only)\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await new Promise<void>((done) => httpServer.close(() => done()));
}
