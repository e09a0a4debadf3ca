// The time budget: once shouldStop() says so, no new item starts; finished items are kept, the rest stay
// pending; onItemDone sees every finished item after state.json holds it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { defaultPaths } from '../src/runtime/index.js';
import { loadConfig } from '../src/config/index.js';
import { createHttpClient } from '../src/http/index.js';
import { openDb } from '../src/load/index.js';
import { backfill } from '../src/pipeline/backfill.js';
import { useSiteWorkspace, type Workspace } from './support/workspace.js';

const sw = useSiteWorkspace('pg', ['qof', 'pcn_workforce']);
let ws: Workspace;
beforeAll(() => void ({ ws } = sw));

it('stops starting items when the budget is used up and reports each finished item once state holds it', async () => {
  const config = loadConfig(join(ws.dir, 'config/publications.yaml'));
  const seen: string[] = [];
  let started = 0;
  const quiet = { info: () => {}, warn: () => {}, progress: () => {}, done: () => {} };
  const result = await backfill(
    {
      config,
      statePath: ws.statePath,
      paths: defaultPaths(ws.dir),
      http: createHttpClient({ allowedHosts: ['127.0.0.1'] }),
      openDb: () => openDb(ws.location),
      reporter: quiet,
      shouldStop: () => started++ >= 1, // budget for exactly one item
      onItemDone: (outcome) => {
        const state = JSON.parse(readFileSync(ws.statePath, 'utf8'));
        expect(state.processed[outcome.key]).toBeDefined();
        seen.push(outcome.key);
      },
    },
    {},
  );
  const processed = result.outcomes.filter((o) => o.status === 'processed').map((o) => o.key);
  const budget = result.outcomes.filter((o) => o.error === 'time budget').map((o) => o.key);
  expect(processed).toHaveLength(1);
  expect(seen).toEqual(processed);
  expect(budget).toHaveLength(2);
  const state = JSON.parse(readFileSync(ws.statePath, 'utf8'));
  expect(Object.keys(state.processed)).toEqual(processed);
  expect(state.failed).toEqual({});
  expect(result.exitCode).toBe(0);
});
