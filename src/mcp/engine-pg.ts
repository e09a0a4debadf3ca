// PostgreSQL: queries run as a login role that has only SELECT on the readable objects, each on its own
// connection in a READ ONLY transaction that is always rolled back, with a statement and a lock timeout.
// DATAWARP_MCP_DATABASE_URL names such a role; without it the owner (DATABASE_URL) creates or refreshes
// `datawarp_mcp_reader_<database>` with a new random password at start-up and the server logs in as it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureSchema, openDb } from '../load/index.js';
import { describeTarget } from '../load/pg.js';
import {
  grantSql,
  jsonValue,
  QueryError,
  READER_ROLE,
  runStatement,
  transactionSettings,
  type QueryLimits,
  type QueryOutput,
  type ReadEngine,
  type SqlSession,
} from './engine.js';

/** A role name per database (roles are the cluster's, passwords too: two databases must not share one). */
export function readerRoleFor(database: string): string {
  const tail = database.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${READER_ROLE}_${tail}`.slice(0, 63);
}

/** The SQL an administrator runs once when DataWarp's owner may not create roles (README: "Ask it"). */
export function roleSetupSql(role: string): string[] {
  return [
    `CREATE ROLE "${role}" LOGIN PASSWORD '<choose one>' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT`,
    `ALTER ROLE "${role}" SET default_transaction_read_only = on`,
    ...grantSql(role),
  ];
}

/** Create or refresh the reader role with a fresh password and its grants; the reader's connection string. */
async function provisionReader(ownerUrl: string): Promise<string> {
  const db = await openDb({ databaseUrl: ownerUrl });
  try {
    await ensureSchema(db);
    const [{ current_database: name }] = await db.query<{ current_database: string }>(
      'SELECT current_database()',
    );
    const role = readerRoleFor(name);
    const password = randomBytes(24).toString('hex');
    const exists = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const opts = `LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION CONNECTION LIMIT 16`;
    await db.query(exists.length ? `ALTER ROLE "${role}" ${opts}` : `CREATE ROLE "${role}" ${opts}`);
    await db.query(`ALTER ROLE "${role}" SET default_transaction_read_only = on`);
    await db.query(`GRANT CONNECT ON DATABASE "${name.replace(/"/g, '""')}" TO "${role}"`);
    for (const sql of grantSql(role)) await db.query(sql);
    const url = new URL(ownerUrl);
    url.username = role;
    url.password = password;
    return url.toString();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '42501')
      throw new QueryError(
        'setup',
        `the database owner in DATABASE_URL may not create the read-only role (${(e as Error).message}). ` +
          `Have an administrator create it (README, "Ask it from an AI assistant") and set ` +
          `DATAWARP_MCP_DATABASE_URL to its connection string.`,
      );
    throw e;
  } finally {
    await db.close();
  }
}

/** Refuse a reader that could write: a superuser, or one that owns the tables. */
async function checkReader(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT r.rolsuper, has_schema_privilege(current_user, 'staging', 'CREATE') AS can_create
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    if (rows[0]?.rolsuper || rows[0]?.can_create)
      throw new QueryError(
        'setup',
        `DATAWARP_MCP_DATABASE_URL logs in as a role that can write (superuser or CREATE on staging): ` +
          `give it a role with SELECT only`,
      );
  } finally {
    await c.end();
  }
}

function session(c: pg.Client): SqlSession {
  return {
    async exec(sql, params) {
      // queryMode 'extended' (not in @types/pg): Parse/Bind/Execute, so the server accepts one statement only
      const config = { text: sql, values: params ?? [], rowMode: 'array', queryMode: 'extended' };
      const r = await c.query(config as pg.QueryArrayConfig);
      return { fields: (r.fields ?? []).map((f) => f.name), rows: (r.rows ?? []) as unknown[][] };
    },
  };
}

export async function openPgEngine(env: NodeJS.ProcessEnv): Promise<ReadEngine> {
  const given = env.DATAWARP_MCP_DATABASE_URL || undefined;
  const readerUrl = given ?? (await provisionReader(env.DATABASE_URL!));
  if (given) await checkReader(given);
  const target = describeTarget(readerUrl);
  const role = decodeURIComponent(new URL(readerUrl).username);
  return {
    kind: 'pg',
    describe: () => `PostgreSQL ${target} as the SELECT-only role ${role}`,
    async run(sql: string, params: unknown[], limits: QueryLimits): Promise<QueryOutput> {
      const c = new pg.Client({ connectionString: readerUrl, connectionTimeoutMillis: 15_000 });
      c.on('error', () => {});
      // belt and braces: a connection that outlives its statement timeout is dropped (the server rolls back)
      const guard = setTimeout(() => c.end().catch(() => {}), limits.timeoutMs + 10_000);
      try {
        await c.connect();
        await c.query('BEGIN READ ONLY');
        for (const s of transactionSettings(limits.timeoutMs)) await c.query(s);
        if (params.length) {
          const r = await session(c).exec(sql, params);
          return { columns: r.fields, rows: r.rows.map((row) => row.map(jsonValue)), cut: null };
        }
        return await runStatement(session(c), sql, limits);
      } finally {
        clearTimeout(guard);
        await c.query('ROLLBACK').catch(() => {});
        await c.end().catch(() => {});
      }
    },
    async close() {},
  };
}
