export const id = 668;
export const ids = [668,823];
export const modules = {

/***/ 4003:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ recordChunks),
/* harmony export */   _: () => (/* binding */ copyFileOptions)
/* harmony export */ });
/* harmony import */ var _ident_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(78470);

/** The WITH (...) of a COPY of the file into `columns` (empty fields are NULL in every column, quoted or not). */
function copyFileOptions(columns, f) {
    return [
        'FORMAT csv',
        `HEADER ${f.header}`,
        `DELIMITER '${f.delimiter === "'" ? "''" : f.delimiter}'`,
        `ENCODING '${f.encoding}'`,
        `FORCE_NULL (${columns.map(_ident_js__WEBPACK_IMPORTED_MODULE_0__/* .quoteIdent */ .v4).join(', ')})`,
    ].join(', ');
}
const QUOTE = 0x22;
/** The bytes in pieces of at least `minBytes` that each end where a record ends (a line break outside quotes),
 * so each piece is a whole CSV of its own; WIN1252 text comes out as UTF-8. */
async function* recordChunks(data, f, minBytes = 2 << 20) {
    const eol = f.newline === '\r' ? 0x0d : 0x0a;
    const win1252 = f.encoding === 'WIN1252' ? new TextDecoder('windows-1252') : undefined;
    let parts = [];
    let size = 0;
    const quotes = { inside: false };
    for await (const chunk of data) {
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        const end = lastRecordEnd(b, eol, quotes);
        if (end < 0 || size + end + 1 < minBytes) {
            parts.push(b);
            size += b.length;
            continue;
        }
        parts.push(b.subarray(0, end + 1));
        yield utf8(Buffer.concat(parts), win1252);
        parts = end + 1 < b.length ? [b.subarray(end + 1)] : [];
        size = b.length - end - 1;
    }
    if (size)
        yield utf8(Buffer.concat(parts), win1252);
}
/** Index of the last line break of `b` outside quotes, or -1; `quotes.inside` carries over between chunks (a ""
 * inside quotes closes and opens again, so it needs no special case). */
function lastRecordEnd(b, eol, quotes) {
    let end = -1;
    let i = 0;
    while (i < b.length) {
        const q = b.indexOf(QUOTE, i);
        if (quotes.inside) {
            if (q < 0)
                break;
            quotes.inside = false;
        }
        else {
            const stop = q < 0 ? b.length : q;
            const n = stop > i ? b.lastIndexOf(eol, stop - 1) : -1;
            if (n >= i)
                end = n;
            if (q < 0)
                break;
            quotes.inside = true;
        }
        i = q + 1;
    }
    return end;
}
function utf8(b, win1252) {
    // pieces end at line breaks, so no character is cut in two
    return win1252 ? Buffer.from(win1252.decode(b), 'utf8') : b;
}


/***/ }),

/***/ 74823:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ describeTarget),
/* harmony export */   openPg: () => (/* binding */ openPg)
/* harmony export */ });
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(83849);
/* harmony import */ var pg_copy_streams__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(26901);
/* harmony import */ var _db_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(35008);
/* harmony import */ var _ident_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(78470);
/* harmony import */ var _csv_file_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(4003);
// PostgreSQL server adapter: a pg Pool; COPY streamed through pg-copy-streams.







/** host:port/database of a connection string, never the credentials. */
function describeTarget(databaseUrl) {
    try {
        const u = new URL(databaseUrl);
        const socketHost = u.searchParams.get('host');
        const host = u.hostname || socketHost || 'localhost';
        const port = u.port || u.searchParams.get('port') || '5432';
        const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
        return `${host}:${port}${db ? `/${db}` : ''}`;
    }
    catch {
        return 'the configured DATABASE_URL';
    }
}
const CONNECTION_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'EPIPE',
    'ENOENT', // unix socket missing
    '57P03', // cannot_connect_now
    '53300', // too_many_connections
    '28P01', // invalid_password
    '28000', // invalid_authorization_specification
    '3D000', // invalid_catalog_name (database does not exist)
]);
function isConnectionError(err) {
    const e = err;
    if (!e)
        return false;
    if (e.code && CONNECTION_CODES.has(e.code))
        return true;
    return /timeout expired|Connection terminated|connect ECONN|getaddrinfo/i.test(e.message ?? '');
}
function reasonOf(err, databaseUrl) {
    const e = err;
    let msg = e?.message ||
        (Array.isArray(e?.errors) ? e.errors.map((x) => x.message).join('; ') : '') ||
        String(err);
    // Belt and braces: never echo a password that may appear inside a driver message.
    try {
        const pw = new URL(databaseUrl).password;
        if (pw)
            msg = msg.split(decodeURIComponent(pw)).join('***').split(pw).join('***');
    }
    catch {
        /* not a URL */
    }
    return e?.code && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}
