// The merge of a fan-out (the built action: dist/index.js, or DATAWARP_ACTION_BUNDLE) when another run pushed
// first: the merge releases the catalog while it pushes, so a push that is rejected, rebuilt on the other run's
// tip (state and catalog merged by key) and adopted by the working tree must release the catalog again: the
// released catalog is the committed one, the other run's table included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog, serializeCatalog } from '../src/export/index.js';
import { dispatchRun, git, runAction } from './support/action-harness.js';
import { tablesOf, writeFiles } from './support/catalogue.js';
import { plannedFanOut } from './support/fleet-local.js';
import { startGitHubFake, type FakeGitHub } from './support/github-fake.js';

const O = { pubs: 3, periods: 4, processed: 3 };

describe('fan-out merge when another run pushed first', () => {
  let fake: FakeGitHub;
  beforeAll(async () => void (fake = await startGitHubFake()));
  afterAll(async () => void (await fake?.close()));

  const options = (cwd: string, inputs: Record<string, string>) => dispatchRun(fake, cwd, inputs);

  it('the rejected push is rebuilt on their tip and the catalog released again: released = committed', async () => {
    const { cat, origin, planFile, fragments } = await plannedFanOut(fake, O);

    // the merge job's checkout, then another run (e.g. a scheduled one) pushes a table of its own
    const ws = origin.clone();
    const other = origin.clone();
    const theirs = parseCatalog(readFileSync(join(other, 'output/catalog.json'), 'utf8'));
    theirs.tables.push(...tablesOf('zz_other', ['2015-01'], 1));
    writeFiles(other, { 'output/catalog.json': serializeCatalog(theirs) });
    git(other, 'commit', '--quiet', '-am', 'another run');
    git(other, 'push', '--quiet', 'origin', 'main');

    const m = await runAction(options(ws, { command: 'merge', fragments, 'plan-file': planFile }));
    expect(m.code, m.stdout + m.stderr).toBe(0);
    expect(m.stdout).toMatch(/state committed to main \(\w+\) after 1 rejected push/);
    const committed = parseCatalog(origin.show('output/catalog.json')!);
    const names = committed.tables.map((t) => t.table);
    expect(names).toContain('zz_other_t1');
    for (const pub of cat.pubs)
      for (const t of committed.tables.filter((x) => x.publication === pub))
        expect(t.periods, t.table).toEqual(cat.periods);
    const released = fake.releases.find((r) => r.tag_name === 'datawarp-catalog')!;
    expect(released.assets.map((a) => a.name)).toEqual(['catalog.json']);
    expect(parseCatalog(released.assets[0].data.toString('utf8'))).toEqual(committed);
    expect(fake.invalid).toEqual([]);
  });
});
