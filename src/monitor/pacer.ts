// Per-host manners for a discover run over hundreds of landing pages: one request at a time per host (FIFO), and
// at least `gapMs` between the end of one request to a host and the start of the next (limits.
// discover_gap_seconds, `--gap-seconds`, the action's `discover-gap-seconds`). Different hosts proceed in parallel.
// The clock is passed in, so tests pace without sleeping for real.
import type { DownloadOptions, HttpClient, TextOptions } from '../http/index.js';

export interface PaceClock {
  /** monotonic milliseconds */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: PaceClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
};

export interface HostPacer {
  /** runs `fn` in the slot of `url`'s host, once the previous request to that host ended `gapMs` ago */
  run<T>(url: string, fn: () => Promise<T>): Promise<T>;
}

/** The host (with port) of a URL: the unit of politeness. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url; // the client refuses it; no slot is worth sharing
  }
}

export function hostPacer(gapMs: number, clock: PaceClock = realClock): HostPacer {
  const tails = new Map<string, Promise<void>>();
  const lastEnd = new Map<string, number>();
  return {
    async run<T>(url: string, fn: () => Promise<T>): Promise<T> {
      const key = hostOf(url);
      const prev = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      const tail = prev.then(() => mine);
      tails.set(key, tail);
      await prev;
      try {
        const ended = lastEnd.get(key);
        // timers may fire a fraction early: wait until the clock says the gap has passed
        if (ended !== undefined)
          for (let wait = ended + gapMs - clock.now(); wait > 0; wait = ended + gapMs - clock.now())
            await clock.sleep(Math.ceil(wait));
        return await fn();
      } finally {
        lastEnd.set(key, clock.now());
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}

/** `http` with every request run in its host's slot. */
export function pacedClient(http: HttpClient, pacer: HostPacer): HttpClient {
  return {
    getText: (url: string, opts?: TextOptions) => pacer.run(url, () => http.getText(url, opts)),
    download: (url: string, dest: string, opts?: DownloadOptions) =>
      pacer.run(url, () => http.download(url, dest, opts)),
  };
}
