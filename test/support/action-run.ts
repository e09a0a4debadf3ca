// Set-up shared by the tests that run the action, as the runner runs it (dist/index.js, action-harness.ts) or
// in-process (action-inproc.ts): a site on 127.0.0.1 (the local NHS site unless another is given) and the
// OpenAPI-validated GitHub fake started once per describe block, a fresh PostgreSQL database per runner, and the
// config of publications of the NHS site.
import YAML from 'yaml';
import { afterAll, beforeAll } from 'vitest';
import { startNhsSite, type NhsSite } from '../../scripts/demo/site.js';
import { openDb } from '../../src/load/index.js';
import { dispatchEvent, type RunActionOptions } from './action-harness.js';
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

/** A server a test starts: anything with close(). */
interface Closable {
  close(): Promise<unknown>;
}

export interface ActionBed<S = NhsSite> {
  /** the site (started in beforeAll) */
  readonly site: S;
  /** the GitHub fake (started in beforeAll) */
  readonly fake: FakeGitHub;
  /** the URL of a fresh PostgreSQL database, closed (the action opens it); dropped in afterAll */
  freshDb(): Promise<string>;
  /** runAction's options for this fake: `event` defaults to a workflow_dispatch with no inputs */
  options(o: Partial<RunActionOptions> & { cwd: string }): RunActionOptions;
}

/**
 * The site, the fake and the databases of the describe block it is called in: beforeAll starts the site
 * (`startSite`, by default the local NHS site) and the fake (`fakeOptions`: its limits, say); afterAll drops
 * every database freshDb made and closes the fake and the site.
 */
export function useActionBed(): ActionBed;
export function useActionBed<S extends Closable>(
  startSite: () => Promise<S>,
  fakeOptions?: Parameters<typeof startGitHubFake>[0],
): ActionBed<S>;
export function useActionBed(
  startSite: () => Promise<Closable> = startNhsSite,
  fakeOptions?: Parameters<typeof startGitHubFake>[0],
): ActionBed<Closable> {
  let site: Closable | undefined;
  let fake: FakeGitHub | undefined;
  const dbs: TestDb[] = [];
  beforeAll(async () => {
    site = await startSite();
    fake = await startGitHubFake(fakeOptions);
  });
  afterAll(async () => {
    for (const t of dbs) {
      t.db = await openDb(t.location);
      await t.dispose();
    }
    await fake?.close();
    await site?.close();
  });
  const bed: ActionBed<Closable> = {
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
