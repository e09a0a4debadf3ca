// State files and publication keys under hostile input: state.json and state/monitor.json of the wrong shape
// are errors naming the file and the path inside it (exit 2, no stack trace, the file left byte for byte), an
// older failure entry holding only its text still loads, and publication keys named like Object.prototype
// members either work (`constructor`) or are refused by validate (`__proto__`).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { readState, writeState } from '../src/state/index.js';

function workspace(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-state-hostile-'));
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'publications.yaml'), config);
  return dir;
}

async function cli(dir: string, args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    cwd: dir,
    env: { DATAWARP_NOW: '2025-10-01T10:00:00Z' },
    io: { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false },
  });
  return { code, out, err };
}

const config = (key = 'adhd') => `allowed_hosts: [127.0.0.1]
publications:
  ${key}:
    name: ADHD
    frequency: monthly
    landing_page: http://127.0.0.1:9/series
    urls:
      - period: 2025-07
        url: http://127.0.0.1:9/july.csv
      - period: 2025-08
        url: http://127.0.0.1:9/august.csv
`;

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at \S+/);

describe('state.json of the wrong shape', () => {
  const cases: [string, string, RegExp][] = [
    [
      'lists instead of maps',
      '{"processed": [1, 2], "failed": "x"}',
      /state\.json: .*processed: processed must be an object/,
    ],
    [
      'a processed entry that is text',
      '{"processed": {"adhd/2025-08": "yes"}}',
      /processed\["adhd\/2025-08"\]: a processed entry must be an object/,
    ],
    [
      'a failed entry without its time',
      '{"failed": {"adhd/2025-08": {"error": 3}}}',
      /failed\["adhd\/2025-08"\]/,
    ],
  ];
  for (const [what, text, message] of cases)
    it(`${what}: status and backfill --dry-run exit 2 naming the file and path; the file is unchanged`, async () => {
      const dir = workspace(config());
      const file = join(dir, 'state', 'state.json');
      writeFileSync(file, text);
      for (const args of [['status'], ['backfill', '--dry-run']]) {
        const r = await cli(dir, args);
        expect(r.code, r.err).toBe(2);
        expect(r.err).toMatch(message);
        expect(r.err).toContain(file);
        noStack(r.err);
        expect(readFileSync(file, 'utf8')).toBe(text);
      }
    });

  it('an older failure entry holding only its text still loads, and is written back as an entry', () => {
    const dir = workspace(config());
    const file = join(dir, 'state', 'state.json');
    writeFileSync(file, '{"processed": {}, "failed": {"adhd/2025-07": "GET http://x -> 503"}}');
    const s = readState(file);
    expect(s.failed['adhd/2025-07']).toEqual({
      failed_at: '1970-01-01T00:00:00.000Z',
      error: 'GET http://x -> 503',
      transient: true,
    });
    writeState(file, s);
    expect(JSON.parse(readFileSync(file, 'utf8')).failed['adhd/2025-07'].error).toBe('GET http://x -> 503');
  });

  it('keys named like Object.prototype members are data, not the prototype', () => {
    const dir = workspace(config());
    const file = join(dir, 'state', 'state.json');
    const entry = { completed_at: '2025-09-01T00:00:00Z', rows_loaded: 1 };
    writeFileSync(
      file,
      JSON.stringify({ processed: { __proto__x: entry, ['__proto__']: entry }, failed: {} }).replace(
        '"__proto__x"',
        '"constructor"',
      ),
    );
    const s = readState(file);
    expect(Object.keys(s.processed).sort()).toEqual(['__proto__', 'constructor']);
    expect(s.failed.constructor).toBeUndefined();
    writeState(file, s);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).processed).sort()).toEqual([
      '__proto__',
      'constructor',
    ]);
  });
});

describe('state/monitor.json of the wrong shape', () => {
  const base = {
    landing_page: 'http://127.0.0.1:9/series',
    releases: {
      '2025-08': { url: 'http://127.0.0.1:9/aug', title: 'August 2025', first_seen: '2025-09-01T00:00:00Z' },
    },
    upcoming: [],
    periods: {},
    revised: [],
  };
  const cases: [string, object, RegExp][] = [
    [
      'a release entry null',
      { releases: { '2025-08': null } },
      /publications\.adhd\.releases\["2025-08"\]: a release must be an object/,
    ],
    ['upcoming "soon"', { upcoming: 'soon' }, /publications\.adhd\.upcoming: upcoming must be a list/],
    [
      'revised holding numbers',
      { revised: [1, 2] },
      /publications\.adhd\.revised\[0\]: a revision must be an object/,
    ],
    [
      'an impossible publication date',
      { releases: { '2025-08': { ...base.releases['2025-08'], published: '2025-02-30' } } },
      /releases\["2025-08"\]\.published: is not a calendar date/,
    ],
  ];
  for (const [what, patch, message] of cases)
    it(`${what}: status, discover and backfill --dry-run exit 2 naming the file and path; the file is unchanged`, async () => {
      const dir = workspace(config());
      const file = join(dir, 'state', 'monitor.json');
      const text = JSON.stringify({ publications: { adhd: { ...base, ...patch } } }, null, 2);
      writeFileSync(file, text);
      for (const args of [['status'], ['discover', '--write'], ['backfill', '--dry-run']]) {
        const r = await cli(dir, args);
        expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
        expect(r.err).toMatch(message);
        expect(r.err).toContain(file);
        noStack(r.err);
        expect(readFileSync(file, 'utf8')).toBe(text);
      }
    });
});

describe('publication keys named like Object.prototype members', () => {
  it('`constructor` works in status (with and without monitor.json)', async () => {
    const dir = workspace(config('constructor'));
    let r = await cli(dir, ['status', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).publications[0]).toMatchObject({ pub: 'constructor', pending: 2 });
    writeFileSync(
      join(dir, 'state', 'monitor.json'),
      JSON.stringify({ publications: { other: { releases: {}, upcoming: [], periods: {}, revised: [] } } }),
    );
    r = await cli(dir, ['status', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).publications[0].latest_period).toBe('2025-08');
    noStack(r.err);
  });

  it('a release an older monitor.json believed ("January 5025") is not the latest period, nor fresh', async () => {
    const dir = workspace(config());
    const release = {
      url: 'http://127.0.0.1:9/x',
      title: 'January 5025',
      published: '5025-02-01',
      first_seen: 'x',
    };
    writeFileSync(
      join(dir, 'state', 'monitor.json'),
      JSON.stringify({
        publications: { adhd: { releases: { '5025-01': release }, upcoming: [], periods: {}, revised: [] } },
      }),
    );
    const r = await cli(dir, ['status', '--json']);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(r.out).publications[0];
    expect(p.latest_period).toBe('2025-08');
    expect(p.freshness).not.toBe('fresh');
  });

  it('`__proto__` (and other keys that cannot be table names) are refused by validate', async () => {
    for (const key of ['__proto__', 'Constructor', '_x']) {
      const dir = workspace(config(key));
      const r = await cli(dir, ['validate']);
      expect(r.code, key).toBe(2);
      expect(r.err).toMatch(
        /publications\.yaml:\d+:\d+: .*(cannot be a table name|a publication key is lower-case)/,
      );
      noStack(r.err);
    }
  });
});
