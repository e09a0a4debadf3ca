// `datawarp enrich <manifest>`: the enrichment step alone, on manifests as the pipeline writes them (DTOC 2011 and
// 2019), with rolling and explicit references, samples re-read from downloads, and the LLM for the first period.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli } from '../src/cli/main.js';
import type { EnrichedManifest } from '../src/model.js';
import { buildManifest, NHS } from './support/enrich-helpers.js';
import { startFakeOpenAi, type FakeOpenAi } from './support/openai-fake.js';

const KEY = 'sk-cli-SECRET-0a1b2c3d4e';

describe('datawarp enrich', () => {
  let cwd: string;
  let fake: FakeOpenAi;
  const dir = () => join(cwd, 'manifests/backfill/dtoc');

  async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    let out = '';
    let err = '';
    const code = await runCli(args, {
      cwd,
      env,
      io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
    });
    return { code, out, err };
  }

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'dw-enrich-cli-'));
    fake = await startFakeOpenAi();
    mkdirSync(dir(), { recursive: true });
    mkdirSync(join(cwd, 'config'));
    writeFileSync(
      join(cwd, 'config/publications.yaml'),
      YAML.stringify({
        publications: {
          dtoc: {
            name: 'Delayed Transfers of Care',
            frequency: 'monthly',
            urls: [{ period: '2011-04', url: 'https://www.england.nhs.uk/x/dtoc_April_11.xls' }],
          },
        },
      }),
    );
    for (const [period, file] of [
      ['2011-04', 'dtoc_April_11.xls'],
      ['2019-11', 'dtoc_Nov_19.xls'],
    ]) {
      const url = `https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/${file}`;
      const b = await buildManifest('dtoc', period, [{ path: join(NHS, file), url }]);
      b.manifest.files[0].sha256 = createHash('sha256')
        .update(readFileSync(join(NHS, file)))
        .digest('hex');
      writeFileSync(join(dir(), `dtoc_${period}.yaml`), YAML.stringify(b.manifest));
    }
    // the 2019 download is still on disk: its samples are used
    mkdirSync(join(cwd, '.datawarp/downloads/dtoc/2019-11'), { recursive: true });
    copyFileSync(join(NHS, 'dtoc_Nov_19.xls'), join(cwd, '.datawarp/downloads/dtoc/2019-11/dtoc_Nov_19.xls'));
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('first period: no reference, LLM names, writes <manifest>_enriched.yaml', async () => {
    const r = await run(['enrich', 'manifests/backfill/dtoc/dtoc_2011-04.yaml'], {
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: fake.baseURL,
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(4);
    expect(fake.requests[0].prompt.publication).toBe('Delayed Transfers of Care'); // from the config
    expect(r.out).toMatch(/dtoc\/2011-04: 4 sources \(0 reference, 4 llm, 0 deterministic\)/);
    expect(r.out).toMatch(/LLM calls: 4 \(4 ok\)/);
    expect(r.out).toMatch(/reference: none/);
    expect(r.out + r.err).not.toContain(KEY);
    const e = YAML.parse(readFileSync(join(dir(), 'dtoc_2011-04_enriched.yaml'), 'utf8')) as EnrichedManifest;
    expect(e.sources.map((s) => s.origin)).toEqual(['llm', 'llm', 'llm', 'llm']);
    expect(e.drift).toBeUndefined();
  });

  it('next period: rolling reference, zero LLM calls, drift printed, samples from the download', async () => {
    fake.requests.length = 0;
    const r = await run(['enrich', 'manifests/backfill/dtoc/dtoc_2019-11.yaml'], {
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: fake.baseURL,
    });
    expect(r.code).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(r.out).toMatch(/reference: .*dtoc_2011-04_enriched\.yaml/);
    expect(r.out).toMatch(/samples from 1 of 1 downloaded files/);
    expect(r.out).toMatch(/4 sources \(4 reference, 0 llm, 0 deterministic\)/);
    expect(r.out).toMatch(/drift: 4 matched, \d+ renamed \(.*Acute → Delayed Days \| Acute/);
    const e = YAML.parse(readFileSync(join(dir(), 'dtoc_2019-11_enriched.yaml'), 'utf8')) as EnrichedManifest;
    const first = YAML.parse(
      readFileSync(join(dir(), 'dtoc_2011-04_enriched.yaml'), 'utf8'),
    ) as EnrichedManifest;
    expect(e.sources.map((s) => s.table_name).sort()).toEqual(first.sources.map((s) => s.table_name).sort());
    expect(e.drift!.missing.map((m) => m.column)).toContain('sha');
    // the LLM's column name for 2011's "Acute" carries on for 2019's "Delayed Days | Acute"
    const care = (m: EnrichedManifest) => m.sources.find((s) => /type of care/i.test(s.table_id))!;
    const acute2011 = care(first).columns.find((c) => c.header === 'Acute')!.name;
    expect(care(e).columns.find((c) => c.header === 'Delayed Days | Acute')!.name).toBe(acute2011);
  });

  it('--reference and --out; no key: deterministic names for what does not match', async () => {
    const out = join(cwd, 'elsewhere/out.yaml');
    const r = await run([
      'enrich',
      'manifests/backfill/dtoc/dtoc_2019-11.yaml',
      '--reference',
      'manifests/backfill/dtoc/dtoc_2011-04_enriched.yaml',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(r.out).toMatch(/4 reference/);
    expect(r.out).not.toMatch(/LLM calls/);
  });

  it('usage errors exit 2', async () => {
    expect((await run(['enrich'])).code).toBe(2);
    expect((await run(['enrich', 'nope.yaml'])).code).toBe(2);
    expect(
      (await run(['enrich', 'manifests/backfill/dtoc/dtoc_2019-11.yaml', '--reference', 'missing.yaml']))
        .code,
    ).toBe(2);
    expect((await run(['enrich', '--bogus', 'x'])).code).toBe(2);
    expect((await run(['enrich', '--help'])).out).toMatch(/Usage: datawarp enrich/);
  });
});
