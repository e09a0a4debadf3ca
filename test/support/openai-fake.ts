// A local OpenAI-compatible server (POST <base>/chat/completions) that records every request and answers from a
// script. The default script names tables like a well-behaved model would (valid structured output derived from
// the prompt), so tests can tell LLM names from deterministic ones.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** parsed JSON body */
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
    [k: string]: unknown;
  };
  /** the user message parsed (what DataWarp sends about the table) */
  prompt: PromptPayload;
}

export interface PromptPayload {
  publication: string;
  sheet: string | null;
  title: string | null;
  notes_and_contents: string | null;
  columns: { i: number; header: string; type: string; repeated?: number; examples?: string[] }[];
  sample_rows: unknown[][];
}

export interface Reply {
  status?: number;
  /** the assistant message content (a string, sent as is) */
  content?: string;
  /** a raw JSON body for error replies */
  body?: unknown;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export type Script = (req: FakeRequest, n: number) => Reply;

export interface FakeOpenAi {
  /** base URL for OPENAI_BASE_URL, ending in /v1 */
  baseURL: string;
  requests: FakeRequest[];
  /** replace the script (n counts requests since the server started, from 0) */
  script: Script;
  close(): Promise<void>;
}

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/\{x\}/g, ' ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** A valid answer derived from the prompt: table `<sheet>_named`, columns `<header words>`. */
export function wellBehaved(req: FakeRequest): Reply {
  const p = req.prompt;
  const answer = {
    table_name: `${words(p.sheet ?? p.title ?? 'table')}_named`,
    description: `Named by the fake model: ${p.title ?? p.sheet}`,
    columns: p.columns.map((c) => ({
      name: words(c.header.split(' | ').at(-1) ?? c.header) || 'value',
      description: `fake: ${c.header}`,
      unit: c.type === 'text' ? null : 'count',
      is_dimension: c.type === 'text',
      is_measure: c.type !== 'text',
    })),
  };
  return { content: JSON.stringify(answer) };
}

export async function startFakeOpenAi(script: Script = wellBehaved): Promise<FakeOpenAi> {
  const requests: FakeRequest[] = [];
  const fake: FakeOpenAi = { baseURL: '', requests, script, close: async () => {} };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      let body: FakeRequest['body'];
      let prompt: PromptPayload;
      try {
        body = JSON.parse(raw);
        prompt = JSON.parse(body.messages.find((m) => m.role === 'user')?.content ?? '{}');
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'bad request body' } }));
        return;
      }
      const r: FakeRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        prompt,
      };
      requests.push(r);
      let reply: Reply;
      try {
        reply = fake.script(r, requests.length - 1);
      } catch (e) {
        reply = { status: 500, body: { error: { message: String(e) } } };
      }
      const status = reply.status ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      if (status !== 200) {
        res.end(JSON.stringify(reply.body ?? { error: { message: 'error' } }));
        return;
      }
      const content = reply.content ?? '';
      const usage = reply.usage ?? {
        prompt_tokens: Math.ceil(raw.length / 4),
        completion_tokens: Math.ceil(content.length / 4),
      };
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        }),
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  fake.baseURL = `http://127.0.0.1:${port}/v1`;
  fake.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return fake;
}
