// Drift to review in the action, the built bundle (dist/index.js, or DATAWARP_ACTION_BUNDLE: one scripts/build.mjs
// built elsewhere) run as the runner runs it,
// against the OpenAPI-validated GitHub fake and a bare git origin; the data files are CSVs served on 127.0.0.1.
// A publication whose columns change: one `datawarp-drift` issue opened, the same issue updated on a second
// drifting run, left open when the next period matches the rolling reference, closed when reference_manifest is
// set and a later period matches it cleanly; the open drift recorded in state/monitor.json and shown by status;
// the weekly status comment added once a week.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeOrigin,
  pushFiles,
  runAction,
  seedFiles,
  type Origin,
  type RunActionOptions,
} from './support/action-harness.js';
import { useActionBed } from './support/action-run.js';
import { clinicConfig, clinicCsv, clinicDrift, writeClinicFiles } from './support/clinic.js';
import type { FakeGitHub } from './support/github-fake.js';
import { serveFolder, type StaticServer } from './support/static-server.js';

const COLUMNS: Record<string, string[]> = {
  '2024-01': ['org_code', 'org_name', 'patients', 'appointments'],
  '2024-02': ['org_code', 'org_name', 'patients'], // appointments gone
  '2024-03': ['org_code', 'org_name'], // patients gone too
  '2024-04': ['org_code', 'org_name'], // as before: a clean match of the rolling reference
  '2024-05': ['org_code', 'org_name'], // a clean match of the configured reference
};

const csv = (columns: string[]) => clinicCsv(columns, { orgs: 3, scale: 100 });
const driftOf = (o: Origin) => clinicDrift(o.show('state/monitor.json'));

describe('drift to review in the action (built bundle)', () => {
  const data = mkdtempSync(join(tmpdir(), 'dw-drift-files-'));
  /** the data files: each period's CSV with its columns, served on 127.0.0.1 */
  const bed = useActionBed(async () => {
    writeClinicFiles(data, COLUMNS, csv);
    return serveFolder(data);
  });
  let files: StaticServer;
  let fake: FakeGitHub;
  let origin: Origin;

  const config = (periods: string[], reference?: string) => clinicConfig(files.url, periods, reference);
  const base = (extra: Partial<RunActionOptions> = {}): RunActionOptions =>
    bed.options({ cwd: origin.clone(), inputs: { 'database-url': '' }, timeoutMs: 200_000, ...extra });
  const driftIssues = () => fake.issues.filter((i) => i.labels.includes('datawarp-drift'));
  const backfillWith = async (periods: string[], reference?: string) => {
    pushFiles(
      origin,
      { 'config/publications.yaml': config(periods, reference) },
      `config: ${periods.at(-1)}`,
    );
    const r = await runAction(base());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ processed: '1', failed: '0' });
    return r;
  };

  beforeAll(() => {
    ({ site: files, fake } = bed);
    origin = makeOrigin(seedFiles(''));
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('the first period: nothing to compare, no issue', async () => {
    await backfillWith(['2024-01']);
    expect(driftIssues()).toEqual([]);
    expect(driftOf(origin)).toBeUndefined();
  }, 240_000);

  it('a column gone: one datawarp-drift issue with the drift table and what to do; recorded in monitor.json', async () => {
    const r = await backfillWith(['2024-01', '2024-02']);
    const issues = driftIssues();
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue.state).toBe('open');
    expect(issue.title).toBe('DataWarp: drift to review in clinic');
    expect(issue.body).toContain('<!-- datawarp:drift pub=clinic -->');
    expect(issue.body).toMatch(/\| 2024-02 \| \*\*column gone\*\* \| `clinic_[a-z_]+` \| appointments \|/);
    expect(issue.body).toContain('To accept it');
    expect(issue.body).toContain('npx datawarp backfill --pub clinic --period 2024-02 --force');
    expect(driftOf(origin)).toMatchObject({ since: '2024-02', period: '2024-02', issue: issue.number });
    expect(r.stdout).toContain('drift to review in clinic');
    expect(fake.invalid).toEqual([]);
  }, 240_000);

  it('a second drifting run updates the same issue (body current, one comment)', async () => {
    await backfillWith(['2024-01', '2024-02', '2024-03']);
    const issues = driftIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0].state).toBe('open');
    expect(issues[0].body).toMatch(/\| 2024-03 \| \*\*column gone\*\* \| `clinic_[a-z_]+` \| patients \|/);
    expect(issues[0].comments).toHaveLength(1);
    expect(issues[0].comments[0].body).toMatch(/^Drift again in 2024-03/);
    expect(driftOf(origin)).toMatchObject({ since: '2024-02', period: '2024-03', issue: issues[0].number });
  }, 240_000);

  it('a clean match of the rolling reference does not close it', async () => {
    await backfillWith(['2024-01', '2024-02', '2024-03', '2024-04']);
    const [issue] = driftIssues();
    expect(issue.state).toBe('open');
    expect(issue.comments).toHaveLength(1);
    expect(driftOf(origin)).toMatchObject({ since: '2024-02', period: '2024-03' });
  }, 240_000);

  it('status shows the open drift; the weekly comment once per ISO week', async () => {
    const status = (now: string) =>
      runAction(base({ inputs: { command: 'status' }, env: { DATAWARP_NOW: now } }));
    const a = await status('2026-12-07T06:00:00Z'); // Monday of 2026-W50
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(a.summary).toContain('### Drift to review');
    expect(a.summary).toMatch(/`clinic`: drift to review \(since 2024-02, latest 2024-03: .*issue #\d+\)/);
    const b = await status('2026-12-10T06:00:00Z'); // Thursday, the same week
    expect(b.code, b.stdout + b.stderr).toBe(0);
    const statusIssue = () => fake.issues.filter((i) => i.labels.includes('datawarp-status'));
    expect(statusIssue()).toHaveLength(1);
    expect(statusIssue()[0].comments.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- datawarp:status-week 2026-W50 -->',
    ]);
    expect(statusIssue()[0].comments[0].body).toContain('drift to review in `clinic` since 2024-02');
    expect(statusIssue()[0].body).toContain('Updated 2026-12-10T06:00:00.000Z');
    const c = await status('2026-12-14T06:00:00Z'); // the next Monday
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(statusIssue()[0].comments.map((x) => x.body.split('\n')[0])).toEqual([
      '<!-- datawarp:status-week 2026-W50 -->',
      '<!-- datawarp:status-week 2026-W51 -->',
    ]);
  }, 240_000);

  it('reference_manifest set and a later period matching it cleanly: closed, record cleared', async () => {
    const ref = origin.show('backfill/clinic/clinic_2024-04_enriched.yaml', 'datawarp/manifests');
    expect(ref).toBeTruthy();
    pushFiles(origin, { 'manifests/reference/clinic.yaml': ref! }, 'reference manifest for clinic');
    await backfillWith(
      ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05'],
      'manifests/reference/clinic.yaml',
    );
    const [issue] = driftIssues();
    expect(driftIssues()).toHaveLength(1);
    expect(issue.state).toBe('closed');
    expect(issue.comments.at(-1)!.body).toMatch(
      /^2024-05 matched the reference manifest `manifests\/reference\/clinic.yaml` cleanly/,
    );
    expect(driftOf(origin)).toBeUndefined();
    expect(fake.invalid).toEqual([]);
  }, 240_000);
});
