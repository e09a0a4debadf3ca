import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, parsePeriod } from '../src/config/index.js';

describe('parsePeriod', () => {
  const cases: [string, string, string?][] = [
    ['aug25', '2025-08'],
    ['Feb15', '2015-02'],
    ['August 2025', '2025-08'],
    ['august-2025', '2025-08'],
    ['2025-08', '2025-08'],
    ['31 July 2023', '2023-07'],
    ['30-september-2021', '2021-09'],
    ['2024-Q1', '2024-Q1'],
    ['Q1 2024', '2024-Q1'],
    ['2024-25', 'FY2024-25'],
    ['2024/25', 'FY2024-25'],
    ['FY2024-25', 'FY2024-25'],
    ['2024-2025', 'FY2024-25'],
    ['FY2024-25-Q1', 'FY2024-25-Q1'],
    ['Q1 2024-25', 'FY2024-25-Q1'],
    ['2024', '2024'],
    ['2011-12', '2011-12', 'monthly'],
    ['2011-12', 'FY2011-12', 'financial_year'],
    ['1999-00', 'FY1999-00'],
  ];
  it.each(cases)('%s -> %s', (input, want, freq) => {
    expect(parsePeriod(input, freq as never)).toEqual({ period: want });
  });
  it.each(['2025-13', 'smarch 2025', 'FY2024-26', '2024-27', ''])('rejects %s with a hint', (input) => {
    const r = parsePeriod(input);
    expect(r.period).toBeUndefined();
    expect(r.error).toMatch(/2025-08/);
  });
});

