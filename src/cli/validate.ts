// `datawarp validate`: the config's own checks (src/config), then each publication's `reference_manifest`, read
// as backfill reads it (src/pipeline/files.ts): a missing or unreadable one is a file:line:column problem here
// rather than a failure of every item of the publication at run time.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Node } from 'yaml';
import type { Config, ConfigProblem } from '../config/index.js';
import { referenceProblem } from '../pipeline/files.js';

export function referenceProblems(configPath: string, config: Config, cwd: string): ConfigProblem[] {
  const pubs = config.publications.filter((p) => p.referenceManifest);
  if (!pubs.length) return [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(configPath, 'utf8'), { lineCounter });
  const problems: ConfigProblem[] = [];
  for (const pub of pubs) {
    const problem = referenceProblem(pub.referenceManifest!, cwd);
    if (!problem) continue;
    const node = doc.getIn(['publications', pub.code, 'reference_manifest'], true) as Node | undefined;
    const pos = lineCounter.linePos(node?.range?.[0] ?? 0);
    problems.push({
      file: configPath,
      line: pos.line,
      column: pos.col,
      message: `reference_manifest ${problem}`,
    });
  }
  return problems;
}
