// The workbook child as the built CLI starts it (src/manifest/extract/isolate.ts): an xls goes to the child, which
// must be the bundle's entry. When the entry loads the rest of its code as chunks, a chunk run on its own serves
// nothing: the child exited 0 at once and the item failed as "the parser crashed" (the action's end-to-end tests
// caught it in dist/index.js; this is the CLI's dist/cli/index.js, through bin/datawarp.js as a user runs it).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { serveFolder } from './support/static-server.js';
import { REPO } from './support/workspace.js';

it(
  'bin/datawarp.js backfill of an xls: parsed in the workbook child, loaded (PGlite)',
  { timeout: 120_000 },
  async () => {
    const server = await serveFolder(join(REPO, 'test/fixtures/nhs'));
    const ws = mkdtempSync(join(tmpdir(), 'datawarp-xls-cli-'));
    try {
      mkdirSync(join(ws, 'config'));
      writeFileSync(
        join(ws, 'config/publications.yaml'),
        `allowed_hosts: ['127.0.0.1']\npublications:\n  dtoc:\n    name: Delayed transfers of care\n` +
          `    frequency: monthly\n    urls:\n      - period: 2011-04\n        url: ${server.url}/dtoc_April_11.xls\n`,
      );
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
      delete env.DATABASE_URL;
      // not spawnSync: the server answering the CLI runs in this process
      const child = spawn(process.execPath, [join(REPO, 'bin/datawarp.js'), 'backfill'], { cwd: ws, env });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const status = await new Promise<number | null>((ok) => child.on('close', ok));
      expect(out).not.toContain('parser crashed');
      expect(status, out).toBe(0);
      expect(server.requests).toContain('/dtoc_April_11.xls');
    } finally {
      await server.close();
    }
  },
);
