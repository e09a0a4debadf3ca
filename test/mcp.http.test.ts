// `datawarp mcp --http PORT`: Streamable HTTP on 127.0.0.1 only, with the SDK's DNS-rebinding protection (a
// foreign Host header is refused), answering the SDK's own client.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNhsSite, type NhsSite } from '../scripts/demo/site.js';
import { testEngines } from './support/db.js';
import { makeWorkspace, REPO, type Workspace } from './support/workspace.js';

const kind = testEngines()[0];

function rawPost(port: number, host: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { ...headers, host } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

function startServer(ws: Workspace): Promise<{ child: ChildProcess; port: number; log: () => string }> {
  const loader = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(
    process.execPath,
    ['--import', loader, join(REPO, 'src/cli/index.ts'), 'mcp', '--http', '0'],
    { cwd: ws.dir, env: ws.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no "listening" line in 120 s:\n${log}`)), 120_000);
    child.stderr!.on('data', (d) => {
      log += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok({ child, port: Number(m[1]), log: () => log });
      }
    });
    child.on('exit', (code) => fail(new Error(`datawarp mcp --http exited (${code}):\n${log}`)));
  });
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe(`datawarp mcp --http [${kind}]`, () => {
  let nhs: NhsSite;
  let ws: Workspace;
  let server: { child: ChildProcess; port: number; log: () => string };

  beforeAll(async () => {
    nhs = await startNhsSite();
    ws = await makeWorkspace(kind, nhs, ['qof']);
    const r = await ws.run(['backfill']);
    expect(r.code, r.err).toBe(0);
    server = await startServer(ws);
  }, 300_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await ws?.dispose();
    await nhs?.close();
  });

  it('answers the SDK client on 127.0.0.1', async () => {
    const client = new Client({ name: 'datawarp-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${server.port}/mcp`)));
    const r = (await client.callTool({ name: 'list_publications', arguments: {} })) as {
      structuredContent?: { publications: { key: string }[] };
    };
    expect(r.structuredContent!.publications.map((p) => p.key)).toEqual(['qof']);
    const q = (await client.callTool({
      name: 'query',
      arguments: { sql: 'DROP SCHEMA staging CASCADE' },
    })) as {
      isError?: boolean;
    };
    expect(q.isError).toBe(true);
    await client.close();
  });

  it('refuses a foreign Host header (DNS rebinding) and answers only /mcp', async () => {
    const url = `http://127.0.0.1:${server.port}/mcp`;
    const ok = await fetch(url, { method: 'POST', headers, body: initialize });
    expect(ok.status).toBe(200);
    // fetch() sets Host itself: a raw request carries the one a rebinding page would send
    const evil = await rawPost(server.port, `attacker.example:${server.port}`, initialize);
    expect(evil.status).toBe(403);
    expect(evil.body).toMatch(/Invalid Host header/);
    expect((await rawPost(server.port, `localhost:${server.port}`, initialize)).status).toBe(200);
    const other = await fetch(`http://127.0.0.1:${server.port}/`, {
      method: 'POST',
      headers,
      body: initialize,
    });
    expect(other.status).toBe(404);
  });

  it('is not reachable on any other interface of this machine', async () => {
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    expect(addresses.length, 'this test needs a non-loopback IPv4 interface').toBeGreaterThan(0);
    for (const a of addresses) {
      const err = await fetch(`http://${a}:${server.port}/mcp`, {
        method: 'POST',
        headers,
        body: initialize,
      }).then(
        (r) => `answered ${r.status}`,
        (e: Error) => String((e.cause as { code?: string })?.code ?? e.message),
      );
      expect(err, a).toBe('ECONNREFUSED');
    }
  });

  it.runIf(kind === 'pg')(
    'refuses to start with DATAWARP_MCP_DATABASE_URL naming a role that can write',
    async () => {
      const r = await ws.spawn(['mcp'], { DATAWARP_MCP_DATABASE_URL: ws.env.DATABASE_URL });
      expect(r.status).toBe(2);
      expect(r.out).toMatch(/DATAWARP_MCP_DATABASE_URL logs in as a role that can write/);
    },
  );
});
