// `npm run demo`: serve NHS-style release pages on 127.0.0.1 (real NHS files from test/fixtures/nhs), backfill
// them into the embedded PostgreSQL (PGlite) and Parquet under .demo/, then print the status. Works offline.
// `npm run demo -- --fresh` starts again from nothing.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { runCli } from '../src/cli/main.js';
import { startNhsSite } from './demo/site.js';

const root = resolve(import.meta.dirname, '..', '.demo');
if (process.argv.includes('--fresh')) rmSync(root, { recursive: true, force: true });
mkdirSync(join(root, 'config'), { recursive: true });

const site = await startNhsSite();
try {
  const config = {
    allowed_hosts: ['127.0.0.1'],
    publications: Object.fromEntries(
      site.publications.map((p) => [
        p.pub,
        {
          name: p.name,
          frequency: p.frequency,
          landing_page: p.landing_page,
          urls: p.urls.map((u) => ({ period: u.period, url: u.url })),
        },
      ]),
    ),
  };
  writeFileSync(
    join(root, 'config', 'publications.yaml'),
    `# written by scripts/demo.ts: release pages served by the local NHS site\n${YAML.stringify(config)}`,
  );
  const env = { ...process.env };
  delete env.DATABASE_URL; // the demo runs on the embedded default
  const ctx = {
    cwd: root,
    env,
    io: {
      out: (s: string) => process.stdout.write(s),
      err: (s: string) => process.stderr.write(s),
      isTTY: Boolean(process.stderr.isTTY),
    },
  };
  console.log(
    `DataWarp demo: ${site.publications.length} publications served at ${site.url}, working in ${root}\n`,
  );
  const code = await runCli(['backfill'], ctx);
  console.log('');
  await runCli(['status'], ctx);
  console.log(
    `\nParquet: ${join(root, 'output', 'parquet')}\nCatalog: ${join(root, 'output', 'catalog.json')}`,
  );
  console.log('Run it again to see processed items skipped; `npm run demo -- --fresh` starts over.');
  process.exitCode = code;
} finally {
  await site.close();
}
