// The test run's temporary files live in one folder the global set-up removes at the end
// (test/support/global-setup.ts), not loose in /tmp.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('test temporary files', () => {
  it('go under the run’s own folder', () => {
    expect(basename(tmpdir())).toMatch(/^datawarp-test-run-/);
    const made = mkdtempSync(join(tmpdir(), 'dw-check-'));
    expect(dirname(made)).toBe(tmpdir());
  });
});
