// Drift records on their way to state/monitor.json: applied onto another run's monitor.json (its revisions kept),
// cleared, and carried by a matrix job's fragment to the merge job (null: cleared).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDriftRecords } from '../src/action/drift.js';
import { driftIssueBody, driftTable } from '../src/action/drift-text.js';
import { fragmentWriter, readFragments } from '../src/action/fragment.js';
import type { OpenDrift } from '../src/status/index.js';

const record: OpenDrift = {
  since: '2024-02',
  period: '2024-03',
  summary: '1 column gone',
  detected_at: '2026-12-01T06:00:00.000Z',
  issue: 7,
  changes: [{ period: '2024-03', kind: 'column gone', table: 'clinic_activity', detail: 'patients' }],
};

describe('drift records', () => {
  it('applied onto a monitor.json keep what else it holds; null clears', () => {
    const other = JSON.stringify({
      publications: {
        clinic: {
          releases: {},
          upcoming: [],
          periods: {},
          revised: [{ period: '2024-01', reason: 'r', detected_at: '2026-01-01T00:00:00Z' }],
        },
      },
    });
    const set = JSON.parse(applyDriftRecords(other, 'monitor.json', new Map([['clinic', record]])));
    expect(set.publications.clinic.drift).toEqual(record);
    expect(set.publications.clinic.revised).toHaveLength(1);
    const fresh = JSON.parse(
      applyDriftRecords(undefined, 'monitor.json', new Map([['constructor', record]])),
    );
    expect(fresh.publications.constructor.drift.issue).toBe(7);
    const cleared = JSON.parse(
      applyDriftRecords(JSON.stringify(set), 'monitor.json', new Map([['clinic', null]])),
    );
    expect(cleared.publications.clinic.drift).toBeUndefined();
    expect(cleared.publications.clinic.revised).toHaveLength(1);
  });

  it("a matrix job's fragment carries each publication's record to the merge (null when cleared)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-frag-drift-'));
    const w = fragmentWriter(
      dir,
      {
        pubs: ['clinic', 'other', 'third'],
        statePath: join(dir, 'none.json'),
        catalogPath: join(dir, 'c.json'),
        manifestsRoot: join(dir, 'm'),
      },
      { job: 'backfill (clinic other third)' },
      () => undefined,
    );
    w.write([], {
      drift: new Map<string, OpenDrift | null>([
        ['clinic', record],
        ['other', null],
      ]),
    });
    const byPub = new Map(readFragments(dir).map((f) => [f.meta.pub, f.meta]));
    expect(byPub.get('clinic')!.drift).toEqual(record);
    expect(byPub.get('other')!.drift).toBeNull();
    expect(byPub.get('third')!.drift).toBeUndefined();
  });

  it('the issue body: the table, and how to accept with and without a configured reference', () => {
    expect(driftTable(record.changes!)).toContain(
      '| 2024-03 | **column gone** | `clinic_activity` | patients |',
    );
    const rolling = driftIssueBody(
      { pub: 'clinic', name: 'Clinic', configFile: 'config/publications.yaml' },
      record,
    );
    expect(rolling).toContain('<!-- datawarp:drift pub=clinic -->');
    expect(rolling).toContain('close this issue');
    expect(rolling).toContain('does not close this issue by itself');
    const pinned = driftIssueBody(
      { pub: 'clinic', name: 'Clinic', configFile: 'config/publications.yaml', reference: 'ref/clinic.yaml' },
      record,
    );
    expect(pinned).toContain(
      'git show origin/datawarp/manifests:backfill/clinic/clinic_2024-03_enriched.yaml > ref/clinic.yaml',
    );
    expect(pinned).toContain('closes by itself when a later period matches the reference cleanly');
  });
});
