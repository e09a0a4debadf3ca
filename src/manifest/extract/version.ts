// The extractor's version: bumped whenever the same file would load different values. The ledger records it per
// loaded table, and a table loaded by an older version is loaded again (`backfill --force` reprocesses the
// periods, the loader no longer skips their unchanged files), so periods loaded before a change converge.
//   1  (unrecorded) up to issue 9
//   2  numbers stay numbers (issue 9): symbols, flags, censored values and annotations in numeric columns load
//      as NULL or their number with the text in `_dw_flags`; `2.7%` loads as 0.027; a lone "Mean"/"Median"
//      over a header qualifies the table; overlapping same-header groups split; a lone short cell continuing a
//      column stays in its table
//   3  a workbook in the 1904 date system (`date1904`) loads its dates as written (they were 4 years and a day
//      early); big xlsx/xlsm stream (issue 22), the same values as before
//      and row kinds (issue 21): every row carries `_dw_row_kind` (detail / total / subtotal); rows loaded by an
//      older version hold NULL until their period is loaded again
export const EXTRACTOR_VERSION = '3';
