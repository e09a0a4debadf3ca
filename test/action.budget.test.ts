// GitHub's limits: the fake enforces a primary budget and a secondary (content-creation) limit with GitHub's
// headers and bodies; the action, in-process through run() with the real Octokit against the fake, stops starting
// items when the budget does not cover the next one (deferred, nothing failed, no issue), the next run finishes
// them with one asset per (table, period); calls per asset are counted; a failed upload leaves its item pending.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateBudget } from '../src/github/budget.js';
import { createOctokit } from '../src/github/octokit.js';
import { startFleetSite, FLEET_TABLES, type FleetSite } from './support/fleet-site.js';
import { startGitHubFake, type FakeGitHub } from './support/github-fake.js';
import { freshRunner, parquet, processedKeys, runOnce, workspace } from './support/action-inproc.js';
import { useActionBed } from './support/action-run.js';

describe('the GitHub fake enforces GitHub rate limits', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startGitHubFake({ limits: { primary: { limit: 3, windowSeconds: 3600 } } });
  });
  afterAll(() => fake?.close());

  it('primary: x-ratelimit-* on every response, then 403 "API rate limit exceeded" with remaining 0', async () => {
    const get = () => fetch(`${fake.url}/repos/${fake.owner}/${fake.repo}/releases/tags/nope`);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await get();
      expect(r.status).toBe(404);
      expect(r.headers.get('x-ratelimit-limit')).toBe('3');
      expect(r.headers.get('x-ratelimit-resource')).toBe('core');
      seen.push(`${r.headers.get('x-ratelimit-used')}/${r.headers.get('x-ratelimit-remaining')}`);
    }
    expect(seen).toEqual(['1/2', '2/1', '3/0']);
    const r = await get();
    expect(r.status).toBe(403);
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(r.headers.get('x-ratelimit-reset'));
    expect(reset - Date.now() / 1000).toBeGreaterThan(3500);
    const body = (await r.json()) as { message: string; documentation_url: string };
    expect(body.message).toMatch(/^API rate limit exceeded for /);
    expect(body.documentation_url).toMatch(/^https:\/\/docs\.github\.com\//);
    expect(fake.limited.primary).toBe(1);
  });

  it('the action never sleeps until the reset: the request fails at once and the budget reads 0 left', async () => {
    fake.setLimits({ primary: { limit: 1, windowSeconds: 3600 } });
    const budget = createRateBudget();
    const warnings: string[] = [];
    const gh = createOctokit('t', { info: () => {}, warning: (m) => warnings.push(m) }, fake.url, {
      budget,
      maxWaitSeconds: 60,
    });
    const before = fake.requests.length;
    await gh.rest.repos.listReleases({ owner: fake.owner, repo: fake.repo });
    await expect(gh.rest.repos.listReleases({ owner: fake.owner, repo: fake.repo })).rejects.toMatchObject({
      status: 403,
    });
    // not waited for and not retried: the two requests made, no third after a wait (no clock in the test)
    expect(fake.requests.slice(before).map((r) => r.status)).toEqual([200, 403]);
    expect(budget.available()).toBe(0);
    expect(budget.state().reset! * 1000 - Date.now()).toBeGreaterThan(3_500_000);
    expect(warnings.join('\n')).toMatch(/over 60 s; not retried/);
  });

  it('secondary: content-creating requests over the limit get 429 + retry-after and the message; the client waits it out', async () => {
    fake.setLimits({ secondary: { limit: 2, windowSeconds: 2, status: 429 } });
    const create = (tag: string) =>
      fetch(`${fake.url}/repos/${fake.owner}/${fake.repo}/releases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tag_name: tag }),
      });
    expect((await create('s1')).status).toBe(201);
    expect((await create('s2')).status).toBe(201);
    const r = await create('s3');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(r.headers.get('x-ratelimit-remaining')).not.toBeNull();
    expect(((await r.json()) as { message: string }).message).toMatch(/exceeded a secondary rate limit/);
    // reads are not content-creating
    expect((await fetch(`${fake.url}/repos/${fake.owner}/${fake.repo}/releases`)).status).toBe(200);
    // Octokit honours retry-after (2 s here, under the 60 s cap) and the request then succeeds
    const gh = createOctokit('t', { info: () => {}, warning: () => {} }, fake.url, { maxWaitSeconds: 60 });
    const made = await gh.rest.repos.createRelease({ owner: fake.owner, repo: fake.repo, tag_name: 's4' });
    expect(made.status).toBe(201);
    expect(fake.limited.secondary).toBeGreaterThanOrEqual(1);
    fake.setLimits({});
  });
});

describe('the action under a GitHub API budget', () => {
  const bed = useActionBed(() => startFleetSite({ pubs: 3, periods: 4 }));
  let site: FleetSite;
  let fake: FakeGitHub;
  beforeAll(() => void ({ site, fake } = bed));

  it('a run under a budget defers items (exit 0, nothing failed, no issue); the next run finishes them, one asset per (table, period)', async () => {
    fake.reset();
    // 3 publications × 3 periods = 9 items, 27 assets; a budget of 30 requests covers a few items only
    fake.setLimits({ primary: { limit: 30, windowSeconds: 3600 } });
    const first = workspace(site.config(3, 3));
    const r1 = await runOnce(fake, first);
    expect(r1.failed, r1.warnings.join('\n')).toBeUndefined();
    expect(r1.outputs.failed).toBe('0');
    const done1 = Number(r1.outputs.processed);
    const deferred = Number(r1.outputs.deferred);
    expect(done1).toBeGreaterThan(0);
    expect(deferred).toBeGreaterThan(0);
    expect(done1 + deferred).toBe(9);
    expect(Date.parse(r1.outputs['rate-limit-reset']) - Date.now()).toBeGreaterThan(3_000_000);
    expect(r1.summary).toMatch(/GitHub API budget:.*stay pending; the budget resets at /);
    expect(r1.summary).toContain('not started (GitHub API budget)');
    expect(fake.issues).toEqual([]);
    expect(fake.limited.primary).toBe(0); // it stopped before GitHub had to refuse
    expect(processedKeys(first)).toHaveLength(done1);
    expect(parquet(fake)).toHaveLength(done1 * 3);

    // the window resets: the next run (a fresh runner) finishes the rest
    fake.setLimits({ primary: { limit: 30, windowSeconds: 3600 } });
    fake.setLimits({});
    const second = freshRunner(first);
    const r2 = await runOnce(fake, second);
    expect(r2.failed, r2.warnings.join('\n')).toBeUndefined();
    expect(Number(r2.outputs.processed)).toBe(deferred);
    expect(r2.outputs.deferred).toBe('0');
    expect(r2.outputs['rate-limit-reset']).toBe('');
    expect(processedKeys(second)).toHaveLength(9);
    const names = parquet(fake);
    expect(new Set(names).size).toBe(names.length);
    const want = site.pubs
      .slice(0, 3)
      .flatMap((p) =>
        site.periods.slice(0, 3).flatMap((period) => FLEET_TABLES.map((t) => `${p}/${t}/${period}`)),
      );
    expect(names).toHaveLength(want.length);
    expect(fake.issues).toEqual([]);
    expect(fake.invalid).toEqual([]);
  }, 900_000);

  it('calls per asset: a first backfill costs one upload per asset plus a call per release; a daily run one more period about the same', async () => {
    fake.reset();
    fake.setLimits({});
    const cwd = workspace(site.config(3, 3));
    const r1 = await runOnce(fake, cwd);
    expect(r1.failed, r1.warnings.join('\n')).toBeUndefined();
    const assets1 = parquet(fake).length + 1; // and catalog.json
    expect(assets1).toBe(28);
    const releases1 = fake.releases.length; // 3 publication-years and the catalog
    expect(releases1).toBe(4);
    const calls1 = fake.requests.length;
    // one create per release (they are new), one upload per asset, the catalog's lookup before its creation
    expect(calls1).toBeLessThanOrEqual(assets1 + releases1 + 1);
    expect(fake.calls('repos/list-release-assets')).toHaveLength(0);
    expect(fake.calls('repos/get-release-by-tag')).toHaveLength(1);

    // a daily run adding one period: ≤ 1 per asset + 1 per release touched (+ the catalog's old asset deleted)
    writeFileSync(join(cwd, 'config', 'publications.yaml'), site.config(3, 4));
    const daily = freshRunner(cwd);
    const before = fake.requests.length;
    const r2 = await runOnce(fake, daily);
    expect(r2.failed, r2.warnings.join('\n')).toBeUndefined();
    expect(r2.outputs.processed).toBe('3');
    const calls2 = fake.requests.slice(before);
    const uploads = calls2.filter((c) => c.operationId === 'repos/upload-release-asset').length;
    expect(uploads).toBe(10); // 3 × 3 tables and catalog.json
    expect(calls2.length).toBeLessThanOrEqual(uploads + 4 + 1);
    const names = parquet(fake);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(36);
  }, 900_000);

  it('an upload that fails leaves its item pending (not processed, not failed); the next run uploads it once', async () => {
    fake.reset();
    fake.setLimits({});
    const cwd = workspace(site.config(1, 2));
    // the first upload of the run answers 502 three times (the retry plugin's retries) and more
    fake.inject('repos/upload-release-asset', { status: 502, body: { message: 'Server Error' } }, 4);
    const r1 = await runOnce(fake, cwd);
    expect(r1.failed, r1.warnings.join('\n')).toBeUndefined();
    expect(r1.outputs.failed).toBe('0');
    const state1 = JSON.parse(readFileSync(join(cwd, 'state', 'state.json'), 'utf8'));
    const pending = `${site.pubs[0]}/${site.periods[0]}`;
    expect(Object.keys(state1.processed)).toEqual([`${site.pubs[0]}/${site.periods[1]}`]);
    expect(state1.failed).toEqual({});
    expect(r1.outputs.deferred).toBe('1');
    expect(r1.summary).toContain(`| ${pending} | pending (upload failed) |`);
    expect(fake.issues).toEqual([]);
    // the next run (fresh runner): loads the pending item again and uploads its assets, none doubled
    const r2 = await runOnce(fake, freshRunner(cwd));
    expect(r2.failed, r2.warnings.join('\n')).toBeUndefined();
    expect(r2.outputs.processed).toBe('1');
    const names = parquet(fake);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.includes(site.periods[0]))).toHaveLength(3);
    expect(names).toHaveLength(6);
  }, 900_000);
});
