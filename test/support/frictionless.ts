// Validate a datapackage.json against the official Frictionless Data Package profile (JSON Schema draft-04,
// vendored in test/fixtures/frictionless/, see its README) with ajv 6, which supports draft-04.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from './workspace.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv');
const DIR = join(REPO, 'test', 'fixtures', 'frictionless');

function compile(schema: object) {
  const ajv = new Ajv({ schemaId: 'id', meta: false, validateSchema: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
  ajv.addFormat('textarea', () => true); // a form hint in the profiles, not a constraint
  return ajv.compile(schema);
}

const dataPackage = compile(require(join(DIR, 'data-package.json')));
const tableSchema = compile(
  require(join(DIR, 'tabular-data-package.json')).properties.resources.items.properties.schema,
);

/** Problems of a descriptor: against the Data Package profile, and each resource's schema against Table Schema. */
export function frictionlessProblems(dp: { resources?: { name?: string; schema?: object }[] }): string[] {
  const out: string[] = [];
  if (!dataPackage(dp)) out.push(...(dataPackage.errors ?? []).map((e) => `${e.dataPath} ${e.message}`));
  for (const r of dp.resources ?? [])
    if (!tableSchema(r.schema))
      out.push(...(tableSchema.errors ?? []).map((e) => `${r.name}.schema${e.dataPath} ${e.message}`));
  return out;
}
