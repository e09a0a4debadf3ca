// Progress and messages for a terminal (a redrawn bar) or a log (throttled lines).
import type { Reporter } from '../pipeline/backfill.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
}

export function bar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function human(n: number, label: string): string {
  if (label.startsWith('download')) {
    if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
    if (n >= 1e3) return `${(n / 1e3).toFixed(0)} KB`;
    return `${n} B`;
  }
  return `${n.toLocaleString('en-GB')} rows`;
}

export function createReporter(io: Io, now: () => number = Date.now): Reporter {
  const last = new Map<string, number>();
  let drawn = false;
  const clear = () => {
    if (drawn) io.err('\r\x1b[2K');
    drawn = false;
  };
  return {
    info: (msg) => {
      clear();
      io.out(`${msg}\n`);
    },
    warn: (msg) => {
      clear();
      io.err(`${msg}\n`);
    },
    progress: (label, done, total) => {
      const line = total
        ? `  ${label} ${bar(done, total)} ${human(done, label)} / ${human(total, label)}`
        : `  ${label} ${human(done, label)}`;
      if (io.isTTY) {
        io.err(`\r\x1b[2K${line}`);
        drawn = true;
        return;
      }
      const t = now();
      if (t - (last.get(label) ?? 0) >= 2000) {
        last.set(label, t);
        io.err(`${line}\n`);
      }
    },
    done: (label) => {
      last.delete(label);
      clear();
    },
  };
}
