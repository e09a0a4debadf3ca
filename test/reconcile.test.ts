// Reconciliation: a part with exactly one total row has it compared, per numeric column, with the sum of its
// detail rows (subtotals not added, suppressed cells missing), in SQL on both engines and both load paths; the
// result reaches the catalog, the run summary and the site's table page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { writeCatalog } from '../src/export/index.js';
import { ensureSchema, loadFile } from '../src/load/index.js';
import { openFile } from '../src/manifest/extract/index.js';
import { reconciliationLines } from '../src/action/summary.js';
import { siteModel } from '../src/site/model.js';
import { tablePage } from '../src/site/pages.js';
import type { ReconciledPart, TableSource } from '../src/model.js';
import { forEachEngine } from './support/db.js';
import { streamedFile } from './support/load-fixtures.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-reconcile-'));

/** England, two regions (subtotals, not added), three trusts; `patients` exact, `beds` off by 1 (within
 * rounding: 3 rows x 0.5), `staff` off by 100 with a suppressed cell, `mean_wait` and the share not additive. */
const LINES = [
  'Code,Name,Patients,Beds,Staff,Mean wait,Share of patients (%),Occupancy',
  'E92000001,England,600,61,1000,5.5,100%,0.9',
  'Y56,London,250,25,300,4.0,41.7%,0.8',
  'Y58,South West,350,35,600,6.0,58.3%,0.95',
  'RAN,Royal National,100,10,400,3.0,16.7%,0.7',
  'RJ1,Guy and St Thomas,150,20,*,5.0,25%,0.85',
  'RA7,Bristol,350,30,500,6.0,58.3%,0.95',
];
const file = path.join(dir, 'orgs.csv');
fs.writeFileSync(file, LINES.join('\n') + '\n');
/** the same with a blank for the suppressed cell and the shares without `%`: clean, so the fast path takes it */
const clean = path.join(dir, 'clean.csv');
fs.writeFileSync(
  clean,
  LINES.map((l) => l.replace(',*,', ',,').replace(/%/g, '').replace(' ()', ' (%)')).join('\n') + '\n',
);

const NAMES = [
  'code',
  'name',
  'patients',
  'beds',
  'staff',
  'mean_wait',
  'share_of_patients_pct',
  'occupancy',
];

const input = (fileUrl: string, sources: TableSource[], name: string) =>
  streamedFile({ pub: 'rec', fileUrl }, sources, name);

forEachEngine('reconciliation', (ctx) => {
  it('exact, within rounding, differs (with the difference) and not additive, on both paths', async () => {
    const db = ctx.db;
    await ensureSchema(db);
    const parts: ReconciledPart[] = [];
    for (const [name, fastPath, src] of [
      ['rec_fast', true, clean],
      ['rec_typed', false, file],
    ] as const) {
      const f = await openFile(src, { ext: 'csv' });
      const res = await loadFile(db, input(`https://example.org/${name}.csv`, f.tables, name), {
        fastPath,
      });
      const [r] = res.files;
      expect(r.fast).toBe(fastPath);
      expect(f.tables[0].spec.columns.map((c) => c.name)).toEqual(NAMES);
      expect(r.reconciliation?.totalRow).toBe(2);
      const by = new Map(r.reconciliation!.columns.map((c) => [c.column, c]));
      expect(by.get('patients')).toMatchObject({ status: 'exact', total: '600', sum: '600', rows: 3 });
      expect(by.get('beds')).toMatchObject({ status: 'within rounding', difference: '1' });
      expect(by.get('staff')).toMatchObject({
        status: 'differs',
        total: '1000',
        sum: '900',
        difference: '100',
        rows: 2,
      });
      expect(by.get('mean_wait')?.status).toBe('not additive');
      expect(by.get('share_of_patients_pct')?.status).toBe('not additive');
      // plain numbers with no telling name add up like any other: 0.9 against 2.5
      expect(by.get('occupancy')?.status).toBe('differs');
      expect(r.warnings?.some((w) => w.includes('staff') && w.includes('difference 100'))).toBe(true);
      parts.push({ table: name, file_url: r.file_url, sheet: r.sheet, ...r.reconciliation! });
    }

    // two total rows (a Total footer beside England): nothing to reconcile against
    const two = path.join(dir, 'two.csv');
    fs.writeFileSync(two, [...LINES, 'Total,,600,61,1000,,,'].join('\n') + '\n');
    const g = await openFile(two, { ext: 'csv' });
    const res2 = await loadFile(db, input('https://example.org/two.csv', g.tables, 'rec_two'));
    expect(res2.files[0].reconciliation).toBeUndefined();

    // the catalog keeps it per period, the summary and the site's table page show it
    const catalogPath = path.join(dir, 'catalog.json');
    const cat = await writeCatalog(db, catalogPath, [], new Date(), { period: '2024-01', parts });
    const t = cat.tables.find((x) => x.table === 'rec_fast')!;
    expect(t.reconciliation?.[0]).toMatchObject({ period: '2024-01', totalRow: 2 });
    // written again without this run's parts, the catalog keeps what it had for the files it still holds
    const again = await writeCatalog(db, catalogPath, [], new Date());
    expect(again.tables.find((x) => x.table === 'rec_fast')?.reconciliation).toEqual(t.reconciliation);

    const lines = reconciliationLines([
      { key: 'rec/2024-01', pub: 'rec', period: '2024-01', status: 'processed', reconciliation: parts },
    ]).join('\n');
    expect(lines).toContain('| rec/2024-01 | `rec_fast` |');
    expect(lines).toContain('staff (100)');

    const model = siteModel({
      catalog: cat,
      publications: [],
      manifests: [],
      state: { processed: {}, failed: {} },
      generatedAt: '2024-01-01T00:00:00Z',
    });
    const view = model.tables.find((x) => x.table === 'rec_fast')!;
    const html = tablePage(view, undefined, model);
    expect(html).toContain("WHERE _dw_row_kind = 'detail'");
    expect(html).toMatch(/data-status="differs"><td>2024-01<\/td><td>[^<]*<\/td><td><code>staff<\/code>/);
  });
});
