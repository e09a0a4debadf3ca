// One discover run: landing pages read, and with `write` (and no landing page failed) the new releases added to
// the config and what was learned recorded in state/monitor.json. The CLI (`datawarp discover`) and the action
// (`command: discover`) both run it and render its result their own way.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { addUrls, parseConfig, type Config } from '../config/index.js';
import type { HttpClient } from '../http/index.js';
import { manifestsRoot } from '../manifest/index.js';
import { readState } from '../state/index.js';
import { discover, type DiscoverResult, type PubDiscovery } from './discover.js';
import { monitorPathFor, readMonitor, serializeMonitor, writeMonitor } from './state.js';

export interface DiscoverRun {
  result: DiscoverResult;
  /** publications whose landing page failed */
  errors: PubDiscovery[];
  /** the config file was changed (only with write) */
  configChanged: boolean;
  monitorChanged: boolean;
  added: number;
}

/** Discover and, with `write` and no failed landing page, update the config and monitor.json. */
export async function runDiscover(o: {
  config: Config;
  statePath: string;
  cwd: string;
  http: HttpClient;
  now: () => Date;
  write: boolean;
  pub?: string;
  log?: (m: string) => void;
}): Promise<DiscoverRun> {
  const monitorPath = monitorPathFor(o.statePath);
  const before = readMonitor(monitorPath);
  const tmpDir = mkdtempSync(join(tmpdir(), 'dw-discover-'));
  let result: DiscoverResult;
  try {
    result = await discover(
      o.config,
      readState(o.statePath),
      before,
      { http: o.http, now: o.now, tmpDir, manifestsDir: manifestsRoot(o.cwd), log: o.log },
      { pub: o.pub },
    );
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  const errors = result.publications.filter((p) => p.error);
  const additions = result.publications.flatMap((p) => p.new.map((n) => ({ pub: p.pub, ...n })));
  const run: DiscoverRun = { result, errors, configChanged: false, monitorChanged: false, added: 0 };
  if (!o.write || errors.length) return run;
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
  return run;
}
