import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  mergeStates,
  readState,
  recordFailed,
  recordProcessed,
  StateError,
  writeState,
} from '../src/state/index.js';

describe('state', () => {
  it('round-trips the seed shape and writes atomically (no temp files left)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-state-'));
    const file = join(dir, 'state', 'state.json');
    const s = readState(file);
    expect(s).toEqual({ processed: {}, failed: {} });
    recordFailed(s, 'adhd/2025-05', { failed_at: '2026-01-17T11:00:00.000Z', error: '404 Not Found' });
    recordProcessed(s, 'adhd/2025-05', { completed_at: '2026-01-17T12:00:00.000Z', rows_loaded: 1304 });
    writeState(file, s);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      processed: { 'adhd/2025-05': { completed_at: '2026-01-17T12:00:00.000Z', rows_loaded: 1304 } },
      failed: {},
    });
    expect(readdirSync(join(dir, 'state'))).toEqual(['state.json']);
  });

  it('latest outcome wins: a failure removes the processed entry', () => {
    const s = readState('/nonexistent/state.json');
    recordProcessed(s, 'a/2025-01', { completed_at: 't', rows_loaded: 1 });
    recordFailed(s, 'a/2025-01', { failed_at: 't2', error: 'x' });
    expect(s.processed).toEqual({});
    expect(Object.keys(s.failed)).toEqual(['a/2025-01']);
  });

  it('a broken state file is an error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-state-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"processed": ');
    expect(() => readState(file)).toThrow(StateError);
    expect(() => readState(file)).toThrow(new RegExp(`${file}: not valid JSON`));
  });

  it('merges by key, newest timestamp wins, each key in exactly one section', () => {
    const a = {
      processed: { 'x/1': { completed_at: '2026-01-01T00:00:00Z', rows_loaded: 5 } },
      failed: { 'y/1': { failed_at: '2026-01-03T00:00:00Z', error: 'e' } },
    };
    const b = {
      processed: {
        'y/1': { completed_at: '2026-01-02T00:00:00Z', rows_loaded: 7 },
        'z/1': { completed_at: '2026-01-02T00:00:00Z', rows_loaded: 1 },
      },
      failed: { 'x/1': { failed_at: '2026-01-04T00:00:00Z', error: 'later' } },
    };
    const m = mergeStates(a, b);
    expect(Object.keys(m.processed).sort()).toEqual(['z/1']);
    expect(Object.keys(m.failed).sort()).toEqual(['x/1', 'y/1']);
    expect(m.failed['x/1'].error).toBe('later');
  });
});
