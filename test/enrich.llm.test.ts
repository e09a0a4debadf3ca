// The OpenAI namer against a local OpenAI-compatible server that records requests: what is sent (JSON schema,
// sheet context, headers, samples), retries of invalid or partial answers, fallback, cost and spend cap, and the
// API key never showing up in logs, errors, calls or manifests.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deterministicName, enrichManifest, IDENT } from '../src/enrich/index.js';
import { createOpenAiNamer, openAiNamerFromEnv, RESPONSE_SCHEMA, SYSTEM_PROMPT } from '../src/enrich/llm.js';
import { buildManifest, NHS, type Built } from './support/enrich-helpers.js';
import { startFakeOpenAi, wellBehaved, type FakeOpenAi } from './support/openai-fake.js';

const KEY = 'sk-test-DO-NOT-LEAK-4f9a1c77e2b5';

let fake: FakeOpenAi;
let acute: Built;
beforeAll(async () => {
  fake = await startFakeOpenAi();
  // a workbook with a cover sheet and contents (docs) and 13 tables
  acute = await buildManifest('acute', '2023-04', [{ path: `${NHS}/acute_sitrep_april2023.xlsx` }]);
});
afterAll(async () => fake?.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.script = wellBehaved;
});

/** the acute sitrep manifest cut to its first `n` tables */
function cut(n: number) {
  const m = structuredClone(acute.manifest);
  m.files[0].tables = m.files[0].tables.slice(0, n);
  return m;
}

function namer(extra: Partial<Parameters<typeof createOpenAiNamer>[0]> = {}, logs: string[] = []) {
  return createOpenAiNamer({
    apiKey: KEY,
    baseURL: fake.baseURL,
    model: 'gpt-4o-mini',
    env: {},
    maxRetries: 0,
    log: (m) => logs.push(m),
    ...extra,
  });
}

