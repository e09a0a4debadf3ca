// The quick check of a state file's shape (plainState, src/state/schema.ts) never accepts what the schema
// refuses: it only spares the schema's walk over 36,000 entries when every entry is as a writer leaves it.
import { describe, expect, it } from 'vitest';
import { plainState, stateSchema } from '../src/state/schema.js';

const ok = { completed_at: '2026-01-01T00:00:00.000Z', rows_loaded: 3 };
const fail = { failed_at: '2026-01-01T00:00:00.000Z', error: 'GET x -> 503' };
const cases: [string, string][] = [
  ['empty object', '{}'],
  ['both sections', JSON.stringify({ processed: { 'a/2020-01': ok }, failed: { 'a/2020-02': fail } })],
  ['extra keys kept', JSON.stringify({ v: 2, processed: { 'a/1': { ...ok, version: 2 } }, failed: {} })],
  ['old failure text', JSON.stringify({ failed: { 'a/1': 'GET x -> 404' } })],
  [
    '__proto__ and constructor keys',
    '{"processed":{"__proto__":' + JSON.stringify(ok) + ',"constructor":' + JSON.stringify(ok) + '}}',
  ],
  ['an array', '[]'],
  ['null', 'null'],
  ['a number', '3'],
  ['processed an array', '{"processed":[]}'],
  ['processed null', '{"processed":null}'],
  ['an entry null', '{"processed":{"a/1":null}}'],
  ['an entry an array', '{"processed":{"a/1":[]}}'],
  ['rows_loaded text', JSON.stringify({ processed: { 'a/1': { ...ok, rows_loaded: '3' } } })],
  ['completed_at missing', JSON.stringify({ processed: { 'a/1': { rows_loaded: 3 } } })],
  ['completed_at a number', JSON.stringify({ processed: { 'a/1': { ...ok, completed_at: 1 } } })],
  ['failed an array', '{"failed":[]}'],
  ['failure without error', JSON.stringify({ failed: { 'a/1': { failed_at: 'x' } } })],
  ['failure error a number', JSON.stringify({ failed: { 'a/1': { ...fail, error: 5 } } })],
  ['failure a number', '{"failed":{"a/1":5}}'],
  ['failure null', '{"failed":{"a/1":null}}'],
  [
    'a bad entry after good ones',
    JSON.stringify({ processed: { 'a/1': ok, 'a/2': ok, 'a/3': { ...ok, rows_loaded: null } } }),
  ],
];

describe('plainState agrees with the state schema', () => {
  for (const [name, text] of cases)
    it(name, () => {
      const data: unknown = JSON.parse(text);
      const quick = plainState(data);
      const schema = stateSchema.safeParse(data).success;
      // never accepted where the schema refuses; the writer's own shapes take the quick path
      if (quick) expect(schema).toBe(true);
      if (!schema) expect(quick).toBe(false);
    });

  it('every shape a writer leaves takes the quick path', () => {
    for (const [, text] of cases.slice(0, 5)) expect(plainState(JSON.parse(text))).toBe(true);
  });
});
