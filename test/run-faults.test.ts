// Which failures stop the run (the database went away: exit 2, the item stays pending) and which are the item's
// (an HTTP request failed, even with the same socket error codes).
import { expect, it } from 'vitest';
import { HttpError } from '../src/http/index.js';
import { DbUnavailableError, LoadError, lostConnection } from '../src/load/index.js';

const sock = (code: string) => Object.assign(new Error(`write ${code}`), { code });

it('a lost database connection is a fault of the run, wherever it is wrapped', () => {
  expect(lostConnection(new LoadError('https://x/f.csv', { table: 't' }, sock('ECONNRESET')))).toBe(true);
  expect(
    lostConnection(
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ),
  ).toBe(true);
  expect(lostConnection(new Error('Connection terminated unexpectedly'))).toBe(true);
  expect(lostConnection(new DbUnavailableError('127.0.0.1:5432/x', 'refused'))).toBe(true);
});

it('an HTTP request that fails with the same socket errors is the item fault, not the database', () => {
  const http = (code: string) =>
    new HttpError(`GET https://x/page -> network error: ${code}`, {
      url: 'https://x/page',
      transient: true,
      cause: sock(code),
    });
  expect(lostConnection(http('ECONNREFUSED'))).toBe(false);
  expect(lostConnection(http('ECONNRESET'))).toBe(false);
  expect(lostConnection(new Error('cannot read https://x/f.zip', { cause: http('EPIPE') }))).toBe(false);
  expect(
    lostConnection(Object.assign(new Error('invalid input syntax for type bigint'), { code: '22P02' })),
  ).toBe(false);
});
