// `npm run lint` part: fails on any import circle in src/ (type-only imports, re-exports and dynamic import()
// included) and on any import of src/cli/ from outside src/cli/ (the CLI is a front end: nothing below it may
// depend on it). Reads the imports with the TypeScript compiler's own parser.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? 'src');
const cwd = process.cwd();

function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier a file names: import/export declarations, import types, dynamic import(). */
function specifiers(file) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
      out.push(node.moduleSpecifier.text);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      out.push(node.argument.literal.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      out.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function resolveSpec(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')])
    if (existsSync(c)) return c;
  return undefined;
}

const all = files(root);
const graph = new Map(all.map((f) => [f, new Set()]));
const problems = [];
const cliDir = join(root, 'cli') + '/';
for (const f of all) {
  for (const spec of specifiers(f)) {
    const to = resolveSpec(f, spec);
    if (!to || !graph.has(to)) continue;
    graph.get(f).add(to);
    if (to.startsWith(cliDir) && !f.startsWith(cliDir))
      problems.push(
        `${relative(cwd, f)} imports ${relative(cwd, to)}: nothing outside src/cli/ may import the CLI`,
      );
  }
}

// Tarjan's strongly connected components: a component of more than one file (or a self-import) is a circle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
const circles = [];
function strong(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v)) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) !== idx.get(v)) return;
  const comp = [];
  let w;
  do {
    w = stack.pop();
    on.delete(w);
    comp.push(w);
  } while (w !== v);
  if (comp.length > 1 || graph.get(v).has(v)) circles.push(comp);
}
for (const v of graph.keys()) if (!idx.has(v)) strong(v);
for (const c of circles) {
  const names = c.map((f) => relative(cwd, f)).sort();
  const edges = [];
  for (const f of c)
    for (const t of graph.get(f)) if (c.includes(t)) edges.push(`${relative(cwd, f)} -> ${relative(cwd, t)}`);
  problems.push(
    `import circle of ${c.length} files: ${names.join(', ')}\n    ${edges.sort().join('\n    ')}`,
  );
}
if (problems.length) {
  console.error(`check-imports: ${problems.length} problem(s) in ${relative(cwd, root) || '.'}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`check-imports: ${all.length} files, no import circles, no import of src/cli/ from outside it`);
