// Drift to review in the CLI: `datawarp backfill` records a publication's open drift in state/monitor.json and
// `datawarp status` shows it (text and --json); an added column alone is noted, not escalated; a clean match of
// the rolling reference settles nothing; a later period matching the configured reference_manifest clears it.
// CSVs served on 127.0.0.1, both engines.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { openDb } from '../src/load/index.js';
import { driftDecisions, needsReview, nextRecord } from '../src/status/index.js';
import { clinicConfig, clinicCsv, clinicDrift, writeClinicFiles } from './support/clinic.js';
import { openTestDb, testEngines, type TestDb } from './support/db.js';
import { serveFolder, type StaticServer } from './support/static-server.js';

const COLUMNS: Record<string, string[]> = {
  '2024-01': ['org_code', 'org_name', 'patients', 'appointments'],
  '2024-02': ['org_code', 'org_name', 'patients', 'appointments', 'waits'], // added only: noted
  '2024-03': ['org_code', 'org_name', 'patients', 'waits'], // appointments gone: review
  '2024-04': ['org_code', 'org_name', 'patients', 'waits'], // rolling: clean, settles nothing
  '2024-05': ['org_code', 'org_name', 'patients', 'waits'], // configured reference: clean, cleared
};

const csv = (columns: string[]) => clinicCsv(columns, { orgs: 2, scale: 10 });

describe('drift decisions', () => {
  const d = (o: Partial<Record<'unmatched' | 'renamed' | 'added' | 'missing', unknown[]>>) => ({
    matched: ['t'],
    unmatched: [],
    renamed: [],
    added: [],
    missing: [],
    ...o,
  });
  it('added alone is noted, not escalated; unmatched, renamed and gone are', () => {
    expect(needsReview(d({ added: [{ table: 't', column: 'c' }] }) as never)).toBe(false);
    expect(needsReview(d({ unmatched: ['u'] }) as never)).toBe(true);
    expect(needsReview(d({ renamed: [{ table: 't', from: 'a', to: 'b' }] }) as never)).toBe(true);
    expect(needsReview(d({ missing: [{ table: 't', column: 'c' }] }) as never)).toBe(true);
  });
  it('a clean period clears the record only with a configured reference, and only when later', () => {
    const open = { since: '2024-02', period: '2024-03', summary: 's', detected_at: 'x', issue: 4 };
    const clean = [{ pub: 'p', period: '2024-04', status: 'processed', drift: d({}) as never }];
    const rolling = driftDecisions(
      clean,
      () => false,
      () => open,
    );
    expect(nextRecord(rolling.get('p'), open, new Date())).toBeUndefined();
    const configured = driftDecisions(
      clean,
      () => true,
      () => open,
    );
    expect(nextRecord(configured.get('p'), open, new Date())).toBeNull();
    const earlier = [{ pub: 'p', period: '2024-01', status: 'processed', drift: d({}) as never }];
    expect(
      driftDecisions(
        earlier,
        () => true,
        () => open,
      ).get('p')?.clean,
    ).toBeUndefined();
    const again = [
      { pub: 'p', period: '2024-05', status: 'processed', drift: d({ unmatched: ['u'] }) as never },
    ];
    const next = nextRecord(
      driftDecisions(
        again,
        () => true,
        () => open,
      ).get('p'),
      open,
      new Date(),
    );
    expect(next).toMatchObject({ since: '2024-02', period: '2024-05', issue: 4 });
  });
});

for (const kind of testEngines()) {
  describe(`datawarp status shows open drift [${kind}]`, () => {
    let files: StaticServer;
    let t: TestDb;
    const dir = mkdtempSync(join(tmpdir(), 'dw-status-drift-'));
    const data = mkdtempSync(join(tmpdir(), 'dw-status-drift-files-'));
    let env: NodeJS.ProcessEnv;
    const cli = async (args: string[]) => {
      let out = '';
      let err = '';
      const code = await runCli(args, {
        cwd: dir,
        env,
        io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: false },
      });
      return { code, out, err };
    };
    const configure = (periods: string[], reference?: string) => {
      mkdirSync(join(dir, 'config'), { recursive: true });
      writeFileSync(join(dir, 'config', 'publications.yaml'), clinicConfig(files.url, periods, reference));
    };
    const monitorDrift = () => clinicDrift(readFileSync(join(dir, 'state', 'monitor.json'), 'utf8'));
    const backfill = async (periods: string[], reference?: string) => {
      configure(periods, reference);
      const r = await cli(['backfill']);
      expect(r.code, r.err).toBe(0);
      return r;
    };

    beforeAll(async () => {
      writeClinicFiles(data, COLUMNS, csv);
      files = await serveFolder(data);
      t = await openTestDb(kind);
      await t.db.close();
      env = { ...process.env };
      delete env.OPENAI_API_KEY;
      if (kind === 'pg') env.DATABASE_URL = t.location.databaseUrl;
      else {
        delete env.DATABASE_URL;
        env.DATAWARP_PGLITE_DIR = t.location.dataDir;
      }
    });
    afterAll(async () => {
      await files?.close();
      if (t) {
        t.db = await openDb(t.location);
        await t.dispose();
      }
    });

    it('an added column alone: noted, nothing to review', async () => {
      await backfill(['2024-01']);
      await backfill(['2024-01', '2024-02']);
      const s = await cli(['status']);
      expect(s.out).not.toMatch(/drift to review/);
    });

    it('a column gone: recorded, and status shows it (text and --json)', async () => {
      const r = await backfill(['2024-01', '2024-02', '2024-03']);
      expect(r.err).toMatch(/⚠ clinic: drift to review \(2024-03: 1 column gone\)/);
      expect(monitorDrift()).toMatchObject({ since: '2024-03', period: '2024-03', summary: '1 column gone' });
      const s = await cli(['status']);
      expect(s.out).toMatch(/⚠ drift to review \(2024-03: 1 column gone\)/);
      expect(s.out).toMatch(/Drift to review: 1 publication/);
      const j = JSON.parse((await cli(['status', '--json'])).out);
      expect(j.publications[0].drift).toMatchObject({
        since: '2024-03',
        changes: [{ period: '2024-03', kind: 'column gone', detail: 'appointments' }],
      });
    });

    it('a clean match of the rolling reference leaves it open', async () => {
      await backfill(['2024-01', '2024-02', '2024-03', '2024-04']);
      expect(monitorDrift()).toMatchObject({ since: '2024-03', period: '2024-03' });
      expect((await cli(['status'])).out).toMatch(/drift to review/);
    });

    it('a later period matching the configured reference cleanly clears it', async () => {
      // an absolute path: backfill reads reference_manifest from the process's working directory
      const ref = join(dir, 'manifests/backfill/clinic/clinic_2024-04_enriched.yaml');
      const r = await backfill(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05'], ref);
      expect(r.err).toMatch(/clinic: the drift to review is settled/);
      expect(monitorDrift()).toBeUndefined();
      expect((await cli(['status'])).out).not.toMatch(/drift to review/i);
    });
  });
}
