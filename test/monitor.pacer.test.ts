// The per-host pacer on an injected clock (nothing sleeps for real): one task per host at a time in arrival
// order, the gap measured from the end of one to the start of the next, hosts independent; and the HTTP
// client's conditional getText against a page on 127.0.0.1 (validators sent, 304 reported, not an error).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../src/http/index.js';
import { hostPacer, type PaceClock } from '../src/monitor/index.js';

function fakeClock() {
  let t = 0;
  const clock: PaceClock = {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
  return { clock, advance: (ms: number) => (t += ms), now: () => t };
}

describe('hostPacer', () => {
  it('serialises one host with the gap after each end; another host does not wait', async () => {
    const c = fakeClock();
    const pacer = hostPacer(100, c.clock);
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string, takes: number) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`${name} start ${c.now()}`);
      await Promise.resolve();
      c.advance(takes);
      log.push(`${name} end ${c.now()}`);
      running--;
    };
    await Promise.all([
      pacer.run('http://a.example/1', task('a1', 30)),
      pacer.run('http://a.example/2', task('a2', 10)),
      pacer.run('http://b.example/1', task('b1', 5)),
      pacer.run('http://A.EXAMPLE/3', task('a3', 0)),
    ]);
    const at = (name: string, what: string) =>
      Number(log.find((l) => l.startsWith(`${name} ${what}`))!.split(' ')[2]);
    expect(at('a2', 'start') - at('a1', 'end')).toBeGreaterThanOrEqual(100);
    expect(at('a3', 'start') - at('a2', 'end')).toBeGreaterThanOrEqual(100);
    expect(at('b1', 'start')).toBeLessThanOrEqual(30); // b1 never waited for a's gap
    expect(at('b1', 'start')).toBeLessThan(at('a2', 'start'));
    expect(log.filter((l) => l.startsWith('a')).map((l) => l.split(' ')[0])).toEqual([
      'a1',
      'a1',
      'a2',
      'a2',
      'a3',
      'a3',
    ]);
    expect(most).toBeLessThanOrEqual(2); // a and b together, never two of a
  });

  it('a task that throws still frees its host, and the gap still follows it', async () => {
    const c = fakeClock();
    const pacer = hostPacer(50, c.clock);
    await expect(
      pacer.run('http://a.example/x', async () => {
        c.advance(10);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const start = c.now();
    let began = -1;
    await pacer.run('http://a.example/y', async () => void (began = c.now()));
    expect(began - start).toBe(50);
  });
});

describe('conditional getText', () => {
  it('sends If-None-Match / If-Modified-Since and reports a 304 as not modified', async () => {
    const seen: Record<string, string | undefined>[] = [];
    const server = createServer((req, res) => {
      seen.push({ inm: req.headers['if-none-match'], ims: req.headers['if-modified-since'] });
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' }).end('<p>hi</p>');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
    try {
      const http = createHttpClient({ retries: 0 });
      const first = await http.getText(url);
      expect(first).toMatchObject({ status: 200, text: '<p>hi</p>' });
      expect(first.notModified).toBeUndefined();
      expect(first.headers.etag).toBe('"v1"');
      const again = await http.getText(url, {
        ifNoneMatch: '"v1"',
        ifModifiedSince: 'Wed, 01 Jan 2025 00:00:00 GMT',
      });
      expect(again).toMatchObject({ status: 304, notModified: true, text: '' });
      const changed = await http.getText(url, { ifNoneMatch: '"v0"' });
      expect(changed).toMatchObject({ status: 200, text: '<p>hi</p>' });
      expect(seen).toEqual([
        { inm: undefined, ims: undefined },
        { inm: '"v1"', ims: 'Wed, 01 Jan 2025 00:00:00 GMT' },
        { inm: '"v0"', ims: undefined },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
