// Build dist/ with ncc: dist/index.js (the action), dist/cli/index.js (the CLI) and dist/tap-worker/index.js (the
// Parquet worker thread both start).
// PGlite is kept out of the bundle (it breaks when bundled: WASM, a data file and workers found by relative URL)
// and its runtime files are copied to dist/pglite/, so dist/ works with no node_modules beside it (a runner
// has none). src/load/pglite.ts imports dist/pglite/index.js when it exists and the package name otherwise.
// `node scripts/build.mjs [outDir]` (the dist freshness test builds into a temp dir and compares).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import process from 'node:process';

const outDir = process.argv[2] ?? 'dist';
const PGLITE = 'node_modules/@electric-sql/pglite';

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

/** What PGlite needs at run time in Node: its ESM entry and chunks, the WASM and the data file. Left out:
 * source maps, type declarations, the CommonJS build, extensions (contrib/, *.tar.gz), live/, worker/. */
const PGLITE_SKIP = [
  /\.map$/,
  /\.d\.c?ts$/,
  /\.cjs$/,
  /\.tar\.gz$/,
  /^(contrib|live|worker|node-postgres)\//,
];

function copyPglite(to) {
  const from = join(PGLITE, 'dist');
  const version = JSON.parse(readFileSync(join(PGLITE, 'package.json'), 'utf8')).version;
  for (const e of readdirSync(from, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = relative(from, join(e.parentPath, e.name)).split(sep).join('/');
    if (PGLITE_SKIP.some((re) => re.test(rel))) continue;
    mkdirSync(join(to, rel, '..'), { recursive: true });
    cpSync(join(from, rel), join(to, rel));
  }
  writeFileSync(
    join(to, 'package.json'),
    `${JSON.stringify({ name: '@electric-sql/pglite', version, type: 'module', license: 'Apache-2.0' }, null, 2)}\n`,
  );
  cpSync(join(PGLITE, 'LICENSE'), join(to, 'LICENSE'), { force: true });
}

// ncc empties its output directory, so each entry is built on its own and the CLI moved in afterwards.
const cliTmp = `${outDir}.cli-build`;
rmSync(outDir, { recursive: true, force: true });
rmSync(cliTmp, { recursive: true, force: true });
ncc('src/index.ts', outDir);
ncc('src/cli/index.ts', cliTmp);
renameSync(cliTmp, `${outDir}/cli`);
// the worker thread that writes Parquet while rows load (src/export/tap-thread.ts finds it beside either bundle)
const tapTmp = `${outDir}.tap-build`;
rmSync(tapTmp, { recursive: true, force: true });
ncc('src/export/tap-worker.ts', tapTmp);
renameSync(tapTmp, `${outDir}/tap-worker`);
// the worker thread `datawarp mcp` runs PGlite queries in (src/mcp/engine-pglite.ts finds it beside the CLI)
const mcpTmp = `${outDir}.mcp-build`;
rmSync(mcpTmp, { recursive: true, force: true });
ncc('src/mcp/pglite-worker.ts', mcpTmp);
renameSync(mcpTmp, `${outDir}/mcp-worker`);
copyPglite(join(outDir, 'pglite'));
