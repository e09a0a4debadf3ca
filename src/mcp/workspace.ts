// What `datawarp mcp` reads besides the database: the config, state, catalog, manifests and monitor state of
// the workspace, read again on every call (a backfill may have changed them), and the ledger and versions
// through the read-only engine. Fields other stages add later (row kinds, reconciliation, drift) are read
// when present and left out when not.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadConfig, type Config } from '../config/index.js';
import { readCatalog, type Catalog } from '../export/index.js';
import { ledgerEntries, listVersions, type Db, type ItemVersion, type LedgerEntry } from '../load/index.js';
import { isEnrichedFileName, manifestsRoot, publicationsDir } from '../manifest/index.js';
import type { EnrichedManifest } from '../model.js';
import { monitorPathFor, pubFreshness, readMonitor } from '../monitor/index.js';
import { readState, type State } from '../state/index.js';
import type { ReadEngine } from './engine.js';

export interface WorkspacePaths {
  cwd: string;
  configPath: string;
  statePath: string;
}

export type { LedgerEntry };

/** Changes when a backfill has written the catalog (the PGlite engine then takes a new snapshot). */
export function catalogGeneration(cwd: string): string {
  try {
    const s = statSync(join(cwd, 'output', 'catalog.json'));
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'none';
  }
}

/** Limits of DataWarp's own queries (not the caller's): large, so metadata is never cut. */
const INTERNAL = { maxRows: 1_000_000, maxBytes: 256 * 1024 * 1024, timeoutMs: 60_000 };

export class Workspace {
  constructor(
    readonly paths: WorkspacePaths,
    readonly engine: ReadEngine,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get catalogPath(): string {
    return join(this.paths.cwd, 'output', 'catalog.json');
  }

  config(): Config | undefined {
    if (!existsSync(this.paths.configPath)) return undefined;
    return loadConfig(this.paths.configPath, this.env);
  }

  state(): State {
    return readState(this.paths.statePath);
  }

  catalog(): Catalog {
    return readCatalog(this.catalogPath);
  }

  now(): Date {
    const fixed = this.env.DATAWARP_NOW ? new Date(this.env.DATAWARP_NOW) : undefined;
    return fixed && !Number.isNaN(fixed.getTime()) ? fixed : new Date();
  }

  /** freshness per publication, from state/monitor.json and the config */
  freshness(config: Config | undefined): Map<string, ReturnType<typeof pubFreshness>> {
    const out = new Map<string, ReturnType<typeof pubFreshness>>();
    if (!config) return out;
    const monitor = readMonitor(monitorPathFor(this.paths.statePath));
    for (const p of config.publications)
      out.set(p.code, pubFreshness(p, monitor.publications[p.code], this.now()));
    return out;
  }

  /** every enriched manifest under manifests/backfill/<pub>/ */
  manifests(): EnrichedManifest[] {
    const dir = publicationsDir(manifestsRoot(this.paths.cwd));
    if (!existsSync(dir)) return [];
    const out: EnrichedManifest[] = [];
    for (const pub of readdirSync(dir).sort()) {
      const sub = join(dir, pub);
      if (!statSync(sub).isDirectory()) continue;
      for (const f of readdirSync(sub).filter(isEnrichedFileName).sort())
        out.push(YAML.parse(readFileSync(join(sub, f), 'utf8')) as EnrichedManifest);
    }
    return out;
  }

  /** rows of DataWarp's own SQL, as objects */
  async select(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    const r = await this.engine.run(sql, params, INTERNAL);
    return r.rows.map((row) => {
      const o: Record<string, unknown> = Object.create(null);
      r.columns.forEach((c, i) => (o[c] = row[i]));
      return o;
    });
  }

  /** src/load's own queries run through the read-only engine (only `query`: nothing here can write) */
  private readOnly(): Pick<Db, 'query'> {
    return { query: (sql: string, params?: unknown[]) => this.select(sql, params) } as Pick<Db, 'query'>;
  }

  async ledger(): Promise<LedgerEntry[]> {
    return ledgerEntries(this.readOnly());
  }

  async versions(filter: { pub?: string; period?: string } = {}): Promise<ItemVersion[]> {
    return listVersions(this.readOnly(), filter);
  }

  /** columns of a staging table as the database has them (name, type) */
  async columns(table: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.select(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'staging' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
  }
}
