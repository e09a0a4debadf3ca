// Build dist/ with ncc: dist/index.js (the action) and dist/cli/index.js (the CLI).
// PGlite is kept external (it breaks when bundled) and imported dynamically only when no DATABASE_URL is set.
// `node scripts/build.mjs [outDir]` (the dist freshness test builds into a temp dir and compares).
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import process from 'node:process';

const outDir = process.argv[2] ?? 'dist';

const ncc = (entry, out) =>
  execFileSync(
    process.execPath,
    [
      'node_modules/@vercel/ncc/dist/ncc/cli.js',
      'build',
      entry,
      '-o',
      out,
      '-e',
      '@electric-sql/pglite',
      '--target',
      'es2022',
      '-q',
    ],
    { stdio: 'inherit' },
  );

// ncc empties its output directory, so each entry is built on its own and the CLI moved in afterwards.
const cliTmp = `${outDir}.cli-build`;
rmSync(outDir, { recursive: true, force: true });
rmSync(cliTmp, { recursive: true, force: true });
ncc('src/index.ts', outDir);
ncc('src/cli/index.ts', cliTmp);
renameSync(cliTmp, `${outDir}/cli`);
