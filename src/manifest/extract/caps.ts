// The limits extraction enforces (config `limits:`, DATAWARP_* variables): members per zip, inflated size and
// inflation ratio of a member — from the zip's directory before anything is inflated, and again while it
// inflates — and columns per table, before any column is named. A refused file fails its item, naming the cap.
import { DEFAULT_LIMITS, envName, formatSize, type LimitKey, type Limits } from '../../config/index.js';

export type ExtractLimits = Pick<
  Limits,
  | 'maxMemberBytes'
  | 'maxInflationRatio'
  | 'inflationRatioAfterBytes'
  | 'maxZipMembers'
  | 'maxColumns'
  | 'maxCellBytes'
  | 'maxParserMemory'
>;

export function extractLimits(l?: Partial<Limits>): ExtractLimits {
  return { ...DEFAULT_LIMITS, ...(l ?? {}) };
}

/** A source over one of the limits: terminal (the same file fails again until the limit is raised). */
export class LimitError extends Error {
  constructor(what: string, key: LimitKey, shown: string) {
    super(
      `${what}: over the limit ${key} (${shown}); if the file is genuine, raise limits.${key} in the config or ${envName(key)}`,
    );
    this.name = 'LimitError';
  }
}

const ratioText = (r: number) => `${Math.round(r).toLocaleString('en-GB')}:1`;

/** Refuse a member whose directory entry already says it is too big or inflates too far. */
export function checkMemberEntry(name: string, compressed: number, inflated: number, l: ExtractLimits): void {
  checkInflated(name, compressed, inflated, 'inflates to', l);
}

/** Size and ratio of a member that inflates (or says it inflates) to `inflated` bytes. */
function checkInflated(
  name: string,
  compressed: number,
  inflated: number,
  verb: string,
  l: ExtractLimits,
): void {
  if (inflated > l.maxMemberBytes)
    throw new LimitError(
      `zip member "${name}" ${verb} ${formatSize(inflated)}`,
      'max_member_bytes',
      formatSize(l.maxMemberBytes),
    );
  checkRatio(name, compressed, inflated, l);
}

function checkRatio(name: string, compressed: number, inflated: number, l: ExtractLimits): void {
  if (inflated <= l.inflationRatioAfterBytes) return;
  const ratio = inflated / Math.max(compressed, 1);
  if (ratio > l.maxInflationRatio)
    throw new LimitError(
      `zip member "${name}" inflates ${ratioText(ratio)} (${formatSize(compressed)} to ${formatSize(inflated)})`,
      'max_inflation_ratio',
      ratioText(l.maxInflationRatio),
    );
}

/** Count a member's bytes as they inflate; throws the moment a limit is passed (never after). Returns the bytes
 * counted so far. */
export function inflationGuard(
  name: string,
  compressed: number,
  l: ExtractLimits,
): (bytes: number) => number {
  let total = 0;
  return (bytes) => {
    total += bytes;
    checkInflated(name, compressed, total, 'inflated past', l);
    return total;
  };
}

export function checkMemberCount(file: string, count: number, l: ExtractLimits): void {
  if (count > l.maxZipMembers)
    throw new LimitError(
      `${file} has ${count.toLocaleString('en-GB')} members`,
      'max_zip_members',
      String(l.maxZipMembers),
    );
}

export function checkColumns(what: string, count: number, l: ExtractLimits): void {
  if (count > l.maxColumns)
    throw new LimitError(
      `${what} has ${count.toLocaleString('en-GB')} columns`,
      'max_columns',
      String(l.maxColumns),
    );
}
