// The fast read of publications.yaml (src/config/fast.ts, js-yaml's events) against the `yaml` document with
// positions (parseConfigDocument): on every text both give the same config (every URL's line included) or the same
// problems; the fast read refuses what only the document can judge (aliases, anchors, tags, directives, several
// documents, complex and __proto__ keys).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseConfig, parseConfigDocument } from '../src/config/index.js';
import { fastYaml } from '../src/config/fast.js';
import { generateCatalogue } from './support/catalogue.js';

const ROOT = join(import.meta.dirname, '..');

const outcome = (f: () => unknown) => {
  try {
    return { config: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

const pub = (urls: string) => `allowed_hosts: [digital.nhs.uk]
publications:
  adhd:
    name: ADHD
    frequency: monthly
    urls:
${urls}`;
const u = (period: string, extra = '') =>
  `      - period: ${period}\n        url: https://digital.nhs.uk/a/${period}.csv${extra}\n`;

/** Texts written to catch the two readers disagreeing: layout, scalars, errors, what the fast read refuses. */
const tricky: Record<string, string> = {
  plain: pub(u('2024-01') + u('2024-02')),
  comments: pub(`      # first\n${u('2024-01')}\n\n      # blank lines above\n${u('2024-02')}`),
  crlf: pub(u('2024-01') + u('2024-02')).replace(/\n/g, '\r\n'),
  bom: '\uFEFF' + pub(u('2024-01')),
  flow: pub(
    '      - {period: 2024-01, url: "https://digital.nhs.uk/a/1.csv"}\n      - {period: "2024-02", url: \'https://digital.nhs.uk/a/2.csv\'}\n',
  ),
  'flow seq on one line': `publications: {adhd: {name: A, frequency: monthly, urls: [{period: 2024-01, url: "https://digital.nhs.uk/x.csv"}]}}\n`,
  'period as a number': pub(u('2024')),
  'period as a date-like scalar': pub(u('2024-01-15')),
  'quoted keys': pub(u('2024-01')).replace('    name:', '    "name":'),
  'multi-line name': pub(u('2024-01')).replace('name: ADHD', 'name: >-\n      ADHD\n      management'),
  'literal block name': pub(u('2024-01')).replace('name: ADHD', 'name: |\n      ADHD\n      info'),
  'numbers and booleans': pub(u('2024-01')).replace(
    'frequency: monthly',
    'frequency: monthly\n    recheck_periods: 0x0A\n    allow_empty: True',
  ),
  'null and tilde': pub(u('2024-01')).replace(
    'frequency: monthly',
    'frequency: monthly\n    landing_page: ~',
  ),
  'duplicate key': pub(u('2024-01')).replace(
    'frequency: monthly',
    'frequency: monthly\n    frequency: monthly',
  ),
  'duplicate period': pub(u('2024-01') + u('2024-01')),
  'bad period': pub(u('2024-13')),
  'bad host': pub(u('2024-01') + '      - period: 2024-02\n        url: https://evil.example/x.csv\n'),
  'unknown key': pub(u('2024-01')).replace('frequency: monthly', 'frequency: monthly\n    colour: red'),
  'bad indentation': pub(u('2024-01')).replace('    name: ADHD', '     name: ADHD'),
  tab: pub(u('2024-01')).replace('    name: ADHD', '\tname: ADHD'),
  'unclosed quote': pub(u('2024-01')).replace('name: ADHD', 'name: "ADHD'),
  alias: pub(u('2024-01')).replace('name: ADHD', 'name: &n ADHD\n    description: *n'),
  'merge key': `base: &b {frequency: monthly}\n${pub(u('2024-01')).replace('frequency: monthly', '<<: *b')}`,
  tag: pub(u('2024-01')).replace('name: ADHD', 'name: !!str ADHD'),
  directive: `%YAML 1.2\n---\n${pub(u('2024-01'))}`,
  'two documents': `${pub(u('2024-01'))}---\n${pub(u('2024-02'))}`,
  'complex key': pub(u('2024-01')).replace('name: ADHD', 'name: ADHD\n    ? [a, b]\n    : c'),
  proto: pub(u('2024-01')).replace('  adhd:', '  __proto__:\n    name: x\n  adhd:'),
  'bad key': pub(u('2024-01')).replace('  adhd:', '  Bad-Key:'),
  empty: '',
  'only a comment': '# nothing\n',
  'a list': '- a\n- b\n',
  'deep nesting': `publications: ${'['.repeat(200)}${']'.repeat(200)}\n`,
};

/** Every plain config text in the tests (template literals without interpolation) and the repository's config. */
function corpus(): Record<string, string> {
  const out: Record<string, string> = {
    'config/publications.yaml': readFileSync(join(ROOT, 'config/publications.yaml'), 'utf8'),
  };
  for (const f of readdirSync(join(ROOT, 'test')).filter((f) => f.endsWith('.ts'))) {
    const src = readFileSync(join(ROOT, 'test', f), 'utf8');
    let i = 0;
    for (const m of src.matchAll(/`([^`]*publications:[^`]*)`/g))
      if (!m[1].includes('${') && !m[1].includes('\\')) out[`${f} #${++i}`] = m[1];
  }
  return out;
}

describe('the fast read of publications.yaml agrees with the yaml document', () => {
  const texts = { ...tricky, ...corpus() };
  it.each(Object.entries(texts))('%s', (_name, text) => {
    const env = {};
    expect(outcome(() => parseConfig(text, 'p.yaml', env))).toEqual(
      outcome(() => parseConfigDocument(text, 'p.yaml', env)),
    );
  });

  it('the corpus is not empty: the tests hold plain configs', () => {
    expect(Object.keys(corpus()).length).toBeGreaterThan(10);
  });

  it.each([
    'alias',
    'merge key',
    'tag',
    'directive',
    'two documents',
    'complex key',
    'proto',
    'unclosed quote',
    'deep nesting',
  ])('refuses %s (the document decides)', (name) => {
    expect(fastYaml(tricky[name])).toBeUndefined();
  });

  it.each([
    'plain',
    'comments',
    'crlf',
    'bom',
    'flow',
    'flow seq on one line',
    'period as a number',
    'period as a date-like scalar',
    'quoted keys',
    'multi-line name',
    'literal block name',
    'numbers and booleans',
    'null and tilde',
    'duplicate period',
    'bad period',
    'bad host',
    'unknown key',
    'bad key',
  ])('reads %s itself (its problems, if any, go to the document)', (name) => {
    expect(fastYaml(tricky[name])).toBeDefined();
  });

  it('reads a catalogue config itself, with every URL at its line', () => {
    const text = generateCatalogue({ pubs: 7, periods: 30 }).files['config/publications.yaml'];
    const fast = fastYaml(text)!;
    expect(fast).toBeDefined();
    expect(fast.data).toEqual(YAML.parse(text));
    const lines = text.split('\n');
    const config = parseConfig(text, 'p.yaml', {});
    expect(config.publications.length).toBe(7);
    for (const p of config.publications) {
      expect(fast.periodLines.get(p.code)?.length).toBe(30);
      for (const url of p.urls) expect(lines[url.line - 1]).toContain(`period: ${url.periodWritten}`);
    }
    expect(config).toEqual(parseConfigDocument(text, 'p.yaml', {}));
  });

  it('a problem is reported from the document, with its line', () => {
    const text = tricky['duplicate period'];
    expect(() => parseConfig(text, 'p.yaml', {})).toThrow(
      /^p\.yaml:9:\d+: period 2024-01 of adhd is listed twice \(also at line 7\)/,
    );
  });
});
