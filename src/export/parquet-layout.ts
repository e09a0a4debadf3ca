// Where Parquet files live, the one place that knows it: <output>/parquet/<table>/<period>.parquet, and a period's
// earlier version kept beside it as <period>__v<n>.parquet (release asset names: src/github/release-names.ts).
import { join } from 'node:path';

/** The Parquet folder of an output folder: <output>/parquet. */
export const parquetDir = (outDir: string): string => join(outDir, 'parquet');

/** The current Parquet file of a table's period. */
export function parquetPath(outDir: string, table: string, period: string): string {
  return join(parquetDir(outDir), table, `${period}.parquet`);
}

/** An earlier version of a table's period, kept beside the current file. */
export function versionedParquetPath(outDir: string, table: string, period: string, version: number): string {
  return join(parquetDir(outDir), table, `${period}__v${version}.parquet`);
}
