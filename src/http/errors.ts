// The HTTP client's failures as values: what failed (the URL, the status), whether retrying later may succeed
// (`transient`), and which limit refused a body. Decided here, where the failure happens; nothing downstream
// re-derives it from message text.

export class HttpError extends Error {
  status?: number;
  url: string;
  /** true when retrying later might succeed (429, 5xx, network error, timeout, too slow) */
  transient: boolean;
  /** which limit refused the body, if one did: 'size' (terminal) or 'throughput' (transient) */
  limit?: 'size' | 'throughput';

  constructor(
    message: string,
    opts: {
      url: string;
      status?: number;
      transient: boolean;
      cause?: unknown;
      limit?: 'size' | 'throughput';
    },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HttpError';
    this.url = opts.url;
    this.status = opts.status;
    this.transient = opts.transient;
    if (opts.limit) this.limit = opts.limit;
  }
}

export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

const STATUS_TEXT = new Map<number, string>([
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [408, 'Request Timeout'],
  [410, 'Gone'],
  [429, 'Too Many Requests'],
  [500, 'Internal Server Error'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
]);

export function statusLine(status: number): string {
  const text = STATUS_TEXT.get(status);
  return text ? `${status} ${text}` : String(status);
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${code ? `${code} ` : ''}${err.message}${cause}`;
  }
  return String(err);
}
