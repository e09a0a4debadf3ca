// One discover run: landing pages read, and with `write` the new releases added to the config and what was
// learned recorded in state/monitor.json. A landing page that failed learns nothing (it is reported, and the run
// exits 1), but does not hold back what the other pages gave: at catalogue scale one dead page must not block
// the other 299. The CLI (`datawarp discover`) and the action (`command: discover`) both run it and render its
// result their own way.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { addUrls, parseConfig, type Config } from '../config/index.js';
import type { HttpClient } from '../http/index.js';
import { manifestsRoot } from '../manifest/index.js';
import { readState } from '../state/index.js';
import { discover, type DiscoverResult, type PubDiscovery } from './discover.js';
import { carryDeferred, withCarriedChecks, type CarriedRelease } from './carry.js';
import type { PaceClock } from './pacer.js';
import {
  monitorPathFor,
  readMonitor,
  serializeFindings,
  serializeMonitor,
  writeMonitor,
  type MonitorState,
} from './state.js';

export interface DiscoverRun {
  result: DiscoverResult;
  /** publications whose landing page failed */
  errors: PubDiscovery[];
  /** releases of deferred pages that an earlier, unmerged run proposed: proposed again */
  carried: CarriedRelease[];
  /** the config file was changed (only with write) */
  configChanged: boolean;
  monitorChanged: boolean;
  /** new releases, or monitor.json changed in more than its "checked at" times: something to propose */
  findingsChanged: boolean;
  added: number;
}

export interface DiscoverRunOptions {
  config: Config;
  statePath: string;
  cwd: string;
  http: HttpClient;
  now: () => Date;
  write: boolean;
  pub?: string;
  log?: (m: string) => void;
  /** read at most this many landing pages (least recently checked first); default all */
  maxChecks?: number;
  /** start no page check after this many ms; default no limit */
  timeBudgetMs?: number;
  /** least time between two requests to one host, ms; default the config's limits.discover_gap_seconds */
  gapMs?: number;
  /** the pacing clock (tests) */
  clock?: PaceClock;
  /** an earlier run's monitor.json not merged yet (the action's datawarp/discover branch): see carry.ts */
  carried?: MonitorState;
}

/** Discover and, with `write`, update the config and monitor.json with what the pages that were read gave. */
export async function runDiscover(o: DiscoverRunOptions): Promise<DiscoverRun> {
  const monitorPath = monitorPathFor(o.statePath);
  const before = readMonitor(monitorPath);
  const baseline = withCarriedChecks(before, o.carried);
  const tmpDir = mkdtempSync(join(tmpdir(), 'dw-discover-'));
  let result: DiscoverResult;
  try {
    result = await discover(
      o.config,
      readState(o.statePath),
      baseline,
      {
        http: o.http,
        now: o.now,
        tmpDir,
        manifestsDir: manifestsRoot(o.cwd),
        log: o.log,
        ...(o.clock ? { clock: o.clock } : {}),
      },
      {
        pub: o.pub,
        maxChecks: o.maxChecks,
        timeBudgetMs: o.timeBudgetMs,
        gapMs: o.gapMs ?? o.config.limits.discoverGapSeconds * 1000,
      },
    );
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  const errors = result.publications.filter((p) => p.error);
  // a failed page learned nothing this run: like a deferred one, it keeps what an earlier run proposed
  const notRead = [...result.deferred.map((d) => d.pub), ...errors.map((p) => p.pub)];
  const carried = carryDeferred(o.config, result.monitor, before, o.carried, notRead);
  const additions = [
    ...result.publications.flatMap((p) => p.new.map((n) => ({ pub: p.pub, ...n }))),
    ...carried,
  ];
  const run: DiscoverRun = {
    result,
    errors,
    carried,
    configChanged: false,
    monitorChanged: false,
    findingsChanged: false,
    added: 0,
  };
  if (!o.write) return run;
  const text = readFileSync(o.config.file, 'utf8');
  const next = addUrls(text, additions);
  if (next !== text) {
    parseConfig(next, o.config.file, {}); // never write a config that would not load
    writeFileAtomic(o.config.file, next);
    run.configChanged = true;
    run.added = additions.length;
  }
  if (serializeMonitor(result.monitor) !== serializeMonitor(before)) {
    writeMonitor(monitorPath, result.monitor);
    run.monitorChanged = true;
  }
  run.findingsChanged = run.configChanged || serializeFindings(result.monitor) !== serializeFindings(before);
  return run;
}
