// Opening the database: a PostgreSQL server when a URL is given, else the embedded PGlite in a data folder.
// Apart from db.ts (the types and errors both adapters use) so that the adapters do not import their opener.
import { DEFAULT_PGLITE_DIR, type Db, type OpenDbOptions } from './db.js';

export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPg } = await import('./pg.js');
    return openPg(opts.databaseUrl);
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(opts.dataDir ?? DEFAULT_PGLITE_DIR);
}
