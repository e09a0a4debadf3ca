// Build dist/ with ncc: dist/index.js (the action) and dist/cli/index.js (the CLI).
// PGlite is kept external (it breaks when bundled) and imported dynamically only when no DATABASE_URL is set.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

// `node scripts/build.mjs [outDir]` (the dist freshness test builds into a temp dir and compares)
const outDir = process.argv[2] ?? 'dist';

const ncc = (entry, out) =>
  execFileSync(
    process.execPath,
    ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry, '-o', out, '-e', '@electric-sql/pglite', '--target', 'es2022', '-q'],
    { stdio: 'inherit' },
  );

rmSync(outDir, { recursive: true, force: true });
ncc('src/index.ts', outDir);
ncc('src/cli/index.ts', `${outDir}/cli`);
