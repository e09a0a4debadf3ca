// An xlsx/xlsm on disk (a download, or a zip member inflated to a temp file): streamed when a sheet part is big
// (xlsx-stream.ts), the sheets the stream cannot settle and small workbooks read by the grid path (SheetJS in a
// child process with a capped heap, isolate.ts), whose crash or exhausted heap fails only its item.
import type { SourceFile } from '../../model.js';
import { LimitError, type ExtractLimits } from './caps.js';
import { mergePlan, streamPlan } from './xlsx-stream.js';
import { collectGarbage } from '../../gc.js';

/** Read the workbook of only these sheets (all when absent) by the grid path. */
export type GridReader = (sheets?: string[]) => Promise<SourceFile>;

export interface OpenedXlsx {
  file: SourceFile;
  /** some sheet streams from the workbook's file: it must stay on disk until its rows are read */
  streamed: boolean;
}

export async function openXlsx(
  path: string,
  limits: ExtractLimits,
  grid: GridReader,
  opts: { streamFrom?: number; member?: string } = {},
): Promise<OpenedXlsx> {
  const plan = await streamPlan(path, limits, opts.streamFrom, opts.member).catch((e: unknown) => {
    // a cap is the file's answer; anything else the stream cannot read, the grid path reads (or explains)
    if (e instanceof LimitError) throw e;
    return undefined;
  });
  if (!plan) return { file: await grid(), streamed: false };
  const fromGrid = plan.grid.length ? await grid(plan.grid) : undefined;
  if (plan.sheets.some(Boolean)) collectGarbage();
  return { file: mergePlan(plan, fromGrid), streamed: plan.sheets.some(Boolean) };
}
