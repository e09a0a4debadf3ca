// Test databases on both engines. PGlite: a copy of the template data dir made once by global-setup.
// Server: a fresh database per openTestDb() (CREATE DATABASE ... / DROP DATABASE ... WITH (FORCE)).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDb, type Db, type OpenDbOptions } from '../../src/load/index.js';

export type EngineKind = 'pg' | 'pglite';

export function testEngines(): EngineKind[] {
  const list = (process.env.DATAWARP_TEST_ENGINES ?? 'pg,pglite').split(',').map((s) => s.trim());
  return (['pg', 'pglite'] as const).filter((k) => list.includes(k));
}

export interface TestDb {
  readonly kind: EngineKind;
  /** how to open this database again (same PGlite dir / same server database), e.g. from a child process */
  readonly location: OpenDbOptions;
  db: Db;
  /** close and open again on the same storage */
  reopen(): Promise<Db>;
  /** close and destroy the storage */
  dispose(): Promise<void>;
}

let counter = 0;
function uniqueName(): string {
  return `dw_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}

async function adminQuery(sql: string): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (global-setup should have provided one)');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function storage(kind: EngineKind): Promise<{ location: OpenDbOptions; destroy(): Promise<void> }> {
  if (kind === 'pglite') {
    const template = process.env.DATAWARP_PGLITE_TEMPLATE;
    if (!template || !fs.existsSync(template)) {
      throw new Error(
        'DATAWARP_PGLITE_TEMPLATE is not set: run the tests through vitest (test/support/global-setup.ts)',
      );
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datawarp-pglite-'));
    const dataDir = path.join(dir, 'data');
    fs.cpSync(template, dataDir, { recursive: true });
    return {
      location: { dataDir },
      async destroy() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set (global-setup should have provided one)');
  const name = uniqueName();
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    location: { databaseUrl: url.toString() },
    async destroy() {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export async function openTestDb(kind: EngineKind): Promise<TestDb> {
  const store = await storage(kind);
  const t: TestDb = {
    kind,
    location: store.location,
    db: await openDb(store.location),
    async reopen() {
      await t.db.close();
      t.db = await openDb(store.location);
      return t.db;
    },
    async dispose() {
      await t.db.close();
      await store.destroy();
    },
  };
  return t;
}

/**
 * describe(`${name} [engine]`) once per engine; `ctx.db` is a fresh database for that describe block
 * (opened in beforeAll, destroyed in afterAll). Tests inside share it, so use distinct pubs/tables.
 */
export function forEachEngine(name: string, fn: (ctx: TestDb) => void): void {
  for (const kind of testEngines()) {
    describe(`${name} [${kind}]`, () => {
      let current: TestDb | undefined;
      const ctx: TestDb = {
        kind,
        get location() {
          return need().location;
        },
        get db() {
          return need().db;
        },
        set db(v: Db) {
          need().db = v;
        },
        reopen: () => need().reopen(),
        dispose: () => need().dispose(),
      };
      function need(): TestDb {
        if (!current) throw new Error('test database is not open yet (use it inside a test or hook)');
        return current;
      }
      beforeAll(async () => {
        current = await openTestDb(kind);
      });
      afterAll(async () => {
        await current?.dispose();
        current = undefined;
      });
      fn(ctx);
    });
  }
}
