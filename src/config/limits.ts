// Limits against hostile or broken sources: the `limits:` block of publications.yaml, each also settable by an
// environment variable DATAWARP_<KEY IN UPPER CASE> (which wins over the file). Sizes may be written 4GiB,
// 500MB, 64 MiB, 1048576 (KB/MB/GB are powers of 1000, KiB/MiB/GiB powers of 1024); durations 60, 60s, 2m.
import { z } from 'zod';

export interface Limits {
  /** largest download (Content-Length or bytes streamed), bytes */
  maxDownloadBytes: number;
  /** largest inflated size of one zip member, bytes */
  maxMemberBytes: number;
  /** largest inflated:compressed ratio of a zip member ... */
  maxInflationRatio: number;
  /** ... checked once the member has inflated past this many bytes */
  inflationRatioAfterBytes: number;
  /** most members in one zip */
  maxZipMembers: number;
  /** most columns in one table */
  maxColumns: number;
  /** largest single cell, bytes */
  maxCellBytes: number;
  /** a download averaging fewer bytes per second than this over the window fails (0 = no minimum) */
  minDownloadBytesPerSecond: number;
  /** the window of that average, seconds */
  minDownloadWindowSeconds: number;
  /** heap of the child process that parses a workbook (SheetJS reads it whole), bytes */
  maxParserMemory: number;
  /** discover: the least time between two requests to one host (seconds; 0 = one at a time, no gap) */
  discoverGapSeconds: number;
}

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxDownloadBytes: 4 * GiB,
  maxMemberBytes: 16 * GiB,
  maxInflationRatio: 100,
  inflationRatioAfterBytes: 64 * MiB,
  maxZipMembers: 10_000,
  maxColumns: 1_600,
  maxCellBytes: 32 * MiB,
  minDownloadBytesPerSecond: 1 * KiB,
  minDownloadWindowSeconds: 60,
  maxParserMemory: 4 * GiB,
  discoverGapSeconds: 1,
});

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: KiB,
  mib: MiB,
  gib: GiB,
  tib: 1024 * GiB,
};

/** "4GiB", "500 MB", "1.5kB", 1048576 -> bytes; undefined when it is not a size. */
export function parseSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const m = v
    .trim()
    .replace(/_/g, '')
    .match(/^(\d+(?:\.\d+)?)\s*([a-z]*)(?:\/s)?$/i);
  if (!m) return undefined;
  const unit = UNITS[m[2].toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** 4294967296 -> "4 GiB", 10000 -> "9.8 KiB", 500 -> "500 bytes". */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 * GiB, 'TiB'],
    [GiB, 'GiB'],
    [MiB, 'MiB'],
    [KiB, 'KiB'],
  ];
  for (const [n, name] of units) {
    if (bytes >= n) return `${Number((bytes / n).toFixed(1))} ${name}`;
  }
  return `${bytes} bytes`;
}

/** 60, "60", "60s", "2m", "1h" -> seconds. */
function parseSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = v.trim().match(/^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?$/i);
  if (!m) return undefined;
  const mult = { s: 1, sec: 1, m: 60, min: 60, h: 3600 }[(m[2] ?? 's').toLowerCase()] ?? 1;
  return Number(m[1]) * mult;
}

/** 100, "100", "100:1" -> 100. */
function parseRatio(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = v.trim().match(/^(\d+(?:\.\d+)?)\s*(?::\s*1)?$/);
  return m ? Number(m[1]) : undefined;
}

const SIZE_HINT = 'must be a size such as 4GiB, 500MB or 1048576 (bytes)';

const size = (min: number) =>
  z.unknown().transform((v, ctx) => {
    const n = parseSize(v);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: SIZE_HINT });
      return z.NEVER;
    }
    if (n < min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${formatSize(min)}` });
      return z.NEVER;
    }
    return n;
  });

const count = (min: number) =>
  z.unknown().transform((v, ctx) => {
    const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number, at least ${min}` });
      return z.NEVER;
    }
    return n;
  });

const seconds = z.unknown().transform((v, ctx) => {
  const n = parseSeconds(v);
  if (n === undefined || n <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 60 (seconds), 60s or 2m' });
    return z.NEVER;
  }
  return n;
});

const gap = z.unknown().transform((v, ctx) => {
  const n = parseSeconds(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 1 (seconds), 0.5 or 2s' });
    return z.NEVER;
  }
  return n;
});

const ratio = z.unknown().transform((v, ctx) => {
  const n = parseRatio(v);
  if (n === undefined || n < 1) {
    ctx.addIssue({ code: 'custom', message: 'must be a ratio of at least 1, such as 100 or "100:1"' });
    return z.NEVER;
  }
  return n;
});

/** YAML key -> [Limits field, schema]. */
export const LIMIT_KEYS = {
  max_download_bytes: ['maxDownloadBytes', size(1)],
  max_member_bytes: ['maxMemberBytes', size(1)],
  max_inflation_ratio: ['maxInflationRatio', ratio],
  inflation_ratio_after_bytes: ['inflationRatioAfterBytes', size(0)],
  max_zip_members: ['maxZipMembers', count(1)],
  max_columns: ['maxColumns', count(1)],
  max_cell_bytes: ['maxCellBytes', size(1)],
  min_download_bytes_per_second: ['minDownloadBytesPerSecond', size(0)],
  min_download_window_seconds: ['minDownloadWindowSeconds', seconds],
  max_parser_memory: ['maxParserMemory', size(16 * MiB)],
  discover_gap_seconds: ['discoverGapSeconds', gap],
} as const satisfies Record<string, readonly [keyof Limits, z.ZodType<number>]>;

export type LimitKey = keyof typeof LIMIT_KEYS;

/** The `limits:` block: every key optional, unknown keys refused. */
export const limitsSchema = z
  .strictObject(
    Object.fromEntries(Object.entries(LIMIT_KEYS).map(([k, [, s]]) => [k, s.optional()])) as {
      [K in LimitKey]: z.ZodOptional<(typeof LIMIT_KEYS)[K][1]>;
    },
  )
  .optional();

export const envName = (key: LimitKey) => `DATAWARP_${key.toUpperCase()}`;

/**
 * The limits in force: defaults, then the file's `limits:` block (already validated), then the environment.
 * Problems with environment variables are returned as messages naming the variable.
 */
export function resolveLimits(
  fromFile: Partial<Record<LimitKey, number>> | undefined,
  env: NodeJS.ProcessEnv = {},
): { limits: Limits; problems: string[] } {
  const limits: Limits = { ...DEFAULT_LIMITS };
  const problems: string[] = [];
  for (const [key, [field, schema]] of Object.entries(LIMIT_KEYS) as [
    LimitKey,
    (typeof LIMIT_KEYS)[LimitKey],
  ][]) {
    const v = fromFile?.[key];
    if (v !== undefined) limits[field] = v;
    const name = envName(key);
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const r = (schema as z.ZodType<number>).safeParse(raw);
    if (r.success) limits[field] = r.data;
    else {
      const shown = raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
      problems.push(`${name}=${JSON.stringify(shown)}: ${r.error.issues[0]?.message ?? 'invalid'}`);
    }
  }
  return { limits, problems };
}