const good = `allowed_hosts: [digital.nhs.uk, files.digital.nhs.uk]
publications:
  adhd:
    name: "ADHD Management Information"
    frequency: monthly
    urls:
      - period: aug25
        url: https://digital.nhs.uk/x/august-2025
      - period: November 2025
        url: https://digital.nhs.uk/x/november-2025
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'pubs.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('parses the seed shape with canonical periods', () => {
    const c = parseConfig(good);
    expect(c.allowedHosts).toEqual(['digital.nhs.uk', 'files.digital.nhs.uk']);
    expect(c.publications[0].code).toBe('adhd');
    expect(c.publications[0].urls.map((u) => u.period)).toEqual(['2025-08', '2025-11']);
    expect(c.publications[0].urls[1].line).toBe(9);
  });

  it('defaults allowed_hosts', () => {
    const c = parseConfig(good.replace(/^allowed_hosts.*\n/, ''));
    expect(c.allowedHosts).toEqual(['digital.nhs.uk', 'files.digital.nhs.uk', 'www.england.nhs.uk']);
  });

  it('names file:line:column and what to write for a bad period', () => {
    expect(problems(good.replace('period: aug25', 'period: smarch25'))).toEqual([
      expect.stringMatching(/^pubs\.yaml:7:17: "smarch25" is not a period.*write a month as 2025-08/),
    ]);
  });

  it('reports every problem at once: frequency, url, host, unknown key, duplicate period', () => {
    const text = good
      .replace('frequency: monthly', 'frequency: fortnightly')
      .replace('https://digital.nhs.uk/x/november-2025', 'https://evil.example.com/x.xlsx')
      .replace('    name:', '    nmae: typo\n    name:');
    const ps = problems(text);
    expect(ps.some((p) => /^pubs\.yaml:6:16: frequency must be one of: monthly/.test(p))).toBe(true);
    expect(ps.some((p) => /^pubs\.yaml:4:5: unknown key nmae/.test(p))).toBe(true);
    const dup = good.replace('period: November 2025', 'period: 2025-08');
    expect(problems(dup)).toEqual([
      expect.stringMatching(/^pubs\.yaml:9:17: period 2025-08 of adhd is listed twice \(also at line 7\)/),
    ]);
    const host = good.replace('https://digital.nhs.uk/x/november-2025', 'https://evil.example.com/x.xlsx');
    expect(problems(host)).toEqual([
      expect.stringMatching(/^pubs\.yaml:10:14: host evil\.example\.com is not in allowed_hosts/),
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problems('publications:\n  adhd: [unclosed\n')[0]).toMatch(/^pubs\.yaml:\d+:\d+: YAML: /);
  });

  it('the shipped config is valid and uses real digital.nhs.uk release pages', () => {
    const c = loadConfig('config/publications.yaml');
    expect(c.publications.map((p) => p.code)).toEqual([
      'adhd',
      'gp_appointments',
      'gp_online_consultation',
      'pcn_workforce',
    ]);
    for (const p of c.publications) {
      expect(p.urls.length).toBeGreaterThan(0);
      for (const u of p.urls)
        expect(u.url).toMatch(
          /^https:\/\/digital\.nhs\.uk\/data-and-information\/publications\/statistical\//,
        );
    }
    expect(c.publications.find((p) => p.code === 'pcn_workforce')!.urls.map((u) => u.period)).toContain(
      '2023-07',
    );
  });
});

describe('datawarp validate', () => {
  it('prints every problem with file:line:column and exits 2', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { runCli } = await import('../src/cli/main.js');
    const dir = mkdtempSync(join(tmpdir(), 'dw-validate-'));
    const file = join(dir, 'pubs.yaml');
    writeFileSync(
      file,
      'publications:\n  x:\n    name: X\n    frequency: monthly\n    urls:\n      - period: smarch\n        url: https://digital.nhs.uk/a\n      - period: aug25\n        url: not a url\n',
    );
    let err = '';
    const code = await runCli(['validate', '--config', file], {
      cwd: dir,
      env: {},
      io: { out: () => {}, err: (s) => (err += s), isTTY: false },
    });
    expect(code).toBe(2);
    expect(err).toContain(`${file}:6:17: "smarch" is not a period`);
    expect(err).toContain(`${file}:9:14: must be an absolute http(s) URL`);
    expect(err).toMatch(/2 problems in the config/);
  });

  it('unknown commands and flags are usage errors (exit 2)', async () => {
    const { runCli } = await import('../src/cli/main.js');
    let err = '';
    const io = { out: () => {}, err: (s: string) => (err += s), isTTY: false };
    expect(await runCli(['frobnicate'], { cwd: '.', env: {}, io })).toBe(2);
    expect(err).toMatch(/unknown command "frobnicate"/);
    expect(await runCli(['backfill', '--bogus'], { cwd: '.', env: {}, io })).toBe(2);
    expect(await runCli(['backfill', '--pub', 'nope', '--dry-run'], { cwd: '.', env: {}, io })).toBe(2);
    expect(err).toMatch(/--pub nope: no such publication/);
  });
});

describe('hostile config (issue 11)', () => {
  const one = (url: string, extra = '') =>
    `publications:\n  x:\n    name: X\n    frequency: monthly\n${extra}    urls:\n      - period: aug25\n        url: ${url}\n`;

  it('a URL with credentials is an error at its position that does not show the password', () => {
    const ps = problems(one('https://alice:s3cr3t-pw@digital.nhs.uk/f.csv'));
    expect(ps).toEqual([expect.stringMatching(/^pubs\.yaml:7:14: .*user name or password/)]);
    expect(ps.join('\n')).not.toContain('s3cr3t-pw');
    const lp = problems(
      one('https://digital.nhs.uk/f.csv', '    landing_page: http://bob:hunter22@digital.nhs.uk/p\n'),
    );
    expect(lp).toEqual([expect.stringMatching(/^pubs\.yaml:5:19: .*user name or password/)]);
    expect(lp.join('\n')).not.toContain('hunter22');
    // a user name alone is refused too
    expect(problems(one('https://alice@digital.nhs.uk/f.csv'))).toEqual([
      expect.stringMatching(/^pubs\.yaml:7:14: .*user name or password/),
    ]);
  });

  it('a YAML alias bomb is a config error with a position, not a crash', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'publications: {}',
    ].join('\n');
    const ps = problems(bomb);
    expect(ps).toEqual([expect.stringMatching(/^pubs\.yaml:2:8: YAML: .*alias/i)]);
  });

  it('deeply nested YAML is a config error too', () => {
    expect(problems(`publications: ${'['.repeat(20_000)}${']'.repeat(20_000)}`)[0]).toMatch(
      /^pubs\.yaml:\d+:\d+: YAML: /,
    );
  });

  it('allowed_hosts accepts upper case and compares host names without case', () => {
    const c = parseConfig(
      `allowed_hosts: [Digital.NHS.uk, FILES.digital.nhs.uk]\n${one('https://DIGITAL.nhs.uk/f.csv')}`,
    );
    expect(c.allowedHosts).toEqual(['digital.nhs.uk', 'files.digital.nhs.uk']);
    expect(c.publications[0].urls).toHaveLength(1);
  });
});

describe('limits (issue 11)', () => {
  const GiB = 1024 ** 3;
  const MiB = 1024 ** 2;

  it('defaults', () => {
    expect(parseConfig(good, 'pubs.yaml', {}).limits).toEqual({
      maxDownloadBytes: 4 * GiB,
      maxMemberBytes: 16 * GiB,
      maxInflationRatio: 100,
      inflationRatioAfterBytes: 64 * MiB,
      maxZipMembers: 10_000,
      maxColumns: 1_600,
      maxCellBytes: 32 * MiB,
      minDownloadBytesPerSecond: 1024,
      minDownloadWindowSeconds: 60,
      maxParserMemory: 4 * GiB,
      discoverGapSeconds: 1,
    });
  });

  it('a limits: block with human-friendly sizes', () => {
    const c = parseConfig(
      `limits:\n  max_download_bytes: 500MB\n  max_member_bytes: 2 GiB\n  max_inflation_ratio: "50:1"\n  max_zip_members: 200\n  max_cell_bytes: 1048576\n  min_download_bytes_per_second: 10kB\n  min_download_window_seconds: 2m\n${good}`,
      'pubs.yaml',
      {},
    );
    expect(c.limits).toMatchObject({
      maxDownloadBytes: 500_000_000,
      maxMemberBytes: 2 * GiB,
      maxInflationRatio: 50,
      maxZipMembers: 200,
      maxCellBytes: MiB,
      minDownloadBytesPerSecond: 10_000,
      minDownloadWindowSeconds: 120,
      maxColumns: 1_600,
    });
  });

  it('environment variables override the file', () => {
    const c = parseConfig(`limits:\n  max_download_bytes: 500MB\n${good}`, 'pubs.yaml', {
      DATAWARP_MAX_DOWNLOAD_BYTES: '1GiB',
      DATAWARP_MAX_COLUMNS: '300',
      DATAWARP_MIN_DOWNLOAD_BYTES_PER_SECOND: '0',
      DATAWARP_MAX_ZIP_MEMBERS: '',
    });
    expect(c.limits).toMatchObject({
      maxDownloadBytes: GiB,
      maxColumns: 300,
      minDownloadBytesPerSecond: 0,
      maxZipMembers: 10_000,
    });
  });

  it('bad limits are errors at their position; a bad environment variable is named', () => {
    const ps = (() => {
      try {
        parseConfig(
          `limits:\n  max_download_bytes: lots\n  max_columns: -3\n  max_widgets: 1\n${good}`,
          'pubs.yaml',
          { DATAWARP_MAX_CELL_BYTES: '12 parsecs' },
        );
      } catch (e) {
        return (e as ConfigError).problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
      }
      throw new Error('expected a ConfigError');
    })();
    expect(ps).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^pubs\.yaml:2:3: unknown key max_widgets: allowed here are max_download_bytes/,
        ),
        expect.stringMatching(/^pubs\.yaml:2:23: .*size such as 4GiB/),
        expect.stringMatching(/^pubs\.yaml:3:16: /),
        expect.stringMatching(/DATAWARP_MAX_CELL_BYTES.*size such as 4GiB/),
      ]),
    );
    expect(ps).toHaveLength(4);
  });
});

describe('datawarp validate, hostile', () => {
  it('an alias bomb exits 2 with a config message and no stack trace', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { runCli } = await import('../src/cli/main.js');
    const dir = mkdtempSync(join(tmpdir(), 'dw-validate-'));
    const file = join(dir, 'pubs.yaml');
    const lines = ['a: &a [1,2,3,4,5,6,7,8,9,10]'];
    for (let i = 1; i < 8; i++)
      lines.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`)}]`);
    writeFileSync(file, `${lines.join('\n')}\npublications: {}\n`);
    let err = '';
    const code = await runCli(['validate', '--config', file], {
      cwd: dir,
      env: {},
      io: { out: () => {}, err: (s) => (err += s), isTTY: false },
    });
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`^${file}:\\d+:\\d+: YAML: .*alias`, 'm'));
    expect(err).not.toMatch(/\n\s+at /);
  });
});