describe('OpenAI namer against a local OpenAI-compatible server', () => {
  it('sends the JSON schema and the sheet context; names come back validated; tokens and cost are recorded', async () => {
    const n = namer();
    const m = cut(5);
    const e = await enrichManifest(m, {
      pubName: 'Discharge Delays (Acute)',
      namer: n,
      samples: acute.samples,
      docs: acute.docs,
    });
    expect(fake.requests).toHaveLength(5);
    const r = fake.requests[4]; // Table 2#3 ... pick the one with a title
    const req = fake.requests.find((x) => x.prompt.title?.startsWith('Table 3:'))!;
    expect(r.path).toBe('/v1/chat/completions');
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body.model).toBe('gpt-4o-mini');
    expect(req.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'table_names', strict: true, schema: RESPONSE_SCHEMA },
    });
    expect(req.body.messages[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    const p = req.prompt;
    expect(p.publication).toBe('Discharge Delays (Acute)');
    expect(p.sheet).toBe('Table 3');
    expect(p.title).toMatch(/^Table 3: Number of additional days/);
    // notes/contents text from the same workbook: the Cover Sheet and Contents sheets
    expect(p.notes_and_contents).toContain('[Cover Sheet]');
    expect(p.notes_and_contents).toContain('[Contents]');
    const spec = m.files[0].tables.find((t) => t.title === p.title)!;
    expect(p.columns.map((c) => c.header)).toEqual(spec.columns.map((c) => c.header));
    expect(p.sample_rows).toEqual(acute.samples.get(`${m.files[0].url}#${spec.id}`)!.slice(0, 5));
    expect(p.sample_rows.length).toBeGreaterThan(0);

    // answers are used, made legal and prefixed
    for (const s of e.sources) {
      expect(s.origin).toBe('llm');
      expect(s.table_name).toMatch(/^acute_table_\d_named(_\d+)?$/);
      for (const c of s.columns) expect(c.name).toMatch(IDENT);
    }
    const t3 = e.sources.find((s) => s.table_id === spec.id)!;
    expect(t3.columns[1]).toMatchObject({
      description: `fake: ${spec.columns[1].header}`,
      is_measure: true,
      unit: 'count',
    });

    // one call per request with usage-based cost (gpt-4o-mini prices)
    const calls = n.takeCalls();
    expect(calls).toHaveLength(5);
    for (const c of calls) {
      expect(c).toMatchObject({ model: 'gpt-4o-mini', ok: true });
      expect(c.prompt_tokens).toBeGreaterThan(0);
      expect(c.cost_usd).toBeCloseTo(
        (c.prompt_tokens / 1000) * 0.00015 + (c.completion_tokens / 1000) * 0.0006,
        12,
      );
    }
    expect(calls.map((c) => c.table_id)).toContain(`acute_sitrep_april2023.xlsx#${spec.id}`);
    expect(n.takeCalls()).toEqual([]); // taken
  });

  it('a malformed answer is retried; a second malformed or partial answer falls back to deterministic names', async () => {
    const logs: string[] = [];
    const n = namer({}, logs);
    fake.script = (req, i) =>
      i % 2 === 0
        ? { content: '{"table_name": "half' } // truncated JSON
        : { content: JSON.stringify({ ...JSON.parse(wellBehaved(req).content!), columns: [] }) }; // partial
    const e = await enrichManifest(cut(1), {
      pubName: 'Acute',
      namer: n,
      samples: acute.samples,
      docs: acute.docs,
      log: (m) => logs.push(m),
    });
    expect(fake.requests).toHaveLength(2);
    expect(e.sources[0].origin).toBe('deterministic');
    const m = cut(1);
    expect(e.sources[0].table_name).toBe(deterministicName('acute', m.files[0].title, m.files[0].tables[0]));
    expect(e.sources[0].columns.map((c) => c.name)).toEqual(m.files[0].tables[0].columns.map((c) => c.name));
    expect(n.takeCalls().map((c) => c.ok)).toEqual([false, false]);
    expect(logs.join('\n')).toMatch(/1\/2 .* is not JSON; asking again/);
    expect(logs.join('\n')).toMatch(/2\/2 .* names 0 of 2 columns; using deterministic names/);
  });

  it('a schema-invalid first answer followed by a valid one is used', async () => {
    const n = namer();
    fake.script = (req, i) =>
      i === 0 ? { content: JSON.stringify({ table_name: 42, columns: 'x' }) } : wellBehaved(req);
    const e = await enrichManifest(cut(1), { pubName: 'Acute', namer: n, samples: acute.samples });
    expect(fake.requests).toHaveLength(2);
    expect(e.sources[0].origin).toBe('llm');
    expect(n.takeCalls().map((c) => c.ok)).toEqual([false, true]);
  });

  it('the key never appears in logs, errors, calls or the manifest, even when the server echoes it', async () => {
    const logs: string[] = [];
    fake.script = (req) => ({
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${req.headers.authorization}. api_key=${KEY}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
    });
    const n = namer({}, logs);
    const e = await enrichManifest(cut(5), {
      pubName: 'Acute',
      namer: n,
      samples: acute.samples,
      log: (m) => logs.push(m),
    });
    // three failures in a row switch the LLM off for the run
    expect(fake.requests).toHaveLength(3);
    expect(e.sources.every((s) => s.origin === 'deterministic')).toBe(true);
    const text = logs.join('\n');
    expect(text).toMatch(/HTTP 401/);
    expect(text).toMatch(/switched off/);
    const everything = [text, JSON.stringify(n.takeCalls()), JSON.stringify(e)].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(KEY.slice(3, 20));
  });

  it('an unreachable server is a logged fallback, not an error, and does not leak the key', async () => {
    const logs: string[] = [];
    const n = createOpenAiNamer({
      apiKey: KEY,
      baseURL: 'http://127.0.0.1:9/v1',
      env: {},
      maxRetries: 0,
      timeoutMs: 2000,
      log: (m) => logs.push(m),
    });
    const e = await enrichManifest(cut(1), { pubName: 'Acute', namer: n, log: (m) => logs.push(m) });
    expect(e.sources[0].origin).toBe('deterministic');
    expect(logs.join('\n')).toMatch(/failed/);
    expect(logs.join('\n')).not.toContain(KEY);
  });

  it('the spend cap stops LLM calls (logged once), not the enrichment', async () => {
    const logs: string[] = [];
    // 1000 prompt tokens at $0.4/1K = $0.40 per call; cap $1 -> three calls ($1.20 >= $1 after the third)
    fake.script = (req) => ({ ...wellBehaved(req), usage: { prompt_tokens: 1000, completion_tokens: 0 } });
    const n = openAiNamerFromEnv(
      {
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_MODEL: 'some-local-model',
        OPENAI_MAX_USD: '1',
        OPENAI_PRICE_PER_1K_INPUT: '0.4',
        OPENAI_PRICE_PER_1K_OUTPUT: '0',
      },
      (m) => logs.push(m),
    )!;
    const e = await enrichManifest(cut(6), { pubName: 'Acute', namer: n, samples: acute.samples });
    expect(fake.requests).toHaveLength(3);
    expect(e.sources.map((s) => s.origin)).toEqual([
      'llm',
      'llm',
      'llm',
      'deterministic',
      'deterministic',
      'deterministic',
    ]);
    expect(logs.filter((l) => /spend cap/.test(l))).toHaveLength(1);
    const calls = n.takeCalls();
    expect(calls.map((c) => c.cost_usd)).toEqual([0.4, 0.4, 0.4].map((x) => expect.closeTo(x, 10)));
    expect(n.spentUsd()).toBeCloseTo(1.2, 10);
    expect(calls.every((c) => c.model === 'some-local-model')).toBe(true);
  });

  it('OPENAI_MAX_USD=0 makes no calls at all', async () => {
    const n = openAiNamerFromEnv({
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MAX_USD: '0',
    })!;
    const e = await enrichManifest(cut(2), { pubName: 'Acute', namer: n });
    expect(fake.requests).toHaveLength(0);
    expect(e.sources.every((s) => s.origin === 'deterministic')).toBe(true);
    expect(openAiNamerFromEnv({})).toBeUndefined();
  });
});
