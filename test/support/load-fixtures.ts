// Plain fixture builders for loader tests. No vitest import: also used by the kill -9 child process.
import type { CellValue, ColumnType, ExtractedTable, SourcePlan, TableSource } from '../../src/model.js';
import type { LoadFileInput, LoadTableInput } from '../../src/load/index.js';

export function makeTable(
  sourceCode: string,
  columns: { name: string; type: ColumnType }[],
  rows: CellValue[][],
  sheet = 'Sheet1',
): LoadTableInput {
  const specColumns = columns.map((c) => ({ name: c.name, header: c.name, type: c.type }));
  const source: SourcePlan = { sourceCode, tableName: sourceCode, columns: specColumns };
  const table: ExtractedTable = {
    spec: {
      id: `${sheet}#1`,
      sheet,
      headerRows: [1],
      firstDataRow: 2,
      columns: specColumns,
      rowCount: rows.length,
      fingerprint: { sheet, title: sourceCode, columns: columns.map((c) => c.name) },
    },
    rows,
    sourceRows: rows.map((_, i) => i + 2),
  };
  return { source, table, sheet };
}

/**
 * A file's load input from its streamed tables (openFile(...).tables): table k loads into `names[k]`, or every
 * table into `names` when it is one name. Period 2024-01 and sha256 `sha-<fileUrl>` unless given.
 */
export function streamedFile(
  o: { pub: string; fileUrl: string; period?: string; sha256?: string },
  sources: TableSource[],
  names: string | string[],
): LoadFileInput {
  return {
    pub: o.pub,
    period: o.period ?? '2024-01',
    fileUrl: o.fileUrl,
    sha256: o.sha256 ?? `sha-${o.fileUrl}`,
    tables: sources.map((rows, k) => {
      const name = typeof names === 'string' ? names : names[k];
      return {
        sheet: rows.spec.id,
        rows,
        source: { sourceCode: name, tableName: name, columns: rows.spec.columns },
      };
    }),
  };
}

/** A typed table of n rows: bigint, numeric, date and text columns (plus a source column named `period`). */
export function typedRows(n: number, seed = 0): CellValue[][] {
  const rows: CellValue[][] = [];
  for (let i = 0; i < n; i++) {
    const day = 1 + ((i + seed) % 28);
    rows.push([
      i + seed,
      Math.round((i + seed) * 1.25 * 100) / 100,
      `2024-0${1 + ((i + seed) % 9)}-${String(day).padStart(2, '0')}`,
      `org "${i}", line\nnext`,
      'March 2024',
    ]);
  }
  return rows;
}

export const TYPED_COLUMNS: { name: string; type: ColumnType }[] = [
  { name: 'id', type: 'integer' },
  { name: 'amount', type: 'numeric' },
  { name: 'day', type: 'date' },
  { name: 'label', type: 'text' },
  { name: 'period', type: 'text' },
];

/** The two files of the crash tests: each has two tables of 3000 rows. */
export function crashFile(n: 1 | 2, pub = 'crash'): LoadFileInput {
  return {
    pub,
    period: `2024-0${n}`,
    fileUrl: `https://example.org/${pub}/file${n}.csv`,
    sha256: `sha-${pub}-${n}`,
    tables: [
      makeTable(`${pub}_alpha`, TYPED_COLUMNS, typedRows(3000, n * 10_000), 'alpha'),
      makeTable(`${pub}_beta`, TYPED_COLUMNS, typedRows(3000, n * 20_000), 'beta'),
    ],
  };
}
