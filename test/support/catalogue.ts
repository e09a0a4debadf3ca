// A generated catalogue for the fan-out at scale: N publications × M monthly periods × T tables, written as a
// repository's committed files (config/publications.yaml, state/state.json, output/catalog.json) with the first
// `processed` periods of each publication done, and the fragments matrix jobs would leave after processing the
// rest (state, catalog tables, manifests), for `datawarp status/plan/validate` and the action's merge.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { serializeCatalog, type Catalog, type CatalogTable } from '../../src/export/index.js';
import type { FanOutJob } from '../../src/pipeline/fan-out.js';
import { emptyState, itemKey, serializeState, type State } from '../../src/state/index.js';

export interface CatalogueOptions {
  pubs: number;
  periods: number;
  /** tables per publication (default 3) */
  tables?: number;
  /** periods already processed per publication (default all) */
  processed?: number;
  /** the keys of publications given by index (e.g. {0: 'constructor'}) */
  names?: Record<number, string>;
}

export interface Catalogue {
  pubs: string[];
  /** per publication, its periods (YYYY-MM, oldest first) */
  periods: string[];
  /** the committed files, path -> text */
  files: Record<string, string>;
  /** the items pending (not processed) */
  pending: string[];
}

const AT = '2026-01-01T00:00:00.000Z';

export const pubKey = (i: number, o: Pick<CatalogueOptions, 'names'>) =>
  o.names?.[i] ?? `pub_${String(i + 1).padStart(3, '0')}`;

export function monthlyPeriods(n: number, from = 2015): string[] {
  return Array.from(
    { length: n },
    (_, i) => `${from + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
  );
}

/** The catalog tables of `pub` for `periods` (files, assets and rows as a backfill records them). */
export function tablesOf(pub: string, periods: string[], tables = 3): CatalogTable[] {
  return Array.from({ length: tables }, (_, t) => {
    const table = `${pub}_t${t + 1}`;
    return {
      table,
      publication: pub,
      description: `Table ${t + 1} of ${pub}`,
      periods: [...periods],
      rows: periods.length * 100,
      columns: [
        { name: 'org_code', type: 'text' },
        { name: 'value', type: 'bigint' },
      ],
      files: periods.map((period) => ({
        period,
        url: `http://127.0.0.1:9/${pub}/${period}.csv`,
        sheet: '',
        // a digest per file, as real ones are (a repeated one would compress and delta unrealistically well)
        sha256: createHash('sha256').update(`${table}/${period}`).digest('hex'),
        rows: 100,
      })),
      assets: periods.map((period) => ({
        period,
        name: `${table}__${period}.parquet`,
        release: `datawarp-${pub}-${period.slice(0, 4)}`,
        url: `https://github.com/o/r/releases/download/datawarp-${pub}-${period.slice(0, 4)}/${table}__${period}.parquet`,
        bytes: 2048,
      })),
    };
  });
}

export function generateCatalogue(o: CatalogueOptions): Catalogue {
  const periods = monthlyPeriods(o.periods);
  const done = periods.slice(0, o.processed ?? o.periods);
  const isDone = new Set(done);
  const pubs = Array.from({ length: o.pubs }, (_, i) => pubKey(i, o));
  const config = {
    allowed_hosts: ['127.0.0.1'],
    publications: Object.fromEntries(
      pubs.map((pub) => [
        pub,
        {
          name: `Publication ${pub}`,
          frequency: 'monthly',
          urls: periods.map((period) => ({ period, url: `http://127.0.0.1:9/${pub}/${period}.csv` })),
        },
      ]),
    ),
  };
  const state: State = emptyState();
  const pending: string[] = [];
  for (const pub of pubs)
    for (const period of periods)
      if (isDone.has(period)) state.processed[itemKey(pub, period)] = { completed_at: AT, rows_loaded: 300 };
      else pending.push(itemKey(pub, period));
  const catalog: Catalog = {
    generated_at: AT,
    tables: pubs.flatMap((pub) => (done.length ? tablesOf(pub, done, o.tables) : [])),
  };
  return {
    pubs,
    periods,
    pending,
    files: {
      'config/publications.yaml': YAML.stringify(config),
      'state/state.json': serializeState(state),
      // as every write of the catalog leaves it (one table a line): the merge's push is a delta against it
      'output/catalog.json': serializeCatalog(catalog),
      '.gitignore': '.datawarp/\noutput/parquet/\n',
    },
  };
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/**
 * The fragments the matrix jobs of `matrix` would leave having processed every pending period of their
 * publications (one folder per publication, as after download-artifact with merge-multiple), under `dir`. As
 * src/action/fragment.ts writes them: the job's items' keys of its state (stamped now) and the publication's
 * tables of its catalog (the periods the job processed).
 */
export function writeFragments(
  dir: string,
  cat: Catalogue,
  matrix: FanOutJob[],
  o: Pick<CatalogueOptions, 'processed' | 'periods' | 'tables'>,
): void {
  const todo = cat.periods.slice(o.processed ?? o.periods);
  for (const job of matrix)
    for (const pub of job.pub.split(' ')) {
      const out = join(dir, pub);
      const st = emptyState();
      for (const period of todo)
        st.processed[itemKey(pub, period)] = { completed_at: '2026-02-01T00:00:00.000Z', rows_loaded: 300 };
      const meta = {
        pub,
        job: `backfill (${job.pub})`,
        started_at: AT,
        finished_at: '2026-02-01T00:00:00.000Z',
        outcomes: todo.map((period) => ({ key: itemKey(pub, period), status: 'processed' })),
      };
      writeFiles(out, {
        'state.json': serializeState(st),
        'catalog.json': serializeCatalog({
          generated_at: '2026-02-01T00:00:00.000Z',
          tables: tablesOf(pub, todo, o.tables),
        }),
        'fragment.json': JSON.stringify(meta),
        ...Object.fromEntries(
          todo.map((period) => [
            `manifests/backfill/${pub}/${pub}_${period}_enriched.yaml`,
            `publication: ${pub}\nperiod: ${period}\n`,
          ]),
        ),
      });
    }
}
