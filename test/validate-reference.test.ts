// `datawarp validate` checks each reference_manifest as backfill reads it: missing, not YAML and not an enriched
// manifest are file:line:column problems (exit 2); a good one passes; allow_empty is a known key.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';

async function validate(dir: string, file: string) {
  let err = '';
  let out = '';
  const code = await runCli(['validate', '--config', file], {
    cwd: dir,
    env: {},
    io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
  });
  return { code, err, out };
}

const pub = (code: string, ref: string) =>
  `  ${code}:\n    name: X\n    frequency: monthly\n    allow_empty: true\n    reference_manifest: ${ref}\n    urls:\n      - period: 2024-01\n        url: https://digital.nhs.uk/a\n`;

it('validate names a missing, unparsable or wrong reference_manifest at its line and column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-validate-ref-'));
  mkdirSync(join(dir, 'refs'));
  writeFileSync(join(dir, 'refs', 'good.yaml'), 'pub: a\nperiod: 2024-01\nsources: []\nfiles: []\n');
  writeFileSync(join(dir, 'refs', 'broken.yaml'), 'sources: [\n');
  writeFileSync(join(dir, 'refs', 'plain.yaml'), 'just: a mapping\n');
  const file = join(dir, 'pubs.yaml');
  writeFileSync(
    file,
    'publications:\n' +
      pub('a', 'refs/good.yaml') +
      pub('b', 'refs/missing.yaml') +
      pub('c', 'refs/broken.yaml') +
      pub('d', 'refs/plain.yaml'),
  );
  const r = await validate(dir, file);
  expect(r.code).toBe(2);
  // each publication block is 8 lines; reference_manifest is the 5th line of a block (after line 1), its value at column 25
  expect(r.err).toContain(`${file}:14:25: reference_manifest refs/missing.yaml does not exist`);
  expect(r.err).toMatch(
    new RegExp(
      `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:22:25: reference_manifest refs/broken.yaml is not YAML`,
    ),
  );
  expect(r.err).toContain(`${file}:30:25: reference_manifest refs/plain.yaml is not an enriched manifest`);
  expect(r.err).toMatch(/3 problems in the config/);
  expect(r.err).not.toContain('good.yaml');

  writeFileSync(file, 'publications:\n' + pub('a', 'refs/good.yaml'));
  const ok = await validate(dir, file);
  expect([ok.code, ok.err]).toEqual([0, '']);
  expect(ok.out).toMatch(/OK \(1 publications, 1 periods\)/);
});
