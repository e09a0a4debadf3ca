// `datawarp init-state`: rebuild state.json. From the load ledger when the database has one; when the ledger is
// empty or the database unreachable, from the manifest store's completion records (written once an item's load
// committed: a manifest alone is written before the load and proves nothing). Failures are kept from the old file.
import { existsSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { ledgerRows, openDb } from '../load/index.js';
import { manifestStore, type ManifestStore } from '../manifest/index.js';
import { dbOptions, defaultPaths, type CliEnv } from '../runtime/index.js';
import { emptyState, itemKey, readState, replaceState, type State } from '../state/index.js';

type LedgerRow = Awaited<ReturnType<typeof ledgerRows>>[number];

/** The ledger's rows, or undefined when the database cannot be opened or read (with why). */
async function readLedger(ctx: CliEnv): Promise<{ rows?: LedgerRow[]; why?: string }> {
  let db;
  try {
    db = await openDb(dbOptions(ctx));
  } catch (e) {
    return { why: `the database is unreachable (${(e as Error).message})` };
  }
  try {
    return { rows: await ledgerRows(db) };
  } catch (e) {
    // a database DataWarp never loaded into has no ledger table: an empty ledger
    if (/does not exist/.test((e as Error).message)) return { rows: [] };
    return { why: `the load ledger cannot be read (${(e as Error).message})` };
  } finally {
    await db.close().catch(() => undefined);
  }
}

export async function runInitState(ctx: CliEnv, configPath: string, statePath: string): Promise<number> {
  const config = loadConfig(configPath, ctx.env);
  const ledger = await readLedger(ctx);
  const loaded = (ledger.rows ?? []).filter((r) => r.status === 'loaded');
  const fromLedger = loaded.length > 0;
  if (!fromLedger)
    ctx.io.err(
      `datawarp: ${ledger.why ?? 'the load ledger is empty'}; ` +
        'rebuilding from the completion records in the manifests\n',
    );
  const old = existsSync(statePath) ? readState(statePath) : emptyState();
  const state: State = emptyState();
  const store = manifestStore(defaultPaths(ctx.cwd).manifests); // local, else the manifests branch
  for (const pub of config.publications) {
    for (const u of pub.urls) {
      const key = itemKey(pub.code, u.period);
      const done = fromLedger
        ? fromLedgerRows(loaded, store, pub.code, u.period)
        : fromManifests(store, pub.code, u.period);
      if (done) state.processed[key] = done;
      else if (old.failed[key]) state.failed[key] = old.failed[key];
    }
  }
  replaceState(statePath, state); // a rebuild: what the ledger or the manifests say replaces the file (locked)
  ctx.io.out(
    `${statePath}: ${Object.keys(state.processed).length} processed, ${Object.keys(state.failed).length} failed` +
      ` (from the ${fromLedger ? 'load ledger' : 'manifests'})\n`,
  );
  return 0;
}

function fromLedgerRows(rows: LedgerRow[], store: ManifestStore, pub: string, period: string) {
  const mine = rows.filter((r) => r.pub === pub && r.period === period);
  if (!mine.length || !store.read(pub, period, 'enriched')) return undefined;
  const last = mine
    .map((r) => new Date(r.loaded_at).toISOString())
    .sort()
    .at(-1)!;
  return { completed_at: last, rows_loaded: mine.reduce((s, r) => s + Number(r.rows_loaded), 0) };
}

/** An item whose load completed, by its completion record; a manifest without one was never loaded whole. */
function fromManifests(store: ManifestStore, pub: string, period: string) {
  const done = store.read(pub, period, 'completed');
  if (!done || typeof done.completed_at !== 'string' || !Number.isFinite(Number(done.rows_loaded)))
    return undefined;
  return { completed_at: done.completed_at, rows_loaded: Number(done.rows_loaded) };
}
