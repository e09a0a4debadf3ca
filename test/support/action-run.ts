// Set-up shared by the tests that run the action (dist/index.js) as the runner runs it: the local NHS site and the
// OpenAPI-validated GitHub fake started once per describe block, a fresh PostgreSQL database per runner, the
// files a repository is seeded with, and the payloads of a schedule or workflow_dispatch event.
import YAML from 'yaml';
import { afterAll, beforeAll } from 'vitest';
import { startNhsSite, type NhsSite } from '../../scripts/demo/site.js';
import { openDb } from '../../src/load/index.js';
import type { RunActionOptions } from './action-harness.js';
import { openTestDb, type TestDb } from './db.js';
import { startGitHubFake, type FakeGitHub } from './github-fake.js';

/**
 * config/publications.yaml for publications of the local NHS site: `pubs` (in the site's order), each with the
 * periods `periods[pub]` lists, or all its periods when `periods` names none for it.
 */
export function siteConfig(site: NhsSite, pubs: string[], periods: Record<string, string[]> = {}): string {
  const chosen = site.publications.filter((p) => pubs.includes(p.pub));
  return YAML.stringify({
    allowed_hosts: ['127.0.0.1'],
    publications: Object.fromEntries(
      chosen.map((p) => [
        p.pub,
        {
          name: p.name,
          frequency: p.frequency,
          urls: p.urls.filter((u) => !periods[p.pub] || periods[p.pub].includes(u.period)),
        },
      ]),
    ),
  });
}

/** The files a repository using the action starts with: its config, an empty state, the usual .gitignore. */
export const seedFiles = (config: string): Record<string, string> => ({
  'config/publications.yaml': config,
  'state/state.json': '{\n  "processed": {},\n  "failed": {}\n}\n',
  '.gitignore': '.datawarp/\noutput/parquet/\n',
});

export type ActionEvent = RunActionOptions['event'];

/** The daily `schedule` event of backfill.yml. */
export const scheduleEvent = (fake: FakeGitHub): ActionEvent => ({
  name: 'schedule',
  payload: { schedule: '17 6 * * *', repository: { full_name: `${fake.owner}/${fake.repo}` } },
});

/** A `workflow_dispatch` of backfill.yml on main with these inputs. */
export const dispatchEvent = (fake: FakeGitHub, inputs: Record<string, unknown> = {}): ActionEvent => ({
  name: 'workflow_dispatch',
  payload: {
    inputs,
    ref: 'refs/heads/main',
    repository: { full_name: `${fake.owner}/${fake.repo}` },
    sender: { login: 'someone' },
    workflow: '.github/workflows/backfill.yml',
  },
});

export interface ActionBed {
  /** the local NHS site (started in beforeAll) */
  readonly site: NhsSite;
  /** the GitHub fake (started in beforeAll) */
  readonly fake: FakeGitHub;
  /** the URL of a fresh PostgreSQL database, closed (the action opens it); dropped in afterAll */
  freshDb(): Promise<string>;
  /** runAction's options for this fake: `event` defaults to a workflow_dispatch with no inputs */
  options(o: Partial<RunActionOptions> & { cwd: string }): RunActionOptions;
}

/**
 * The site, the fake and the databases of the describe block it is called in: beforeAll starts the site and the
 * fake, afterAll drops every database freshDb made and closes the fake and the site.
 */
export function useActionBed(): ActionBed {
  let site: NhsSite | undefined;
  let fake: FakeGitHub | undefined;
  const dbs: TestDb[] = [];
  beforeAll(async () => {
    site = await startNhsSite();
    fake = await startGitHubFake();
  });
  afterAll(async () => {
    for (const t of dbs) {
      t.db = await openDb(t.location);
      await t.dispose();
    }
    await fake?.close();
    await site?.close();
  });
  const bed: ActionBed = {
    get site() {
      return site!;
    },
    get fake() {
      return fake!;
    },
    async freshDb() {
      const t = await openTestDb('pg');
      await t.db.close();
      dbs.push(t);
      return t.location.databaseUrl!;
    },
    options: (o) => ({
      apiUrl: bed.fake.url,
      repository: `${bed.fake.owner}/${bed.fake.repo}`,
      event: dispatchEvent(bed.fake),
      ...o,
    }),
  };
  return bed;
}
