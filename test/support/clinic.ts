// The "clinic" publication of the drift tests (test/action.drift.test.ts through the built action,
// test/status.drift.test.ts through the CLI): one CSV per period whose columns each test chooses, served on
// 127.0.0.1, the config naming them, and the open drift read back from state/monitor.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const ORGS = [
  ['RA1', 'Alpha Trust'],
  ['RB2', 'Beta Trust'],
  ['RC3', 'Gamma Trust'],
];

/** A clinic CSV with `columns`: `orgs` organisations, numbers `scale × (row + 1) + the column name's length`. */
export function clinicCsv(columns: string[], o: { orgs: number; scale: number }): string {
  const rows = ORGS.slice(0, o.orgs).map(([c, n], i) =>
    columns.map((col) =>
      col === 'org_code' ? c : col === 'org_name' ? n : String(o.scale * (i + 1) + col.length),
    ),
  );
  return [columns.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

/** Each period's clinic_activity.csv under `dir/<period>/`. */
export function writeClinicFiles(
  dir: string,
  columns: Record<string, string[]>,
  csv: (c: string[]) => string,
) {
  for (const [period, cols] of Object.entries(columns)) {
    mkdirSync(join(dir, period), { recursive: true });
    writeFileSync(join(dir, period, 'clinic_activity.csv'), csv(cols));
  }
}

/** config/publications.yaml with the clinic publication's `periods`, served from `filesUrl`. */
export function clinicConfig(filesUrl: string, periods: string[], reference?: string): string {
  return YAML.stringify({
    allowed_hosts: ['127.0.0.1'],
    publications: {
      clinic: {
        name: 'Clinic Activity',
        frequency: 'monthly',
        ...(reference ? { reference_manifest: reference } : {}),
        urls: periods.map((p) => ({ period: p, url: `${filesUrl}/${p}/clinic_activity.csv` })),
      },
    },
  });
}

export interface ClinicDrift {
  since: string;
  period: string;
  summary: string;
  issue?: number;
  [k: string]: unknown;
}

/** The clinic's open drift in a state/monitor.json text (undefined: none, or no file). */
export function clinicDrift(monitorJson: string | undefined): ClinicDrift | undefined {
  const m = JSON.parse(monitorJson ?? '{"publications":{}}') as {
    publications: Record<string, { drift?: ClinicDrift }>;
  };
  return m.publications.clinic?.drift;
}
