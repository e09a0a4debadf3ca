// Tables as sources the loader reads in batches. Workbooks are read whole by SheetJS, so their tables are
// sources over rows already in memory; CSVs (plain or inside a zip) stream from disk.
import { createReadStream } from 'node:fs';
import type { ExtractedFile, ExtractedTable, RowBatch, SourceFile, TableSource } from '../../model.js';
import { readWorkbook } from './workbook.js';

/** A source over an extracted table's rows (the rows are not copied). */
export function inMemorySource(table: ExtractedTable): TableSource {
  return {
    spec: table.spec,
    sample: table.rows.slice(0, 5),
    async *batches(n: number): AsyncGenerator<RowBatch> {
      const types = table.spec.columns.map((c) => c.type);
      for (let i = 0; i < table.rows.length; i += n) {
        const flags = table.flags?.slice(i, i + n);
        yield {
          rows: table.rows.slice(i, i + n),
          sourceRows: table.sourceRows.slice(i, i + n),
          types,
          flags,
        };
      }
    },
  };
}

export function sourcesOf(x: ExtractedFile): SourceFile {
  return {
    tables: x.tables.map(inMemorySource),
    docs: x.docs,
    skipped: x.skipped,
    ...(x.legend ? { legend: x.legend } : {}),
  };
}

export function workbookSource(buf: Uint8Array, member?: string): SourceFile {
  return sourcesOf(readWorkbook(buf, member));
}

/** A file's bytes from disk, in large chunks. */
export function fileBytes(path: string): () => AsyncIterable<Uint8Array> {
  return () => createReadStream(path, { highWaterMark: 1 << 20 });
}
