// Older state.json failure entries hold only their error text; the pipeline now records `transient` (and the
// HTTP `status`) where the failure arose. Entries without `transient` get it on read, from the text rule, so a
// scheduled run retries them after the cool-down and nothing downstream reads the message (issue 20).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRetryable, transientRetryKeys } from '../src/action/transient.js';
import {
  failureFromText,
  isTransientError,
  migrateFailed,
  readState,
  writeState,
} from '../src/state/index.js';

const PAGE = 'https://digital.nhs.uk/pub/march-2026';

function stateFile(failed: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dw-state-')), 'state.json');
  writeFileSync(file, JSON.stringify({ processed: {}, failed }));
  return file;
}

describe('failure entries of older state files', () => {
  it('the text rule gives the typed fields', () => {
    expect(failureFromText(`GET ${PAGE} -> 503 Service Unavailable`)).toEqual({ transient: true });
    expect(failureFromText('GET https://x/y.csv -> 429')).toEqual({ transient: true });
    expect(failureFromText('GET https://x/y.csv -> network error while downloading: ETIMEDOUT')).toEqual({
      transient: true,
    });
    expect(failureFromText(`GET ${PAGE} -> 404 Not Found`)).toEqual({ transient: false, status: 404 });
    expect(failureFromText('cannot read https://x/y.xlsx: not a zip file')).toEqual({ transient: false });
    // a 404 is transient only for the item's own page (not published yet)
    expect(isTransientError(`GET ${PAGE} -> 404 Not Found`, PAGE)).toBe(true);
    expect(isTransientError('GET https://files/other.csv -> 404 Not Found', PAGE)).toBe(false);
    expect(isTransientError(`GET ${PAGE} -> 404 Not Found`)).toBe(false);
  });

  it('entries without `transient` get it on read; typed entries are kept as they are', () => {
    const file = stateFile({
      'a/2026-01': { failed_at: '2026-01-01T00:00:00Z', error: 'GET https://x/a.csv -> 502 Bad Gateway' },
      'b/2026-01': { failed_at: '2026-01-01T00:00:00Z', error: `GET ${PAGE} -> 404 Not Found`, note: 'kept' },
      'c/2026-01': { failed_at: '2026-01-01T00:00:00Z', error: 'no tables found' },
      'd/2026-01': 'GET https://x/d.csv -> socket hang up',
      // typed by the pipeline: its fields win over what the text would say
      'e/2026-01': {
        failed_at: '2026-01-01T00:00:00Z',
        error: 'GET x -> 503',
        transient: false,
        status: 503,
      },
      // a status recorded without `transient` is kept
      'f/2026-01': { failed_at: '2026-01-01T00:00:00Z', error: 'GET x -> 404', status: 410 },
    });
    const s = readState(file);
    expect({ ...s.failed['a/2026-01'] }).toEqual({
      failed_at: '2026-01-01T00:00:00Z',
      error: 'GET https://x/a.csv -> 502 Bad Gateway',
      transient: true,
    });
    expect({ ...s.failed['b/2026-01'] }).toMatchObject({ transient: false, status: 404, note: 'kept' });
    expect(s.failed['c/2026-01'].transient).toBe(false);
    expect(s.failed['c/2026-01']).not.toHaveProperty('status');
    expect({ ...s.failed['d/2026-01'] }).toMatchObject({
      failed_at: '1970-01-01T00:00:00.000Z',
      transient: true,
    });
    expect({ ...s.failed['e/2026-01'] }).toMatchObject({ transient: false, status: 503 });
    expect({ ...s.failed['f/2026-01'] }).toMatchObject({ transient: false, status: 410 });
    // no prototype: user-keyed lookups never reach Object.prototype
    expect(Object.getPrototypeOf(s.failed['a/2026-01'])).toBeNull();
    // written back with the fields
    writeState(file, s);
    const disk = JSON.parse(readFileSync(file, 'utf8')) as {
      failed: Record<string, { transient?: boolean }>;
    };
    expect(Object.values(disk.failed).map((f) => f.transient)).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
  });

  it('a scheduled run retries migrated entries after the cool-down, as the text rule said', () => {
    const file = stateFile({
      'a/2026-03': { failed_at: '2026-01-01T06:00:00Z', error: `GET ${PAGE} -> 404 Not Found` },
      'b/2026-03': { failed_at: '2026-01-01T06:00:00Z', error: `GET ${PAGE} -> 502 Bad Gateway` },
      'c/2026-03': { failed_at: '2026-01-01T06:00:00Z', error: 'GET https://files/x.csv -> 404 Not Found' },
      'd/2026-03': { failed_at: '2026-01-01T06:00:00Z', error: 'no tables found' },
      'e/2026-03': { failed_at: '2026-01-02T11:00:00Z', error: `GET ${PAGE} -> 503` },
    });
    const s = readState(file);
    const urls = new Map(Object.keys(s.failed).map((k) => [k, PAGE]));
    const now = new Date('2026-01-02T12:00:00Z');
    expect(transientRetryKeys(s, urls, 24, now)).toEqual(['a/2026-03', 'b/2026-03']);
    for (const [k, f] of Object.entries(s.failed))
      expect(isRetryable(f, PAGE), k).toBe(isTransientError(String(f.error), PAGE));
  });

  it('a text-only entry this process wrote, then removed, stays removed (the re-read migrated copy is the same)', () => {
    const file = stateFile({});
    const s = readState(file);
    s.failed['x/1'] = { failed_at: '2026-01-01T00:00:00Z', error: 'GET x -> 503' };
    writeState(file, s);
    delete s.failed['x/1'];
    writeState(file, s);
    expect(JSON.parse(readFileSync(file, 'utf8')).failed).toEqual({});
    expect(readState(file).failed).toEqual({});
  });

  it('migrateFailed leaves a typed entry alone and copies an untyped one', () => {
    const typed = { failed_at: 't', error: 'GET x -> 503', transient: false };
    expect(migrateFailed(typed)).toBe(typed);
    const old = { failed_at: 't', error: 'GET x -> 503' };
    expect(migrateFailed(old)).toMatchObject({ transient: true });
    expect(old).not.toHaveProperty('transient');
  });
});
