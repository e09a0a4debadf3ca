// The open drift of a CLI backfill recorded in state/monitor.json (the action records it with its issues:
// src/action/drift.ts), so that `datawarp status` and the next run see it.
import type { Config } from '../config/index.js';
import type { DriftReport } from '../model.js';
import { readMonitor, writeMonitor } from '../monitor/index.js';
import { emptyPub } from '../monitor/state.js';
import { driftDecisions, nextRecord, type OpenDrift } from './drift.js';

/** Applies a run's drift to monitor.json; returns the records set (an OpenDrift) or cleared (null). */
export function recordDrift(
  monitorPath: string,
  config: Config,
  outcomes: { pub: string; period: string; status: string; drift?: DriftReport }[],
  now: Date,
): Map<string, OpenDrift | null> {
  const m = readMonitor(monitorPath);
  const current = (pub: string) =>
    Object.hasOwn(m.publications, pub) ? (m.publications[pub] as { drift?: OpenDrift }).drift : undefined;
  const configured = (pub: string) => !!config.publications.find((p) => p.code === pub)?.referenceManifest;
  const out = new Map<string, OpenDrift | null>();
  for (const [pub, d] of driftDecisions(outcomes, configured, current)) {
    const next = nextRecord(d, current(pub), now);
    if (next === undefined) continue;
    out.set(pub, next);
    if (!Object.hasOwn(m.publications, pub)) m.publications[pub] = emptyPub();
    const p = m.publications[pub] as { drift?: OpenDrift };
    if (next === null) delete p.drift;
    else p.drift = next;
  }
  if (out.size) writeMonitor(monitorPath, m);
  return out;
}