async function connect(pool, databaseUrl, target) {
    try {
        const client = await pool.connect();
        // a connection lost mid-query surfaces as that query's error; the client's own 'error' event must not
        // crash the process (Unhandled 'error' event ... EPIPE)
        if (!client.listenerCount('error'))
            client.on('error', () => { });
        return client;
    }
    catch (err) {
        if (isConnectionError(err))
            throw new _db_js__WEBPACK_IMPORTED_MODULE_4__/* .DbUnavailableError */ .XU(target, reasonOf(err, databaseUrl), { cause: err });
        throw err;
    }
}
class PgTx {
    client;
    constructor(client) {
        this.client = client;
    }
    async query(sql, params) {
        const res = await this.client.query(sql, params);
        return (res.rows ?? []);
    }
    async copyCsv(table, columns, chunks) {
        const cols = columns.map(_ident_js__WEBPACK_IMPORTED_MODULE_5__/* .quoteIdent */ .v4).join(', ');
        const stream = this.client.query(pg_copy_streams__WEBPACK_IMPORTED_MODULE_3__.from(`COPY ${table} (${cols}) FROM STDIN WITH (FORMAT csv)`));
        // pipeline() honours the socket's backpressure and, if the chunk source throws, destroys the COPY
        // stream, which sends CopyFail so the server aborts the COPY (the caller then rolls back).
        await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_1__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.from(chunks, { objectMode: false }), stream);
        return stream.rowCount;
    }
    async copyFile(table, columns, format, data) {
        const cols = columns.map(_ident_js__WEBPACK_IMPORTED_MODULE_5__/* .quoteIdent */ .v4).join(', ');
        const sql = `COPY ${table} (${cols}) FROM STDIN WITH (${(0,_csv_file_js__WEBPACK_IMPORTED_MODULE_6__/* .copyFileOptions */ ._)(columns, format)})`;
        const stream = this.client.query(pg_copy_streams__WEBPACK_IMPORTED_MODULE_3__.from(sql));
        await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_1__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.from(data, { objectMode: false }), stream);
        return stream.rowCount;
    }
    async *copyOut(sql) {
        const stream = this.client.query(pg_copy_streams__WEBPACK_IMPORTED_MODULE_3__.to(sql));
        try {
            for await (const chunk of stream)
                yield chunk;
        }
        finally {
            stream.destroy();
        }
    }
}
async function openPg(databaseUrl) {
    const target = describeTarget(databaseUrl);
    const pool = new pg__WEBPACK_IMPORTED_MODULE_2__/* ["default"].Pool */ .Ay.Pool({
        connectionString: databaseUrl,
        max: 4,
        connectionTimeoutMillis: 15_000,
        idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process.
    pool.on('error', () => { });
    // Fail fast (and clearly) when the server is not there.
    const probe = await connect(pool, databaseUrl, target);
    probe.release();
    let closed = false;
    return {
        kind: 'pg',
        target,
        async query(sql, params) {
            const client = await connect(pool, databaseUrl, target);
            let broken;
            try {
                const res = await client.query(sql, params);
                return (res.rows ?? []);
            }
            catch (err) {
                if (isConnectionError(err))
                    broken = err;
                throw err;
            }
            finally {
                client.release(broken);
            }
        },
        async transaction(fn) {
            const client = await connect(pool, databaseUrl, target);
            let broken;
            try {
                await client.query('BEGIN');
                let result;
                try {
                    result = await fn(new PgTx(client));
                }
                catch (err) {
                    try {
                        await client.query('ROLLBACK');
                    }
                    catch (rbErr) {
                        broken = rbErr; // connection unusable: drop it rather than return it to the pool
                    }
                    throw err;
                }
                await client.query('COMMIT');
                return result;
            }
            catch (err) {
                if (!broken && isConnectionError(err))
                    broken = err;
                throw err;
            }
            finally {
                client.release(broken);
            }
        },
        async close() {
            if (closed)
                return;
            closed = true;
            await pool.end();
        },
    };
}


/***/ }),

/***/ 92668:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   openPgEngine: () => (/* binding */ openPgEngine)
/* harmony export */ });
/* unused harmony exports readerRoleFor, roleSetupSql */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83849);
/* harmony import */ var _load_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9249);
/* harmony import */ var _load_pg_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(74823);
/* harmony import */ var _engine_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(56612);
// PostgreSQL: queries run as a login role that has only SELECT on the readable objects, each on its own
// connection in a READ ONLY transaction that is always rolled back, with a statement and a lock timeout.
// DATAWARP_MCP_DATABASE_URL names such a role; without it the owner (DATABASE_URL) creates or refreshes
// `datawarp_mcp_reader_<database>` with a new random password at start-up and the server logs in as it.





/** A role name per database (roles are the cluster's, passwords too: two databases must not share one). */
function readerRoleFor(database) {
    const tail = database.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    return `${_engine_js__WEBPACK_IMPORTED_MODULE_4__/* .READER_ROLE */ .pn}_${tail}`.slice(0, 63);
}
/** The SQL an administrator runs once when DataWarp's owner may not create roles (README: "Ask it"). */
function roleSetupSql(role) {
    return [
        `CREATE ROLE "${role}" LOGIN PASSWORD '<choose one>' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT`,
        `ALTER ROLE "${role}" SET default_transaction_read_only = on`,
        ...grantSql(role),
    ];
}
/** Create or refresh the reader role with a fresh password and its grants; the reader's connection string. */
async function provisionReader(ownerUrl) {
    const db = await (0,_load_index_js__WEBPACK_IMPORTED_MODULE_2__/* .openDb */ .bI)({ databaseUrl: ownerUrl });
    try {
        await (0,_load_index_js__WEBPACK_IMPORTED_MODULE_2__/* .ensureSchema */ .K_)(db);
        const [{ current_database: name }] = await db.query('SELECT current_database()');
        const role = readerRoleFor(name);
        const password = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(24).toString('hex');
        const exists = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
        const opts = `LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION CONNECTION LIMIT 16`;
        await db.query(exists.length ? `ALTER ROLE "${role}" ${opts}` : `CREATE ROLE "${role}" ${opts}`);
        await db.query(`ALTER ROLE "${role}" SET default_transaction_read_only = on`);
        await db.query(`GRANT CONNECT ON DATABASE "${name.replace(/"/g, '""')}" TO "${role}"`);
        for (const sql of (0,_engine_js__WEBPACK_IMPORTED_MODULE_4__/* .grantSql */ .fi)(role))
            await db.query(sql);
        const url = new URL(ownerUrl);
        url.username = role;
        url.password = password;
        return url.toString();
    }
    catch (e) {
        const code = e.code;
        if (code === '42501')
            throw new _engine_js__WEBPACK_IMPORTED_MODULE_4__/* .QueryError */ .lr('setup', `the database owner in DATABASE_URL may not create the read-only role (${e.message}). ` +
                `Have an administrator create it (README, "Ask it from an AI assistant") and set ` +
                `DATAWARP_MCP_DATABASE_URL to its connection string.`);
        throw e;
    }
    finally {
        await db.close();
    }
}
/** Refuse a reader that could write: a superuser, or one that owns the tables. */
async function checkReader(url) {
    const c = new pg__WEBPACK_IMPORTED_MODULE_1__/* ["default"].Client */ .Ay.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
    await c.connect();
    try {
        const { rows } = await c.query(`SELECT r.rolsuper, has_schema_privilege(current_user, 'staging', 'CREATE') AS can_create
         FROM pg_roles r WHERE r.rolname = current_user`);
        if (rows[0]?.rolsuper || rows[0]?.can_create)
            throw new _engine_js__WEBPACK_IMPORTED_MODULE_4__/* .QueryError */ .lr('setup', `DATAWARP_MCP_DATABASE_URL logs in as a role that can write (superuser or CREATE on staging): ` +
                `give it a role with SELECT only`);
    }
    finally {
        await c.end();
    }
}
function session(c) {
    return {
        async exec(sql, params) {
            // queryMode 'extended' (not in @types/pg): Parse/Bind/Execute, so the server accepts one statement only
            const config = { text: sql, values: params ?? [], rowMode: 'array', queryMode: 'extended' };
            const r = await c.query(config);
            return { fields: (r.fields ?? []).map((f) => f.name), rows: (r.rows ?? []) };
        },
    };
}
async function openPgEngine(env) {
    const given = env.DATAWARP_MCP_DATABASE_URL || undefined;
    const readerUrl = given ?? (await provisionReader(env.DATABASE_URL));
    if (given)
        await checkReader(given);
    const target = (0,_load_pg_js__WEBPACK_IMPORTED_MODULE_3__/* .describeTarget */ .f)(readerUrl);
    const role = decodeURIComponent(new URL(readerUrl).username);
    return {
        kind: 'pg',
        describe: () => `PostgreSQL ${target} as the SELECT-only role ${role}`,
        async run(sql, params, limits) {
            const c = new pg__WEBPACK_IMPORTED_MODULE_1__/* ["default"].Client */ .Ay.Client({ connectionString: readerUrl, connectionTimeoutMillis: 15_000 });
            c.on('error', () => { });
            // belt and braces: a connection that outlives its statement timeout is dropped (the server rolls back)
            const guard = setTimeout(() => c.end().catch(() => { }), limits.timeoutMs + 10_000);
            try {
                await c.connect();
                await c.query('BEGIN READ ONLY');
                for (const s of (0,_engine_js__WEBPACK_IMPORTED_MODULE_4__/* .transactionSettings */ .AG)(limits.timeoutMs))
                    await c.query(s);
                if (params.length) {
                    const r = await session(c).exec(sql, params);
                    return { columns: r.fields, rows: r.rows.map((row) => row.map(_engine_js__WEBPACK_IMPORTED_MODULE_4__/* .jsonValue */ .IL)), cut: null };
                }
                return await (0,_engine_js__WEBPACK_IMPORTED_MODULE_4__/* .runStatement */ .nk)(session(c), sql, limits);
            }
            finally {
                clearTimeout(guard);
                await c.query('ROLLBACK').catch(() => { });
                await c.end().catch(() => { });
            }
        },
        async close() { },
    };
}


/***/ })

};
